#include "client_events.h"

#include "kafka_error.h"

namespace rdkafka_napi {

void CollectThrottles(rd_kafka_conf_t* conf, ThrottleNotices* sink) {
  rd_kafka_conf_set_opaque(conf, sink);
  rd_kafka_conf_set_throttle_cb(conf, [](rd_kafka_t*, const char* broker_name, int32_t broker_id,
                                         int throttle_time_ms, void* opaque) {
    static_cast<ThrottleNotices*>(opaque)->push_back({broker_name, broker_id, throttle_time_ms});
  });
}

void EmitThrottles(Napi::Env env, ThrottleNotices& sink, const Napi::FunctionReference& on_event) {
  if (sink.empty()) return;
  ThrottleNotices notices;
  notices.swap(sink);
  for (const ThrottleNotice& notice : notices) {
    on_event.Call({Napi::String::New(env, "throttle"), Napi::String::New(env, notice.broker_name),
                   Napi::Number::New(env, notice.broker_id), Napi::Number::New(env, notice.throttle_time_ms)});
  }
}

bool DispatchClientEvent(Napi::Env env, rd_kafka_t* rk, rd_kafka_event_t* event,
                         const Napi::FunctionReference& on_event) {
  switch (rd_kafka_event_type(event)) {
    case RD_KAFKA_EVENT_ERROR: {
      rd_kafka_resp_err_t code = rd_kafka_event_error(event);
      std::string message = rd_kafka_event_error_string(event);
      ErrorFlags flags;
      flags.fatal = rd_kafka_event_error_is_fatal(event);
      if (flags.fatal) {
        // The event carries _FATAL; the underlying cause is kept separately.
        char reason[512];
        code = rd_kafka_fatal_error(rk, reason, sizeof(reason));
        message = reason;
        flags.retriable = 0;
      }
      on_event.Call({Napi::String::New(env, "error"), MakeKafkaError(env, code, message, flags)});
      return true;
    }
    case RD_KAFKA_EVENT_LOG: {
      const char* facility = nullptr;
      const char* text = nullptr;
      int level = 0;
      if (rd_kafka_event_log(event, &facility, &text, &level) == 0) {
        on_event.Call({Napi::String::New(env, "log"), Napi::Number::New(env, level),
                       Napi::String::New(env, facility ? facility : ""),
                       Napi::String::New(env, text ? text : "")});
      }
      return true;
    }
    case RD_KAFKA_EVENT_STATS:
      on_event.Call({Napi::String::New(env, "stats"), Napi::String::New(env, rd_kafka_event_stats(event))});
      return true;
    default:
      return false;
  }
}

}  // namespace rdkafka_napi
