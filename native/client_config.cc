#include "client_config.h"

#include "kafka_error.h"

namespace rdkafka_napi {

ConfPtr BuildConf(Napi::Env env, Napi::Object entries) {
  ConfPtr conf(rd_kafka_conf_new());
  Napi::Array keys = entries.GetPropertyNames();
  char errstr[512];
  for (uint32_t i = 0; i < keys.Length(); i++) {
    std::string key = keys.Get(i).As<Napi::String>().Utf8Value();
    Napi::Value raw = entries.Get(key);
    if (!raw.IsString()) {
      throw Napi::TypeError::New(env, "Config value for \"" + key + "\" must be prepared as a string");
    }
    std::string value = raw.As<Napi::String>().Utf8Value();
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, "Invalid configuration \"" + key + "\": " + errstr,
                      ErrorFlags{false, 0, false});
    }
  }
  return conf;
}

}  // namespace rdkafka_napi
