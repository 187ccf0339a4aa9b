#include "queue_wakeup.h"

namespace rdkafka_napi {

// Bun runs a libuv check handle only once its loop wakes for something else: an
// awaited send on an otherwise idle loop waited up to 1 s (docs/prebuilds.md).
// There the handler runs in the thread-safe function's own call instead.
static bool ChecksRunLate(Napi::Env env) {
  static const bool late = [env] {  // one runtime per process
    Napi::Value process = env.Global().Get("process");
    if (!process.IsObject()) return false;
    Napi::Value versions = process.As<Napi::Object>().Get("versions");
    return versions.IsObject() && versions.As<Napi::Object>().Has("bun");
  }();
  return late;
}

void QueueWakeup::Start(Napi::Env env, rd_kafka_queue_t* queue, const char* name, ReadyHandler on_ready,
                        FinalizeHandler on_finalized) {
  queue_ = queue;
  on_ready_ = std::move(on_ready);
  on_finalized_ = std::move(on_finalized);
  env_ = env;
  context_ = std::make_unique<Napi::AsyncContext>(env, name);
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  check_ = new uv_check_t;
  uv_check_init(loop, check_);
  check_->data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(check_));  // keep-alive stays the function's business
  tsfn_ = WakeFunction::New(env, name, 0, 1, this, [](Napi::Env, void*, QueueWakeup* self) {
    uv_close(reinterpret_cast<uv_handle_t*>(self->check_),
             [](uv_handle_t* handle) { delete reinterpret_cast<uv_check_t*>(handle); });
    self->check_ = nullptr;
    self->context_.reset();
    if (self->on_finalized_) self->on_finalized_();
  });
  running_ = true;
  keep_alive_ = true;
  rd_kafka_queue_cb_event_enable(queue_, &QueueWakeup::OnQueueNonEmpty, this);
  // Events queued before the callback was installed would never trigger it.
  Request();
}

void QueueWakeup::OnQueueNonEmpty(rd_kafka_t*, void* opaque) { static_cast<QueueWakeup*>(opaque)->Request(); }

void QueueWakeup::Request() {
  if (wake_pending_.exchange(true)) return;
  if (tsfn_.NonBlockingCall(this) != napi_ok) wake_pending_.store(false);
}

void QueueWakeup::OnWake(Napi::Env env, Napi::Function, QueueWakeup* self, QueueWakeup*) {
  if (env == nullptr || !self->running_ || self->check_ == nullptr) {
    self->wake_pending_.store(false);
    return;
  }
  if (ChecksRunLate(env)) {
    OnCheck(self->check_);
    return;
  }
  // Runs right after this poll phase, in the same loop iteration; wake_pending_
  // stays set until then, so no further wake is queued meanwhile.
  uv_check_start(self->check_, &QueueWakeup::OnCheck);
}

void QueueWakeup::OnCheck(uv_check_t* handle) {
  auto* self = static_cast<QueueWakeup*>(handle->data);
  uv_check_stop(handle);
  self->wake_pending_.store(false);
  if (!self->running_) return;
  Napi::Env env(self->env_);
  Napi::HandleScope scope(env);
  Napi::CallbackScope callback_scope(env, *self->context_);  // microtasks run as it closes
  try {
    self->on_ready_(env);
  } catch (const Napi::Error& error) {
    // Also what a call into a worker being terminated throws: binding.gyp
    // defines NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS, so node-addon-api throws
    // there instead of aborting the process, and napi_fatal_exception then
    // does nothing.
    napi_fatal_exception(env, error.Value());
  }
}

void QueueWakeup::Detach() {
  if (!running_) return;
  running_ = false;
  rd_kafka_queue_cb_event_enable(queue_, nullptr, nullptr);
}

void QueueWakeup::Release() {
  if (released_ || !tsfn_) return;
  released_ = true;
  tsfn_.Release();
}

void QueueWakeup::SetKeepAlive(Napi::Env env, bool keep_alive) {
  if (released_ || keep_alive == keep_alive_) return;
  keep_alive_ = keep_alive;
  if (keep_alive) {
    tsfn_.Ref(env);
  } else {
    tsfn_.Unref(env);
  }
}

}  // namespace rdkafka_napi
