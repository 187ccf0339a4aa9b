// The partition-list operations of a consumer (commit, committed, seek,
// offsetsForTimes): a librdkafka call that takes a topic-partition list, run
// off the JS thread, settled with the list (per-partition errors included) as
// JS, or rejected with the call's own error.
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <string>
#include <utility>

#include "kafka_error.h"
#include "off_thread.h"
#include "partition_list.h"
#include "rdkafka_handles.h"

namespace rdkafka_napi {

struct PartitionListOutcome {
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string message;    // librdkafka's words when it gave some; else err2str
  PartitionListPtr list;  // the list to settle with (owned here, freed on every path)
};

// `call(rd_kafka_t*, PartitionListOutcome&)` runs on the thread with
// `outcome.list` holding `list`; it sets `err`/`message` and may replace the list.
template <typename Call>
Napi::Promise RunPartitionListCall(Napi::Env env, const char* thread_name, const char* what, SharedHandle owner,
                                   PartitionListPtr list, Call call) {
  return RunOffThread(
      env, thread_name,
      [owner = std::move(owner), list = std::move(list), call = std::move(call)]() mutable {
        PartitionListOutcome outcome;
        outcome.list = std::move(list);
        call(owner.get(), outcome);
        return outcome;
      },
      [what](Napi::Env env, PartitionListOutcome& outcome) -> Napi::Value {
        PartitionListPtr owned = std::move(outcome.list);
        if (outcome.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          std::string detail = outcome.message.empty() ? rd_kafka_err2str(outcome.err) : outcome.message;
          ThrowKafkaError(env, outcome.err, std::string(what) + " failed: " + detail);
        }
        if (!owned) return Napi::Array::New(env);
        return PartitionListToJs(env, owned.get());
      });
}

}  // namespace rdkafka_napi
