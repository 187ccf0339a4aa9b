#include "consumer.h"

#include <cstring>

#include "group_metadata.h"
#include "kafka_error.h"
#include "off_thread.h"
#include "partition_list.h"
#include "partition_list_call.h"
#include "wire_layout.h"

namespace rdkafka_napi {

namespace {
constexpr const char* kSignature = "NativeConsumer(config, metaSlab, onReadable, onEvent)";

// Serves what the queue holds now: its callbacks (rebalances, commit results)
// run, and its messages are destroyed unread.
void ServeAndDiscard(rd_kafka_queue_t* queue) {
  rd_kafka_message_t* messages[256];
  ssize_t count;
  while ((count = rd_kafka_consume_batch_queue(queue, 0, messages, 256)) > 0) {
    for (ssize_t i = 0; i < count; i++) rd_kafka_message_destroy(messages[i]);
  }
}
}  // namespace

Napi::Function Consumer::Define(Napi::Env env) {
  std::vector<Napi::ClassPropertyDescriptor<Consumer>> methods = {
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
      InstanceMethod<&Consumer::JsWithHandle<&GroupMetadataToJs>>("groupMetadata"),
      InstanceMethod<&Consumer::JsWithHandle<&MemberIdToJs>>("memberId"),
  };
  Register(methods);
  return DefineClass(env, "NativeConsumer", methods);
}

Consumer::Consumer(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Consumer>(info), handle_(info.Env(), ConfigArgument(info, kSignature), "Consumer") {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[1].IsTypedArray() || !info[2].IsFunction() || !info[3].IsFunction()) {
    throw Napi::TypeError::New(env, kSignature);
  }
  // Callbacks, not events: they are served inside our poll of the consumer
  // queue, on the JS thread, in order with the messages.
  rd_kafka_conf_t* conf = handle_.conf();
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
  if (closing_) ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE, "Consumer is disconnecting or closed");
  return handle_.Get(env);
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
  js_error.As<Napi::Object>().Set(
      "message", Napi::String::New(env, std::string(what) + " failed: " + rd_kafka_error_string(owned.get())));
  throw Napi::Error(env, js_error);
}

Napi::Value Consumer::JsConnect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  rd_kafka_t* rk = handle_.Create(env, RD_KAFKA_CONSUMER, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  // One queue for everything: messages, rebalances, errors, logs, stats.
  rd_kafka_poll_set_consumer(rk);
  QueuePtr queue(rd_kafka_queue_get_consumer(rk));
  if (!queue) queue.reset(rd_kafka_queue_get_main(rk));
  Ref();  // librdkafka's threads reach this object until the wakeup is finalized
  handle_.ServeQueue(
      env, std::move(queue), "rdkafka-napi:consumer-wakeup",
      [this](Napi::Env env) {
        events_.EmitAll(env, on_event_);
        on_readable_.Call({});
      },
      [this]() { Unref(); });
  if (handle_.StartTokenRefresh(env, [this]() { Unref(); })) Ref();  // its own wakeup reaches this object too
  Track(env, ClosableRegistry::Order::kClient);
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
  Handle(env);
  size_t max_messages = std::min<size_t>(info[0].As<Napi::Number>().Uint32Value(), meta_capacity_);
  ssize_t count = 0;
  if (stashed_rebalance_ == RD_KAFKA_RESP_ERR_NO_ERROR) {
    count = rd_kafka_consume_batch_queue(handle_.queue(), 0, batch_.data(), max_messages);
    if (count < 0) count = 0;
  }

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
      WriteMeta(env, message, meta, offset, headers_list);
      if (message->key != nullptr) {
        memcpy(cursor + offset, message->key, message->key_len);
        offset += message->key_len;
      }
      meta[kMetaValueOffset] = static_cast<double>(offset);
      if (message->payload != nullptr) {
        memcpy(cursor + offset, message->payload, message->len);
        offset += message->len;
      }
    }
    reaper_.Hand(batch_.data(), static_cast<size_t>(count));
    slab_value = slab;
  }
  events_.EmitAll(env, on_event_);

  Napi::Array result = Napi::Array::New(env, 4);
  result.Set(0u, Napi::Number::New(env, static_cast<double>(count)));
  result.Set(1u, slab_value);
  result.Set(2u, headers_list.IsEmpty() ? env.Undefined() : headers_list.As<Napi::Value>());
  result.Set(3u, Napi::Boolean::New(env, stashed_rebalance_ != RD_KAFKA_RESP_ERR_NO_ERROR));
  return result;
}

// Everything of a message's meta slots but the value offset, which follows
// the key's bytes. Headers go to `headers_list` (created on first use).
void Consumer::WriteMeta(Napi::Env env, const rd_kafka_message_t* message, double* meta, size_t slab_offset,
                         Napi::Array& headers_list) {
  rd_kafka_timestamp_type_t timestamp_type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  meta[kMetaTopicIndex] = message->rkt ? TopicIndex(message->rkt) : -1;
  meta[kMetaPartition] = message->partition;
  meta[kMetaOffset] = static_cast<double>(message->offset);
  meta[kMetaTimestamp] = static_cast<double>(rd_kafka_message_timestamp(message, &timestamp_type));
  meta[kMetaTimestampType] = timestamp_type;
  meta[kMetaKeyOffset] = static_cast<double>(slab_offset);
  meta[kMetaKeyLength] = message->key != nullptr ? static_cast<double>(message->key_len) : -1;
  meta[kMetaValueLength] = message->payload != nullptr ? static_cast<double>(message->len) : -1;
  meta[kMetaHeadersIndex] = -1;
  rd_kafka_headers_t* headers = nullptr;
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR &&
      rd_kafka_message_headers(const_cast<rd_kafka_message_t*>(message), &headers) == 0 && headers != nullptr &&
      rd_kafka_header_cnt(headers) > 0) {
    if (headers_list.IsEmpty()) headers_list = Napi::Array::New(env);
    size_t header_count = rd_kafka_header_cnt(headers);
    Napi::Array pairs = Napi::Array::New(env, header_count * 2);
    for (size_t h = 0; h < header_count; h++) {
      const char* name = nullptr;
      const void* value = nullptr;
      size_t size = 0;
      rd_kafka_header_get_all(headers, h, &name, &value, &size);
      pairs.Set(static_cast<uint32_t>(h * 2), Napi::String::New(env, name));
      pairs.Set(
          static_cast<uint32_t>(h * 2 + 1),
          value ? Napi::Buffer<char>::Copy(env, static_cast<const char*>(value), size).As<Napi::Value>() : env.Null());
    }
    meta[kMetaHeadersIndex] = headers_list.Length();
    headers_list.Set(headers_list.Length(), pairs);
  }
#if RD_KAFKA_VERSION >= 0x020100ff
  meta[kMetaLeaderEpoch] = rd_kafka_message_leader_epoch(message);
#else
  meta[kMetaLeaderEpoch] = -1;
#endif
  meta[kMetaErrno] = message->err;
}

void Consumer::OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                           void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  // NULL when the group has no protocol yet (UBSan caught strcmp on it).
  const char* protocol = rd_kafka_rebalance_protocol(rk);
  bool cooperative = protocol != nullptr && strcmp(protocol, "COOPERATIVE") == 0;
  if (self->closing_) {
    // During close nobody is left to decide: apply the default and go on.
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (cooperative)
        rd_kafka_error_destroy(rd_kafka_incremental_assign(rk, partitions));
      else
        rd_kafka_assign(rk, partitions);
    } else {
      if (cooperative)
        rd_kafka_error_destroy(rd_kafka_incremental_unassign(rk, partitions));
      else
        rd_kafka_assign(rk, nullptr);
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
  rebalance.Set(
      "kind", Napi::String::New(env, stashed_rebalance_ == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? "assign" : "revoke"));
  rd_kafka_t* rk = handle_.get();
  rebalance.Set("protocol", Napi::String::New(env, rk ? rd_kafka_rebalance_protocol(rk) : "NONE"));
  rebalance.Set("lost", Napi::Boolean::New(env, rk ? rd_kafka_assignment_lost(rk) == 1 : false));
  rebalance.Set("partitions", PartitionListToJs(env, stashed_partitions_.get()));
  return rebalance;
}

// applyRebalance(startOffsets?): the default action for the stashed rebalance.
// For an assignment, partitions named in startOffsets start at that offset
// instead of the committed one: set in the assignment itself, because a seek
// made after it loses to the committed-offset fetch the assignment starts.
Napi::Value Consumer::JsApplyRebalance(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  rd_kafka_t* rk = handle_.get();
  if (stashed_rebalance_ == RD_KAFKA_RESP_ERR_NO_ERROR || rk == nullptr) return env.Undefined();
  PartitionListPtr start_offsets;
  if (info[0].IsArray()) start_offsets = PartitionListFromJs(env, info[0], "startOffsets");
  rd_kafka_resp_err_t kind = stashed_rebalance_;
  PartitionListPtr partitions = std::move(stashed_partitions_);
  stashed_rebalance_ = RD_KAFKA_RESP_ERR_NO_ERROR;
  if (kind == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS && start_offsets) {
    for (int i = 0; i < start_offsets->cnt; i++) {
      const rd_kafka_topic_partition_t& wanted = start_offsets->elems[i];
      rd_kafka_topic_partition_t* assigned =
          rd_kafka_topic_partition_list_find(partitions.get(), wanted.topic, wanted.partition);
      if (assigned != nullptr) assigned->offset = wanted.offset;
    }
  }
  // NULL when the group has no protocol yet (UBSan caught strcmp on it).
  const char* protocol = rd_kafka_rebalance_protocol(rk);
  bool cooperative = protocol != nullptr && strcmp(protocol, "COOPERATIVE") == 0;
  if (kind == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    if (cooperative)
      CheckError(env, rd_kafka_incremental_assign(rk, partitions.get()), "incremental assign");
    else
      CheckError(env, rd_kafka_assign(rk, partitions.get()), "assign");
  } else {
    if (cooperative)
      CheckError(env, rd_kafka_incremental_unassign(rk, partitions.get()), "incremental unassign");
    else
      CheckError(env, rd_kafka_assign(rk, nullptr), "unassign");
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
  return RunPartitionListCall(env, "rdkafka-napi:commit", "commit", handle_.shared(), std::move(offsets),
                              [](rd_kafka_t* rk, PartitionListOutcome& outcome) {
                                PartitionListPtr requested = std::move(outcome.list);
                                QueuePtr reply(rd_kafka_queue_new(rk));
                                outcome.err = rd_kafka_commit_queue(rk, requested.get(), reply.get(), nullptr, nullptr);
                                if (outcome.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                                  EventPtr event(rd_kafka_queue_poll(reply.get(), -1));
                                  if (event) {
                                    outcome.err = rd_kafka_event_error(event.get());
                                    if (outcome.err != RD_KAFKA_RESP_ERR_NO_ERROR)
                                      outcome.message = rd_kafka_event_error_string(event.get());
                                    const rd_kafka_topic_partition_list_t* committed =
                                        rd_kafka_event_topic_partition_list(event.get());
                                    if (committed) outcome.list.reset(rd_kafka_topic_partition_list_copy(committed));
                                  }
                                }
                                // Nothing consumed since the last commit: nothing to do, not a failure.
                                if (outcome.err == RD_KAFKA_RESP_ERR__NO_OFFSET) {
                                  outcome.err = RD_KAFKA_RESP_ERR_NO_ERROR;
                                  outcome.list.reset();
                                }
                              });
}

Napi::Value Consumer::JsCommitted(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle(env);
  int timeout_ms = info[1].As<Napi::Number>().Int32Value();
  return RunPartitionListCall(env, "rdkafka-napi:committed", "committed", handle_.shared(),
                              PartitionListFromJs(env, info[0], "partitions"),
                              [timeout_ms](rd_kafka_t* rk, PartitionListOutcome& outcome) {
                                outcome.err = rd_kafka_committed(rk, outcome.list.get(), timeout_ms);
                              });
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
  int timeout_ms = info[1].As<Napi::Number>().Int32Value();
  return RunPartitionListCall(env, "rdkafka-napi:seek", "seek", handle_.shared(),
                              PartitionListFromJs(env, info[0], "partitions"),
                              [timeout_ms](rd_kafka_t* rk, PartitionListOutcome& outcome) {
                                ErrorPtr error(rd_kafka_seek_partitions(rk, outcome.list.get(), timeout_ms));
                                if (error) {
                                  outcome.err = rd_kafka_error_code(error.get());
                                  outcome.message = rd_kafka_error_string(error.get());
                                }
                              });
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
  return RunOffThread(
      env, "rdkafka-napi:watermarks",
      [owner = handle_.shared(), topic, partition, timeout_ms]() {
        rd_kafka_t* rk = owner.get();
        Watermarks marks;
        marks.err = rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &marks.low, &marks.high, timeout_ms);
        return marks;
      },
      [topic, partition](Napi::Env env, Watermarks& marks) -> Napi::Value {
        if (marks.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          ThrowKafkaError(env, marks.err,
                          "queryWatermarkOffsets(" + topic + ", " + std::to_string(partition) +
                              ") failed: " + rd_kafka_err2str(marks.err));
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
  int timeout_ms = info[1].As<Napi::Number>().Int32Value();
  return RunPartitionListCall(env, "rdkafka-napi:offsets-for-times", "offsetsForTimes", handle_.shared(),
                              PartitionListFromJs(env, info[0], "partitions"),
                              [timeout_ms](rd_kafka_t* rk, PartitionListOutcome& outcome) {
                                outcome.err = rd_kafka_offsets_for_times(rk, outcome.list.get(), timeout_ms);
                              });
}

Napi::Value Consumer::JsGetMetadata(const Napi::CallbackInfo& info) {
  Handle(info.Env());
  return handle_.GetMetadata(info);
}

Napi::Value Consumer::JsTopicName(const Napi::CallbackInfo& info) {
  uint32_t index = info[0].As<Napi::Number>().Uint32Value();
  if (index >= topic_names_.size()) return info.Env().Undefined();
  return Napi::String::New(info.Env(), topic_names_[index]);
}

Napi::Value Consumer::JsSetKeepAlive(const Napi::CallbackInfo& info) {
  handle_.wakeup().SetKeepAlive(info.Env(), info[0].ToBoolean().Value());
  return info.Env().Undefined();
}

Napi::Value Consumer::JsRebalanceProtocol(const Napi::CallbackInfo& info) {
  rd_kafka_t* rk = handle_.get();
  return Napi::String::New(info.Env(), rk ? rd_kafka_rebalance_protocol(rk) : "NONE");
}

Napi::Value Consumer::JsClose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!handle_.open() || closing_) return ResolvedPromise(env);
  closing_ = true;
  handle_.StopServing();
  // A rebalance the JS layer did not get to apply is applied now.
  if (stashed_rebalance_ != RD_KAFKA_RESP_ERR_NO_ERROR) {
    OnRebalance(handle_.get(), stashed_rebalance_, stashed_partitions_.get(), this);
    stashed_rebalance_ = RD_KAFKA_RESP_ERR_NO_ERROR;
    stashed_partitions_.reset();
  }
  Untrack();
  reaper_.Finish();
  auto done = std::make_shared<std::promise<void>>();
  close_done_ = done->get_future().share();
  return RunOffThread(
      env, "rdkafka-napi:consumer-close",
      [queue = handle_.TakeQueue(), owner = handle_.Release(), done]() mutable {
        rd_kafka_t* rk = owner.get();
        // Rebalances already waiting are answered first, while the group still
        // waits for them. Inside close, termination can overtake such a stale
        // rebalance: its answer is then dropped unanswered, and rd_kafka_assign
        // waits forever (librdkafka issue #4884; seen in create/close cycles).
        ServeAndDiscard(queue.get());
        // Leaves the group (committing when auto-commit is on), serving the
        // final revocation through OnRebalance's closing branch.
        rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk);
        // Serve what close left behind (the final commit's result, unread
        // messages): each holds partition references that would otherwise
        // keep rd_kafka_destroy waiting forever.
        ServeAndDiscard(queue.get());
        queue.reset();
        owner.reset();      // destroys the handle unless an operation still holds it
        done->set_value();  // from here on librdkafka's callbacks no longer reach this Consumer
        return err;
      },
      [this](Napi::Env env, rd_kafka_resp_err_t& err) -> Napi::Value {
        events_.Clear();  // nobody is left to hear about it
        handle_.ReleaseWakeup();
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__DESTROY) {
          ThrowKafkaError(env, err, std::string("Consumer close did not complete cleanly: ") + rd_kafka_err2str(err));
        }
        return env.Undefined();
      });
}

void Consumer::OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  static_cast<Consumer*>(opaque)->events_.Push(ClientEvent::Error(rk, static_cast<rd_kafka_resp_err_t>(err), reason));
}

void Consumer::OnLog(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
  auto* self = static_cast<Consumer*>(rd_kafka_opaque(rk));
  if (self != nullptr) self->events_.Push(ClientEvent::Log(level, facility, text));
}

int Consumer::OnStats(rd_kafka_t*, char* json, size_t json_len, void* opaque) {
  static_cast<Consumer*>(opaque)->events_.Push(ClientEvent::Stats(std::string(json, json_len)));
  return 0;  // librdkafka frees the JSON
}

void Consumer::OnThrottle(rd_kafka_t*, const char* broker_name, int32_t broker_id, int throttle_time_ms, void* opaque) {
  static_cast<Consumer*>(opaque)->events_.Push(ClientEvent::Throttle(broker_name, broker_id, throttle_time_ms));
}

void Consumer::DestroyNow() {
  Untrack();
  if (close_done_.valid()) {
    // close() is destroying the handle on its own thread, whose rebalance and
    // error callbacks still reach `this`: wait for it instead of destroying twice.
    close_done_.wait();
    return;
  }
  if (!handle_.open()) return;
  closing_ = true;
  stashed_partitions_.reset();
  reaper_.Finish();
  handle_.DestroyNow();
}

}  // namespace rdkafka_napi
