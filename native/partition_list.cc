#include "partition_list.h"

#include <string>

#include "kafka_error.h"

namespace rdkafka_napi {

PartitionListPtr PartitionListFromJs(Napi::Env env, Napi::Value value, const char* parameter) {
  if (!value.IsArray()) {
    throw Napi::TypeError::New(env, std::string("Expected an array of {topic, partition} for ") + parameter);
  }
  Napi::Array entries = value.As<Napi::Array>();
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(entries.Length())));
  for (uint32_t i = 0; i < entries.Length(); i++) {
    Napi::Value raw = entries.Get(i);
    if (!raw.IsObject()) {
      throw Napi::TypeError::New(env, std::string("Expected {topic, partition} objects in ") + parameter);
    }
    Napi::Object entry = raw.As<Napi::Object>();
    Napi::Value topic = entry.Get("topic");
    Napi::Value partition = entry.Get("partition");
    if (!topic.IsString() || !partition.IsNumber()) {
      throw Napi::TypeError::New(env, std::string("Expected a string topic and a number partition in ") + parameter +
                                          "[" + std::to_string(i) + "]");
    }
    rd_kafka_topic_partition_t* added = rd_kafka_topic_partition_list_add(
        list.get(), topic.As<Napi::String>().Utf8Value().c_str(), partition.As<Napi::Number>().Int32Value());
    Napi::Value offset = entry.Get("offset");
    added->offset = offset.IsNumber() ? offset.As<Napi::Number>().Int64Value() : RD_KAFKA_OFFSET_INVALID;
    Napi::Value metadata = entry.Get("metadata");
    if (metadata.IsString()) {
      std::string text = metadata.As<Napi::String>().Utf8Value();
      added->metadata = strdup(text.c_str());  // freed by the list
      added->metadata_size = text.size();
    }
#if RD_KAFKA_VERSION >= 0x020100ff
    Napi::Value leader_epoch = entry.Get("leaderEpoch");
    if (leader_epoch.IsNumber()) {
      rd_kafka_topic_partition_set_leader_epoch(added, leader_epoch.As<Napi::Number>().Int32Value());
    }
#endif
  }
  return list;
}

Napi::Array PartitionListToJs(Napi::Env env, const rd_kafka_topic_partition_list_t* list) {
  Napi::Array result = Napi::Array::New(env, list ? list->cnt : 0);
  if (list == nullptr) return result;
  for (int i = 0; i < list->cnt; i++) {
    const rd_kafka_topic_partition_t& source = list->elems[i];
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("topic", Napi::String::New(env, source.topic));
    entry.Set("partition", Napi::Number::New(env, source.partition));
    entry.Set("offset", Napi::Number::New(env, static_cast<double>(source.offset)));
    if (source.metadata != nullptr && source.metadata_size > 0) {
      entry.Set("metadata", Napi::String::New(env, static_cast<const char*>(source.metadata), source.metadata_size));
    }
#if RD_KAFKA_VERSION >= 0x020100ff
    int32_t leader_epoch = rd_kafka_topic_partition_get_leader_epoch(&source);
    if (leader_epoch >= 0) entry.Set("leaderEpoch", Napi::Number::New(env, leader_epoch));
#endif
    entry.Set("error", source.err == RD_KAFKA_RESP_ERR_NO_ERROR
                           ? env.Null()
                           : MakeKafkaError(env, source.err, rd_kafka_err2str(source.err)));
    result.Set(i, entry);
  }
  return result;
}

}  // namespace rdkafka_napi
