#include "transactions.h"

#include <functional>
#include <string>
#include <utility>

#include "group_metadata.h"
#include "kafka_error.h"
#include "off_thread.h"
#include "partition_list.h"

namespace rdkafka_napi {

namespace {

rd_kafka_t* ConnectedHandle(Napi::Env env, const SharedHandle& owner, const char* operation) {
  if (!owner) {
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE,
                    std::string(operation) + "() needs a connected producer: call await producer.connect() first");
  }
  return owner.get();
}

int TimeoutArgument(const Napi::CallbackInfo& info, size_t index) {
  return info[index].IsNumber() ? info[index].As<Napi::Number>().Int32Value() : -1;
}

// The KafkaError of a failed call, named by the operation; its flags are the
// ones librdkafka put on the rd_kafka_error_t.
Napi::Error TransactionError(Napi::Env env, const char* operation, const rd_kafka_error_t* error) {
  Napi::Value js_error = MakeKafkaError(env, error);
  js_error.As<Napi::Object>().Set(
      "message", Napi::String::New(env, std::string(operation) + "() failed: " + rd_kafka_error_string(error)));
  return Napi::Error(env, js_error);
}

// Runs `call` off the JS thread with the handle kept alive for its duration.
Napi::Value RunTransactionCall(Napi::Env env, const char* operation, std::function<rd_kafka_error_t*()> call) {
  return RunOffThread(
      env, operation, [call = std::move(call)]() { return ErrorPtr(call()); },
      [operation](Napi::Env env, ErrorPtr& error) -> Napi::Value {
        if (error) throw TransactionError(env, operation, error.get());
        return env.Undefined();
      });
}

}  // namespace

Napi::Value InitTransactions(const Napi::CallbackInfo& info, const SharedHandle& owner) {
  ConnectedHandle(info.Env(), owner, "initTransactions");
  int timeout_ms = TimeoutArgument(info, 0);
  return RunTransactionCall(info.Env(), "initTransactions",
                            [owner, timeout_ms]() { return rd_kafka_init_transactions(owner.get(), timeout_ms); });
}

Napi::Value BeginTransaction(const Napi::CallbackInfo& info, const SharedHandle& owner) {
  Napi::Env env = info.Env();
  ErrorPtr error(rd_kafka_begin_transaction(ConnectedHandle(env, owner, "beginTransaction")));
  if (error) throw TransactionError(env, "beginTransaction", error.get());
  return env.Undefined();
}

Napi::Value CommitTransaction(const Napi::CallbackInfo& info, const SharedHandle& owner) {
  ConnectedHandle(info.Env(), owner, "commitTransaction");
  int timeout_ms = TimeoutArgument(info, 0);
  // Commit flushes first; delivery reports are events that the JS thread
  // keeps draining meanwhile, as librdkafka requires in that mode.
  return RunTransactionCall(info.Env(), "commitTransaction",
                            [owner, timeout_ms]() { return rd_kafka_commit_transaction(owner.get(), timeout_ms); });
}

Napi::Value AbortTransaction(const Napi::CallbackInfo& info, const SharedHandle& owner) {
  ConnectedHandle(info.Env(), owner, "abortTransaction");
  int timeout_ms = TimeoutArgument(info, 0);
  return RunTransactionCall(info.Env(), "abortTransaction",
                            [owner, timeout_ms]() { return rd_kafka_abort_transaction(owner.get(), timeout_ms); });
}

Napi::Value SendOffsetsToTransaction(const Napi::CallbackInfo& info, const SharedHandle& owner) {
  Napi::Env env = info.Env();
  ConnectedHandle(env, owner, "sendOffsetsToTransaction");
  // Converted here, on the JS thread; the thread owns them (shared_ptr: std::function must be copyable).
  std::shared_ptr<rd_kafka_topic_partition_list_t> offsets(PartitionListFromJs(env, info[0], "offsets").release(),
                                                           PartitionListDeleter());
  std::shared_ptr<rd_kafka_consumer_group_metadata_t> group(
      GroupMetadataFromJs(env, info[1], "groupMetadata").release(), GroupMetadataDeleter());
  int timeout_ms = TimeoutArgument(info, 2);
  return RunTransactionCall(env, "sendOffsetsToTransaction", [owner, offsets, group, timeout_ms]() {
    return rd_kafka_send_offsets_to_transaction(owner.get(), offsets.get(), group.get(), timeout_ms);
  });
}

}  // namespace rdkafka_napi
