#include "kafka_error.h"

#include "addon_state.h"

namespace rdkafka_napi {

Napi::Value MakeKafkaError(Napi::Env env, rd_kafka_resp_err_t code, const std::string& message, ErrorFlags flags) {
  Napi::Object details = Napi::Object::New(env);
  details.Set("fatal", Napi::Boolean::New(env, flags.fatal));
  if (flags.retriable >= 0) details.Set("retriable", Napi::Boolean::New(env, flags.retriable == 1));
  details.Set("txnRequiresAbort", Napi::Boolean::New(env, flags.txn_requires_abort));
  details.Set("librdkafkaMessage", Napi::String::New(env, rd_kafka_err2str(code)));

  AddonState* state = AddonState::From(env);
  if (state == nullptr || state->kafka_error_factory.IsEmpty()) {
    Napi::Error fallback = Napi::Error::New(env, message);
    fallback.Set("errno", Napi::Number::New(env, code));
    fallback.Set("code", Napi::String::New(env, rd_kafka_err2name(code)));
    return fallback.Value();
  }
  return state->kafka_error_factory.Call({Napi::Number::New(env, code), Napi::String::New(env, message), details});
}

Napi::Value MakeKafkaError(Napi::Env env, const rd_kafka_error_t* error) {
  ErrorFlags flags;
  flags.fatal = rd_kafka_error_is_fatal(error);
  flags.retriable = rd_kafka_error_is_retriable(error) ? 1 : 0;
  flags.txn_requires_abort = rd_kafka_error_txn_requires_abort(error);
  return MakeKafkaError(env, rd_kafka_error_code(error), rd_kafka_error_string(error), flags);
}

void ThrowKafkaError(Napi::Env env, rd_kafka_resp_err_t code, const std::string& message, ErrorFlags flags) {
  throw Napi::Error(env, MakeKafkaError(env, code, message, flags));
}

}  // namespace rdkafka_napi
