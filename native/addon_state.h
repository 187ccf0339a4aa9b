// Per-instance addon state (one per Node environment, so worker threads each
// get their own). Held as napi instance data, never in globals.
#pragma once

#include <napi.h>

namespace rdkafka_napi {

struct AddonState {
  // JS factory `(errno, message, details) => KafkaError`, registered by the
  // TypeScript layer at load so native code builds the one error class.
  Napi::FunctionReference kafka_error_factory;
  Napi::FunctionReference producer_constructor;
  Napi::FunctionReference consumer_constructor;
  Napi::FunctionReference mock_cluster_constructor;

  static AddonState* From(Napi::Env env) { return env.GetInstanceData<AddonState>(); }
};

}  // namespace rdkafka_napi
