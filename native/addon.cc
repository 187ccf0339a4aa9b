// Addon entry: registers the native classes and library facts, nothing else.
#include <napi.h>

#include "addon_state.h"
#include "admin_client.h"
#include "consumer.h"
#include "library_info.h"
#include "mock_cluster.h"
#include "producer.h"

namespace rdkafka_napi {

namespace {

// setKafkaErrorFactory(fn): the TypeScript layer hands over how to build its
// KafkaError, so every error native code raises is that one class.
Napi::Value SetKafkaErrorFactory(const Napi::CallbackInfo& info) {
  AddonState::From(info.Env())->kafka_error_factory = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* state = new AddonState();
  env.SetInstanceData(state);
  state->producer_constructor = Napi::Persistent(Producer::Define(env));
  state->mock_cluster_constructor = Napi::Persistent(MockCluster::Define(env));
  state->consumer_constructor = Napi::Persistent(Consumer::Define(env));
  exports.Set("NativeProducer", state->producer_constructor.Value());
  exports.Set("NativeConsumer", state->consumer_constructor.Value());
  exports.Set("NativeAdminClient", AdminClient::Define(env));
  exports.Set("NativeMockCluster", state->mock_cluster_constructor.Value());
  exports.Set("setKafkaErrorFactory", Napi::Function::New(env, SetKafkaErrorFactory, "setKafkaErrorFactory"));
  RegisterLibraryInfo(env, exports);
  return exports;
}

}  // namespace

}  // namespace rdkafka_napi

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return rdkafka_napi::Init(env, exports); }

NODE_API_MODULE(rdkafka_napi, InitAddon)
