#include "admin_client.h"

#include <string>
#include <vector>

#include "admin_operations.h"
#include "kafka_error.h"
#include "off_thread.h"

namespace rdkafka_napi {

namespace {
constexpr const char* kSignature = "NativeAdminClient(config, onEvent)";
}  // namespace

Napi::Function AdminClient::Define(Napi::Env env) {
  std::vector<Napi::ClassPropertyDescriptor<AdminClient>> methods = {
      InstanceMethod<&AdminClient::JsConnect>("connect"),
      InstanceMethod<&AdminClient::JsGetMetadata>("getMetadata"),
      InstanceMethod<&AdminClient::JsClose>("close"),
  };
  Register(methods);
  for (const AdminOperationEntry& operation : AdminOperations()) {
    methods.push_back(InstanceMethod(operation.name, &AdminClient::JsAdminOperation, napi_default,
                                     const_cast<AdminOperationEntry*>(&operation)));
  }
  return DefineClass(env, "NativeAdminClient", methods);
}

Napi::Value AdminClient::JsAdminOperation(const Napi::CallbackInfo& info) {
  handle_.Get(info.Env());
  return static_cast<const AdminOperationEntry*>(info.Data())->run(info, handle_.shared());
}

AdminClient::AdminClient(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<AdminClient>(info), handle_(info.Env(), ConfigArgument(info, kSignature), "AdminClient") {
  if (info.Length() < 2 || !info[1].IsFunction()) throw Napi::TypeError::New(info.Env(), kSignature);
  rd_kafka_conf_set_events(handle_.conf(), kClientEventMask);
  CollectThrottles(handle_.conf(), &throttles_);
  on_event_ = Napi::Persistent(info[1].As<Napi::Function>());
}

AdminClient::~AdminClient() { DestroyNow(); }

Napi::Value AdminClient::JsConnect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  handle_.Create(env, RD_KAFKA_PRODUCER);
  Ref();  // librdkafka's threads reach this object until the wakeup is finalized
  handle_.ServeMainQueue(
      env, "rdkafka-napi:admin-events", [this](Napi::Env env) { Drain(env); }, [this]() { Unref(); });
  if (handle_.StartTokenRefresh(env, [this]() { Unref(); })) Ref();  // its own wakeup reaches this object too
  Track(env, ClosableRegistry::Order::kClient);
  return env.Undefined();
}

void AdminClient::Drain(Napi::Env env) {
  rd_kafka_t* rk = handle_.get();
  if (rk == nullptr || handle_.queue() == nullptr) return;
  // Admin results come on each request's own queue: only client events arrive here.
  while (EventPtr event = EventPtr(rd_kafka_queue_poll(handle_.queue(), 0))) {
    if (auto client_event = ClientEvent::FromQueueEvent(rk, event.get()))
      EmitClientEvent(env, *client_event, on_event_);
  }
  throttles_.EmitAll(env, on_event_);
}

Napi::Value AdminClient::JsClose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!handle_.open()) return ResolvedPromise(env);
  handle_.StopServing();
  Drain(env);
  Untrack();
  return handle_.CloseOffThread(env, "rdkafka-napi:admin-close");
}

void AdminClient::DestroyNow() {
  Untrack();
  if (handle_.open()) handle_.DestroyNow();
}

}  // namespace rdkafka_napi
