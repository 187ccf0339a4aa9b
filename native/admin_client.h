// Native side of AdminClient: the client handle and its events; the admin
// operations themselves are in admin_operations.h, registered by Define().
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include "client_events.h"
#include "client_handle.h"
#include "client_handle_methods.h"
#include "closables.h"

namespace rdkafka_napi {

class AdminClient : public Napi::ObjectWrap<AdminClient>, public Closable, public ClientHandleMethods<AdminClient> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new NativeAdminClient(config, onEvent)
  explicit AdminClient(const Napi::CallbackInfo& info);
  ~AdminClient() override;

  void CloseAtTeardown() override { DestroyNow(); }

 private:
  Napi::Value JsConnect(const Napi::CallbackInfo& info);
  Napi::Value JsGetMetadata(const Napi::CallbackInfo& info) { return handle_.GetMetadata(info); }
  Napi::Value JsClose(const Napi::CallbackInfo& info);
  // Runs the AdminOperationEntry given as the method's data (admin_operations.h).
  Napi::Value JsAdminOperation(const Napi::CallbackInfo& info);

  // Serves the client's event queue: errors, logs, stats and throttles.
  void Drain(Napi::Env env);
  void DestroyNow();

  friend class ClientHandleMethods<AdminClient>;
  ClientHandle handle_;
  ClientEventQueue throttles_;
  Napi::FunctionReference on_event_;
};

}  // namespace rdkafka_napi
