#include "message_reaper.h"

namespace rdkafka_napi {

MessageReaper::~MessageReaper() { Finish(); }

void MessageReaper::Hand(rd_kafka_message_t* const* messages, size_t count) {
  if (count == 0) return;
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!thread_.joinable()) {
      try {
        thread_ = std::thread(&MessageReaper::Run, this);
      } catch (const std::system_error&) {
        // No thread to be had (a process at its limit): free them here.
        for (size_t i = 0; i < count; i++) rd_kafka_message_destroy(messages[i]);
        return;
      }
    }
    wake = pending_.empty();
    pending_.insert(pending_.end(), messages, messages + count);
  }
  if (wake) work_ready_.NotifyOne();
}

void MessageReaper::Finish() {
  if (!thread_.joinable()) return;  // Hand() and Finish() both run on the JS thread
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_ready_.NotifyOne();
  thread_.join();  // Run() returns only with nothing pending
  stopping_ = false;
}

void MessageReaper::Run() {
  std::vector<rd_kafka_message_t*> taken;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    while (!stopping_ && pending_.empty()) work_ready_.Wait(lock);
    if (pending_.empty()) return;  // stopping, and nothing left
    taken.swap(pending_);
    lock.unlock();
    for (rd_kafka_message_t* message : taken) rd_kafka_message_destroy(message);
    taken.clear();
    lock.lock();
  }
}

}  // namespace rdkafka_napi
