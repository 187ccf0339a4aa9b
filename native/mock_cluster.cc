#include "mock_cluster.h"

#include <string>
#include <vector>

#include "kafka_error.h"
#include "off_thread.h"
#include "rdkafka_handles.h"

namespace rdkafka_napi {

Napi::Function MockCluster::Define(Napi::Env env) {
  return DefineClass(env, "NativeMockCluster",
                     {
                         InstanceMethod<&MockCluster::JsBootstrapServers>("bootstrapServers"),
                         InstanceMethod<&MockCluster::JsCreateTopic>("createTopic"),
                         InstanceMethod<&MockCluster::JsPushRequestErrors>("pushRequestErrors"),
                         InstanceMethod<&MockCluster::JsClearRequestErrors>("clearRequestErrors"),
                         InstanceMethod<&MockCluster::JsSetBrokerDown>("setBrokerDown"),
                         InstanceMethod<&MockCluster::JsSetBrokerUp>("setBrokerUp"),
                         InstanceMethod<&MockCluster::JsSetBrokerRtt>("setBrokerRtt"),
                         InstanceMethod<&MockCluster::JsSetPartitionLeader>("setPartitionLeader"),
                         InstanceMethod<&MockCluster::JsSetTopicError>("setTopicError"),
                         InstanceMethod<&MockCluster::JsClose>("close"),
                     });
}

MockCluster::MockCluster(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MockCluster>(info) {
  Napi::Env env = info.Env();
  int broker_count = info[0].As<Napi::Number>().Int32Value();
  ConfPtr conf(rd_kafka_conf_new());
  char errstr[512];
  // The host handle never talks to anyone; keep its logs quiet.
  rd_kafka_conf_set(conf.get(), "log_level", "0", errstr, sizeof(errstr));
  host_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof(errstr)));
  if (!host_) ThrowKafkaError(env, RD_KAFKA_RESP_ERR__FAIL, std::string("Cannot start mock cluster: ") + errstr);
  conf.release();  // rd_kafka_new took it
  cluster_.reset(rd_kafka_mock_cluster_new(host_.get(), broker_count));
  if (!cluster_) {
    host_.reset();
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__FAIL,
                    "Cannot start mock cluster: no listener could be opened on 127.0.0.1");
  }
#if RD_KAFKA_VERSION >= 0x020e0000
  rd_kafka_mock_group_initial_rebalance_delay_ms(cluster_.get(), info[1].As<Napi::Number>().Int32Value());
#endif
  Track(env, ClosableRegistry::Order::kMockCluster);
}

rd_kafka_mock_cluster_t* MockCluster::Cluster(Napi::Env env) {
  if (!cluster_) ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE, "MockCluster is closed");
  return cluster_.get();
}

void MockCluster::CheckResult(Napi::Env env, rd_kafka_resp_err_t err, const char* what) {
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    ThrowKafkaError(env, err, std::string("MockCluster ") + what + " failed: " + rd_kafka_err2str(err));
  }
}

Napi::Value MockCluster::JsBootstrapServers(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), rd_kafka_mock_cluster_bootstraps(Cluster(info.Env())));
}

// createTopic(name, partitions, replicationFactor)
Napi::Value MockCluster::JsCreateTopic(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  CheckResult(env,
              rd_kafka_mock_topic_create(Cluster(env), name.c_str(), info[1].As<Napi::Number>().Int32Value(),
                                         info[2].As<Napi::Number>().Int32Value()),
              "createTopic");
  return env.Undefined();
}

// pushRequestErrors(apiKey, errorCodes[], brokerId?, rttMs?) — with a broker id the
// errors are bound to that broker, each with the given round-trip time.
Napi::Value MockCluster::JsPushRequestErrors(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int16_t api_key = static_cast<int16_t>(info[0].As<Napi::Number>().Int32Value());
  Napi::Array codes = info[1].As<Napi::Array>();
  std::vector<rd_kafka_resp_err_t> errors;
  for (uint32_t i = 0; i < codes.Length(); i++) {
    errors.push_back(static_cast<rd_kafka_resp_err_t>(codes.Get(i).As<Napi::Number>().Int32Value()));
  }
  if (info.Length() > 2 && info[2].IsNumber()) {
    int32_t broker_id = info[2].As<Napi::Number>().Int32Value();
    int rtt_ms = info.Length() > 3 && info[3].IsNumber() ? info[3].As<Napi::Number>().Int32Value() : 0;
    for (rd_kafka_resp_err_t code : errors) {
      CheckResult(env, rd_kafka_mock_broker_push_request_error_rtts(Cluster(env), broker_id, api_key, 1, code, rtt_ms),
                  "pushRequestErrors");
    }
    return env.Undefined();
  }
  rd_kafka_mock_push_request_errors_array(Cluster(env), api_key, errors.size(), errors.data());
  return env.Undefined();
}

Napi::Value MockCluster::JsClearRequestErrors(const Napi::CallbackInfo& info) {
  rd_kafka_mock_clear_request_errors(Cluster(info.Env()),
                                     static_cast<int16_t>(info[0].As<Napi::Number>().Int32Value()));
  return info.Env().Undefined();
}

Napi::Value MockCluster::JsSetBrokerDown(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckResult(env, rd_kafka_mock_broker_set_down(Cluster(env), info[0].As<Napi::Number>().Int32Value()),
              "setBrokerDown");
  return env.Undefined();
}

Napi::Value MockCluster::JsSetBrokerUp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckResult(env, rd_kafka_mock_broker_set_up(Cluster(env), info[0].As<Napi::Number>().Int32Value()), "setBrokerUp");
  return env.Undefined();
}

Napi::Value MockCluster::JsSetBrokerRtt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckResult(env,
              rd_kafka_mock_broker_set_rtt(Cluster(env), info[0].As<Napi::Number>().Int32Value(),
                                           info[1].As<Napi::Number>().Int32Value()),
              "setBrokerRtt");
  return env.Undefined();
}

Napi::Value MockCluster::JsSetPartitionLeader(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string topic = info[0].As<Napi::String>().Utf8Value();
  CheckResult(env,
              rd_kafka_mock_partition_set_leader(Cluster(env), topic.c_str(), info[1].As<Napi::Number>().Int32Value(),
                                                 info[2].As<Napi::Number>().Int32Value()),
              "setPartitionLeader");
  return env.Undefined();
}

Napi::Value MockCluster::JsSetTopicError(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string topic = info[0].As<Napi::String>().Utf8Value();
  rd_kafka_mock_topic_set_error(Cluster(env), topic.c_str(),
                                static_cast<rd_kafka_resp_err_t>(info[1].As<Napi::Number>().Int32Value()));
  return env.Undefined();
}

Napi::Value MockCluster::JsClose(const Napi::CallbackInfo& info) {
  Untrack();
  // Joining the mock's thread and the host handle's threads can take a moment.
  return RunOffThread(
      info.Env(), "rdkafka-napi:mock-close",
      [cluster = std::move(cluster_), host = std::move(host_)]() mutable {
        cluster.reset();
        host.reset();
        return 0;
      },
      [](Napi::Env env, int&) -> Napi::Value { return env.Undefined(); });
}

void MockCluster::DestroyNow() {
  Untrack();
  cluster_.reset();
  host_.reset();
}

}  // namespace rdkafka_napi
