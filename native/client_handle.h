// The owner of one librdkafka client handle, used by Producer, Consumer and
// AdminClient alike: the configuration until connect, rd_kafka_new, the
// handle shared with off-thread operations, metadata, and the hand-over to
// an off-thread close.
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <string>

#include "oauth_token.h"
#include "queue_wakeup.h"
#include "rdkafka_handles.h"

namespace rdkafka_napi {

class ClientHandle {
 public:
  // Builds the configuration from the JS config object (string values) and
  // routes librdkafka's logs to a queue instead of stderr. `client_name`
  // ("Producer", ...) starts every state error message.
  ClientHandle(Napi::Env env, Napi::Object config, const char* client_name);

  // The configuration, for the client's own callbacks, until Create().
  rd_kafka_conf_t* conf() const { return pending_conf_.get(); }

  // Creates the handle (which takes the configuration). `destroy_flags` are
  // used when the last owner destroys it. Throws a KafkaError when already
  // created or closed, or when librdkafka refuses the configuration.
  rd_kafka_t* Create(Napi::Env env, rd_kafka_type_t type, int destroy_flags = 0);

  // The handle, or a _STATE KafkaError ("<client> is not connected").
  rd_kafka_t* Get(Napi::Env env) const;
  rd_kafka_t* get() const { return rk_; }
  bool open() const { return rk_ != nullptr; }
  // For operations that run on threads of their own and outlive a close.
  const SharedHandle& shared() const { return owner_; }

  // Lets go of the handle: the returned owner (an off-thread close) destroys
  // it, or whichever running operation lets go last.
  SharedHandle Release();

  // getMetadata(topic | null, allTopics, timeoutMs) -> Promise<ClusterMetadata>
  Napi::Value GetMetadata(const Napi::CallbackInfo& info) const;

  // fatalError() -> KafkaError | undefined: the fatal error librdkafka raised
  // on this handle, with its underlying code (a call that fails with _FATAL,
  // or a consumer's _FATAL message, stands for it). Undefined when none was
  // raised or the handle is closed.
  Napi::Value FatalError(const Napi::CallbackInfo& info) const;
  // raiseFatalErrorForTesting(errno, reason) -> errno of the outcome (0, or
  // _PREV_IN_PROGRESS after an earlier fatal error): rd_kafka_test_fatal_error,
  // so tests can prove what a fatal error does without a broker fencing the
  // client. Internal: no public class calls it.
  Napi::Value RaiseFatalErrorForTesting(const Napi::CallbackInfo& info) const;

  // Serves the client's event queue on the JS thread: its logs are routed to
  // `queue` too, and `on_ready` runs whenever the queue has something. Until
  // `on_finalized` runs, librdkafka's threads may reach the client, so the
  // client keeps itself alive (Ref) until then.
  void ServeQueue(Napi::Env env, QueuePtr queue, const char* name, QueueWakeup::ReadyHandler on_ready,
                  QueueWakeup::FinalizeHandler on_finalized);
  // The same for the client's main queue (the events API: Producer, AdminClient).
  void ServeMainQueue(Napi::Env env, const char* name, QueueWakeup::ReadyHandler on_ready,
                      QueueWakeup::FinalizeHandler on_finalized);
  rd_kafka_queue_t* queue() const { return queue_.get(); }
  QueueWakeup& wakeup() { return wakeup_; }
  // Hands the queue to an off-thread close that serves its leftovers.
  QueuePtr TakeQueue() { return std::move(queue_); }

  // OAUTHBEARER token provider (oauth_token.h), the same for every client:
  // enableOAuthBearerTokenRefresh(onRefresh) before connect, then the answers
  // setOAuthBearerToken(...) / setOAuthBearerTokenFailure(message).
  Napi::Value EnableTokenRefresh(const Napi::CallbackInfo& info);
  Napi::Value SetToken(const Napi::CallbackInfo& info) { return SetOAuthBearerToken(info, rk_); }
  Napi::Value SetTokenFailure(const Napi::CallbackInfo& info) { return SetOAuthBearerTokenFailure(info, rk_); }
  // After Create: serves token refresh requests when a provider was enabled
  // (then true: the client keeps itself alive until `on_finalized`).
  bool StartTokenRefresh(Napi::Env env, QueueWakeup::FinalizeHandler on_finalized) {
    return token_refresh_.Start(env, rk_, std::move(on_finalized));
  }

  // The first step of every close: no more wakes reach the client.
  void StopServing() {
    wakeup_.Detach();
    token_refresh_.Detach();
  }
  // Teardown, or a close's end: drops the queue and the handle now (or when
  // the last running operation lets go), then the wakeup. JS thread.
  void DestroyNow();
  // After an off-thread close destroyed the handle: no late wake can come.
  void ReleaseWakeup() {
    wakeup_.Release();
    token_refresh_.Release();
  }
  // The end of a close once the client served its queue a last time: the
  // handle is destroyed on a thread of its own (it may take a while), the
  // wakeup released once that is done.
  Napi::Promise CloseOffThread(Napi::Env env, const char* thread_name);

 private:
  std::string client_name_;
  ConfPtr pending_conf_;
  rd_kafka_t* rk_ = nullptr;  // owner_.get() while open
  SharedHandle owner_;
  QueuePtr queue_;
  QueueWakeup wakeup_;
  OAuthBearerTokenRefresh token_refresh_;
};

// The config object a native client constructor takes first; a TypeError
// quoting `signature` for anything else (the TypeScript layer validates the
// user's input, this only guards the boundary).
Napi::Object ConfigArgument(const Napi::CallbackInfo& info, const char* signature);

// What close() of a client that is not open returns.
Napi::Promise ResolvedPromise(Napi::Env env);

}  // namespace rdkafka_napi
