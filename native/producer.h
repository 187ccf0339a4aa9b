// Native side of Producer: one rd_kafka_t of type producer, the fast produce
// path, and delivery reports handed to JS in batches.
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "client_events.h"
#include "client_handle.h"
#include "client_handle_methods.h"
#include "closables.h"

namespace rdkafka_napi {

class Producer : public Napi::ObjectWrap<Producer>, public Closable, public ClientHandleMethods<Producer> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new NativeProducer(config, reportSlab: Float64Array, onReports, onEvent)
  explicit Producer(const Napi::CallbackInfo& info);
  ~Producer() override;

  void CloseAtTeardown() override { DestroyNow(); }

 private:
  Napi::Value JsConnect(const Napi::CallbackInfo& info);
  Napi::Value JsTopicIndex(const Napi::CallbackInfo& info);
  // Installed as an own `produce` function of each instance (see the constructor).
  static napi_value FastProduce(napi_env env, napi_callback_info info);
  Napi::Value JsProduceWithExtras(const Napi::CallbackInfo& info);
  Napi::Value JsFlush(const Napi::CallbackInfo& info);
  Napi::Value JsPurge(const Napi::CallbackInfo& info);
  Napi::Value JsGetMetadata(const Napi::CallbackInfo& info) { return handle_.GetMetadata(info); }
  Napi::Value JsClose(const Napi::CallbackInfo& info);
  Napi::Value JsInFlight(const Napi::CallbackInfo& info);
  // The transactional API (transactions.h), given this producer's handle.
  template <Napi::Value (*Operation)(const Napi::CallbackInfo&, const SharedHandle&)>
  Napi::Value JsWithHandle(const Napi::CallbackInfo& info) {
    return Operation(info, handle_.shared());
  }

  rd_kafka_resp_err_t Enqueue(napi_env env, napi_value topic_index_arg, napi_value partition_arg, napi_value value_arg,
                              napi_value key_arg, int64_t timestamp_ms, void* opaque, rd_kafka_headers_t* headers);
  void Drain(Napi::Env env);
  void CollectReport(Napi::Env env, const rd_kafka_message_t* message);
  double ReportTopicIndex(rd_kafka_topic_t* topic) const;
  void EmitReports(Napi::Env env);
  void DestroyTopics();
  void DestroyNow();

  friend class ClientHandleMethods<Producer>;
  ClientHandle handle_;
  std::vector<rd_kafka_topic_t*> topics_;
  std::unordered_map<std::string, uint32_t> topic_indexes_;

  Napi::Reference<Napi::Float64Array> report_slab_ref_;
  double* report_slab_ = nullptr;
  size_t report_capacity_ = 0;
  size_t report_count_ = 0;
  Napi::Reference<Napi::Array> report_failures_;  // [slabIndex, key, value, reason] per failure
  Napi::FunctionReference on_reports_;
  Napi::FunctionReference on_event_;

  ClientEventQueue throttles_;
  int64_t in_flight_ = 0;
  std::string value_scratch_;
  std::string key_scratch_;
};

}  // namespace rdkafka_napi
