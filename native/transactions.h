// The transactional producer API (rd_kafka_*_transaction) for NativeProducer.
// Blocking calls run off the JS thread; every failure becomes a KafkaError
// carrying librdkafka's own retriable / fatal / txnRequiresAbort flags.
#pragma once

#include <napi.h>

#include "rdkafka_handles.h"

namespace rdkafka_napi {

// Each takes the producer's handle (null when not connected) and the call's
// JS arguments. The blocking ones return a promise.

// initTransactions(timeoutMs) -> Promise<void>
Napi::Value InitTransactions(const Napi::CallbackInfo& info, const SharedHandle& owner);
// beginTransaction() -> void: does not block, so it runs here and throws.
Napi::Value BeginTransaction(const Napi::CallbackInfo& info, const SharedHandle& owner);
// commitTransaction(timeoutMs) -> Promise<void>
Napi::Value CommitTransaction(const Napi::CallbackInfo& info, const SharedHandle& owner);
// abortTransaction(timeoutMs) -> Promise<void>
Napi::Value AbortTransaction(const Napi::CallbackInfo& info, const SharedHandle& owner);
// sendOffsetsToTransaction(offsets, groupMetadata: Buffer, timeoutMs) -> Promise<void>
Napi::Value SendOffsetsToTransaction(const Napi::CallbackInfo& info, const SharedHandle& owner);

}  // namespace rdkafka_napi
