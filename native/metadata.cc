#include "metadata.h"

#include "kafka_error.h"
#include "off_thread.h"
#include "rdkafka_handles.h"

namespace rdkafka_napi {

namespace {

struct MetadataResult {
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  MetadataPtr metadata;  // owned here, so a result that is never settled is still freed
};

Napi::Array Int32Array(Napi::Env env, const int32_t* values, int count) {
  Napi::Array array = Napi::Array::New(env, count);
  for (int i = 0; i < count; i++) array.Set(i, Napi::Number::New(env, values[i]));
  return array;
}

Napi::Value ErrorOrNull(Napi::Env env, rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR_NO_ERROR ? env.Null() : MakeKafkaError(env, err, rd_kafka_err2str(err));
}

Napi::Object ToJs(Napi::Env env, const rd_kafka_metadata_t* metadata) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("originatingBrokerId", Napi::Number::New(env, metadata->orig_broker_id));
  Napi::Array brokers = Napi::Array::New(env, metadata->broker_cnt);
  for (int i = 0; i < metadata->broker_cnt; i++) {
    Napi::Object broker = Napi::Object::New(env);
    broker.Set("id", Napi::Number::New(env, metadata->brokers[i].id));
    broker.Set("host", Napi::String::New(env, metadata->brokers[i].host));
    broker.Set("port", Napi::Number::New(env, metadata->brokers[i].port));
    brokers.Set(i, broker);
  }
  result.Set("brokers", brokers);
  Napi::Array topics = Napi::Array::New(env, metadata->topic_cnt);
  for (int t = 0; t < metadata->topic_cnt; t++) {
    const rd_kafka_metadata_topic_t& source = metadata->topics[t];
    Napi::Object topic = Napi::Object::New(env);
    topic.Set("name", Napi::String::New(env, source.topic));
    topic.Set("error", ErrorOrNull(env, source.err));
    Napi::Array partitions = Napi::Array::New(env, source.partition_cnt);
    for (int p = 0; p < source.partition_cnt; p++) {
      const rd_kafka_metadata_partition_t& part = source.partitions[p];
      Napi::Object partition = Napi::Object::New(env);
      partition.Set("id", Napi::Number::New(env, part.id));
      partition.Set("leader", Napi::Number::New(env, part.leader));
      partition.Set("replicas", Int32Array(env, part.replicas, part.replica_cnt));
      partition.Set("isr", Int32Array(env, part.isrs, part.isr_cnt));
      partition.Set("error", ErrorOrNull(env, part.err));
      partitions.Set(p, partition);
    }
    topic.Set("partitions", partitions);
    topics.Set(t, topic);
  }
  result.Set("topics", topics);
  return result;
}

}  // namespace

Napi::Promise FetchMetadata(Napi::Env env, SharedHandle owner, const std::string& topic, bool all_topics,
                            int timeout_ms) {
  return RunOffThread(
      env, "rdkafka-napi:metadata",
      [owner, topic, all_topics, timeout_ms]() {
        rd_kafka_t* rk = owner.get();
        MetadataResult result;
        rd_kafka_topic_t* only_topic = topic.empty() ? nullptr : rd_kafka_topic_new(rk, topic.c_str(), nullptr);
        const rd_kafka_metadata_t* metadata = nullptr;
        result.err = rd_kafka_metadata(rk, only_topic == nullptr && all_topics, only_topic, &metadata, timeout_ms);
        result.metadata.reset(metadata);
        if (only_topic != nullptr) rd_kafka_topic_destroy(only_topic);
        return result;
      },
      [](Napi::Env env, MetadataResult& result) -> Napi::Value {
        MetadataPtr owned = std::move(result.metadata);
        if (result.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          ThrowKafkaError(env, result.err, std::string("Metadata request failed: ") + rd_kafka_err2str(result.err));
        }
        return ToJs(env, owned.get());
      });
}

}  // namespace rdkafka_napi
