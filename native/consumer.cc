#include "consumer.h"

#include <cstring>

#include "addon_state.h"
#include "client_config.h"
#include "kafka_error.h"
#include "metadata.h"
#include "off_thread.h"
#include "partition_list.h"

namespace rdkafka_napi {

namespace {

struct PartitionListResult {
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string message;
  PartitionListPtr list;  // owned here, so a result that is never settled is still freed
};

Napi::Value SettlePartitionList(Napi::Env env, PartitionListResult& result, const char* what) {
  PartitionListPtr owned = std::move(result.list);
  if (result.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::string detail = result.message.empty() ? rd_kafka_err2str(result.err) : result.message;
    ThrowKafkaError(env, result.err, std::string(what) + " failed: " + detail);
  }
  return PartitionListToJs(env, owned.get());
}

}  // namespace

Napi::Function Consumer::Define(Napi::Env env) {
  return DefineClass(env, "NativeConsumer",
                     {
                         InstanceMethod<&Consumer::JsConnect>("connect"),
                         InstanceMethod<&Consumer::JsSubscribe>("subscribe"),
                         InstanceMethod<&Consumer::JsUnsubscribe>("unsubscribe"),
                         InstanceMethod<&Consumer::JsSubscription>("subscription"),
                         InstanceMethod<&Consumer::JsAssign>("assign"),
                         InstanceMethod<&Consumer::JsIncrementalAssign>("incrementalAssign"),
                         InstanceMethod<&Consumer::JsIncrementalUnassign>("incrementalUnassign"),
                         InstanceMethod<&Consumer::JsAssignment>("assignment"),
                         InstanceMethod<&Consumer::JsPoll>("poll"),
                         InstanceMethod<&Consumer::JsTakeRebalance>("takeRebalance"),
                         InstanceMethod<&Consumer::JsApplyRebalance>("applyRebalance"),
                         InstanceMethod<&Consumer::JsCommit>("commit"),
                         InstanceMethod<&Consumer::JsCommitted>("committed"),
                         InstanceMethod<&Consumer::JsPosition>("position"),
                         InstanceMethod<&Consumer::JsStoreOffsets>("storeOffsets"),
                         InstanceMethod<&Consumer::JsSeek>("seek"),
                         InstanceMethod<&Consumer::JsPause>("pause"),
                         InstanceMethod<&Consumer::JsResume>("resume"),
                         InstanceMethod<&Consumer::JsQueryWatermarkOffsets>("queryWatermarkOffsets"),
                         InstanceMethod<&Consumer::JsOffsetsForTimes>("offsetsForTimes"),
                         InstanceMethod<&Consumer::JsGetMetadata>("getMetadata"),
                         InstanceMethod<&Consumer::JsTopicName>("topicName"),
                         InstanceMethod<&Consumer::JsSetKeepAlive>("setKeepAlive"),
                         InstanceMethod<&Consumer::JsRebalanceProtocol>("rebalanceProtocol"),
                         InstanceMethod<&Consumer::JsClose>("close"),
                     });
}

Consumer::Consumer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Consumer>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsObject() || !info[1].IsTypedArray() || !info[2].IsFunction() ||
      !info[3].IsFunction()) {
    throw Napi::TypeError::New(env, "NativeConsumer(config, metaSlab, onReadable, onEvent)");
  }
  pending_conf_ = BuildConf(env, info[0].As<Napi::Object>());
  rd_kafka_conf_t* conf = pending_conf_.get();
  char errstr[512];
  // Logs are queued and served by our poll, on the JS thread, like the rest.
  if (rd_kafka_conf_set(conf, "log.queue", "true", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
  }
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_rebalance_cb(conf, &Consumer::OnRebalance);
  rd_kafka_conf_set_error_cb(conf, &Consumer::OnError);
  rd_kafka_conf_set_log_cb(conf, &Consumer::OnLog);
  rd_kafka_conf_set_stats_cb(conf, &Consumer::OnStats);
  rd_kafka_conf_set_throttle_cb(conf, &Consumer::OnThrottle);

  Napi::Float64Array slab = info[1].As<Napi::Float64Array>();
  meta_slab_ref_ = Napi::Persistent(slab);
  meta_slab_ = slab.Data();
  meta_capacity_ = slab.ElementLength() / kMetaStride;
  batch_.resize(meta_capacity_);
  on_readable_ = Napi::Persistent(info[2].As<Napi::Function>());
  on_event_ = Napi::Persistent(info[3].As<Napi::Function>());
}

Consumer::~Consumer() { DestroyNow(); }

rd_kafka_t* Consumer::Handle(Napi::Env env) {
  if (rk_ == nullptr || closing_) {
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE,
                    rk_ == nullptr ? "Consumer is not connected" : "Consumer is disconnecting");
  }
  return rk_;
}

void Consumer::CheckError(Napi::Env env, rd_kafka_resp_err_t err, const char* what) {
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    ThrowKafkaError(env, err, std::string(what) + " failed: " + rd_kafka_err2str(err));
  }
}

void Consumer::CheckError(Napi::Env env, rd_kafka_error_t* error, const char* what) {
  if (error == nullptr) return;
  ErrorPtr owned(error);
  Napi::Value js_error = MakeKafkaError(env, owned.get());
  js_error.As<Napi::Object>().Set("message", Napi::String::New(env, std::string(what) + " failed: " +
                                                                        rd_kafka_error_string(owned.get())));
  throw Napi::Error(env, js_error);
}

Napi::Value Consumer::JsConnect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (rk_ != nullptr || !pending_conf_) {
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE, "Consumer is already connected or was closed");
  }
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, pending_conf_.get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, std::string("Cannot create consumer: ") + errstr);
  }
  pending_conf_.release();
  rk_ = rk;
  owner_ = ShareHandle(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  // One queue for everything: messages, rebalances, errors, logs, stats.
  rd_kafka_poll_set_consumer(rk_);
  consumer_queue_.reset(rd_kafka_queue_get_consumer(rk_));
  if (!consumer_queue_) consumer_queue_.reset(rd_kafka_queue_get_main(rk_));
  rd_kafka_set_log_queue(rk_, consumer_queue_.get());

  Ref();
  wakeup_.Start(
      env, consumer_queue_.get(), "rdkafka-napi:consumer-wakeup",
      [this](Napi::Env env) {
        EmitPending(env);
        on_readable_.Call({});
      },
      [this]() { Unref(); });
  wakeup_.SetKeepAlive(env, false);
  napi_add_env_cleanup_hook(env, &Consumer::OnEnvCleanup, this);
  cleanup_hook_added_ = true;
  return env.Undefined();
}

Napi::Value Consumer::JsSubscribe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  rd_kafka_t* rk = Handle(env);
  Napi::Array topics = info[0].As<Napi::Array>();
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.Length())));
  for (uint32_t i = 0; i < topics.Length(); i++) {
    rd_kafka_topic_partition_list_add(list.get(), topics.Get(i).As<Napi::String>().Utf8Value().c_str(),
                                      RD_KAFKA_PARTITION_UA);
  }
  CheckError(env, rd_kafka_subscribe(rk, list.get()), "subscribe");
  return env.Undefined();
}

Napi::Value Consumer::JsUnsubscribe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckError(env, rd_kafka_unsubscribe(Handle(env)), "unsubscribe");
  return env.Undefined();
}

Napi::Value Consumer::JsSubscription(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  rd_kafka_topic_partition_list_t* raw = nullptr;
  CheckError(env, rd_kafka_subscription(Handle(env), &raw), "subscription");
  PartitionListPtr list(raw);
  Napi::Array topics = Napi::Array::New(env, list->cnt);
  for (int i = 0; i < list->cnt; i++) topics.Set(i, Napi::String::New(env, list->elems[i].topic));
  return topics;
}

Napi::Value Consumer::JsAssign(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  rd_kafka_t* rk = Handle(env);
  PartitionListPtr list;
  if (!info[0].IsNull() && !info[0].IsUndefined()) list = PartitionListFromJs(env, info[0], "partitions");
  CheckError(env, rd_kafka_assign(rk, list.get()), "assign");
  return env.Undefined();
}

Napi::Value Consumer::JsIncrementalAssign(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  rd_kafka_t* rk = Handle(env);
  PartitionListPtr list = PartitionListFromJs(env, info[0], "partitions");
  CheckError(env, rd_kafka_incremental_assign(rk, list.get()), "incrementalAssign");
  return env.Undefined();
}

Napi::Value Consumer::JsIncrementalUnassign(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  rd_kafka_t* rk = Handle(env);
  PartitionListPtr list = PartitionListFromJs(env, info[0], "partitions");
  CheckError(env, rd_kafka_incremental_unassign(rk, list.get()), "incrementalUnassign");
  return env.Undefined();
}

Napi::Value Consumer::JsAssignment(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  rd_kafka_topic_partition_list_t* raw = nullptr;
  CheckError(env, rd_kafka_assignment(Handle(env), &raw), "assignment");
  PartitionListPtr list(raw);
  return PartitionListToJs(env, list.get());
}

uint32_t Consumer::TopicIndex(rd_kafka_topic_t* topic) {
  if (topic == last_topic_) return last_topic_index_;
  auto found = topic_indexes_.find(topic);
  uint32_t index;
  if (found != topic_indexes_.end()) {
    index = found->second;
  } else {
    index = static_cast<uint32_t>(topic_names_.size());
    topic_names_.emplace_back(rd_kafka_topic_name(topic));
    topic_indexes_.emplace(topic, index);
  }
  last_topic_ = topic;
  last_topic_index_ = index;
  return index;
}

// poll(maxMessages) -> [count, slab Buffer | undefined, headers[] | undefined, rebalancePending]
// Takes only what is ready (never waits): the JS layer pulls when its
// consumer wants more, and waits on the queue wakeup when there is nothing.
Napi::Value Consumer::JsPoll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  rd_kafka_t* rk = Handle(env);
  size_t max_messages = std::min<size_t>(info[0].As<Napi::Number>().Uint32Value(), meta_capacity_);
  ssize_t count = 0;
  if (stashed_rebalance_ == RD_KAFKA_RESP_ERR_NO_ERROR) {
    count = rd_kafka_consume_batch_queue(consumer_queue_.get(), 0, batch_.data(), max_messages);
    if (count < 0) count = 0;
  }
  (void)rk;

  size_t total_bytes = 0;
  for (ssize_t i = 0; i < count; i++) {
    total_bytes += (batch_[i]->key ? batch_[i]->key_len : 0) + (batch_[i]->payload ? batch_[i]->len : 0);
  }
  Napi::Value slab_value = env.Undefined();
  Napi::Array headers_list;
  if (count > 0) {
    // One allocation per batch: every key and value is a view into this slab.
    Napi::Buffer<char> slab = Napi::Buffer<char>::New(env, std::max<size_t>(total_bytes, 1));
    char* cursor = slab.Data();
    size_t offset = 0;
    for (ssize_t i = 0; i < count; i++) {
      rd_kafka_message_t* message = batch_[i];
      double* meta = meta_slab_ + i * kMetaStride;
      rd_kafka_timestamp_type_t timestamp_type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
      meta[0] = message->rkt ? TopicIndex(message->rkt) : -1;
      meta[1] = message->partition;
      meta[2] = static_cast<double>(message->offset);
      meta[3] = static_cast<double>(rd_kafka_message_timestamp(message, &timestamp_type));
      meta[4] = timestamp_type;
      meta[5] = static_cast<double>(offset);
      if (message->key != nullptr) {
        memcpy(cursor + offset, message->key, message->key_len);
        meta[6] = static_cast<double>(message->key_len);
        offset += message->key_len;
      } else {
        meta[6] = -1;
      }
      meta[7] = static_cast<double>(offset);
      if (message->payload != nullptr) {
        memcpy(cursor + offset, message->payload, message->len);
        meta[8] = static_cast<double>(message->len);
        offset += message->len;
      } else {
        meta[8] = -1;
      }
      meta[9] = -1;
      rd_kafka_headers_t* headers = nullptr;
      if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR && rd_kafka_message_headers(message, &headers) == 0 &&
          headers != nullptr && rd_kafka_header_cnt(headers) > 0) {
        if (headers_list.IsEmpty()) headers_list = Napi::Array::New(env);
        size_t header_count = rd_kafka_header_cnt(headers);
        Napi::Array pairs = Napi::Array::New(env, header_count * 2);
        for (size_t h = 0; h < header_count; h++) {
          const char* name = nullptr;
          const void* value = nullptr;
          size_t size = 0;
          rd_kafka_header_get_all(headers, h, &name, &value, &size);
          pairs.Set(static_cast<uint32_t>(h * 2), Napi::String::New(env, name));
          pairs.Set(static_cast<uint32_t>(h * 2 + 1),
                    value ? Napi::Buffer<char>::Copy(env, static_cast<const char*>(value), size).As<Napi::Value>()
                          : env.Null());
        }
        meta[9] = headers_list.Length();
        headers_list.Set(headers_list.Length(), pairs);
      }
#if RD_KAFKA_VERSION >= 0x020100ff
      meta[10] = rd_kafka_message_leader_epoch(message);
#else
      meta[10] = -1;
#endif
      meta[11] = message->err;
      rd_kafka_message_destroy(message);
    }
    slab_value = slab;
  }
  EmitPending(env);

  Napi::Array result = Napi::Array::New(env, 4);
  result.Set(0u, Napi::Number::New(env, static_cast<double>(count)));
  result.Set(1u, slab_value);
  result.Set(2u, headers_list.IsEmpty() ? env.Undefined() : headers_list.As<Napi::Value>());
  result.Set(3u, Napi::Boolean::New(env, stashed_rebalance_ != RD_KAFKA_RESP_ERR_NO_ERROR));
  return result;
}

void Consumer::OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                           void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  bool cooperative = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  if (self->closing_) {
    // During close nobody is left to decide: apply the default and go on.
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (cooperative) rd_kafka_error_destroy(rd_kafka_incremental_assign(rk, partitions));
      else rd_kafka_assign(rk, partitions);
    } else {
      if (cooperative) rd_kafka_error_destroy(rd_kafka_incremental_unassign(rk, partitions));
      else rd_kafka_assign(rk, nullptr);
    }
    return;
  }
  // Stash it and stop the current batch: the JS layer runs the user's handler
  // (which may commit before a revocation) and then applies it.
  self->stashed_rebalance_ = err;
  self->stashed_partitions_.reset(rd_kafka_topic_partition_list_copy(partitions));
  rd_kafka_yield(rk);
}

// takeRebalance() -> undefined | {kind: 'assign'|'revoke', protocol, partitions}
Napi::Value Consumer::JsTakeRebalance(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (stashed_rebalance_ == RD_KAFKA_RESP_ERR_NO_ERROR) return env.Undefined();
  Napi::Object rebalance = Napi::Object::New(env);
  rebalance.Set("kind", Napi::String::New(env, stashed_rebalance_ == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? "assign"
                                                                                                        : "revoke"));
  rebalance.Set("protocol", Napi::String::New(env, rk_ ? rd_kafka_rebalance_protocol(rk_) : "NONE"));
  rebalance.Set("lost", Napi::Boolean::New(env, rk_ ? rd_kafka_assignment_lost(rk_) == 1 : false));
  rebalance.Set("partitions", PartitionListToJs(env, stashed_partitions_.get()));
  return rebalance;
}

// applyRebalance(): the default action for the stashed rebalance.
Napi::Value Consumer::JsApplyRebalance(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (stashed_rebalance_ == RD_KAFKA_RESP_ERR_NO_ERROR || rk_ == nullptr) return env.Undefined();
  rd_kafka_resp_err_t kind = stashed_rebalance_;
  PartitionListPtr partitions = std::move(stashed_partitions_);
  stashed_rebalance_ = RD_KAFKA_RESP_ERR_NO_ERROR;
  bool cooperative = strcmp(rd_kafka_rebalance_protocol(rk_), "COOPERATIVE") == 0;
  if (kind == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    if (cooperative) CheckError(env, rd_kafka_incremental_assign(rk_, partitions.get()), "incremental assign");
    else CheckError(env, rd_kafka_assign(rk_, partitions.get()), "assign");
  } else {
    if (cooperative) CheckError(env, rd_kafka_incremental_unassign(rk_, partitions.get()), "incremental unassign");
    else CheckError(env, rd_kafka_assign(rk_, nullptr), "unassign");
  }
  return env.Undefined();
}

// commit(offsets | null) -> Promise, settled once the broker answered. It
// commits into a queue of its own, so no result is left on the consumer's
// queue to outlive a close.
Napi::Value Consumer::JsCommit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle(env);
  PartitionListPtr offsets;
  if (info[0].IsArray()) offsets = PartitionListFromJs(env, info[0], "offsets");
  rd_kafka_topic_partition_list_t* raw = offsets.release();
  return RunOffThread<PartitionListResult>(
      env, "rdkafka-napi:commit",
      [owner = owner_, raw]() {
        rd_kafka_t* rk = owner.get();
        PartitionListPtr owned(raw);
        PartitionListResult result;
        // Commit into our own queue so the result is ours, not the global callback's.
        QueuePtr reply(rd_kafka_queue_new(rk));
        result.err = rd_kafka_commit_queue(rk, owned.get(), reply.get(), nullptr, nullptr);
        if (result.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          EventPtr event(rd_kafka_queue_poll(reply.get(), -1));
          if (event) {
            result.err = rd_kafka_event_error(event.get());
            if (result.err != RD_KAFKA_RESP_ERR_NO_ERROR) result.message = rd_kafka_event_error_string(event.get());
            const rd_kafka_topic_partition_list_t* committed = rd_kafka_event_topic_partition_list(event.get());
            if (committed) result.list.reset(rd_kafka_topic_partition_list_copy(committed));
          }
        }
        return result;
      },
      [](Napi::Env env, PartitionListResult& result) -> Napi::Value {
        if (result.err == RD_KAFKA_RESP_ERR__NO_OFFSET) {
          return Napi::Array::New(env);  // nothing consumed since the last commit: nothing to do
        }
        return SettlePartitionList(env, result, "commit");
      });
}

Napi::Value Consumer::JsCommitted(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle(env);
  rd_kafka_topic_partition_list_t* raw = PartitionListFromJs(env, info[0], "partitions").release();
  int timeout_ms = info[1].As<Napi::Number>().Int32Value();
  return RunOffThread<PartitionListResult>(
      env, "rdkafka-napi:committed",
      [owner = owner_, raw, timeout_ms]() {
        rd_kafka_t* rk = owner.get();
        PartitionListResult result;
        result.list.reset(raw);
        result.err = rd_kafka_committed(rk, raw, timeout_ms);
        return result;
      },
      [](Napi::Env env, PartitionListResult& result) { return SettlePartitionList(env, result, "committed"); });
}

Napi::Value Consumer::JsPosition(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PartitionListPtr list = PartitionListFromJs(env, info[0], "partitions");
  CheckError(env, rd_kafka_position(Handle(env), list.get()), "position");
  return PartitionListToJs(env, list.get());
}

Napi::Value Consumer::JsStoreOffsets(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PartitionListPtr list = PartitionListFromJs(env, info[0], "offsets");
  CheckError(env, rd_kafka_offsets_store(Handle(env), list.get()), "storeOffsets");
  return PartitionListToJs(env, list.get());
}

Napi::Value Consumer::JsSeek(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle(env);
  rd_kafka_topic_partition_list_t* raw = PartitionListFromJs(env, info[0], "partitions").release();
  int timeout_ms = info[1].As<Napi::Number>().Int32Value();
  return RunOffThread<PartitionListResult>(
      env, "rdkafka-napi:seek",
      [owner = owner_, raw, timeout_ms]() {
        rd_kafka_t* rk = owner.get();
        PartitionListResult result;
        result.list.reset(raw);
        rd_kafka_error_t* error = rd_kafka_seek_partitions(rk, raw, timeout_ms);
        if (error != nullptr) {
          result.err = rd_kafka_error_code(error);
          result.message = rd_kafka_error_string(error);
          rd_kafka_error_destroy(error);
        }
        return result;
      },
      [](Napi::Env env, PartitionListResult& result) { return SettlePartitionList(env, result, "seek"); });
}

Napi::Value Consumer::JsPause(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PartitionListPtr list = PartitionListFromJs(env, info[0], "partitions");
  CheckError(env, rd_kafka_pause_partitions(Handle(env), list.get()), "pause");
  return PartitionListToJs(env, list.get());
}

Napi::Value Consumer::JsResume(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PartitionListPtr list = PartitionListFromJs(env, info[0], "partitions");
  CheckError(env, rd_kafka_resume_partitions(Handle(env), list.get()), "resume");
  return PartitionListToJs(env, list.get());
}

Napi::Value Consumer::JsQueryWatermarkOffsets(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle(env);
  std::string topic = info[0].As<Napi::String>().Utf8Value();
  int32_t partition = info[1].As<Napi::Number>().Int32Value();
  int timeout_ms = info[2].As<Napi::Number>().Int32Value();
  struct Watermarks {
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    int64_t low = -1;
    int64_t high = -1;
  };
  return RunOffThread<Watermarks>(
      env, "rdkafka-napi:watermarks",
      [owner = owner_, topic, partition, timeout_ms]() {
        rd_kafka_t* rk = owner.get();
        Watermarks marks;
        marks.err = rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &marks.low, &marks.high, timeout_ms);
        return marks;
      },
      [topic, partition](Napi::Env env, Watermarks& marks) -> Napi::Value {
        if (marks.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          ThrowKafkaError(env, marks.err,
                          "queryWatermarkOffsets(" + topic + ", " + std::to_string(partition) + ") failed: " +
                              rd_kafka_err2str(marks.err));
        }
        Napi::Object result = Napi::Object::New(env);
        result.Set("low", Napi::Number::New(env, static_cast<double>(marks.low)));
        result.Set("high", Napi::Number::New(env, static_cast<double>(marks.high)));
        return result;
      });
}

Napi::Value Consumer::JsOffsetsForTimes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle(env);
  rd_kafka_topic_partition_list_t* raw = PartitionListFromJs(env, info[0], "partitions").release();
  int timeout_ms = info[1].As<Napi::Number>().Int32Value();
  return RunOffThread<PartitionListResult>(
      env, "rdkafka-napi:offsets-for-times",
      [owner = owner_, raw, timeout_ms]() {
        rd_kafka_t* rk = owner.get();
        PartitionListResult result;
        result.list.reset(raw);
        result.err = rd_kafka_offsets_for_times(rk, raw, timeout_ms);
        return result;
      },
      [](Napi::Env env, PartitionListResult& result) { return SettlePartitionList(env, result, "offsetsForTimes"); });
}

Napi::Value Consumer::JsGetMetadata(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle(env);
  return FetchMetadata(env, owner_, info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : std::string(),
                       info[1].ToBoolean().Value(), info[2].As<Napi::Number>().Int32Value());
}

Napi::Value Consumer::JsTopicName(const Napi::CallbackInfo& info) {
  uint32_t index = info[0].As<Napi::Number>().Uint32Value();
  if (index >= topic_names_.size()) return info.Env().Undefined();
  return Napi::String::New(info.Env(), topic_names_[index]);
}

Napi::Value Consumer::JsSetKeepAlive(const Napi::CallbackInfo& info) {
  wakeup_.SetKeepAlive(info.Env(), info[0].ToBoolean().Value());
  return info.Env().Undefined();
}

Napi::Value Consumer::JsRebalanceProtocol(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), rk_ ? rd_kafka_rebalance_protocol(rk_) : "NONE");
}

Napi::Value Consumer::JsClose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (rk_ == nullptr || closing_) {
    Napi::Promise::Deferred done = Napi::Promise::Deferred::New(env);
    done.Resolve(env.Undefined());
    return done.Promise();
  }
  closing_ = true;
  wakeup_.Detach();
  // A rebalance the JS layer did not get to apply is applied now.
  if (stashed_rebalance_ != RD_KAFKA_RESP_ERR_NO_ERROR) {
    OnRebalance(rk_, stashed_rebalance_, stashed_partitions_.get(), this);
    stashed_rebalance_ = RD_KAFKA_RESP_ERR_NO_ERROR;
    stashed_partitions_.reset();
  }
  if (cleanup_hook_added_) {
    napi_remove_env_cleanup_hook(env, &Consumer::OnEnvCleanup, this);
    cleanup_hook_added_ = false;
  }
  rd_kafka_queue_t* queue = consumer_queue_.release();
  auto done = std::make_shared<std::promise<void>>();
  close_done_ = done->get_future().share();
  return RunOffThread<rd_kafka_resp_err_t>(
      env, "rdkafka-napi:consumer-close",
      [owner = std::move(owner_), queue, done]() mutable {
        rd_kafka_t* rk = owner.get();
        // Leaves the group (committing when auto-commit is on), serving the
        // final revocation through OnRebalance's closing branch.
        rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk);
        // Serve what close left behind (the final commit's result, unread
        // messages): each holds partition references that would otherwise
        // keep rd_kafka_destroy waiting forever.
        rd_kafka_message_t* leftovers[256];
        ssize_t count;
        while ((count = rd_kafka_consume_batch_queue(queue, 0, leftovers, 256)) > 0) {
          for (ssize_t i = 0; i < count; i++) rd_kafka_message_destroy(leftovers[i]);
        }
        rd_kafka_queue_destroy(queue);
        owner.reset();  // destroys the handle unless an operation still holds it
        done->set_value();  // from here on nothing reaches this Consumer
        return err;
      },
      [this](Napi::Env env, rd_kafka_resp_err_t& err) -> Napi::Value {
        rk_ = nullptr;
        {
          std::lock_guard<std::mutex> lock(pending_mutex_);
          pending_.clear();  // nobody is left to hear about it
        }
        wakeup_.Release();
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__DESTROY) {
          ThrowKafkaError(env, err, std::string("Consumer close did not complete cleanly: ") + rd_kafka_err2str(err));
        }
        return env.Undefined();
      });
}

void Consumer::Push(PendingEvent event) {
  std::lock_guard<std::mutex> lock(pending_mutex_);
  pending_.push_back(std::move(event));
}

void Consumer::EmitPending(Napi::Env env) {
  std::vector<PendingEvent> events;
  {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    if (pending_.empty()) return;
    events.swap(pending_);
  }
  for (PendingEvent& event : events) {
    if (event.kind == "error") {
      ErrorFlags flags;
      flags.fatal = event.fatal;
      on_event_.Call({Napi::String::New(env, "error"), MakeKafkaError(env, event.err, event.text, flags)});
    } else if (event.kind == "log") {
      on_event_.Call({Napi::String::New(env, "log"), Napi::Number::New(env, event.number),
                      Napi::String::New(env, event.facility), Napi::String::New(env, event.text)});
    } else if (event.kind == "stats") {
      on_event_.Call({Napi::String::New(env, "stats"), Napi::String::New(env, event.text)});
    } else if (event.kind == "throttle") {
      on_event_.Call({Napi::String::New(env, "throttle"), Napi::String::New(env, event.facility),
                      Napi::Number::New(env, std::stoi(event.text)), Napi::Number::New(env, event.number)});
    }
  }
}

void Consumer::OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  PendingEvent event;
  event.kind = "error";
  event.err = static_cast<rd_kafka_resp_err_t>(err);
  event.text = reason ? reason : "";
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char fatal_reason[512];
    event.err = rd_kafka_fatal_error(rk, fatal_reason, sizeof(fatal_reason));
    event.text = fatal_reason;
    event.fatal = true;
  }
  static_cast<Consumer*>(opaque)->Push(std::move(event));
}

void Consumer::OnLog(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
  auto* self = static_cast<Consumer*>(rd_kafka_opaque(rk));
  if (self == nullptr) return;
  PendingEvent event;
  event.kind = "log";
  event.number = level;
  event.facility = facility ? facility : "";
  event.text = text ? text : "";
  self->Push(std::move(event));
}

int Consumer::OnStats(rd_kafka_t*, char* json, size_t json_len, void* opaque) {
  PendingEvent event;
  event.kind = "stats";
  event.text.assign(json, json_len);
  static_cast<Consumer*>(opaque)->Push(std::move(event));
  return 0;  // librdkafka frees the JSON
}

void Consumer::OnThrottle(rd_kafka_t*, const char* broker_name, int32_t broker_id, int throttle_time_ms, void* opaque) {
  PendingEvent event;
  event.kind = "throttle";
  event.facility = broker_name ? broker_name : "";
  event.text = std::to_string(broker_id);
  event.number = throttle_time_ms;
  static_cast<Consumer*>(opaque)->Push(std::move(event));
}

void Consumer::DestroyNow() {
  if (rk_ == nullptr) return;
  if (close_done_.valid()) {
    // close() is destroying rk_ on its own thread, whose rebalance and error
    // callbacks still reach `this`: wait for it instead of destroying twice.
    close_done_.wait();
    rk_ = nullptr;
    return;
  }
  closing_ = true;
  wakeup_.Detach();
  consumer_queue_.reset();
  stashed_partitions_.reset();
  owner_.reset();  // destroys the handle now, or when the last running operation lets go
  rk_ = nullptr;
  wakeup_.Release();
}

void Consumer::OnEnvCleanup(void* self) {
  auto* consumer = static_cast<Consumer*>(self);
  consumer->cleanup_hook_added_ = false;
  consumer->DestroyNow();
}

}  // namespace rdkafka_napi
