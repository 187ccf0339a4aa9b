// Wakes the JS thread when a librdkafka queue gets events, with no timers and
// no polling threads: librdkafka calls us from its own thread when the queue
// becomes non-empty, and we post at most one pending call to the event loop.
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <uv.h>

#include <atomic>
#include <functional>
#include <memory>

namespace rdkafka_napi {

class QueueWakeup {
 public:
  using ReadyHandler = std::function<void(Napi::Env)>;
  using FinalizeHandler = std::function<void()>;

  // `on_ready` runs on the JS thread after each wake; `on_finalized` once the
  // wakeup is fully released (no more calls can arrive).
  void Start(Napi::Env env, rd_kafka_queue_t* queue, const char* name, ReadyHandler on_ready,
             FinalizeHandler on_finalized);
  // Any thread. Coalesces: while one wake is pending, further requests are free.
  void Request();
  // JS thread. Detaches from the queue; pending wakes become no-ops.
  void Detach();
  // JS thread, once librdkafka's threads are gone (after rd_kafka_destroy), so
  // no late callback can touch a released function.
  void Release();
  // JS thread. A referenced wakeup keeps the process alive (work in flight).
  void SetKeepAlive(Napi::Env env, bool keep_alive);
  bool running() const { return running_; }

 private:
  static void OnQueueNonEmpty(rd_kafka_t* rk, void* opaque);
  // JS thread; env is null when the environment is torn down with a wake queued.
  static void OnWake(Napi::Env env, Napi::Function, QueueWakeup* self, QueueWakeup*);
  // Typed, so a wake costs no allocation (the lambda form of NonBlockingCall
  // allocates a wrapper that node-addon-api leaks if it is still queued at teardown).
  using WakeFunction = Napi::TypedThreadSafeFunction<QueueWakeup, QueueWakeup, &QueueWakeup::OnWake>;
  // JS thread, check phase: where on_ready runs. Inside the thread-safe
  // function's dispatch, a wake requested while on_ready runs would be served
  // at once, up to 1000 times in a row, and timers would wait for all of them.
  static void OnCheck(uv_check_t* handle);

  uv_check_t* check_ = nullptr;  // closed and freed when the function is finalized
  napi_env env_ = nullptr;
  std::unique_ptr<Napi::AsyncContext> context_;

  WakeFunction tsfn_;
  rd_kafka_queue_t* queue_ = nullptr;
  ReadyHandler on_ready_;
  FinalizeHandler on_finalized_;
  std::atomic<bool> wake_pending_{false};
  bool running_ = false;
  bool released_ = false;
  bool keep_alive_ = true;
};

}  // namespace rdkafka_napi
