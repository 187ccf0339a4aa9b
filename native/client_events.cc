#include "client_events.h"

#include "kafka_error.h"

namespace rdkafka_napi {

ClientEvent ClientEvent::Error(rd_kafka_t* rk, rd_kafka_resp_err_t err, const char* reason) {
  ClientEvent event;
  event.kind = Kind::kError;
  event.err = err;
  event.text = reason ? reason : "";
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    // The event carries _FATAL; the underlying cause is kept separately.
    char cause[512];
    event.err = rd_kafka_fatal_error(rk, cause, sizeof(cause));
    event.text = cause;
    event.fatal = true;
  }
  return event;
}

ClientEvent ClientEvent::Log(int level, const char* facility, const char* line) {
  ClientEvent event;
  event.kind = Kind::kLog;
  event.level = level;
  event.source = facility ? facility : "";
  event.text = line ? line : "";
  return event;
}

ClientEvent ClientEvent::Stats(std::string json) {
  ClientEvent event;
  event.kind = Kind::kStats;
  event.text = std::move(json);
  return event;
}

ClientEvent ClientEvent::Throttle(const char* broker_name, int32_t broker_id, int throttle_time_ms) {
  ClientEvent event;
  event.kind = Kind::kThrottle;
  event.source = broker_name ? broker_name : "";
  event.broker_id = broker_id;
  event.throttle_time_ms = throttle_time_ms;
  return event;
}

std::optional<ClientEvent> ClientEvent::FromQueueEvent(rd_kafka_t* rk, rd_kafka_event_t* event) {
  switch (rd_kafka_event_type(event)) {
    case RD_KAFKA_EVENT_ERROR: {
      rd_kafka_resp_err_t err =
          rd_kafka_event_error_is_fatal(event) ? RD_KAFKA_RESP_ERR__FATAL : rd_kafka_event_error(event);
      return Error(rk, err, rd_kafka_event_error_string(event));
    }
    case RD_KAFKA_EVENT_LOG: {
      const char* facility = nullptr;
      const char* line = nullptr;
      int level = 0;
      if (rd_kafka_event_log(event, &facility, &line, &level) != 0) return std::nullopt;
      return Log(level, facility, line);
    }
    case RD_KAFKA_EVENT_STATS:
      return Stats(rd_kafka_event_stats(event));
    default:
      return std::nullopt;
  }
}

void EmitClientEvent(Napi::Env env, const ClientEvent& event, const Napi::FunctionReference& on_event) {
  switch (event.kind) {
    case ClientEvent::Kind::kError: {
      ErrorFlags flags;
      flags.fatal = event.fatal;
      if (event.fatal) flags.retriable = 0;
      on_event.Call({Napi::String::New(env, "error"), MakeKafkaError(env, event.err, event.text, flags)});
      break;
    }
    case ClientEvent::Kind::kLog:
      on_event.Call({Napi::String::New(env, "log"), Napi::Number::New(env, event.level),
                     Napi::String::New(env, event.source), Napi::String::New(env, event.text)});
      break;
    case ClientEvent::Kind::kStats:
      on_event.Call({Napi::String::New(env, "stats"), Napi::String::New(env, event.text)});
      break;
    case ClientEvent::Kind::kThrottle:
      on_event.Call({Napi::String::New(env, "throttle"), Napi::String::New(env, event.source),
                     Napi::Number::New(env, event.broker_id), Napi::Number::New(env, event.throttle_time_ms)});
      break;
  }
}

void ClientEventQueue::Push(ClientEvent event) {
  std::lock_guard<std::mutex> lock(mutex_);
  events_.push_back(std::move(event));
}

void ClientEventQueue::EmitAll(Napi::Env env, const Napi::FunctionReference& on_event) {
  std::vector<ClientEvent> events;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (events_.empty()) return;
    events.swap(events_);
  }
  for (const ClientEvent& event : events) EmitClientEvent(env, event, on_event);
}

void ClientEventQueue::Clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  events_.clear();
}

void CollectThrottles(rd_kafka_conf_t* conf, ClientEventQueue* sink) {
  rd_kafka_conf_set_opaque(conf, sink);
  rd_kafka_conf_set_throttle_cb(
      conf, [](rd_kafka_t*, const char* broker_name, int32_t broker_id, int throttle_time_ms, void* opaque) {
        static_cast<ClientEventQueue*>(opaque)->Push(ClientEvent::Throttle(broker_name, broker_id, throttle_time_ms));
      });
}

}  // namespace rdkafka_napi
