#include "library_info.h"

#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <cstdlib>

#include "rdkafka_handles.h"

namespace rdkafka_napi {

namespace {

// librdkafka prints its property table (CONFIGURATION.md's format) to a FILE.
Napi::Value ConfigurationTable(const Napi::CallbackInfo& info) {
  char* text = nullptr;
  size_t size = 0;
  FILE* stream = open_memstream(&text, &size);
  if (stream == nullptr) throw Napi::Error::New(info.Env(), "open_memstream failed");
  rd_kafka_conf_properties_show(stream);
  fclose(stream);
  Napi::String table = Napi::String::New(info.Env(), text, size);
  free(text);
  return table;
}

Napi::Value ErrorTable(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const rd_kafka_err_desc* descriptions = nullptr;
  size_t count = 0;
  rd_kafka_get_err_descs(&descriptions, &count);
  Napi::Array table = Napi::Array::New(env);
  for (size_t i = 0; i < count; i++) {
    if (descriptions[i].name == nullptr) continue;  // gaps in the code range
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("code", Napi::Number::New(env, descriptions[i].code));
    entry.Set("name", Napi::String::New(env, descriptions[i].name));
    entry.Set("description", Napi::String::New(env, descriptions[i].desc ? descriptions[i].desc : ""));
    table.Set(table.Length(), entry);
  }
  return table;
}

Napi::Value BuiltinFeatures(const Napi::CallbackInfo& info) {
  ConfPtr conf(rd_kafka_conf_new());
  char value[512];
  size_t size = sizeof(value);
  if (rd_kafka_conf_get(conf.get(), "builtin.features", value, &size) != RD_KAFKA_CONF_OK) value[0] = '\0';
  return Napi::String::New(info.Env(), value);
}

Napi::Value ErrorName(const Napi::CallbackInfo& info) {
  return Napi::String::New(
      info.Env(), rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(info[0].As<Napi::Number>().Int32Value())));
}

}  // namespace

void RegisterLibraryInfo(Napi::Env env, Napi::Object exports) {
  exports.Set("librdkafkaVersion", Napi::String::New(env, rd_kafka_version_str()));
  exports.Set("librdkafkaVersionNumber", Napi::Number::New(env, rd_kafka_version()));
  exports.Set("configurationTable", Napi::Function::New(env, ConfigurationTable, "configurationTable"));
  exports.Set("errorTable", Napi::Function::New(env, ErrorTable, "errorTable"));
  exports.Set("builtinFeatures", Napi::Function::New(env, BuiltinFeatures, "builtinFeatures"));
  exports.Set("errorName", Napi::Function::New(env, ErrorName, "errorName"));
}

}  // namespace rdkafka_napi
