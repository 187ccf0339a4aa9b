// ACL operations: CreateAcls, DescribeAcls, DeleteAcls.
#include <string>

#include "admin_operations.h"
#include "admin_request.h"
#include "kafka_error.h"

namespace rdkafka_napi {

namespace {

using AclBindings = SharedArray<rd_kafka_AclBinding_t, rd_kafka_AclBinding_destroy>;

// {resourceType, resourceName, patternType, principal, host, operation,
// permissionType}: numbers are librdkafka's enum values, names may be null
// in filters.
rd_kafka_AclBinding_t* AclFromJs(Napi::Env env, Napi::Object spec, bool filter, const char* what) {
  auto text = [&](const char* key, std::string& storage) -> const char* {
    Napi::Value value = spec.Get(key);
    if (!value.IsString()) return nullptr;
    storage = value.As<Napi::String>().Utf8Value();
    return storage.c_str();
  };
  auto number = [&](const char* key) { return spec.Get(key).As<Napi::Number>().Int32Value(); };
  std::string name, principal, host;
  char errstr[512] = "";
  auto restype = static_cast<rd_kafka_ResourceType_t>(number("resourceType"));
  auto pattern = static_cast<rd_kafka_ResourcePatternType_t>(number("patternType"));
  auto operation = static_cast<rd_kafka_AclOperation_t>(number("operation"));
  auto permission = static_cast<rd_kafka_AclPermissionType_t>(number("permissionType"));
  const char* name_ptr = text("resourceName", name);
  const char* principal_ptr = text("principal", principal);
  const char* host_ptr = text("host", host);
  rd_kafka_AclBinding_t* acl = filter
                                   ? rd_kafka_AclBindingFilter_new(restype, name_ptr, pattern, principal_ptr, host_ptr,
                                                                   operation, permission, errstr, sizeof(errstr))
                                   : rd_kafka_AclBinding_new(restype, name_ptr, pattern, principal_ptr, host_ptr,
                                                             operation, permission, errstr, sizeof(errstr));
  if (acl == nullptr) ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, std::string(what) + ": " + errstr);
  return acl;
}

PlainValue PlainAcl(const rd_kafka_AclBinding_t* acl) {
  PlainValue plain = PlainValue::Object();
  plain.Set("resourceType", PlainValue::Number(rd_kafka_AclBinding_restype(acl)))
      .Set("resourceName", PlainValue::String(rd_kafka_AclBinding_name(acl)))
      .Set("patternType", PlainValue::Number(rd_kafka_AclBinding_resource_pattern_type(acl)))
      .Set("principal", PlainValue::String(rd_kafka_AclBinding_principal(acl)))
      .Set("host", PlainValue::String(rd_kafka_AclBinding_host(acl)))
      .Set("operation", PlainValue::Number(rd_kafka_AclBinding_operation(acl)))
      .Set("permissionType", PlainValue::Number(rd_kafka_AclBinding_permission_type(acl)));
  return plain;
}

}  // namespace

// CreateAcls([binding], options) -> [{error}] in the order given
Napi::Value AdminCreateAcls(const Napi::CallbackInfo& info, SharedHandle owner) {
  Napi::Array specs = info[0].As<Napi::Array>();
  AclBindings acls = MakeSharedArray<rd_kafka_AclBinding_t, rd_kafka_AclBinding_destroy>();
  for (uint32_t i = 0; i < specs.Length(); i++) {
    acls->Add(AclFromJs(info.Env(), specs.Get(i).As<Napi::Object>(), false, "createAcls"));
  }
  return RunAdminRequest(
      info.Env(), std::move(owner), "createAcls", RD_KAFKA_ADMIN_OP_CREATEACLS, AdminRequestOptionsFromJs(info[1]),
      [acls](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_CreateAcls(rk, acls->data(), acls->size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_acl_result_t** results =
            rd_kafka_CreateAcls_result_acls(rd_kafka_event_CreateAcls_result(event), &count);
        PlainValue list = PlainValue::Array();
        for (size_t i = 0; i < count; i++) {
          PlainValue entry = PlainValue::Object();
          entry.Set("error", PlainValue::Error(rd_kafka_acl_result_error(results[i])));
          list.Push(std::move(entry));
        }
        return list;
      });
}

// DescribeAcls(filter, options) -> [binding]
Napi::Value AdminDescribeAcls(const Napi::CallbackInfo& info, SharedHandle owner) {
  AclBindings filter = MakeSharedArray<rd_kafka_AclBinding_t, rd_kafka_AclBinding_destroy>();
  filter->Add(AclFromJs(info.Env(), info[0].As<Napi::Object>(), true, "describeAcls"));
  return RunAdminRequest(
      info.Env(), std::move(owner), "describeAcls", RD_KAFKA_ADMIN_OP_DESCRIBEACLS, AdminRequestOptionsFromJs(info[1]),
      [filter](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_DescribeAcls(rk, filter->back(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_AclBinding_t** acls =
            rd_kafka_DescribeAcls_result_acls(rd_kafka_event_DescribeAcls_result(event), &count);
        PlainValue list = PlainValue::Array();
        for (size_t i = 0; i < count; i++) list.Push(PlainAcl(acls[i]));
        return list;
      });
}

// DeleteAcls([filter], options) -> [{error, matchingAcls}] in the order given
Napi::Value AdminDeleteAcls(const Napi::CallbackInfo& info, SharedHandle owner) {
  Napi::Array specs = info[0].As<Napi::Array>();
  AclBindings filters = MakeSharedArray<rd_kafka_AclBinding_t, rd_kafka_AclBinding_destroy>();
  for (uint32_t i = 0; i < specs.Length(); i++) {
    filters->Add(AclFromJs(info.Env(), specs.Get(i).As<Napi::Object>(), true, "deleteAcls"));
  }
  return RunAdminRequest(
      info.Env(), std::move(owner), "deleteAcls", RD_KAFKA_ADMIN_OP_DELETEACLS, AdminRequestOptionsFromJs(info[1]),
      [filters](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_DeleteAcls(rk, filters->data(), filters->size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_DeleteAcls_result_response_t** responses =
            rd_kafka_DeleteAcls_result_responses(rd_kafka_event_DeleteAcls_result(event), &count);
        PlainValue list = PlainValue::Array();
        for (size_t i = 0; i < count; i++) {
          size_t matching_count = 0;
          const rd_kafka_AclBinding_t** matching =
              rd_kafka_DeleteAcls_result_response_matching_acls(responses[i], &matching_count);
          PlainValue acls = PlainValue::Array();
          for (size_t m = 0; m < matching_count; m++) acls.Push(PlainAcl(matching[m]));
          PlainValue entry = PlainValue::Object();
          entry.Set("error", PlainValue::Error(rd_kafka_DeleteAcls_result_response_error(responses[i])))
              .Set("matchingAcls", std::move(acls));
          list.Push(std::move(entry));
        }
        return list;
      });
}

}  // namespace rdkafka_napi
