#include "client_handle.h"

#include "client_config.h"
#include "kafka_error.h"
#include "metadata.h"
#include "off_thread.h"

namespace rdkafka_napi {

ClientHandle::ClientHandle(Napi::Env env, Napi::Object config, const char* client_name)
    : client_name_(client_name), pending_conf_(BuildConf(env, config)) {
  char errstr[512];
  if (rd_kafka_conf_set(pending_conf_.get(), "log.queue", "true", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
  }
}

rd_kafka_t* ClientHandle::Create(Napi::Env env, rd_kafka_type_t type, int destroy_flags) {
  if (rk_ != nullptr || !pending_conf_) {
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE, client_name_ + " is already connected or was closed");
  }
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, pending_conf_.get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    // rd_kafka_new keeps ownership of the conf only on success.
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, "Cannot create the " + client_name_ + ": " + errstr);
  }
  pending_conf_.release();
  rk_ = rk;
  owner_ = ShareHandle(rk, destroy_flags);
  return rk;
}

rd_kafka_t* ClientHandle::Get(Napi::Env env) const {
  if (rk_ == nullptr) ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE, client_name_ + " is not connected");
  return rk_;
}

SharedHandle ClientHandle::Release() {
  rk_ = nullptr;
  return std::move(owner_);
}

Napi::Value ClientHandle::GetMetadata(const Napi::CallbackInfo& info) const {
  Napi::Env env = info.Env();
  Get(env);
  return FetchMetadata(env, owner_, info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : std::string(),
                       info[1].ToBoolean().Value(), info[2].As<Napi::Number>().Int32Value());
}

Napi::Value ClientHandle::FatalError(const Napi::CallbackInfo& info) const {
  Napi::Env env = info.Env();
  if (rk_ == nullptr) return env.Undefined();
  char reason[512];
  rd_kafka_resp_err_t err = rd_kafka_fatal_error(rk_, reason, sizeof(reason));
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return env.Undefined();
  ErrorFlags flags;
  flags.fatal = true;
  flags.retriable = 0;
  return MakeKafkaError(env, err, reason, flags);
}

Napi::Value ClientHandle::RaiseFatalErrorForTesting(const Napi::CallbackInfo& info) const {
  Napi::Env env = info.Env();
  rd_kafka_t* rk = Get(env);
  auto err = static_cast<rd_kafka_resp_err_t>(info[0].As<Napi::Number>().Int32Value());
  return Napi::Number::New(env, rd_kafka_test_fatal_error(rk, err, info[1].As<Napi::String>().Utf8Value().c_str()));
}

void ClientHandle::ServeQueue(Napi::Env env, QueuePtr queue, const char* name, QueueWakeup::ReadyHandler on_ready,
                              QueueWakeup::FinalizeHandler on_finalized) {
  queue_ = std::move(queue);
  rd_kafka_set_log_queue(rk_, queue_.get());
  wakeup_.Start(env, queue_.get(), name, std::move(on_ready), std::move(on_finalized));
  wakeup_.SetKeepAlive(env, false);  // an idle client does not keep the process alive
}

void ClientHandle::ServeMainQueue(Napi::Env env, const char* name, QueueWakeup::ReadyHandler on_ready,
                                  QueueWakeup::FinalizeHandler on_finalized) {
  ServeQueue(env, QueuePtr(rd_kafka_queue_get_main(rk_)), name, std::move(on_ready), std::move(on_finalized));
}

Napi::Promise ClientHandle::CloseOffThread(Napi::Env env, const char* thread_name) {
  queue_.reset();
  return RunOffThread(
      env, thread_name,
      [owner = Release()]() mutable {
        owner.reset();  // destroys the handle unless an operation still holds it
        return 0;
      },
      [this](Napi::Env env, int&) -> Napi::Value {
        ReleaseWakeup();
        return env.Undefined();
      });
}

void ClientHandle::DestroyNow() {
  StopServing();
  queue_.reset();
  owner_.reset();  // destroys the handle now, or when the last running operation lets go
  rk_ = nullptr;
  ReleaseWakeup();
}

// enableOAuthBearerTokenRefresh(onRefresh(config)), before connect().
Napi::Value ClientHandle::EnableTokenRefresh(const Napi::CallbackInfo& info) {
  if (!pending_conf_) ThrowKafkaError(info.Env(), RD_KAFKA_RESP_ERR__STATE, client_name_ + " is already connected");
  token_refresh_.Enable(info.Env(), pending_conf_.get(), info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

Napi::Object ConfigArgument(const Napi::CallbackInfo& info, const char* signature) {
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(info.Env(), signature);
  return info[0].As<Napi::Object>();
}

Napi::Promise ResolvedPromise(Napi::Env env) {
  Napi::Promise::Deferred done = Napi::Promise::Deferred::New(env);
  done.Resolve(env.Undefined());
  return done.Promise();
}

}  // namespace rdkafka_napi
