#include "producer.h"

#include "kafka_error.h"
#include "message_bytes.h"
#include "off_thread.h"
#include "transactions.h"
#include "wire_layout.h"

namespace rdkafka_napi {

namespace {
// Messages handled per wake before yielding the event loop to other work.
constexpr size_t kDrainBudgetMessages = 50000;
constexpr const char* kSignature = "NativeProducer(config, reportSlab, onReports, onEvent)";
}  // namespace

Napi::Function Producer::Define(Napi::Env env) {
  std::vector<Napi::ClassPropertyDescriptor<Producer>> methods = {
      InstanceMethod<&Producer::JsConnect>("connect"),
      InstanceMethod<&Producer::JsTopicIndex>("topicIndex"),
      InstanceMethod<&Producer::JsProduceWithExtras>("produceWithExtras"),
      InstanceMethod<&Producer::JsFlush>("flush"),
      InstanceMethod<&Producer::JsPurge>("purge"),
      InstanceMethod<&Producer::JsGetMetadata>("getMetadata"),
      InstanceMethod<&Producer::JsClose>("close"),
      InstanceMethod<&Producer::JsInFlight>("inFlight"),
      InstanceMethod<&Producer::JsWithHandle<&InitTransactions>>("initTransactions"),
      InstanceMethod<&Producer::JsWithHandle<&BeginTransaction>>("beginTransaction"),
      InstanceMethod<&Producer::JsWithHandle<&CommitTransaction>>("commitTransaction"),
      InstanceMethod<&Producer::JsWithHandle<&AbortTransaction>>("abortTransaction"),
      InstanceMethod<&Producer::JsWithHandle<&SendOffsetsToTransaction>>("sendOffsetsToTransaction"),
  };
  Register(methods);
  return DefineClass(env, "NativeProducer", methods);
}

Producer::Producer(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Producer>(info), handle_(info.Env(), ConfigArgument(info, kSignature), "Producer") {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[1].IsTypedArray() || !info[2].IsFunction() || !info[3].IsFunction()) {
    throw Napi::TypeError::New(env, kSignature);
  }
  rd_kafka_conf_set_events(handle_.conf(), kClientEventMask | RD_KAFKA_EVENT_DR);
  CollectThrottles(handle_.conf(), &throttles_);

  Napi::Float64Array slab = info[1].As<Napi::Float64Array>();
  report_slab_ref_ = Napi::Persistent(slab);
  report_slab_ = slab.Data();
  report_capacity_ = slab.ElementLength() / kReportStride;
  on_reports_ = Napi::Persistent(info[2].As<Napi::Function>());
  on_event_ = Napi::Persistent(info[3].As<Napi::Function>());
  // The hot path as an own function of this instance: its callback data is
  // `this`, so a call needs no napi_unwrap (a private-symbol lookup per call).
  napi_value fast;
  napi_create_function(env, "produce", NAPI_AUTO_LENGTH, &Producer::FastProduce, this, &fast);
  info.This().As<Napi::Object>().Set("produce", Napi::Value(env, fast));
}

// produce(topicIndex, partition, value[, key[, messageId]]) -> error code (0: enqueued).
// Without the fourth argument the key is null: most fire-and-forget messages
// have none, and reading an absent one costs two failed type probes. The
// fifth, for send() and sendBatch(), comes back in the message's report.
// Returns codes instead of throwing: the hot path stays branch-light and the
// TypeScript layer turns a non-zero code into a KafkaError with context.
// Plain N-API, no ObjectWrap: the instance comes as callback data.
napi_value Producer::FastProduce(napi_env env, napi_callback_info cbinfo) {
  size_t argc = 5;
  napi_value argv[5];
  void* data;
  napi_get_cb_info(env, cbinfo, &argc, argv, nullptr, &data);
  auto* self = static_cast<Producer*>(data);
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__STATE;
  void* opaque = nullptr;
  if (argc >= 5) {
    double message_id = 0;
    napi_get_value_double(env, argv[4], &message_id);
    opaque = reinterpret_cast<void*>(static_cast<uintptr_t>(message_id));
  }
  if (argc >= 3) {
    err = self->Enqueue(env, argv[0], argv[1], argv[2], argc >= 4 ? argv[3] : nullptr, 0, opaque, nullptr);
  }
  napi_value result;
  napi_create_int32(env, err, &result);
  return result;
}

Producer::~Producer() { DestroyNow(); }

Napi::Value Producer::JsConnect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  handle_.Create(env, RD_KAFKA_PRODUCER);
  Ref();  // librdkafka's threads reach this object until the wakeup is finalized
  handle_.ServeMainQueue(
      env, "rdkafka-napi:producer-events", [this](Napi::Env env) { Drain(env); }, [this]() { Unref(); });
  if (handle_.StartTokenRefresh(env, [this]() { Unref(); })) Ref();  // its own wakeup reaches this object too
  Track(env, ClosableRegistry::Order::kClient);
  return env.Undefined();
}

Napi::Value Producer::JsTopicIndex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  rd_kafka_t* rk = handle_.Get(env);
  std::string name = info[0].As<Napi::String>().Utf8Value();
  auto found = topic_indexes_.find(name);
  if (found != topic_indexes_.end()) return Napi::Number::New(env, found->second);

  // Start from the defaults set in the client config (topic-level keys there
  // apply to every topic), then tag the handle with its index for reports.
  rd_kafka_topic_conf_t* topic_conf = rd_kafka_default_topic_conf_dup(rk);
  uint32_t index = static_cast<uint32_t>(topics_.size());
  rd_kafka_topic_conf_set_opaque(topic_conf, reinterpret_cast<void*>(static_cast<uintptr_t>(index)));
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk, name.c_str(), topic_conf);
  if (topic == nullptr) {
    rd_kafka_resp_err_t code = rd_kafka_last_error();
    ThrowKafkaError(env, code, "Cannot use topic \"" + name + "\": " + rd_kafka_err2str(code));
  }
  topics_.push_back(topic);
  topic_indexes_.emplace(name, index);
  return Napi::Number::New(env, index);
}

// key_arg nullptr: a null key, without reading an argument.
rd_kafka_resp_err_t Producer::Enqueue(napi_env env, napi_value topic_index_arg, napi_value partition_arg,
                                      napi_value value_arg, napi_value key_arg, int64_t timestamp_ms, void* opaque,
                                      rd_kafka_headers_t* headers) {
  rd_kafka_t* rk = handle_.get();
  if (rk == nullptr) return RD_KAFKA_RESP_ERR__STATE;
  uint32_t topic_index = 0;
  napi_get_value_uint32(env, topic_index_arg, &topic_index);
  if (topic_index >= topics_.size()) return RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
  int32_t partition = 0;
  napi_get_value_int32(env, partition_arg, &partition);
  BytesView value;
  BytesView key;
  if (!ReadMessageBytes(env, value_arg, value_scratch_, &value) ||
      (key_arg != nullptr && !ReadMessageBytes(env, key_arg, key_scratch_, &key))) {
    return RD_KAFKA_RESP_ERR__INVALID_TYPE;
  }
  rd_kafka_resp_err_t err = rd_kafka_producev(rk, RD_KAFKA_V_RKT(topics_[topic_index]), RD_KAFKA_V_PARTITION(partition),
                                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                              RD_KAFKA_V_VALUE(const_cast<void*>(value.data), value.length),
                                              RD_KAFKA_V_KEY(key.data, key.length), RD_KAFKA_V_TIMESTAMP(timestamp_ms),
                                              RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR && ++in_flight_ == 1) handle_.wakeup().SetKeepAlive(Napi::Env(env), true);
  return err;
}

// produceWithExtras(topicIndex, partition, value, key, timestampMs, messageId, headers|null)
// headers: flat array [name, value, name, value, ...].
Napi::Value Producer::JsProduceWithExtras(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  int64_t timestamp_ms = info[4].IsNumber() ? info[4].As<Napi::Number>().Int64Value() : 0;
  double message_id = info[5].IsNumber() ? info[5].As<Napi::Number>().DoubleValue() : 0;
  void* opaque = reinterpret_cast<void*>(static_cast<uintptr_t>(message_id));

  HeadersPtr headers;
  if (info[6].IsArray()) {
    Napi::Array flat = info[6].As<Napi::Array>();
    uint32_t length = flat.Length();
    headers.reset(rd_kafka_headers_new(length / 2));
    std::string scratch;
    for (uint32_t i = 0; i + 1 < length; i += 2) {
      std::string name = flat.Get(i).As<Napi::String>().Utf8Value();
      BytesView header_value;
      if (!ReadMessageBytes(env, flat.Get(i + 1), scratch, &header_value)) {
        return Napi::Number::New(env, RD_KAFKA_RESP_ERR__INVALID_TYPE);
      }
      rd_kafka_header_add(headers.get(), name.data(), static_cast<ssize_t>(name.size()), header_value.data,
                          static_cast<ssize_t>(header_value.length));
    }
  }
  rd_kafka_resp_err_t err = Enqueue(env, info[0], info[1], info[2], info[3], timestamp_ms, opaque, headers.get());
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) headers.release();  // librdkafka owns them now
  return Napi::Number::New(env, err);
}

void Producer::Drain(Napi::Env env) {
  rd_kafka_t* rk = handle_.get();
  if (rk == nullptr || handle_.queue() == nullptr) return;
  size_t handled = 0;
  while (handled < kDrainBudgetMessages) {
    EventPtr event(rd_kafka_queue_poll(handle_.queue(), 0));
    if (!event) break;
    if (rd_kafka_event_type(event.get()) != RD_KAFKA_EVENT_DR) {
      EmitReports(env);  // keep reports ordered before errors that follow them
      if (auto client_event = ClientEvent::FromQueueEvent(rk, event.get()))
        EmitClientEvent(env, *client_event, on_event_);
      handled++;
      continue;
    }
    const rd_kafka_message_t* message;
    while ((message = rd_kafka_event_message_next(event.get())) != nullptr) {
      CollectReport(env, message);
      handled++;
    }
  }
  EmitReports(env);
  throttles_.EmitAll(env, on_event_);
  if (handled >= kDrainBudgetMessages) handle_.wakeup().Request();  // more may wait; let other work run first
}

void Producer::CollectReport(Napi::Env env, const rd_kafka_message_t* message) {
  if (report_count_ == report_capacity_) EmitReports(env);
  double* slot = report_slab_ + report_count_ * kReportStride;
  rd_kafka_timestamp_type_t timestamp_type;
  slot[kReportMessageId] = static_cast<double>(reinterpret_cast<uintptr_t>(message->_private));
  slot[kReportTopicIndex] = ReportTopicIndex(message->rkt);
  slot[kReportPartition] = message->partition;
  slot[kReportOffset] = static_cast<double>(message->offset);
  slot[kReportTimestamp] = static_cast<double>(rd_kafka_message_timestamp(message, &timestamp_type));
  slot[kReportErrno] = message->err;
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Failed messages go back with their bytes so nothing is lost silently.
    if (report_failures_.IsEmpty()) report_failures_ = Napi::Persistent(Napi::Array::New(env));
    Napi::Array failures = report_failures_.Value();
    Napi::Array failure = Napi::Array::New(env, 4);
    auto bytes = [&env](const void* data, size_t length) -> Napi::Value {
      return data ? Napi::Buffer<char>::Copy(env, static_cast<const char*>(data), length).As<Napi::Value>()
                  : env.Null();
    };
    failure.Set(0u, Napi::Number::New(env, static_cast<double>(report_count_)));
    failure.Set(1u, bytes(message->key, message->key_len));
    failure.Set(2u, bytes(message->payload, message->len));
    failure.Set(3u, Napi::String::New(env, rd_kafka_err2str(message->err)));
    failures.Set(failures.Length(), failure);
  }
  report_count_++;
}

void Producer::EmitReports(Napi::Env env) {
  if (report_count_ == 0) return;
  size_t count = report_count_;
  report_count_ = 0;
  in_flight_ -= static_cast<int64_t>(count);
  if (in_flight_ <= 0) {
    in_flight_ = 0;
    handle_.wakeup().SetKeepAlive(env, false);
  }
  Napi::Value failures = env.Undefined();
  if (!report_failures_.IsEmpty()) {
    failures = report_failures_.Value();
    report_failures_.Reset();
  }
  on_reports_.Call({Napi::Number::New(env, static_cast<double>(count)), failures});
}

Napi::Value Producer::JsFlush(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  handle_.Get(env);
  int timeout_ms = info[0].As<Napi::Number>().Int32Value();
  struct FlushResult {
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    int still_queued = 0;
  };
  // With delivery reports as events, rd_kafka_flush waits for the out-queue
  // to empty without serving callbacks, so it is safe off the JS thread; the
  // reports themselves are drained here as they arrive.
  return RunOffThread(
      env, "rdkafka-napi:flush",
      [owner = handle_.shared(), timeout_ms]() {
        FlushResult result;
        result.err = rd_kafka_flush(owner.get(), timeout_ms);
        if (result.err != RD_KAFKA_RESP_ERR_NO_ERROR) result.still_queued = rd_kafka_outq_len(owner.get());
        return result;
      },
      [](Napi::Env env, FlushResult& result) -> Napi::Value {
        if (result.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          std::string message = "Flush timed out with " + std::to_string(result.still_queued) +
                                " messages or requests still queued; wait longer or disconnect() to fail them";
          ThrowKafkaError(env, result.err, message, ErrorFlags{false, 1, false});
        }
        return env.Undefined();
      });
}

Napi::Value Producer::JsPurge(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!handle_.open()) return env.Undefined();
  // Queued and in-flight messages come back as failed delivery reports.
  rd_kafka_purge(handle_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  handle_.wakeup().Request();
  return env.Undefined();
}

Napi::Value Producer::JsClose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!handle_.open()) return ResolvedPromise(env);
  handle_.StopServing();
  Drain(env);
  DestroyTopics();
  Untrack();
  return handle_.CloseOffThread(env, "rdkafka-napi:producer-close");
}

Napi::Value Producer::JsInFlight(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(in_flight_));
}

// The index topicIndex() gave this topic handle. Its opaque says it, unless
// librdkafka already had the topic (e.g. from a getMetadata({ topic }) call,
// which creates the topic with the default config): librdkafka then returns
// the existing handle and keeps its config, opaque included, so check the
// handle and look it up when the opaque is not ours.
double Producer::ReportTopicIndex(rd_kafka_topic_t* topic) const {
  auto index = static_cast<size_t>(reinterpret_cast<uintptr_t>(rd_kafka_topic_opaque(topic)));
  if (index < topics_.size() && topics_[index] == topic) return static_cast<double>(index);
  for (size_t i = 0; i < topics_.size(); i++) {
    if (topics_[i] == topic) return static_cast<double>(i);
  }
  return static_cast<double>(index);
}

void Producer::DestroyTopics() {
  for (rd_kafka_topic_t* topic : topics_) rd_kafka_topic_destroy(topic);
  topics_.clear();
  topic_indexes_.clear();
}

void Producer::DestroyNow() {
  Untrack();
  if (!handle_.open()) return;
  handle_.StopServing();
  DestroyTopics();
  handle_.DestroyNow();
}

}  // namespace rdkafka_napi
