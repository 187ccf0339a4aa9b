#include "queue_wakeup.h"

namespace rdkafka_napi {

void QueueWakeup::Start(Napi::Env env, rd_kafka_queue_t* queue, const char* name, ReadyHandler on_ready,
                        FinalizeHandler on_finalized) {
  queue_ = queue;
  on_ready_ = std::move(on_ready);
  on_finalized_ = std::move(on_finalized);
  tsfn_ = WakeFunction::New(env, name, 0, 1, this, [](Napi::Env, void*, QueueWakeup* self) {
    if (self->on_finalized_) self->on_finalized_();
  });
  running_ = true;
  keep_alive_ = true;
  rd_kafka_queue_cb_event_enable(queue_, &QueueWakeup::OnQueueNonEmpty, this);
  // Events queued before the callback was installed would never trigger it.
  Request();
}

void QueueWakeup::OnQueueNonEmpty(rd_kafka_t*, void* opaque) {
  static_cast<QueueWakeup*>(opaque)->Request();
}

void QueueWakeup::Request() {
  if (wake_pending_.exchange(true)) return;
  if (tsfn_.NonBlockingCall(this) != napi_ok) wake_pending_.store(false);
}

void QueueWakeup::OnWake(Napi::Env env, Napi::Function, QueueWakeup* self, QueueWakeup*) {
  self->wake_pending_.store(false);
  if (env == nullptr || !self->running_) return;
  Napi::HandleScope scope(env);
  self->on_ready_(env);
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
