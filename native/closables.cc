#include "closables.h"

#include <algorithm>

#include "addon_state.h"

namespace rdkafka_napi {

void ClosableRegistry::Add(Closable* object, Order order) { live_.emplace_back(object, order); }

void ClosableRegistry::Remove(Closable* object) {
  live_.erase(std::remove_if(live_.begin(), live_.end(), [object](const auto& entry) { return entry.first == object; }),
              live_.end());
}

void ClosableRegistry::CloseAll() {
  std::vector<std::pair<Closable*, Order>> open = live_;
  std::stable_sort(open.begin(), open.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  for (const auto& [object, order] : open) {
    // Closing one object may have closed (and untracked) another.
    bool still_open =
        std::any_of(live_.begin(), live_.end(), [object = object](const auto& e) { return e.first == object; });
    if (still_open) object->CloseAtTeardown();
  }
}

void Closable::Track(Napi::Env env, ClosableRegistry::Order order) {
  if (registry_) return;
  registry_ = AddonState::From(env)->closables;
  registry_->Add(this, order);
}

void Closable::Untrack() {
  if (!registry_) return;
  registry_->Remove(this);
  registry_.reset();
}

}  // namespace rdkafka_napi
