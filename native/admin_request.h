// The one shape every AdminClient operation takes: JS input converted to
// librdkafka objects on the JS thread, the request sent and its single result
// event awaited on a dedicated thread (RunOffThread), the event converted to a
// plain value tree still on that thread, and the tree turned into JS objects
// when the promise settles. A request-level error rejects; per-item errors are
// PlainValue errors placed on their item.
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rdkafka_handles.h"

namespace rdkafka_napi {

// A JS value built without JS (off the JS thread), turned into one by ToJs.
class PlainValue {
 public:
  static PlainValue Null() { return PlainValue(Kind::kNull); }
  static PlainValue Bool(bool value);
  static PlainValue Number(double value);
  static PlainValue String(const char* value);  // nullptr becomes null
  static PlainValue String(const std::string& value) { return String(value.c_str()); }
  static PlainValue Array() { return PlainValue(Kind::kArray); }
  static PlainValue Object() { return PlainValue(Kind::kObject); }
  // A KafkaError; code NO_ERROR becomes null.
  static PlainValue Error(rd_kafka_resp_err_t code, const std::string& message, int retriable = -1, bool fatal = false);
  static PlainValue Error(const rd_kafka_error_t* error);  // nullptr becomes null

  PlainValue& Set(const char* key, PlainValue value);
  PlainValue& Push(PlainValue value);

  Napi::Value ToJs(Napi::Env env) const;

  PlainValue() = default;

 private:
  enum class Kind { kUndefined, kNull, kBool, kNumber, kString, kArray, kObject, kError };
  explicit PlainValue(Kind kind) : kind_(kind) {}

  Kind kind_ = Kind::kUndefined;
  double number_ = 0;  // kBool (0/1), kNumber, kError (code)
  std::string text_;   // kString, kError (message)
  int retriable_ = -1;
  bool fatal_ = false;
  std::vector<PlainValue> items_;                           // kArray
  std::vector<std::pair<std::string, PlainValue>> fields_;  // kObject
};

// Request options, read from the plain object the TS layer validated.
struct AdminRequestOptions {
  int timeout_ms = 30000;
  bool validate_only = false;
  int require_stable_offsets = -1;         // -1: not set
  int include_authorized_operations = -1;  // -1: not set
  int isolation_level = -1;                // -1: not set
  std::vector<int> match_group_states;
  std::vector<int> match_group_types;
};
AdminRequestOptions AdminRequestOptionsFromJs(Napi::Value options);

// Sends the request: calls the librdkafka admin function with the prepared
// options and the reply queue. Runs off the JS thread.
using AdminLaunch = std::function<void(rd_kafka_t*, const rd_kafka_AdminOptions_t*, rd_kafka_queue_t*)>;
// Converts the result event (request-level success) to the resolution value.
// Runs off the JS thread.
using AdminConvert = std::function<PlainValue(rd_kafka_event_t*)>;

// `what` names the operation in error messages (e.g. "describeConfigs").
Napi::Value RunAdminRequest(Napi::Env env, SharedHandle owner, const char* what, rd_kafka_admin_op_t op,
                            AdminRequestOptions options, AdminLaunch launch, AdminConvert convert);

// Throws the KafkaError used for an operation the linked librdkafka lacks.
[[noreturn]] void ThrowUnsupportedAdminFeature(Napi::Env env, const char* what, const char* needed_version);

// Owns an array of librdkafka admin input objects (NewTopic, ConfigResource,
// ...) and destroys them with their destroy function. Shared so a launch
// closure (std::function: copyable) can hold it.
template <typename T, void (*Destroy)(T*)>
class OwnedArray {
 public:
  OwnedArray() = default;
  OwnedArray(const OwnedArray&) = delete;
  OwnedArray& operator=(const OwnedArray&) = delete;
  ~OwnedArray() {
    for (T* item : items_) Destroy(item);
  }
  void Add(T* item) { items_.push_back(item); }
  T** data() { return items_.data(); }
  size_t size() const { return items_.size(); }
  T* back() { return items_.back(); }

 private:
  std::vector<T*> items_;
};

template <typename T, void (*Destroy)(T*)>
using SharedArray = std::shared_ptr<OwnedArray<T, Destroy>>;

template <typename T, void (*Destroy)(T*)>
SharedArray<T, Destroy> MakeSharedArray() {
  return std::make_shared<OwnedArray<T, Destroy>>();
}

// Common conversions of result parts.
PlainValue PlainPartitionList(const rd_kafka_topic_partition_list_t* list, bool with_offsets);
PlainValue PlainPartitionError(const rd_kafka_topic_partition_t& partition);
PlainValue PlainNode(const rd_kafka_Node_t* node);
// Copies the strings of a JS string array (validated in TS).
std::vector<std::string> StringsFromJs(Napi::Value value);

}  // namespace rdkafka_napi
