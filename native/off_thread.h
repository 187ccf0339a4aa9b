// Runs a blocking librdkafka call on a dedicated short-lived thread and settles
// a promise on the JS thread. Deliberately not the libuv pool: calls such as
// flush() may wait for many seconds, and twenty clients doing so must not
// starve fs, dns or zlib work of the default four pool threads.
#pragma once

#include <napi.h>

#include <functional>
#include <memory>

namespace rdkafka_napi {

// `work` runs on the new thread and must not touch JS. `settle` runs on the JS
// thread afterwards; it returns the resolution value or throws to reject.
template <typename Result>
Napi::Promise RunOffThread(Napi::Env env, const char* name, std::function<Result()> work,
                           std::function<Napi::Value(Napi::Env, Result&)> settle);

}  // namespace rdkafka_napi

#include "off_thread_impl.h"
