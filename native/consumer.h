// Native side of Consumer: a KafkaConsumer rd_kafka_t polled by pull from the
// JS thread, handing messages over one batch (one Buffer slab) at a time.
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <atomic>
#include <future>
#include <string>
#include <unordered_map>
#include <vector>

#include "client_events.h"
#include "client_handle.h"
#include "client_handle_methods.h"
#include "closables.h"
#include "message_reaper.h"

namespace rdkafka_napi {

class Consumer : public Napi::ObjectWrap<Consumer>, public Closable, public ClientHandleMethods<Consumer> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new NativeConsumer(config, metaSlab: Float64Array, onReadable, onEvent)
  explicit Consumer(const Napi::CallbackInfo& info);
  ~Consumer() override;

  void CloseAtTeardown() override { DestroyNow(); }

 private:
  Napi::Value JsConnect(const Napi::CallbackInfo& info);
  Napi::Value JsSubscribe(const Napi::CallbackInfo& info);
  Napi::Value JsUnsubscribe(const Napi::CallbackInfo& info);
  Napi::Value JsSubscription(const Napi::CallbackInfo& info);
  Napi::Value JsAssign(const Napi::CallbackInfo& info);
  Napi::Value JsIncrementalAssign(const Napi::CallbackInfo& info);
  Napi::Value JsIncrementalUnassign(const Napi::CallbackInfo& info);
  Napi::Value JsAssignment(const Napi::CallbackInfo& info);
  Napi::Value JsPoll(const Napi::CallbackInfo& info);
  Napi::Value JsTakeRebalance(const Napi::CallbackInfo& info);
  Napi::Value JsApplyRebalance(const Napi::CallbackInfo& info);
  Napi::Value JsCommit(const Napi::CallbackInfo& info);
  Napi::Value JsCommitted(const Napi::CallbackInfo& info);
  Napi::Value JsPosition(const Napi::CallbackInfo& info);
  Napi::Value JsStoreOffsets(const Napi::CallbackInfo& info);
  Napi::Value JsSeek(const Napi::CallbackInfo& info);
  Napi::Value JsPause(const Napi::CallbackInfo& info);
  Napi::Value JsResume(const Napi::CallbackInfo& info);
  Napi::Value JsQueryWatermarkOffsets(const Napi::CallbackInfo& info);
  Napi::Value JsOffsetsForTimes(const Napi::CallbackInfo& info);
  Napi::Value JsGetMetadata(const Napi::CallbackInfo& info);
  Napi::Value JsTopicName(const Napi::CallbackInfo& info);
  Napi::Value JsSetKeepAlive(const Napi::CallbackInfo& info);
  Napi::Value JsRebalanceProtocol(const Napi::CallbackInfo& info);
  Napi::Value JsClose(const Napi::CallbackInfo& info);
  // Group metadata and member id (group_metadata.h), given this consumer's handle.
  template <Napi::Value (*Operation)(Napi::Env, rd_kafka_t*)>
  Napi::Value JsWithHandle(const Napi::CallbackInfo& info) {
    return Operation(info.Env(), Handle(info.Env()));
  }

  rd_kafka_t* Handle(Napi::Env env);
  void CheckError(Napi::Env env, rd_kafka_resp_err_t err, const char* what);
  void CheckError(Napi::Env env, rd_kafka_error_t* error, const char* what);
  uint32_t TopicIndex(rd_kafka_topic_t* topic);
  void WriteMeta(Napi::Env env, const rd_kafka_message_t* message, double* meta, size_t slab_offset,
                 Napi::Array& headers_list);
  void DestroyNow();

  // librdkafka's callbacks, served inside its polls (ours on the JS thread,
  // or close's on its own thread): events are queued, never emitted from here.
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                          void* opaque);
  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  static void OnLog(const rd_kafka_t* rk, int level, const char* facility, const char* text);
  static int OnStats(rd_kafka_t* rk, char* json, size_t json_len, void* opaque);
  static void OnThrottle(rd_kafka_t* rk, const char* broker_name, int32_t broker_id, int throttle_time_ms,
                         void* opaque);

  friend class ClientHandleMethods<Consumer>;
  ClientHandle handle_;
  std::atomic<bool> closing_{false};

  // A rebalance seen inside poll, waiting for the JS layer to run the user's
  // handler and then apply it (see src/consumer-rebalance.ts).
  rd_kafka_resp_err_t stashed_rebalance_ = RD_KAFKA_RESP_ERR_NO_ERROR;
  PartitionListPtr stashed_partitions_;

  ClientEventQueue events_;

  std::unordered_map<rd_kafka_topic_t*, uint32_t> topic_indexes_;
  std::vector<std::string> topic_names_;
  rd_kafka_topic_t* last_topic_ = nullptr;
  uint32_t last_topic_index_ = 0;

  Napi::Reference<Napi::Float64Array> meta_slab_ref_;
  double* meta_slab_ = nullptr;
  size_t meta_capacity_ = 0;
  std::vector<rd_kafka_message_t*> batch_;
  // Frees each batch's messages once their bytes are in the slab; finished
  // before the handle goes.
  MessageReaper reaper_;
  Napi::FunctionReference on_readable_;
  Napi::FunctionReference on_event_;
  // Ready once close()'s thread has destroyed the handle (valid only after close()).
  std::shared_future<void> close_done_;
};

}  // namespace rdkafka_napi
