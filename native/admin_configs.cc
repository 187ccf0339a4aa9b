// Config operations: DescribeConfigs, AlterConfigs, IncrementalAlterConfigs.
#include <string>

#include "admin_operations.h"
#include "admin_request.h"
#include "kafka_error.h"

namespace rdkafka_napi {

namespace {

using ConfigResources = SharedArray<rd_kafka_ConfigResource_t, rd_kafka_ConfigResource_destroy>;

rd_kafka_ConfigResource_t* NewResource(Napi::Object spec) {
  return rd_kafka_ConfigResource_new(
      static_cast<rd_kafka_ResourceType_t>(spec.Get("resourceType").As<Napi::Number>().Int32Value()),
      spec.Get("resourceName").As<Napi::String>().Utf8Value().c_str());
}

PlainValue PlainEntry(const rd_kafka_ConfigEntry_t* entry, bool with_synonyms) {
  PlainValue plain = PlainValue::Object();
  plain.Set("name", PlainValue::String(rd_kafka_ConfigEntry_name(entry)))
      .Set("value", PlainValue::String(rd_kafka_ConfigEntry_value(entry)))
      .Set("source", PlainValue::Number(rd_kafka_ConfigEntry_source(entry)))
      .Set("isReadOnly", PlainValue::Bool(rd_kafka_ConfigEntry_is_read_only(entry)))
      .Set("isDefault", PlainValue::Bool(rd_kafka_ConfigEntry_is_default(entry)))
      .Set("isSensitive", PlainValue::Bool(rd_kafka_ConfigEntry_is_sensitive(entry)));
  if (with_synonyms) {
    size_t count = 0;
    const rd_kafka_ConfigEntry_t** synonyms = rd_kafka_ConfigEntry_synonyms(entry, &count);
    PlainValue list = PlainValue::Array();
    for (size_t i = 0; i < count; i++) list.Push(PlainEntry(synonyms[i], false));
    plain.Set("synonyms", std::move(list));
  }
  return plain;
}

PlainValue PlainResources(const rd_kafka_ConfigResource_t** resources, size_t count, const char* what,
                          bool with_entries) {
  PlainValue results = PlainValue::Array();
  for (size_t i = 0; i < count; i++) {
    const rd_kafka_ConfigResource_t* resource = resources[i];
    rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(resource);
    const char* text = rd_kafka_ConfigResource_error_string(resource);
    const char* name = rd_kafka_ConfigResource_name(resource);
    PlainValue entry = PlainValue::Object();
    entry.Set("resourceType", PlainValue::Number(rd_kafka_ConfigResource_type(resource)))
        .Set("resourceName", PlainValue::String(name))
        .Set("error", PlainValue::Error(err, std::string(what) + " " +
                                                 rd_kafka_ResourceType_name(rd_kafka_ConfigResource_type(resource)) +
                                                 " " + name + ": " + (text && *text ? text : rd_kafka_err2str(err))));
    if (with_entries) {
      size_t entry_count = 0;
      const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(resource, &entry_count);
      PlainValue list = PlainValue::Array();
      for (size_t e = 0; e < entry_count; e++) list.Push(PlainEntry(entries[e], true));
      entry.Set("configs", std::move(list));
    }
    results.Push(std::move(entry));
  }
  return results;
}

}  // namespace

// DescribeConfigs([{resourceType, resourceName}], options)
Napi::Value AdminDescribeConfigs(const Napi::CallbackInfo& info, SharedHandle owner) {
  Napi::Array specs = info[0].As<Napi::Array>();
  ConfigResources resources = MakeSharedArray<rd_kafka_ConfigResource_t, rd_kafka_ConfigResource_destroy>();
  for (uint32_t i = 0; i < specs.Length(); i++) resources->Add(NewResource(specs.Get(i).As<Napi::Object>()));
  return RunAdminRequest(
      info.Env(), std::move(owner), "describeConfigs", RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS,
      AdminRequestOptionsFromJs(info[1]),
      [resources](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_DescribeConfigs(rk, resources->data(), resources->size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_ConfigResource_t** results =
            rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event), &count);
        return PlainResources(results, count, "describeConfigs", true);
      });
}

// AlterConfigs([{resourceType, resourceName, configs: [[name, value]]}], options):
// replaces the resource's whole dynamic config.
Napi::Value AdminAlterConfigs(const Napi::CallbackInfo& info, SharedHandle owner) {
  Napi::Env env = info.Env();
  Napi::Array specs = info[0].As<Napi::Array>();
  ConfigResources resources = MakeSharedArray<rd_kafka_ConfigResource_t, rd_kafka_ConfigResource_destroy>();
  for (uint32_t i = 0; i < specs.Length(); i++) {
    Napi::Object spec = specs.Get(i).As<Napi::Object>();
    resources->Add(NewResource(spec));
    Napi::Array pairs = spec.Get("configs").As<Napi::Array>();
    for (uint32_t k = 0; k < pairs.Length(); k++) {
      Napi::Array pair = pairs.Get(k).As<Napi::Array>();
      std::string name = pair.Get(0u).As<Napi::String>().Utf8Value();
      std::string value = pair.Get(1u).As<Napi::String>().Utf8Value();
      if (rd_kafka_ConfigResource_set_config(resources->back(), name.c_str(), value.c_str())) {
        ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, "alterConfigs: cannot set " + name);
      }
    }
  }
  return RunAdminRequest(
      env, std::move(owner), "alterConfigs", RD_KAFKA_ADMIN_OP_ALTERCONFIGS, AdminRequestOptionsFromJs(info[1]),
      [resources](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_AlterConfigs(rk, resources->data(), resources->size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_ConfigResource_t** results =
            rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(event), &count);
        return PlainResources(results, count, "alterConfigs", false);
      });
}

// IncrementalAlterConfigs([{resourceType, resourceName, configs: [[name, opType, value|null]]}], options)
Napi::Value AdminIncrementalAlterConfigs(const Napi::CallbackInfo& info, SharedHandle owner) {
  Napi::Env env = info.Env();
#if RD_KAFKA_VERSION >= 0x02020000
  Napi::Array specs = info[0].As<Napi::Array>();
  ConfigResources resources = MakeSharedArray<rd_kafka_ConfigResource_t, rd_kafka_ConfigResource_destroy>();
  for (uint32_t i = 0; i < specs.Length(); i++) {
    Napi::Object spec = specs.Get(i).As<Napi::Object>();
    resources->Add(NewResource(spec));
    Napi::Array changes = spec.Get("configs").As<Napi::Array>();
    for (uint32_t k = 0; k < changes.Length(); k++) {
      Napi::Array change = changes.Get(k).As<Napi::Array>();
      std::string name = change.Get(0u).As<Napi::String>().Utf8Value();
      auto op = static_cast<rd_kafka_AlterConfigOpType_t>(change.Get(1u).As<Napi::Number>().Int32Value());
      Napi::Value raw_value = change.Get(2u);
      std::string value = raw_value.IsString() ? raw_value.As<Napi::String>().Utf8Value() : std::string();
      ErrorPtr error(rd_kafka_ConfigResource_add_incremental_config(resources->back(), name.c_str(), op,
                                                                    raw_value.IsString() ? value.c_str() : nullptr));
      if (error) {
        ThrowKafkaError(env, rd_kafka_error_code(error.get()),
                        "incrementalAlterConfigs " + name + ": " + rd_kafka_error_string(error.get()));
      }
    }
  }
  return RunAdminRequest(
      env, std::move(owner), "incrementalAlterConfigs", RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS,
      AdminRequestOptionsFromJs(info[1]),
      [resources](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_IncrementalAlterConfigs(rk, resources->data(), resources->size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_ConfigResource_t** results = rd_kafka_IncrementalAlterConfigs_result_resources(
            rd_kafka_event_IncrementalAlterConfigs_result(event), &count);
        return PlainResources(results, count, "incrementalAlterConfigs", false);
      });
#else
  ThrowUnsupportedAdminFeature(env, "incrementalAlterConfigs (IncrementalAlterConfigs)", "2.2.0");
#endif
}

}  // namespace rdkafka_napi
