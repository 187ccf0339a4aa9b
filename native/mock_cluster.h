// Native side of MockCluster: librdkafka's in-process mock Kafka cluster,
// speaking the real protocol on 127.0.0.1, with its fault-injection levers.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <napi.h>

#include <memory>

#include "closables.h"
#include "rdkafka_handles.h"

namespace rdkafka_napi {

struct MockClusterDeleter {
  void operator()(rd_kafka_mock_cluster_t* cluster) const { rd_kafka_mock_cluster_destroy(cluster); }
};
using MockClusterPtr = std::unique_ptr<rd_kafka_mock_cluster_t, MockClusterDeleter>;

class MockCluster : public Napi::ObjectWrap<MockCluster>, public Closable {
 public:
  static Napi::Function Define(Napi::Env env);

  // new NativeMockCluster(brokerCount, groupInitialRebalanceDelayMs)
  explicit MockCluster(const Napi::CallbackInfo& info);
  ~MockCluster() override { DestroyNow(); }

  // After the clients (ClosableRegistry::Order), which may be talking to it.
  void CloseAtTeardown() override { DestroyNow(); }

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

  // librdkafka hosts a mock cluster inside a client handle of its own; the
  // cluster goes first.
  HandlePtr host_;
  MockClusterPtr cluster_;
};

}  // namespace rdkafka_napi
