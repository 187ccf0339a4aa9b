#include "group_metadata.h"

#include <string>

#include "kafka_error.h"
#include "rdkafka_handles.h"

namespace rdkafka_napi {

Napi::Value GroupMetadataToJs(Napi::Env env, rd_kafka_t* consumer) {
  GroupMetadataPtr metadata(rd_kafka_consumer_group_metadata(consumer));
  if (!metadata) {
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG,
                    "groupMetadata() needs a consumer with a group.id: set group.id in its config");
  }
  void* bytes = nullptr;
  size_t size = 0;
  ErrorPtr error(rd_kafka_consumer_group_metadata_write(metadata.get(), &bytes, &size));
  if (error) {
    Napi::Value js_error = MakeKafkaError(env, error.get());
    throw Napi::Error(env, js_error);
  }
  Napi::Buffer<char> buffer = Napi::Buffer<char>::Copy(env, static_cast<const char*>(bytes), size);
  rd_kafka_mem_free(consumer, bytes);
  return buffer;
}

GroupMetadataPtr GroupMetadataFromJs(Napi::Env env, Napi::Value value, const char* parameter) {
  if (!value.IsBuffer()) {
    throw Napi::TypeError::New(
        env, std::string("Expected the Buffer returned by consumer.groupMetadata() for ") + parameter);
  }
  Napi::Buffer<char> buffer = value.As<Napi::Buffer<char>>();
  rd_kafka_consumer_group_metadata_t* raw = nullptr;
  ErrorPtr error(rd_kafka_consumer_group_metadata_read(&raw, buffer.Data(), buffer.Length()));
  if (error) {
    throw Napi::TypeError::New(env, std::string("Expected the Buffer returned by consumer.groupMetadata() for ") +
                                        parameter + " but it does not parse: " + rd_kafka_error_string(error.get()));
  }
  return GroupMetadataPtr(raw);
}

Napi::Value MemberIdToJs(Napi::Env env, rd_kafka_t* consumer) {
  char* member_id = rd_kafka_memberid(consumer);
  if (member_id == nullptr) return env.Null();
  std::string text(member_id);
  rd_kafka_mem_free(consumer, member_id);
  if (text.empty()) return env.Null();
  return Napi::String::New(env, text);
}

}  // namespace rdkafka_napi
