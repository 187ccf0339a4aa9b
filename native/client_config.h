// Turns the JS config object (string keys, string values prepared by the
// TypeScript layer) into an rd_kafka_conf_t, reporting librdkafka's own words.
#pragma once

#include <napi.h>

#include "rdkafka_handles.h"

namespace rdkafka_napi {

// Throws a KafkaError (_INVALID_ARG) naming the property when librdkafka refuses it.
ConfPtr BuildConf(Napi::Env env, Napi::Object entries);

}  // namespace rdkafka_napi
