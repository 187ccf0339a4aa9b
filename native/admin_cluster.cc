// Cluster-wide operations: DescribeCluster, DescribeUserScramCredentials,
// AlterUserScramCredentials.
#include <string>

#include "admin_operations.h"
#include "admin_request.h"
#include "kafka_error.h"

namespace rdkafka_napi {

// DescribeCluster({includeAuthorizedOperations?, ...}) -> {clusterId, controller, nodes, authorizedOperations}
Napi::Value AdminDescribeCluster(const Napi::CallbackInfo& info, SharedHandle owner) {
#if RD_KAFKA_VERSION >= 0x02030000
  return RunAdminRequest(
      info.Env(), std::move(owner), "describeCluster", RD_KAFKA_ADMIN_OP_DESCRIBECLUSTER,
      AdminRequestOptionsFromJs(info[0]),
      [](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_DescribeCluster(rk, options, queue);
      },
      [](rd_kafka_event_t* event) {
        const rd_kafka_DescribeCluster_result_t* result = rd_kafka_event_DescribeCluster_result(event);
        size_t count = 0;
        const rd_kafka_Node_t** nodes = rd_kafka_DescribeCluster_result_nodes(result, &count);
        PlainValue plain_nodes = PlainValue::Array();
        for (size_t i = 0; i < count; i++) plain_nodes.Push(PlainNode(nodes[i]));
        size_t operation_count = 0;
        const rd_kafka_AclOperation_t* operations =
            rd_kafka_DescribeCluster_result_authorized_operations(result, &operation_count);
        PlainValue plain_operations = PlainValue::Null();
        if (operations != nullptr) {
          plain_operations = PlainValue::Array();
          for (size_t o = 0; o < operation_count; o++) plain_operations.Push(PlainValue::Number(operations[o]));
        }
        PlainValue reply = PlainValue::Object();
        reply.Set("clusterId", PlainValue::String(rd_kafka_DescribeCluster_result_cluster_id(result)))
            .Set("controller", PlainNode(rd_kafka_DescribeCluster_result_controller(result)))
            .Set("nodes", std::move(plain_nodes))
            .Set("authorizedOperations", std::move(plain_operations));
        return reply;
      });
#else
  ThrowUnsupportedAdminFeature(info.Env(), "describeCluster (DescribeCluster)", "2.3.0");
#endif
}

// DescribeUserScramCredentials([user] (empty: every user), options)
Napi::Value AdminDescribeUserScramCredentials(const Napi::CallbackInfo& info, SharedHandle owner) {
#if RD_KAFKA_VERSION >= 0x02020000
  auto users = std::make_shared<std::vector<std::string>>(StringsFromJs(info[0]));
  return RunAdminRequest(
      info.Env(), std::move(owner), "describeUserScramCredentials", RD_KAFKA_ADMIN_OP_DESCRIBEUSERSCRAMCREDENTIALS,
      AdminRequestOptionsFromJs(info[1]),
      [users](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        std::vector<const char*> pointers;
        for (const std::string& user : *users) pointers.push_back(user.c_str());
        rd_kafka_DescribeUserScramCredentials(rk, pointers.data(), pointers.size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_UserScramCredentialsDescription_t** descriptions =
            rd_kafka_DescribeUserScramCredentials_result_descriptions(
                rd_kafka_event_DescribeUserScramCredentials_result(event), &count);
        PlainValue list = PlainValue::Array();
        for (size_t i = 0; i < count; i++) {
          PlainValue credentials = PlainValue::Array();
          size_t info_count = rd_kafka_UserScramCredentialsDescription_scramcredentialinfo_count(descriptions[i]);
          for (size_t c = 0; c < info_count; c++) {
            const rd_kafka_ScramCredentialInfo_t* credential =
                rd_kafka_UserScramCredentialsDescription_scramcredentialinfo(descriptions[i], c);
            PlainValue plain = PlainValue::Object();
            plain.Set("mechanism", PlainValue::Number(rd_kafka_ScramCredentialInfo_mechanism(credential)))
                .Set("iterations", PlainValue::Number(rd_kafka_ScramCredentialInfo_iterations(credential)));
            credentials.Push(std::move(plain));
          }
          PlainValue entry = PlainValue::Object();
          entry.Set("user", PlainValue::String(rd_kafka_UserScramCredentialsDescription_user(descriptions[i])))
              .Set("error", PlainValue::Error(rd_kafka_UserScramCredentialsDescription_error(descriptions[i])))
              .Set("credentials", std::move(credentials));
          list.Push(std::move(entry));
        }
        return list;
      });
#else
  ThrowUnsupportedAdminFeature(info.Env(), "describeUserScramCredentials (DescribeUserScramCredentials)", "2.2.0");
#endif
}

// AlterUserScramCredentials([{user, mechanism, iterations?, password?: Buffer, salt?: Buffer}], options):
// with a password an upsertion, without one a deletion.
Napi::Value AdminAlterUserScramCredentials(const Napi::CallbackInfo& info, SharedHandle owner) {
#if RD_KAFKA_VERSION >= 0x02020000
  using Alterations =
      SharedArray<rd_kafka_UserScramCredentialAlteration_t, rd_kafka_UserScramCredentialAlteration_destroy>;
  Napi::Array specs = info[0].As<Napi::Array>();
  Alterations alterations =
      MakeSharedArray<rd_kafka_UserScramCredentialAlteration_t, rd_kafka_UserScramCredentialAlteration_destroy>();
  for (uint32_t i = 0; i < specs.Length(); i++) {
    Napi::Object spec = specs.Get(i).As<Napi::Object>();
    std::string user = spec.Get("user").As<Napi::String>().Utf8Value();
    auto mechanism = static_cast<rd_kafka_ScramMechanism_t>(spec.Get("mechanism").As<Napi::Number>().Int32Value());
    Napi::Value password = spec.Get("password");
    if (password.IsBuffer()) {
      Napi::Buffer<unsigned char> password_bytes = password.As<Napi::Buffer<unsigned char>>();
      Napi::Value salt = spec.Get("salt");
      const unsigned char* salt_data = nullptr;
      size_t salt_size = 0;
      if (salt.IsBuffer()) {
        salt_data = salt.As<Napi::Buffer<unsigned char>>().Data();
        salt_size = salt.As<Napi::Buffer<unsigned char>>().Length();
      }
      // Copies password and salt.
      alterations->Add(rd_kafka_UserScramCredentialUpsertion_new(
          user.c_str(), mechanism, spec.Get("iterations").As<Napi::Number>().Int32Value(), password_bytes.Data(),
          password_bytes.Length(), salt_data, salt_size));
    } else {
      alterations->Add(rd_kafka_UserScramCredentialDeletion_new(user.c_str(), mechanism));
    }
  }
  return RunAdminRequest(
      info.Env(), std::move(owner), "alterUserScramCredentials", RD_KAFKA_ADMIN_OP_ALTERUSERSCRAMCREDENTIALS,
      AdminRequestOptionsFromJs(info[1]),
      [alterations](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_AlterUserScramCredentials(rk, alterations->data(), alterations->size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_AlterUserScramCredentials_result_response_t** responses =
            rd_kafka_AlterUserScramCredentials_result_responses(rd_kafka_event_AlterUserScramCredentials_result(event),
                                                                &count);
        PlainValue list = PlainValue::Array();
        for (size_t i = 0; i < count; i++) {
          PlainValue entry = PlainValue::Object();
          entry.Set("user", PlainValue::String(rd_kafka_AlterUserScramCredentials_result_response_user(responses[i])))
              .Set("error", PlainValue::Error(rd_kafka_AlterUserScramCredentials_result_response_error(responses[i])));
          list.Push(std::move(entry));
        }
        return list;
      });
#else
  ThrowUnsupportedAdminFeature(info.Env(), "alterUserScramCredentials (AlterUserScramCredentials)", "2.2.0");
#endif
}

}  // namespace rdkafka_napi
