// Consumer group metadata (group id, generation, member id) as an opaque
// Buffer for JS, which a transactional producer reads back to commit offsets
// inside its transaction; and the consumer's member id.
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <memory>

namespace rdkafka_napi {

struct GroupMetadataDeleter {
  void operator()(rd_kafka_consumer_group_metadata_t* metadata) const {
    rd_kafka_consumer_group_metadata_destroy(metadata);
  }
};
using GroupMetadataPtr = std::unique_ptr<rd_kafka_consumer_group_metadata_t, GroupMetadataDeleter>;

// groupMetadata() -> Buffer (librdkafka's serialized form, a snapshot: take a
// fresh one per transaction, since a rebalance changes the generation).
Napi::Value GroupMetadataToJs(Napi::Env env, rd_kafka_t* consumer);

// Throws a TypeError naming `parameter` when the value is not such a Buffer.
GroupMetadataPtr GroupMetadataFromJs(Napi::Env env, Napi::Value value, const char* parameter);

// memberId() -> string, or null before the consumer joined its group.
Napi::Value MemberIdToJs(Napi::Env env, rd_kafka_t* consumer);

}  // namespace rdkafka_napi
