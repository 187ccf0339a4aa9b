#include "admin_request.h"

#include "kafka_error.h"
#include "off_thread.h"

namespace rdkafka_napi {

PlainValue PlainValue::Bool(bool value) {
  PlainValue plain(Kind::kBool);
  plain.number_ = value ? 1 : 0;
  return plain;
}

PlainValue PlainValue::Number(double value) {
  PlainValue plain(Kind::kNumber);
  plain.number_ = value;
  return plain;
}

PlainValue PlainValue::String(const char* value) {
  if (value == nullptr) return Null();
  PlainValue plain(Kind::kString);
  plain.text_ = value;
  return plain;
}

PlainValue PlainValue::Error(rd_kafka_resp_err_t code, const std::string& message, int retriable, bool fatal) {
  if (code == RD_KAFKA_RESP_ERR_NO_ERROR) return Null();
  PlainValue plain(Kind::kError);
  plain.number_ = code;
  plain.text_ = message.empty() ? rd_kafka_err2str(code) : message;
  plain.retriable_ = retriable;
  plain.fatal_ = fatal;
  return plain;
}

PlainValue PlainValue::Error(const rd_kafka_error_t* error) {
  if (error == nullptr || rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR_NO_ERROR) return Null();
  const char* text = rd_kafka_error_string(error);
  // librdkafka marks only what it retries itself as retriable; otherwise the
  // JS layer decides from the code (e.g. NOT_COORDINATOR is worth a retry).
  return Error(rd_kafka_error_code(error), text ? text : "", rd_kafka_error_is_retriable(error) ? 1 : -1,
               rd_kafka_error_is_fatal(error));
}

PlainValue& PlainValue::Set(const char* key, PlainValue value) {
  fields_.emplace_back(key, std::move(value));
  return *this;
}

PlainValue& PlainValue::Push(PlainValue value) {
  items_.push_back(std::move(value));
  return *this;
}

Napi::Value PlainValue::ToJs(Napi::Env env) const {
  switch (kind_) {
    case Kind::kUndefined:
      return env.Undefined();
    case Kind::kNull:
      return env.Null();
    case Kind::kBool:
      return Napi::Boolean::New(env, number_ != 0);
    case Kind::kNumber:
      return Napi::Number::New(env, number_);
    case Kind::kString:
      return Napi::String::New(env, text_);
    case Kind::kArray: {
      Napi::Array array = Napi::Array::New(env, items_.size());
      for (size_t i = 0; i < items_.size(); i++) array.Set(static_cast<uint32_t>(i), items_[i].ToJs(env));
      return array;
    }
    case Kind::kObject: {
      Napi::Object object = Napi::Object::New(env);
      for (const auto& field : fields_) object.Set(field.first, field.second.ToJs(env));
      return object;
    }
    case Kind::kError: {
      ErrorFlags flags;
      flags.retriable = retriable_;
      flags.fatal = fatal_;
      return MakeKafkaError(env, static_cast<rd_kafka_resp_err_t>(static_cast<int>(number_)), text_, flags);
    }
  }
  return env.Undefined();
}

AdminRequestOptions AdminRequestOptionsFromJs(Napi::Value value) {
  AdminRequestOptions options;
  if (!value.IsObject()) return options;
  Napi::Object object = value.As<Napi::Object>();
  auto integer = [&](const char* key, int fallback) {
    Napi::Value field = object.Get(key);
    return field.IsNumber() ? field.As<Napi::Number>().Int32Value() : fallback;
  };
  auto flag = [&](const char* key) {
    Napi::Value field = object.Get(key);
    return field.IsBoolean() ? (field.As<Napi::Boolean>().Value() ? 1 : 0) : -1;
  };
  auto integers = [&](const char* key) {
    std::vector<int> list;
    Napi::Value field = object.Get(key);
    if (!field.IsArray()) return list;
    Napi::Array array = field.As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); i++) list.push_back(array.Get(i).As<Napi::Number>().Int32Value());
    return list;
  };
  options.timeout_ms = integer("timeoutMs", options.timeout_ms);
  options.validate_only = flag("validateOnly") == 1;
  options.require_stable_offsets = flag("requireStableOffsets");
  options.include_authorized_operations = flag("includeAuthorizedOperations");
  options.isolation_level = integer("isolationLevel", -1);
  options.match_group_states = integers("matchStates");
  options.match_group_types = integers("matchTypes");
  return options;
}

namespace {

struct AdminReply {
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string message;
  PlainValue value;
};

struct OptionRefusal {
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string message;
};

// Applies the options the caller set; an option librdkafka refuses for this
// operation becomes the request's error (the TS layer only passes options the
// operation takes, so this is a safety net), and so does one the linked
// librdkafka is too old for.
OptionRefusal ApplyOptions(rd_kafka_AdminOptions_t* admin_options, const AdminRequestOptions& options,
                           rd_kafka_admin_op_t op) {
  char errstr[512] = "";
  auto refuse = [](const std::string& message) { return OptionRefusal{RD_KAFKA_RESP_ERR__INVALID_ARG, message}; };
  [[maybe_unused]] auto too_old = [](const char* option, const char* version) {
    return OptionRefusal{RD_KAFKA_RESP_ERR__NOT_IMPLEMENTED, std::string("option ") + option + " needs librdkafka " +
                                                                 version + " or newer; this build links " +
                                                                 rd_kafka_version_str()};
  };
  if (rd_kafka_AdminOptions_set_request_timeout(admin_options, options.timeout_ms, errstr, sizeof(errstr))) {
    return refuse(errstr);
  }
  // Only some operations wait for the broker to finish (operation timeout);
  // the others refuse the option.
  if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS ||
      op == RD_KAFKA_ADMIN_OP_CREATEPARTITIONS || op == RD_KAFKA_ADMIN_OP_DELETERECORDS
#if RD_KAFKA_VERSION >= 0x02060000
      || op == RD_KAFKA_ADMIN_OP_ELECTLEADERS
#endif
  ) {
    if (rd_kafka_AdminOptions_set_operation_timeout(admin_options, options.timeout_ms, errstr, sizeof(errstr))) {
      return refuse(errstr);
    }
  }
  if (options.validate_only && rd_kafka_AdminOptions_set_validate_only(admin_options, 1, errstr, sizeof(errstr))) {
    return refuse(errstr);
  }
  auto take = [](rd_kafka_error_t* error) {
    ErrorPtr owned(error);
    return owned ? std::string(rd_kafka_error_string(owned.get())) : std::string();
  };
  std::string failed;
  if (options.require_stable_offsets >= 0) {
    failed = take(rd_kafka_AdminOptions_set_require_stable_offsets(admin_options, options.require_stable_offsets));
    if (!failed.empty()) return refuse(failed);
  }
#if RD_KAFKA_VERSION >= 0x02030000
  if (options.include_authorized_operations >= 0) {
    failed = take(
        rd_kafka_AdminOptions_set_include_authorized_operations(admin_options, options.include_authorized_operations));
    if (!failed.empty()) return refuse(failed);
  }
  if (options.isolation_level >= 0) {
    failed = take(rd_kafka_AdminOptions_set_isolation_level(
        admin_options, static_cast<rd_kafka_IsolationLevel_t>(options.isolation_level)));
    if (!failed.empty()) return refuse(failed);
  }
#else
  if (options.include_authorized_operations >= 0) return too_old("includeAuthorizedOperations", "2.3.0");
  if (options.isolation_level >= 0) return too_old("isolationLevel", "2.3.0");
#endif
  if (!options.match_group_states.empty()) {
    std::vector<rd_kafka_consumer_group_state_t> states;
    for (int state : options.match_group_states) states.push_back(static_cast<rd_kafka_consumer_group_state_t>(state));
    failed = take(rd_kafka_AdminOptions_set_match_consumer_group_states(admin_options, states.data(), states.size()));
    if (!failed.empty()) return refuse(failed);
  }
#if RD_KAFKA_VERSION >= 0x02060000
  if (!options.match_group_types.empty()) {
    std::vector<rd_kafka_consumer_group_type_t> types;
    for (int type : options.match_group_types) types.push_back(static_cast<rd_kafka_consumer_group_type_t>(type));
    failed = take(rd_kafka_AdminOptions_set_match_consumer_group_types(admin_options, types.data(), types.size()));
    if (!failed.empty()) return refuse(failed);
  }
#else
  if (!options.match_group_types.empty()) return too_old("types", "2.6.0");
#endif
  return OptionRefusal{};
}

struct AdminOptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* options) const { rd_kafka_AdminOptions_destroy(options); }
};

}  // namespace

Napi::Value RunAdminRequest(Napi::Env env, SharedHandle owner, const char* what, rd_kafka_admin_op_t op,
                            AdminRequestOptions options, AdminLaunch launch, AdminConvert convert) {
  if (!owner) ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE, std::string(what) + ": the AdminClient is not connected");
  std::string name = what;
  return RunOffThread(
      env, "rdkafka-napi:admin",
      [owner, op, options, launch = std::move(launch), convert = std::move(convert), name]() {
        AdminReply reply;
        rd_kafka_t* rk = owner.get();
        QueuePtr queue(rd_kafka_queue_new(rk));
        std::unique_ptr<rd_kafka_AdminOptions_t, AdminOptionsDeleter> admin_options(rd_kafka_AdminOptions_new(rk, op));
        OptionRefusal refused = ApplyOptions(admin_options.get(), options, op);
        if (refused.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          reply.err = refused.err;
          reply.message = name + ": " + refused.message;
          return reply;
        }
        launch(rk, admin_options.get(), queue.get());
        // librdkafka answers within the request timeout (with _TIMED_OUT at
        // worst); the margin only guards against a lost answer.
        EventPtr event(rd_kafka_queue_poll(queue.get(), options.timeout_ms + 5000));
        if (!event) {
          reply.err = RD_KAFKA_RESP_ERR__TIMED_OUT;
          reply.message = name + ": no answer from the cluster within " + std::to_string(options.timeout_ms) + " ms";
          return reply;
        }
        reply.err = rd_kafka_event_error(event.get());
        if (reply.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          const char* text = rd_kafka_event_error_string(event.get());
          reply.message = name + " failed: " + (text ? text : rd_kafka_err2str(reply.err));
          return reply;
        }
        reply.value = convert(event.get());
        return reply;
      },
      [](Napi::Env env, AdminReply& reply) -> Napi::Value {
        if (reply.err != RD_KAFKA_RESP_ERR_NO_ERROR) ThrowKafkaError(env, reply.err, reply.message);
        return reply.value.ToJs(env);
      });
}

void ThrowUnsupportedAdminFeature(Napi::Env env, const char* what, const char* needed_version) {
  ThrowKafkaError(env, RD_KAFKA_RESP_ERR__NOT_IMPLEMENTED,
                  std::string(what) + " needs librdkafka " + needed_version + " or newer; this build links " +
                      rd_kafka_version_str());
}

PlainValue PlainPartitionError(const rd_kafka_topic_partition_t& partition) {
  return PlainValue::Error(partition.err, std::string(rd_kafka_err2str(partition.err)) + " (" + partition.topic + " [" +
                                              std::to_string(partition.partition) + "])");
}

PlainValue PlainPartitionList(const rd_kafka_topic_partition_list_t* list, bool with_offsets) {
  PlainValue partitions = PlainValue::Array();
  if (list == nullptr) return partitions;
  for (int i = 0; i < list->cnt; i++) {
    const rd_kafka_topic_partition_t& source = list->elems[i];
    PlainValue entry = PlainValue::Object();
    entry.Set("topic", PlainValue::String(source.topic)).Set("partition", PlainValue::Number(source.partition));
    if (with_offsets) {
      entry.Set("offset", PlainValue::Number(static_cast<double>(source.offset)));
      if (source.metadata != nullptr && source.metadata_size > 0) {
        entry.Set("metadata",
                  PlainValue::String(std::string(static_cast<const char*>(source.metadata), source.metadata_size)));
      }
#if RD_KAFKA_VERSION >= 0x020100ff
      int32_t leader_epoch = rd_kafka_topic_partition_get_leader_epoch(&source);
      if (leader_epoch >= 0) entry.Set("leaderEpoch", PlainValue::Number(leader_epoch));
#endif
    }
    entry.Set("error", PlainPartitionError(source));
    partitions.Push(std::move(entry));
  }
  return partitions;
}

PlainValue PlainNode(const rd_kafka_Node_t* node) {
  if (node == nullptr) return PlainValue::Null();
  PlainValue plain = PlainValue::Object();
  plain.Set("id", PlainValue::Number(rd_kafka_Node_id(node)))
      .Set("host", PlainValue::String(rd_kafka_Node_host(node)))
      .Set("port", PlainValue::Number(rd_kafka_Node_port(node)));
#if RD_KAFKA_VERSION >= 0x02030000
  plain.Set("rack", PlainValue::String(rd_kafka_Node_rack(node)));
#endif
  return plain;
}

std::vector<std::string> StringsFromJs(Napi::Value value) {
  std::vector<std::string> strings;
  if (!value.IsArray()) return strings;
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) strings.push_back(array.Get(i).As<Napi::String>().Utf8Value());
  return strings;
}

}  // namespace rdkafka_napi
