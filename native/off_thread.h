// Runs a blocking librdkafka call on a dedicated short-lived thread and settles
// a promise on the JS thread. Deliberately not the libuv pool: calls such as
// flush() may wait for many seconds, and twenty clients doing so must not
// starve fs, dns or zlib work of the default four pool threads.
#pragma once

#include <napi.h>

namespace rdkafka_napi {

// `work()` runs on the new thread and must not touch JS; `settle(env, result&)`
// runs on the JS thread afterwards and returns the resolution value or throws
// to reject. Both are moved into the job, so they may own their inputs
// (move-only captures such as a PartitionListPtr): whatever `work` captured is
// destroyed on the thread once it returns, whatever path the job takes.
// The promise always settles: a thread that cannot start rejects it.
template <typename Work, typename Settle>
Napi::Promise RunOffThread(Napi::Env env, const char* name, Work work, Settle settle);

}  // namespace rdkafka_napi

#include "off_thread_impl.h"
