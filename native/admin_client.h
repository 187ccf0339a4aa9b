// Native side of AdminClient: topic administration over librdkafka's Admin
// API, each request answered on a queue of its own and awaited off-thread.
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include "rdkafka_handles.h"

namespace rdkafka_napi {

class AdminClient : public Napi::ObjectWrap<AdminClient> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new NativeAdminClient(config)
  explicit AdminClient(const Napi::CallbackInfo& info);
  ~AdminClient() override;

 private:
  Napi::Value JsConnect(const Napi::CallbackInfo& info);
  Napi::Value JsCreateTopics(const Napi::CallbackInfo& info);
  Napi::Value JsDeleteTopics(const Napi::CallbackInfo& info);
  Napi::Value JsGetMetadata(const Napi::CallbackInfo& info);
  Napi::Value JsClose(const Napi::CallbackInfo& info);

  rd_kafka_t* Handle(Napi::Env env);
  static void OnEnvCleanup(void* self);

  ConfPtr pending_conf_;
  rd_kafka_t* rk_ = nullptr;  // owner_.get() while connected
  SharedHandle owner_;
};

}  // namespace rdkafka_napi
