#include "producer.h"

#include "addon_state.h"
#include "client_config.h"
#include "client_events.h"
#include "kafka_error.h"
#include "message_bytes.h"
#include "metadata.h"
#include "off_thread.h"

namespace rdkafka_napi {

namespace {
// Messages handled per wake before yielding the event loop to other work.
constexpr size_t kDrainBudgetMessages = 50000;
}  // namespace

Napi::Function Producer::Define(Napi::Env env) {
  return DefineClass(env, "NativeProducer",
                     {
                         InstanceMethod<&Producer::JsConnect>("connect"),
                         InstanceMethod<&Producer::JsTopicIndex>("topicIndex"),
                         InstanceMethod<&Producer::JsProduceWithExtras>("produceWithExtras"),
                         InstanceMethod<&Producer::JsFlush>("flush"),
                         InstanceMethod<&Producer::JsPurge>("purge"),
                         InstanceMethod<&Producer::JsGetMetadata>("getMetadata"),
                         InstanceMethod<&Producer::JsClose>("close"),
                         InstanceMethod<&Producer::JsInFlight>("inFlight"),
                         InstanceMethod<&Producer::JsQueueLength>("queueLength"),
                     });
}

Producer::Producer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Producer>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsObject() || !info[1].IsTypedArray() || !info[2].IsFunction() ||
      !info[3].IsFunction()) {
    throw Napi::TypeError::New(env, "NativeProducer(config, reportSlab, onReports, onEvent)");
  }
  pending_conf_ = BuildConf(env, info[0].As<Napi::Object>());
  char errstr[512];
  // Logs travel as events on the main queue instead of librdkafka printing them.
  if (rd_kafka_conf_set(pending_conf_.get(), "log.queue", "true", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
  }
  rd_kafka_conf_set_events(pending_conf_.get(), kClientEventMask | RD_KAFKA_EVENT_DR);
  CollectThrottles(pending_conf_.get(), &throttles_);

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

// produce(topicIndex, partition, value[, key]) -> error code (0: enqueued).
// Without the fourth argument the key is null: most fire-and-forget messages
// have none, and reading an absent one costs two failed type probes.
// Returns codes instead of throwing: the hot path stays branch-light and the
// TypeScript layer turns a non-zero code into a KafkaError with context.
// Plain N-API, no ObjectWrap: the instance comes as callback data.
napi_value Producer::FastProduce(napi_env env, napi_callback_info cbinfo) {
  size_t argc = 4;
  napi_value argv[4];
  void* data;
  napi_get_cb_info(env, cbinfo, &argc, argv, nullptr, &data);
  auto* self = static_cast<Producer*>(data);
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__STATE;
  if (argc == 3 || argc == 4) {
    err = self->Enqueue(env, argv[0], argv[1], argv[2], argc == 4 ? argv[3] : nullptr, 0, nullptr, nullptr);
  }
  napi_value result;
  napi_create_int32(env, err, &result);
  return result;
}

Producer::~Producer() { DestroyNow(); }

Napi::Value Producer::JsConnect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (rk_ != nullptr || !pending_conf_) {
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE, "Producer is already connected or was closed");
  }
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, pending_conf_.get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    // rd_kafka_new keeps ownership of the conf only on success.
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, std::string("Cannot create producer: ") + errstr);
  }
  pending_conf_.release();
  rk_ = rk;
  owner_ = ShareHandle(rk);
  main_queue_.reset(rd_kafka_queue_get_main(rk_));
  rd_kafka_set_log_queue(rk_, main_queue_.get());

  Ref();  // librdkafka's threads reach this object until the wakeup is finalized
  wakeup_.Start(
      env, main_queue_.get(), "rdkafka-napi:producer-events", [this](Napi::Env env) { Drain(env); },
      [this]() { Unref(); });
  wakeup_.SetKeepAlive(env, false);
  napi_add_env_cleanup_hook(env, &Producer::OnEnvCleanup, this);
  cleanup_hook_added_ = true;
  return env.Undefined();
}

Napi::Value Producer::JsTopicIndex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (rk_ == nullptr) ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE, "Producer is not connected");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  auto found = topic_indexes_.find(name);
  if (found != topic_indexes_.end()) return Napi::Number::New(env, found->second);

  // Start from the defaults set in the client config (topic-level keys there
  // apply to every topic), then tag the handle with its index for reports.
  rd_kafka_topic_conf_t* topic_conf = rd_kafka_default_topic_conf_dup(rk_);
  uint32_t index = static_cast<uint32_t>(topics_.size());
  rd_kafka_topic_conf_set_opaque(topic_conf, reinterpret_cast<void*>(static_cast<uintptr_t>(index)));
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk_, name.c_str(), topic_conf);
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
  if (rk_ == nullptr) return RD_KAFKA_RESP_ERR__STATE;
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
  rd_kafka_resp_err_t err = rd_kafka_producev(
      rk_, RD_KAFKA_V_RKT(topics_[topic_index]), RD_KAFKA_V_PARTITION(partition),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(const_cast<void*>(value.data), value.length),
      RD_KAFKA_V_KEY(key.data, key.length), RD_KAFKA_V_TIMESTAMP(timestamp_ms), RD_KAFKA_V_OPAQUE(opaque),
      RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR && ++in_flight_ == 1) wakeup_.SetKeepAlive(Napi::Env(env), true);
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
  if (rk_ == nullptr || !main_queue_) return;
  size_t handled = 0;
  while (handled < kDrainBudgetMessages) {
    EventPtr event(rd_kafka_queue_poll(main_queue_.get(), 0));
    if (!event) break;
    if (rd_kafka_event_type(event.get()) != RD_KAFKA_EVENT_DR) {
      EmitReports(env);  // keep reports ordered before errors that follow them
      DispatchClientEvent(env, rk_, event.get(), on_event_);
      handled++;
      continue;
    }
    const rd_kafka_message_t* message;
    while ((message = rd_kafka_event_message_next(event.get())) != nullptr) {
      if (report_count_ == report_capacity_) EmitReports(env);
      double* slot = report_slab_ + report_count_ * kReportStride;
      rd_kafka_timestamp_type_t timestamp_type;
      slot[0] = static_cast<double>(reinterpret_cast<uintptr_t>(message->_private));
      slot[1] = static_cast<double>(reinterpret_cast<uintptr_t>(rd_kafka_topic_opaque(message->rkt)));
      slot[2] = message->partition;
      slot[3] = static_cast<double>(message->offset);
      slot[4] = static_cast<double>(rd_kafka_message_timestamp(message, &timestamp_type));
      slot[5] = message->err;
      if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        // Failed messages go back with their bytes so nothing is lost silently.
        if (report_failures_.IsEmpty()) report_failures_ = Napi::Persistent(Napi::Array::New(env));
        Napi::Array failures = report_failures_.Value();
        Napi::Array failure = Napi::Array::New(env, 4);
        failure.Set(0u, Napi::Number::New(env, static_cast<double>(report_count_)));
        failure.Set(1u, message->key ? Napi::Buffer<char>::Copy(env, static_cast<const char*>(message->key),
                                                                 message->key_len)
                                           .As<Napi::Value>()
                                     : env.Null());
        failure.Set(2u, message->payload ? Napi::Buffer<char>::Copy(
                                               env, static_cast<const char*>(message->payload), message->len)
                                               .As<Napi::Value>()
                                         : env.Null());
        failure.Set(3u, Napi::String::New(env, rd_kafka_err2str(message->err)));
        failures.Set(failures.Length(), failure);
      }
      report_count_++;
      handled++;
    }
  }
  EmitReports(env);
  EmitThrottles(env, throttles_, on_event_);
  if (handled >= kDrainBudgetMessages) wakeup_.Request();  // more may wait; let other work run first
}

void Producer::EmitReports(Napi::Env env) {
  if (report_count_ == 0) return;
  size_t count = report_count_;
  report_count_ = 0;
  in_flight_ -= static_cast<int64_t>(count);
  if (in_flight_ <= 0) {
    in_flight_ = 0;
    wakeup_.SetKeepAlive(env, false);
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
  if (rk_ == nullptr) ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE, "Producer is not connected");
  int timeout_ms = info[0].As<Napi::Number>().Int32Value();
  struct FlushResult {
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    int still_queued = 0;
  };
  // With delivery reports as events, rd_kafka_flush waits for the out-queue
  // to empty without serving callbacks, so it is safe off the JS thread; the
  // reports themselves are drained here as they arrive.
  return RunOffThread<FlushResult>(
      env, "rdkafka-napi:flush",
      [owner = owner_, timeout_ms]() {
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
  if (rk_ == nullptr) return env.Undefined();
  // Queued and in-flight messages come back as failed delivery reports.
  rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  wakeup_.Request();
  return env.Undefined();
}

Napi::Value Producer::JsGetMetadata(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (rk_ == nullptr) ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE, "Producer is not connected");
  return FetchMetadata(env, owner_, info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : std::string(),
                       info[1].ToBoolean().Value(), info[2].As<Napi::Number>().Int32Value());
}

Napi::Value Producer::JsClose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (rk_ == nullptr) {
    Napi::Promise::Deferred already_closed = Napi::Promise::Deferred::New(env);
    already_closed.Resolve(env.Undefined());
    return already_closed.Promise();
  }
  wakeup_.Detach();
  Drain(env);
  for (rd_kafka_topic_t* topic : topics_) rd_kafka_topic_destroy(topic);
  topics_.clear();
  topic_indexes_.clear();
  main_queue_.reset();
  rk_ = nullptr;
  if (cleanup_hook_added_) {
    napi_remove_env_cleanup_hook(env, &Producer::OnEnvCleanup, this);
    cleanup_hook_added_ = false;
  }
  return RunOffThread<int>(
      env, "rdkafka-napi:producer-close",
      [owner = std::move(owner_)]() mutable {
        owner.reset();  // destroys the handle unless an operation still holds it
        return 0;
      },
      [this](Napi::Env env, int&) -> Napi::Value {
        wakeup_.Release();
        return env.Undefined();
      });
}

Napi::Value Producer::JsInFlight(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(in_flight_));
}

Napi::Value Producer::JsQueueLength(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), rk_ ? rd_kafka_outq_len(rk_) : 0);
}

void Producer::DestroyNow() {
  if (rk_ == nullptr) return;
  wakeup_.Detach();
  for (rd_kafka_topic_t* topic : topics_) rd_kafka_topic_destroy(topic);
  topics_.clear();
  main_queue_.reset();
  owner_.reset();  // destroys the handle now, or when the last running operation lets go
  rk_ = nullptr;
  wakeup_.Release();
}

void Producer::OnEnvCleanup(void* self) {
  auto* producer = static_cast<Producer*>(self);
  producer->cleanup_hook_added_ = false;
  producer->DestroyNow();
}

}  // namespace rdkafka_napi
