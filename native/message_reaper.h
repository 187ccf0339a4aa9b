// Frees consumed messages on a thread of its own. Once their bytes are copied
// into the batch slab, destroying them (free() into the arena the fetching
// broker thread allocates from, under its lock) was a fifth of the JS
// thread's consume time; the JS thread only hands the pointers over.
#pragma once

#include <librdkafka/rdkafka.h>

#include <pthread.h>

#include <cstddef>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace rdkafka_napi {

class MessageReaper {
 public:
  MessageReaper() = default;
  MessageReaper(const MessageReaper&) = delete;
  MessageReaper& operator=(const MessageReaper&) = delete;
  ~MessageReaper();

  // Takes ownership of `count` messages; the thread starts on first use.
  void Hand(rd_kafka_message_t* const* messages, size_t count);

  // Returns once every message handed over is destroyed and the thread has
  // ended. Call before the handle is destroyed (each message holds references
  // into it), so that a closed consumer keeps no thread of ours.
  void Finish();

 private:
  void Run();

  // pthread's condition variable on std::mutex's own: libstdc++ 12 versions
  // std::condition_variable::wait at GLIBCXX_3.4.30, newer than the oldest
  // system our prebuilt binary supports (test/package/prebuild.test.ts).
  class Condition {
   public:
    Condition() { pthread_cond_init(&cond_, nullptr); }
    ~Condition() { pthread_cond_destroy(&cond_); }
    Condition(const Condition&) = delete;
    Condition& operator=(const Condition&) = delete;
    void Wait(std::unique_lock<std::mutex>& lock) { pthread_cond_wait(&cond_, lock.mutex()->native_handle()); }
    void NotifyOne() { pthread_cond_signal(&cond_); }

   private:
    pthread_cond_t cond_;
  };

  std::mutex mutex_;
  Condition work_ready_;
  std::vector<rd_kafka_message_t*> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rdkafka_napi
