// Cluster metadata (brokers, topics, partitions, leaders, replicas, ISR),
// fetched off the JS thread and returned as plain JS objects.
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <string>

#include "rdkafka_handles.h"

namespace rdkafka_napi {

// A non-empty `topic` asks for that topic only; otherwise `all_topics` picks
// every topic in the cluster or none (brokers only: a cheap reachability check).
Napi::Promise FetchMetadata(Napi::Env env, SharedHandle owner, const std::string& topic, bool all_topics,
                            int timeout_ms);

}  // namespace rdkafka_napi
