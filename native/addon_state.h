// Per-instance addon state (one per Node environment, so worker threads each
// get their own). Held as napi instance data, never in globals.
#pragma once

#include <napi.h>

#include <memory>

#include "closables.h"

namespace rdkafka_napi {

struct AddonState {
  // JS factory `(errno, message, details) => KafkaError`, registered by the
  // TypeScript layer at load so native code builds the one error class.
  Napi::FunctionReference kafka_error_factory;
  // Every open client and mock cluster, closed by the environment cleanup hook.
  std::shared_ptr<ClosableRegistry> closables = std::make_shared<ClosableRegistry>();

  static AddonState* From(Napi::Env env) { return env.GetInstanceData<AddonState>(); }
};

}  // namespace rdkafka_napi
