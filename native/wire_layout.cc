#include "wire_layout.h"

namespace rdkafka_napi {

namespace {

template <size_t N>
Napi::Object SlotsToJs(Napi::Env env, const char* const (&names)[N]) {
  Napi::Object layout = Napi::Object::New(env);
  layout.Set("stride", Napi::Number::New(env, static_cast<double>(N)));
  for (size_t slot = 0; slot < N; slot++) layout.Set(names[slot], Napi::Number::New(env, static_cast<double>(slot)));
  return layout;
}

}  // namespace

Napi::Object WireLayoutToJs(Napi::Env env) {
  Napi::Object layout = Napi::Object::New(env);
  layout.Set("deliveryReport", SlotsToJs(env, kDeliveryReportSlotNames));
  layout.Set("consumedMessage", SlotsToJs(env, kConsumedMessageSlotNames));
  return layout;
}

}  // namespace rdkafka_napi
