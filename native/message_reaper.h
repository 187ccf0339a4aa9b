// Frees consumed messages on a thread of its own. Once their bytes are copied
// into the batch slab, destroying them (free() into the arena the fetching
// broker thread allocates from, under its lock) was a fifth of the JS
// thread's consume time; the JS thread only hands the pointers over.
#pragma once

#include <librdkafka/rdkafka.h>

#include <condition_variable>
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

  // Returns once every message handed over is destroyed. Call before the
  // handle is destroyed: each message holds references into it.
  void Drain();

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable drained_;
  std::vector<rd_kafka_message_t*> pending_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rdkafka_napi
