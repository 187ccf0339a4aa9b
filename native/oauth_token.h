// OAUTHBEARER tokens from a JavaScript provider. librdkafka asks for a token
// (at start, and again at 80% of the current token's lifetime) by queueing a
// refresh request; we put those requests on a queue of their own, the SASL
// queue, and serve it on the JS thread with a QueueWakeup. It is served
// whether or not the client's own queue is: a consumer's queue is served only
// while it reads, yet its connect() needs a token first.
//
// The JS side answers later, when its provider settles, through
// SetToken/SetTokenFailure; nothing here waits for it.
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <functional>

#include "queue_wakeup.h"
#include "rdkafka_handles.h"

namespace rdkafka_napi {

class OAuthBearerTokenRefresh {
 public:
  // JS thread, before rd_kafka_new: routes refresh requests of `conf` to the
  // SASL queue and to `on_refresh(config)` once Start ran.
  void Enable(Napi::Env env, rd_kafka_conf_t* conf, Napi::Function on_refresh);
  bool enabled() const { return enabled_; }

  // JS thread, after rd_kafka_new. Returns false (and does nothing) unless
  // Enable ran; `on_finalized` then runs once no librdkafka thread can reach
  // this object any more (see QueueWakeup).
  bool Start(Napi::Env env, rd_kafka_t* rk, QueueWakeup::FinalizeHandler on_finalized);
  // JS thread, before the handle is destroyed: no further requests are served.
  void Detach();
  // JS thread, once the handle is destroyed.
  void Release();

 private:
  void Serve(Napi::Env env);

  bool enabled_ = false;
  bool started_ = false;
  rd_kafka_t* rk_ = nullptr;
  QueuePtr sasl_queue_;
  QueueWakeup wakeup_;
  Napi::FunctionReference on_refresh_;
};

// setOAuthBearerToken(token, lifetimeMs, principal, extensions: string[] as
// [key, value, key, value, ...]). The TS layer has validated the arguments;
// librdkafka's own refusal becomes a KafkaError (_INVALID_ARG, _STATE).
Napi::Value SetOAuthBearerToken(const Napi::CallbackInfo& info, rd_kafka_t* rk);
// setOAuthBearerTokenFailure(message): librdkafka retries in 10 s and reports
// an _AUTHENTICATION error event carrying `message`.
Napi::Value SetOAuthBearerTokenFailure(const Napi::CallbackInfo& info, rd_kafka_t* rk);

}  // namespace rdkafka_napi
