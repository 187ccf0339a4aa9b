// Native side of MockCluster: librdkafka's in-process mock Kafka cluster,
// speaking the real protocol on 127.0.0.1, with its fault-injection levers.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <napi.h>

namespace rdkafka_napi {

class MockCluster : public Napi::ObjectWrap<MockCluster> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new NativeMockCluster(brokerCount)
  explicit MockCluster(const Napi::CallbackInfo& info);
  ~MockCluster() override;

 private:
  Napi::Value JsBootstrapServers(const Napi::CallbackInfo& info);
  Napi::Value JsCreateTopic(const Napi::CallbackInfo& info);
  Napi::Value JsPushRequestErrors(const Napi::CallbackInfo& info);
  Napi::Value JsClearRequestErrors(const Napi::CallbackInfo& info);
  Napi::Value JsSetBrokerDown(const Napi::CallbackInfo& info);
  Napi::Value JsSetBrokerUp(const Napi::CallbackInfo& info);
  Napi::Value JsSetBrokerRtt(const Napi::CallbackInfo& info);
  Napi::Value JsSetPartitionLeader(const Napi::CallbackInfo& info);
  Napi::Value JsSetTopicError(const Napi::CallbackInfo& info);
  Napi::Value JsClose(const Napi::CallbackInfo& info);

  rd_kafka_mock_cluster_t* Cluster(Napi::Env env);
  void CheckResult(Napi::Env env, rd_kafka_resp_err_t err, const char* what);
  void DestroyNow();
  static void OnEnvCleanup(void* self);

  // librdkafka hosts a mock cluster inside a client handle of its own.
  rd_kafka_t* host_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

}  // namespace rdkafka_napi
