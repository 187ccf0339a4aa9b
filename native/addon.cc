// Addon entry: registers the native classes, the wire layout and library
// facts, and the one environment cleanup hook; nothing else.
#include <dlfcn.h>
#include <napi.h>

#include <mutex>

#include "addon_state.h"
#include "admin_client.h"
#include "consumer.h"
#include "library_info.h"
#include "mock_cluster.h"
#include "producer.h"
#include "wire_layout.h"

namespace rdkafka_napi {

namespace {

// setKafkaErrorFactory(fn): the TypeScript layer hands over how to build its
// KafkaError, so every error native code raises is that one class.
Napi::Value SetKafkaErrorFactory(const Napi::CallbackInfo& info) {
  AddonState::From(info.Env())->kafka_error_factory = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// At environment teardown (process exit, a worker's end): every client and
// mock cluster still open is closed here, in ClosableRegistry's order.
void CloseEverythingOpen(void* registry) { static_cast<ClosableRegistry*>(registry)->CloseAll(); }

// Off-thread jobs (off_thread.h) run on detached threads that finish their
// last instructions in this library after they hand their result over; the
// last environment using the addon (a worker's end) would unmap it under
// them. Loading ourselves once more with RTLD_NODELETE keeps the code mapped
// for the life of the process.
void KeepLibraryLoaded() {
  static std::once_flag pinned;  // worker threads may load the addon at the same time
  std::call_once(pinned, []() {
    Dl_info self;
    if (dladdr(reinterpret_cast<void*>(&KeepLibraryLoaded), &self) != 0 && self.dli_fname != nullptr) {
      dlopen(self.dli_fname, RTLD_NOW | RTLD_NODELETE);  // never closed, by design
    }
  });
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  KeepLibraryLoaded();
  auto* state = new AddonState();
  env.SetInstanceData(state);
  napi_add_env_cleanup_hook(env, &CloseEverythingOpen, state->closables.get());
  exports.Set("NativeProducer", Producer::Define(env));
  exports.Set("NativeConsumer", Consumer::Define(env));
  exports.Set("NativeAdminClient", AdminClient::Define(env));
  exports.Set("NativeMockCluster", MockCluster::Define(env));
  exports.Set("setKafkaErrorFactory", Napi::Function::New(env, SetKafkaErrorFactory, "setKafkaErrorFactory"));
  exports.Set("wireLayout", WireLayoutToJs(env));
  RegisterLibraryInfo(env, exports);
  return exports;
}

}  // namespace

}  // namespace rdkafka_napi

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return rdkafka_napi::Init(env, exports); }

NODE_API_MODULE(rdkafka_napi, InitAddon)
