// The wire contract between the layers: the slot layouts of the Float64Array
// slabs that carry delivery reports and consumed-message metadata. Defined
// here once; the TypeScript constants (src/generated/wire-layout.ts) are
// generated from the addon's `wireLayout` export and a unit test checks they
// still agree.
#pragma once

#include <napi.h>

#include <cstddef>

namespace rdkafka_napi {

// One delivered (or failed) message in the producer's report slab.
enum DeliveryReportSlot : size_t {
  kReportMessageId,   // the opaque id the JS layer gave the message; 0: none
  kReportTopicIndex,  // index from topicIndex()
  kReportPartition,
  kReportOffset,
  kReportTimestamp,
  kReportErrno,
  kReportStride,
};
inline constexpr const char* kDeliveryReportSlotNames[] = {"messageId", "topicIndex", "partition",
                                                           "offset",    "timestamp",  "errno"};
static_assert(sizeof(kDeliveryReportSlotNames) / sizeof(const char*) == kReportStride);

// One consumed message in the consumer's meta slab. Lengths of -1 mean null;
// keys and values are at their offsets in the batch's one Buffer.
enum ConsumedMessageSlot : size_t {
  kMetaTopicIndex,
  kMetaPartition,
  kMetaOffset,
  kMetaTimestamp,
  kMetaTimestampType,
  kMetaKeyOffset,
  kMetaKeyLength,
  kMetaValueOffset,
  kMetaValueLength,
  kMetaHeadersIndex,  // index into the batch's header list; -1: no headers
  kMetaLeaderEpoch,
  kMetaErrno,
  kMetaStride,
};
inline constexpr const char* kConsumedMessageSlotNames[] = {
    "topicIndex", "partition",   "offset",      "timestamp",    "timestampType", "keyOffset",
    "keyLength",  "valueOffset", "valueLength", "headersIndex", "leaderEpoch",   "errno"};
static_assert(sizeof(kConsumedMessageSlotNames) / sizeof(const char*) == kMetaStride);

// { deliveryReport: { stride, messageId: 0, ... }, consumedMessage: { ... } }
Napi::Object WireLayoutToJs(Napi::Env env);

}  // namespace rdkafka_napi
