// Converts between JS arrays of {topic, partition, offset, ...} and librdkafka
// topic-partition lists.
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include "rdkafka_handles.h"

namespace rdkafka_napi {

// Throws a TypeError naming the bad entry. Entries without `offset` get
// RD_KAFKA_OFFSET_INVALID (librdkafka's "no offset given").
PartitionListPtr PartitionListFromJs(Napi::Env env, Napi::Value value, const char* parameter);

// Each entry: {topic, partition, offset, error (KafkaError|null), leaderEpoch?}.
Napi::Array PartitionListToJs(Napi::Env env, const rd_kafka_topic_partition_list_t* list);

}  // namespace rdkafka_napi
