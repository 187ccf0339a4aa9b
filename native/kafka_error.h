// Builds KafkaError instances (the JS class) from librdkafka error codes and
// rd_kafka_error_t objects.
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <string>

namespace rdkafka_napi {

struct ErrorFlags {
  bool fatal = false;
  int retriable = -1;  // -1: let the JS layer decide from the code
  bool txn_requires_abort = false;
};

Napi::Value MakeKafkaError(Napi::Env env, rd_kafka_resp_err_t code, const std::string& message, ErrorFlags flags = {});
Napi::Value MakeKafkaError(Napi::Env env, const rd_kafka_error_t* error);

// Throws the KafkaError as a C++ exception (node-addon-api turns it into a JS throw).
[[noreturn]] void ThrowKafkaError(Napi::Env env, rd_kafka_resp_err_t code, const std::string& message,
                                  ErrorFlags flags = {});

}  // namespace rdkafka_napi
