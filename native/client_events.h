// Forwards librdkafka's non-message events (error, log, stats, throttle) of a
// client's main queue to one JS callback: onEvent(kind, ...payload).
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <string>
#include <vector>

namespace rdkafka_napi {

// The mask every client enables; delivery reports and rebalances are added by
// the client kinds that use them.
constexpr int kClientEventMask = RD_KAFKA_EVENT_ERROR | RD_KAFKA_EVENT_LOG | RD_KAFKA_EVENT_STATS;

// Throttle notices are not events in librdkafka: its callback runs inside
// rd_kafka_queue_poll on the JS thread, and we collect them for EmitThrottles.
struct ThrottleNotice {
  std::string broker_name;
  int32_t broker_id;
  int throttle_time_ms;
};
using ThrottleNotices = std::vector<ThrottleNotice>;

// Sets the conf's opaque to `sink`; the client must outlive its rd_kafka_t.
void CollectThrottles(rd_kafka_conf_t* conf, ThrottleNotices* sink);
void EmitThrottles(Napi::Env env, ThrottleNotices& sink, const Napi::FunctionReference& on_event);

// Returns false for event types it does not handle (the caller's own kinds).
bool DispatchClientEvent(Napi::Env env, rd_kafka_t* rk, rd_kafka_event_t* event,
                         const Napi::FunctionReference& on_event);

}  // namespace rdkafka_napi
