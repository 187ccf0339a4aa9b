#include "admin_client.h"

#include <string>
#include <vector>

#include "client_config.h"
#include "kafka_error.h"
#include "metadata.h"
#include "off_thread.h"

namespace rdkafka_napi {

namespace {

// Per-topic outcome of a CreateTopics/DeleteTopics request.
struct TopicOutcome {
  std::string topic;
  rd_kafka_resp_err_t err;
  std::string message;
};

struct AdminResult {
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string message;
  std::vector<TopicOutcome> topics;
};

void CollectTopicResults(AdminResult& result, const rd_kafka_topic_result_t** topics, size_t count) {
  for (size_t i = 0; i < count; i++) {
    const char* message = rd_kafka_topic_result_error_string(topics[i]);
    result.topics.push_back({rd_kafka_topic_result_name(topics[i]), rd_kafka_topic_result_error(topics[i]),
                             message ? message : ""});
  }
}

// Waits for the single answer of an admin request on its own queue.
AdminResult AwaitAdminEvent(rd_kafka_queue_t* queue, int timeout_ms) {
  AdminResult result;
  EventPtr event(rd_kafka_queue_poll(queue, timeout_ms + 5000));
  if (!event) {
    result.err = RD_KAFKA_RESP_ERR__TIMED_OUT;
    result.message = "no answer from the cluster in time";
    return result;
  }
  result.err = rd_kafka_event_error(event.get());
  if (result.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    result.message = rd_kafka_event_error_string(event.get());
    return result;
  }
  size_t count = 0;
  if (const rd_kafka_CreateTopics_result_t* created = rd_kafka_event_CreateTopics_result(event.get())) {
    const rd_kafka_topic_result_t** topics = rd_kafka_CreateTopics_result_topics(created, &count);
    CollectTopicResults(result, topics, count);
  } else if (const rd_kafka_DeleteTopics_result_t* deleted = rd_kafka_event_DeleteTopics_result(event.get())) {
    const rd_kafka_topic_result_t** topics = rd_kafka_DeleteTopics_result_topics(deleted, &count);
    CollectTopicResults(result, topics, count);
  }
  return result;
}

Napi::Value SettleTopics(Napi::Env env, AdminResult& result, const char* what) {
  if (result.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    ThrowKafkaError(env, result.err, std::string(what) + " failed: " + result.message);
  }
  Napi::Array topics = Napi::Array::New(env, result.topics.size());
  for (size_t i = 0; i < result.topics.size(); i++) {
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("topic", result.topics[i].topic);
    entry.Set("error", result.topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR
                           ? env.Null()
                           : MakeKafkaError(env, result.topics[i].err,
                                            std::string(what) + " " + result.topics[i].topic + ": " +
                                                (result.topics[i].message.empty() ? rd_kafka_err2str(result.topics[i].err)
                                                                                  : result.topics[i].message)));
    topics.Set(i, entry);
  }
  return topics;
}

rd_kafka_AdminOptions_t* MakeOptions(rd_kafka_t* rk, rd_kafka_admin_op_t op, int timeout_ms) {
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, op);
  char errstr[256];
  rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, errstr, sizeof(errstr));
  rd_kafka_AdminOptions_set_operation_timeout(options, timeout_ms, errstr, sizeof(errstr));
  return options;
}

}  // namespace

Napi::Function AdminClient::Define(Napi::Env env) {
  return DefineClass(env, "NativeAdminClient",
                     {
                         InstanceMethod<&AdminClient::JsConnect>("connect"),
                         InstanceMethod<&AdminClient::JsCreateTopics>("createTopics"),
                         InstanceMethod<&AdminClient::JsDeleteTopics>("deleteTopics"),
                         InstanceMethod<&AdminClient::JsGetMetadata>("getMetadata"),
                         InstanceMethod<&AdminClient::JsClose>("close"),
                     });
}

AdminClient::AdminClient(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AdminClient>(info) {
  pending_conf_ = BuildConf(info.Env(), info[0].As<Napi::Object>());
}

AdminClient::~AdminClient() {
  if (rk_ != nullptr) napi_remove_env_cleanup_hook(Env(), &AdminClient::OnEnvCleanup, this);
  // owner_ destroys the handle now, or when the last running operation lets go.
}

rd_kafka_t* AdminClient::Handle(Napi::Env env) {
  if (rk_ == nullptr) ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE, "AdminClient is not connected");
  return rk_;
}

Napi::Value AdminClient::JsConnect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (rk_ != nullptr || !pending_conf_) {
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE, "AdminClient is already connected or was closed");
  }
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, pending_conf_.get(), errstr, sizeof(errstr));
  if (rk == nullptr) ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, std::string("Cannot create admin client: ") + errstr);
  pending_conf_.release();
  rk_ = rk;
  owner_ = ShareHandle(rk);
  napi_add_env_cleanup_hook(env, &AdminClient::OnEnvCleanup, this);
  return env.Undefined();
}

// createTopics([{topic, partitions, replicationFactor, config: {k: v}}], timeoutMs)
Napi::Value AdminClient::JsCreateTopics(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle(env);
  Napi::Array specs = info[0].As<Napi::Array>();
  int timeout_ms = info[1].As<Napi::Number>().Int32Value();
  std::vector<rd_kafka_NewTopic_t*> topics;
  char errstr[512];
  for (uint32_t i = 0; i < specs.Length(); i++) {
    Napi::Object spec = specs.Get(i).As<Napi::Object>();
    std::string name = spec.Get("topic").As<Napi::String>().Utf8Value();
    rd_kafka_NewTopic_t* topic =
        rd_kafka_NewTopic_new(name.c_str(), spec.Get("partitions").As<Napi::Number>().Int32Value(),
                              spec.Get("replicationFactor").As<Napi::Number>().Int32Value(), errstr, sizeof(errstr));
    if (topic == nullptr) {
      for (rd_kafka_NewTopic_t* created : topics) rd_kafka_NewTopic_destroy(created);
      ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, "createTopics " + name + ": " + errstr);
    }
    if (spec.Get("config").IsObject()) {
      Napi::Object config = spec.Get("config").As<Napi::Object>();
      Napi::Array keys = config.GetPropertyNames();
      for (uint32_t k = 0; k < keys.Length(); k++) {
        std::string key = keys.Get(k).As<Napi::String>().Utf8Value();
        rd_kafka_NewTopic_set_config(topic, key.c_str(), config.Get(key).ToString().Utf8Value().c_str());
      }
    }
    topics.push_back(topic);
  }
  return RunOffThread<AdminResult>(
      env, "rdkafka-napi:create-topics",
      [owner = owner_, topics, timeout_ms]() {
        rd_kafka_t* rk = owner.get();
        QueuePtr reply(rd_kafka_queue_new(rk));
        rd_kafka_AdminOptions_t* options = MakeOptions(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout_ms);
        rd_kafka_CreateTopics(rk, const_cast<rd_kafka_NewTopic_t**>(topics.data()), topics.size(), options, reply.get());
        rd_kafka_AdminOptions_destroy(options);
        rd_kafka_NewTopic_destroy_array(const_cast<rd_kafka_NewTopic_t**>(topics.data()), topics.size());
        return AwaitAdminEvent(reply.get(), timeout_ms);
      },
      [](Napi::Env env, AdminResult& result) { return SettleTopics(env, result, "createTopics"); });
}

// deleteTopics([name], timeoutMs)
Napi::Value AdminClient::JsDeleteTopics(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle(env);
  Napi::Array names = info[0].As<Napi::Array>();
  int timeout_ms = info[1].As<Napi::Number>().Int32Value();
  std::vector<rd_kafka_DeleteTopic_t*> topics;
  for (uint32_t i = 0; i < names.Length(); i++) {
    topics.push_back(rd_kafka_DeleteTopic_new(names.Get(i).As<Napi::String>().Utf8Value().c_str()));
  }
  return RunOffThread<AdminResult>(
      env, "rdkafka-napi:delete-topics",
      [owner = owner_, topics, timeout_ms]() {
        rd_kafka_t* rk = owner.get();
        QueuePtr reply(rd_kafka_queue_new(rk));
        rd_kafka_AdminOptions_t* options = MakeOptions(rk, RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout_ms);
        rd_kafka_DeleteTopics(rk, const_cast<rd_kafka_DeleteTopic_t**>(topics.data()), topics.size(), options, reply.get());
        rd_kafka_AdminOptions_destroy(options);
        rd_kafka_DeleteTopic_destroy_array(const_cast<rd_kafka_DeleteTopic_t**>(topics.data()), topics.size());
        return AwaitAdminEvent(reply.get(), timeout_ms);
      },
      [](Napi::Env env, AdminResult& result) { return SettleTopics(env, result, "deleteTopics"); });
}

Napi::Value AdminClient::JsGetMetadata(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle(env);
  return FetchMetadata(env, owner_, info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : std::string(),
                       info[1].ToBoolean().Value(), info[2].As<Napi::Number>().Int32Value());
}

Napi::Value AdminClient::JsClose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (rk_ != nullptr) napi_remove_env_cleanup_hook(env, &AdminClient::OnEnvCleanup, this);
  rk_ = nullptr;
  return RunOffThread<int>(
      env, "rdkafka-napi:admin-close",
      [owner = std::move(owner_)]() mutable {
        owner.reset();  // destroys the handle unless an operation still holds it
        return 0;
      },
      [](Napi::Env env, int&) -> Napi::Value { return env.Undefined(); });
}

void AdminClient::OnEnvCleanup(void* self) {
  auto* client = static_cast<AdminClient*>(self);
  client->owner_.reset();  // destroys the handle now, or when the last running operation lets go
  client->rk_ = nullptr;
}

}  // namespace rdkafka_napi
