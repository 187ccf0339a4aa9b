// The one representation of a client's non-message events (error, log,
// stats, throttle), whichever way librdkafka reports them: as events on a
// queue (Producer, AdminClient) or through callbacks served inside a poll
// (Consumer, and throttles everywhere). All reach JS through one callback:
// onEvent(kind, ...payload).
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace rdkafka_napi {

// The event mask a client on the events API enables; delivery reports are
// added by the producer.
constexpr int kClientEventMask = RD_KAFKA_EVENT_ERROR | RD_KAFKA_EVENT_LOG | RD_KAFKA_EVENT_STATS;

struct ClientEvent {
  enum class Kind { kError, kLog, kStats, kThrottle };
  Kind kind = Kind::kError;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;  // error
  bool fatal = false;                                    // error
  int level = 0;                                         // log: syslog level
  int32_t broker_id = -1;                                // throttle
  int throttle_time_ms = 0;                              // throttle
  std::string source;                                    // log facility, throttle broker name
  std::string text;                                      // error message, log line, stats JSON

  // An error as librdkafka reports it; a _FATAL one carries its underlying cause.
  static ClientEvent Error(rd_kafka_t* rk, rd_kafka_resp_err_t err, const char* reason);
  static ClientEvent Log(int level, const char* facility, const char* line);
  static ClientEvent Stats(std::string json);
  static ClientEvent Throttle(const char* broker_name, int32_t broker_id, int throttle_time_ms);
  // An event of a client's queue; nothing for kinds this does not cover.
  static std::optional<ClientEvent> FromQueueEvent(rd_kafka_t* rk, rd_kafka_event_t* event);
};

void EmitClientEvent(Napi::Env env, const ClientEvent& event, const Napi::FunctionReference& on_event);

// Events collected on any thread (librdkafka's callbacks), emitted later on
// the JS thread, never from inside librdkafka's dispatcher.
class ClientEventQueue {
 public:
  void Push(ClientEvent event);
  void EmitAll(Napi::Env env, const Napi::FunctionReference& on_event);
  void Clear();

 private:
  std::mutex mutex_;
  std::vector<ClientEvent> events_;
};

// Collects throttle notices (a callback in librdkafka, served inside its
// queue polls) into `sink`, which becomes the conf's opaque and must outlive
// the rd_kafka_t.
void CollectThrottles(rd_kafka_conf_t* conf, ClientEventQueue* sink);

}  // namespace rdkafka_napi
