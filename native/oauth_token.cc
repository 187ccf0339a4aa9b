#include "oauth_token.h"

#include <string>
#include <vector>

#include "kafka_error.h"

namespace rdkafka_napi {

namespace {

struct RefreshRequest {
  bool requested = false;
  std::string config;
};

// The request being collected by Serve on this thread. librdkafka calls the
// refresh callback only from inside our own poll of the SASL queue (or while
// destroying the event that poll returned), so the callback needs no opaque:
// the client's opaque belongs to the client.
thread_local RefreshRequest* collecting = nullptr;

void OnRefreshRequested(rd_kafka_t*, const char* oauthbearer_config, void*) {
  if (collecting == nullptr) return;
  collecting->requested = true;
  collecting->config = oauthbearer_config ? oauthbearer_config : "";
}

}  // namespace

void OAuthBearerTokenRefresh::Enable(Napi::Env env, rd_kafka_conf_t* conf, Napi::Function on_refresh) {
  // A refresh callback of our own stops librdkafka from using its built-in
  // token sources; the SASL queue keeps its requests apart from client events.
  rd_kafka_conf_set_oauthbearer_token_refresh_cb(conf, &OnRefreshRequested);
  rd_kafka_conf_enable_sasl_queue(conf, 1);
  on_refresh_ = Napi::Persistent(on_refresh);
  enabled_ = true;
}

bool OAuthBearerTokenRefresh::Start(Napi::Env env, rd_kafka_t* rk, QueueWakeup::FinalizeHandler on_finalized) {
  if (!enabled_ || started_) return false;
  // No SASL queue when the client does not use SASL/OAUTHBEARER: nothing to serve.
  sasl_queue_.reset(rd_kafka_queue_get_sasl(rk));
  if (!sasl_queue_) return false;
  rk_ = rk;
  started_ = true;
  wakeup_.Start(
      env, sasl_queue_.get(), "rdkafka-napi:oauthbearer-token-refresh", [this](Napi::Env env) { Serve(env); },
      std::move(on_finalized));
  wakeup_.SetKeepAlive(env, false);  // a pending request alone does not keep the process up
  return true;
}

void OAuthBearerTokenRefresh::Serve(Napi::Env env) {
  if (!sasl_queue_) return;
  RefreshRequest request;
  collecting = &request;
  for (;;) {
    EventPtr event(rd_kafka_queue_poll(sasl_queue_.get(), 0));
    if (!event) break;
    if (rd_kafka_event_type(event.get()) == RD_KAFKA_EVENT_OAUTHBEARER_TOKEN_REFRESH) {
      request.requested = true;
      const char* config = rd_kafka_event_config_string(event.get());
      request.config = config ? config : "";
    }
  }  // destroying the event may call OnRefreshRequested as well; it is one request
  collecting = nullptr;
  // Several queued requests are one: the provider's next token answers them all.
  if (request.requested) on_refresh_.Call({Napi::String::New(env, request.config)});
}

void OAuthBearerTokenRefresh::Detach() {
  if (!started_) return;
  wakeup_.Detach();
  sasl_queue_.reset();
  rk_ = nullptr;
}

void OAuthBearerTokenRefresh::Release() {
  if (started_) wakeup_.Release();
}

Napi::Value SetOAuthBearerToken(const Napi::CallbackInfo& info, rd_kafka_t* rk) {
  Napi::Env env = info.Env();
  if (rk == nullptr) return env.Undefined();  // closed meanwhile: nobody needs the token
  std::string token = info[0].As<Napi::String>().Utf8Value();
  int64_t lifetime_ms = info[1].As<Napi::Number>().Int64Value();
  std::string principal = info[2].As<Napi::String>().Utf8Value();
  std::vector<std::string> extensions;
  if (info[3].IsArray()) {
    Napi::Array flat = info[3].As<Napi::Array>();
    for (uint32_t i = 0; i < flat.Length(); i++) extensions.push_back(flat.Get(i).As<Napi::String>().Utf8Value());
  }
  std::vector<const char*> extension_pointers;
  for (const std::string& item : extensions) extension_pointers.push_back(item.c_str());
  char errstr[512] = "";
  rd_kafka_resp_err_t err =
      rd_kafka_oauthbearer_set_token(rk, token.c_str(), lifetime_ms, principal.c_str(), extension_pointers.data(),
                                     extension_pointers.size(), errstr, sizeof(errstr));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    ThrowKafkaError(env, err, std::string("librdkafka refused the OAUTHBEARER token: ") + errstr);
  }
  return env.Undefined();
}

Napi::Value SetOAuthBearerTokenFailure(const Napi::CallbackInfo& info, rd_kafka_t* rk) {
  Napi::Env env = info.Env();
  if (rk == nullptr) return env.Undefined();
  std::string message = info[0].As<Napi::String>().Utf8Value();
  if (message.empty()) message = "the token provider failed without a message";
  rd_kafka_resp_err_t err = rd_kafka_oauthbearer_set_token_failure(rk, message.c_str());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    ThrowKafkaError(env, err, std::string("Cannot report the OAUTHBEARER token failure: ") + rd_kafka_err2str(err));
  }
  return env.Undefined();
}

}  // namespace rdkafka_napi
