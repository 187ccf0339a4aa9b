// One teardown path for the whole addon: every native object that holds a
// librdkafka handle is tracked here while it is open, and the one environment
// cleanup hook (installed at addon init) closes what is still open at exit in
// a defined order: clients before the mock clusters they may be talking to.
#pragma once

#include <napi.h>

#include <memory>
#include <utility>
#include <vector>

namespace rdkafka_napi {

class Closable;

class ClosableRegistry {
 public:
  enum class Order : int { kClient = 0, kMockCluster = 1 };

  void Add(Closable* object, Order order);
  void Remove(Closable* object);
  // JS thread, environment teardown: closes every tracked object, in Order.
  void CloseAll();

 private:
  std::vector<std::pair<Closable*, Order>> live_;
};

class Closable {
 public:
  // JS thread, at environment teardown: release everything now, call no JS.
  virtual void CloseAtTeardown() = 0;

 protected:
  Closable() = default;
  virtual ~Closable() { Untrack(); }
  // Called when the object starts holding a handle, and when it let go of it.
  void Track(Napi::Env env, ClosableRegistry::Order order);
  void Untrack();

 private:
  // Shared with the addon state: whichever of the two goes last frees it, so
  // an object finalized after the addon state can still untrack itself.
  std::shared_ptr<ClosableRegistry> registry_;
};

}  // namespace rdkafka_napi
