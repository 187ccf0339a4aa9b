// Topic and partition operations: CreateTopics, DeleteTopics,
// CreatePartitions, DeleteRecords, DescribeTopics, ListOffsets, ElectLeaders.
#include <string>

#include "admin_operations.h"
#include "admin_request.h"
#include "kafka_error.h"
#include "partition_list.h"

namespace rdkafka_napi {

namespace {

PlainValue PlainTopicResults(const rd_kafka_topic_result_t** topics, size_t count, const char* what) {
  PlainValue results = PlainValue::Array();
  for (size_t i = 0; i < count; i++) {
    const char* name = rd_kafka_topic_result_name(topics[i]);
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(topics[i]);
    const char* text = rd_kafka_topic_result_error_string(topics[i]);
    PlainValue entry = PlainValue::Object();
    entry.Set("topic", PlainValue::String(name))
        .Set("error", PlainValue::Error(
                          err, std::string(what) + " " + name + ": " + (text && *text ? text : rd_kafka_err2str(err))));
    results.Push(std::move(entry));
  }
  return results;
}

// [[brokerId, ...] per partition] as given by the TS layer; empty: none.
template <typename Setter>
void ApplyReplicaAssignment(Napi::Env env, Napi::Value assignment, const std::string& topic, Setter set) {
  if (!assignment.IsArray()) return;
  Napi::Array partitions = assignment.As<Napi::Array>();
  char errstr[512];
  for (uint32_t p = 0; p < partitions.Length(); p++) {
    Napi::Array brokers = partitions.Get(p).As<Napi::Array>();
    std::vector<int32_t> ids;
    for (uint32_t b = 0; b < brokers.Length(); b++) ids.push_back(brokers.Get(b).As<Napi::Number>().Int32Value());
    if (set(static_cast<int32_t>(p), ids.data(), ids.size(), errstr, sizeof(errstr))) {
      ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, "replicaAssignment of " + topic + ": " + errstr);
    }
  }
}

using NewTopics = SharedArray<rd_kafka_NewTopic_t, rd_kafka_NewTopic_destroy>;
using DeleteTopicList = SharedArray<rd_kafka_DeleteTopic_t, rd_kafka_DeleteTopic_destroy>;
using NewPartitionsList = SharedArray<rd_kafka_NewPartitions_t, rd_kafka_NewPartitions_destroy>;
using DeleteRecordsList = SharedArray<rd_kafka_DeleteRecords_t, rd_kafka_DeleteRecords_destroy>;

}  // namespace

// CreateTopics([{topic, partitions, replicationFactor, config: [[name, value]], replicaAssignment?}], options)
Napi::Value AdminCreateTopics(const Napi::CallbackInfo& info, SharedHandle owner) {
  Napi::Env env = info.Env();
  Napi::Array specs = info[0].As<Napi::Array>();
  NewTopics topics = MakeSharedArray<rd_kafka_NewTopic_t, rd_kafka_NewTopic_destroy>();
  char errstr[512];
  for (uint32_t i = 0; i < specs.Length(); i++) {
    Napi::Object spec = specs.Get(i).As<Napi::Object>();
    std::string name = spec.Get("topic").As<Napi::String>().Utf8Value();
    rd_kafka_NewTopic_t* topic =
        rd_kafka_NewTopic_new(name.c_str(), spec.Get("partitions").As<Napi::Number>().Int32Value(),
                              spec.Get("replicationFactor").As<Napi::Number>().Int32Value(), errstr, sizeof(errstr));
    if (topic == nullptr) ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, "createTopics " + name + ": " + errstr);
    topics->Add(topic);
    ApplyReplicaAssignment(env, spec.Get("replicaAssignment"), name,
                           [topic](int32_t p, int32_t* ids, size_t count, char* err, size_t size) {
                             return rd_kafka_NewTopic_set_replica_assignment(topic, p, ids, count, err, size);
                           });
    Napi::Value config = spec.Get("config");
    if (config.IsArray()) {
      Napi::Array pairs = config.As<Napi::Array>();
      for (uint32_t k = 0; k < pairs.Length(); k++) {
        Napi::Array pair = pairs.Get(k).As<Napi::Array>();
        std::string key = pair.Get(0u).As<Napi::String>().Utf8Value();
        std::string value = pair.Get(1u).As<Napi::String>().Utf8Value();
        if (rd_kafka_NewTopic_set_config(topic, key.c_str(), value.c_str())) {
          ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, "createTopics " + name + ": cannot set config " + key);
        }
      }
    }
  }
  return RunAdminRequest(
      env, std::move(owner), "createTopics", RD_KAFKA_ADMIN_OP_CREATETOPICS, AdminRequestOptionsFromJs(info[1]),
      [topics](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_CreateTopics(rk, topics->data(), topics->size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_topic_result_t** results =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
        return PlainTopicResults(results, count, "createTopics");
      });
}

// DeleteTopics([name], options)
Napi::Value AdminDeleteTopics(const Napi::CallbackInfo& info, SharedHandle owner) {
  DeleteTopicList topics = MakeSharedArray<rd_kafka_DeleteTopic_t, rd_kafka_DeleteTopic_destroy>();
  for (const std::string& name : StringsFromJs(info[0])) topics->Add(rd_kafka_DeleteTopic_new(name.c_str()));
  return RunAdminRequest(
      info.Env(), std::move(owner), "deleteTopics", RD_KAFKA_ADMIN_OP_DELETETOPICS, AdminRequestOptionsFromJs(info[1]),
      [topics](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_DeleteTopics(rk, topics->data(), topics->size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_topic_result_t** results =
            rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count);
        return PlainTopicResults(results, count, "deleteTopics");
      });
}

// CreatePartitions([{topic, totalCount, replicaAssignment?}], options)
Napi::Value AdminCreatePartitions(const Napi::CallbackInfo& info, SharedHandle owner) {
  Napi::Env env = info.Env();
  Napi::Array specs = info[0].As<Napi::Array>();
  NewPartitionsList parts = MakeSharedArray<rd_kafka_NewPartitions_t, rd_kafka_NewPartitions_destroy>();
  char errstr[512];
  for (uint32_t i = 0; i < specs.Length(); i++) {
    Napi::Object spec = specs.Get(i).As<Napi::Object>();
    std::string name = spec.Get("topic").As<Napi::String>().Utf8Value();
    rd_kafka_NewPartitions_t* part = rd_kafka_NewPartitions_new(
        name.c_str(), spec.Get("totalCount").As<Napi::Number>().Uint32Value(), errstr, sizeof(errstr));
    if (part == nullptr)
      ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, "createPartitions " + name + ": " + errstr);
    parts->Add(part);
    ApplyReplicaAssignment(env, spec.Get("replicaAssignment"), name,
                           [part](int32_t p, int32_t* ids, size_t count, char* err, size_t size) {
                             return rd_kafka_NewPartitions_set_replica_assignment(part, p, ids, count, err, size);
                           });
  }
  return RunAdminRequest(
      env, std::move(owner), "createPartitions", RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, AdminRequestOptionsFromJs(info[1]),
      [parts](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_CreatePartitions(rk, parts->data(), parts->size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_topic_result_t** results =
            rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(event), &count);
        return PlainTopicResults(results, count, "createPartitions");
      });
}

// DeleteRecords([{topic, partition, offset}], options): deletes everything
// before `offset` (-1: up to the high watermark).
Napi::Value AdminDeleteRecords(const Napi::CallbackInfo& info, SharedHandle owner) {
  PartitionListPtr before = PartitionListFromJs(info.Env(), info[0], "partitions");
  DeleteRecordsList records = MakeSharedArray<rd_kafka_DeleteRecords_t, rd_kafka_DeleteRecords_destroy>();
  records->Add(rd_kafka_DeleteRecords_new(before.get()));  // copies the list
  return RunAdminRequest(
      info.Env(), std::move(owner), "deleteRecords", RD_KAFKA_ADMIN_OP_DELETERECORDS,
      AdminRequestOptionsFromJs(info[1]),
      [records](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_DeleteRecords(rk, records->data(), records->size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        // Each partition's offset is its new low watermark.
        return PlainPartitionList(rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(event)),
                                  true);
      });
}

#if RD_KAFKA_VERSION >= 0x02030000
namespace {

struct TopicCollectionDeleter {
  void operator()(rd_kafka_TopicCollection_t* topics) const { rd_kafka_TopicCollection_destroy(topics); }
};

PlainValue PlainNodes(const rd_kafka_Node_t** nodes, size_t count) {
  PlainValue list = PlainValue::Array();
  for (size_t i = 0; i < count; i++) list.Push(PlainNode(nodes[i]));
  return list;
}

PlainValue PlainOperations(const rd_kafka_AclOperation_t* operations, size_t count) {
  if (operations == nullptr) return PlainValue::Null();
  PlainValue list = PlainValue::Array();
  for (size_t i = 0; i < count; i++) list.Push(PlainValue::Number(operations[i]));
  return list;
}

}  // namespace
#endif

// DescribeTopics([name], {includeAuthorizedOperations?, ...})
Napi::Value AdminDescribeTopics(const Napi::CallbackInfo& info, SharedHandle owner) {
#if RD_KAFKA_VERSION >= 0x02030000
  std::vector<std::string> names = StringsFromJs(info[0]);
  std::vector<const char*> pointers;
  for (const std::string& name : names) pointers.push_back(name.c_str());
  std::shared_ptr<rd_kafka_TopicCollection_t> topics(
      rd_kafka_TopicCollection_of_topic_names(pointers.data(), pointers.size()), TopicCollectionDeleter());
  return RunAdminRequest(
      info.Env(), std::move(owner), "describeTopics", RD_KAFKA_ADMIN_OP_DESCRIBETOPICS,
      AdminRequestOptionsFromJs(info[1]),
      [topics](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_DescribeTopics(rk, topics.get(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_TopicDescription_t** descriptions =
            rd_kafka_DescribeTopics_result_topics(rd_kafka_event_DescribeTopics_result(event), &count);
        PlainValue results = PlainValue::Array();
        for (size_t i = 0; i < count; i++) {
          const rd_kafka_TopicDescription_t* description = descriptions[i];
          PlainValue entry = PlainValue::Object();
          entry.Set("topic", PlainValue::String(rd_kafka_TopicDescription_name(description)));
          const rd_kafka_Uuid_t* id = rd_kafka_TopicDescription_topic_id(description);
          entry.Set("topicId", id ? PlainValue::String(rd_kafka_Uuid_base64str(id)) : PlainValue::Null());
          entry.Set("isInternal", PlainValue::Bool(rd_kafka_TopicDescription_is_internal(description)));
          size_t partition_count = 0;
          const rd_kafka_TopicPartitionInfo_t** partitions =
              rd_kafka_TopicDescription_partitions(description, &partition_count);
          PlainValue plain_partitions = PlainValue::Array();
          for (size_t p = 0; p < partition_count; p++) {
            size_t isr_count = 0, replica_count = 0;
            const rd_kafka_Node_t** isr = rd_kafka_TopicPartitionInfo_isr(partitions[p], &isr_count);
            const rd_kafka_Node_t** replicas = rd_kafka_TopicPartitionInfo_replicas(partitions[p], &replica_count);
            PlainValue partition = PlainValue::Object();
            partition.Set("partition", PlainValue::Number(rd_kafka_TopicPartitionInfo_partition(partitions[p])))
                .Set("leader", PlainNode(rd_kafka_TopicPartitionInfo_leader(partitions[p])))
                .Set("replicas", PlainNodes(replicas, replica_count))
                .Set("isr", PlainNodes(isr, isr_count));
            plain_partitions.Push(std::move(partition));
          }
          entry.Set("partitions", std::move(plain_partitions));
          size_t operation_count = 0;
          const rd_kafka_AclOperation_t* operations =
              rd_kafka_TopicDescription_authorized_operations(description, &operation_count);
          entry.Set("authorizedOperations", PlainOperations(operations, operation_count));
          const rd_kafka_error_t* error = rd_kafka_TopicDescription_error(description);
          entry.Set("error", error ? PlainValue::Error(rd_kafka_error_code(error),
                                                       std::string("describeTopics ") +
                                                           rd_kafka_TopicDescription_name(description) + ": " +
                                                           rd_kafka_error_string(error))
                                   : PlainValue::Null());
          results.Push(std::move(entry));
        }
        return results;
      });
#else
  ThrowUnsupportedAdminFeature(info.Env(), "describeTopics (DescribeTopics)", "2.3.0");
#endif
}

// ListOffsets([{topic, partition, offset: spec or timestamp}], {isolationLevel?, ...})
Napi::Value AdminListOffsets(const Napi::CallbackInfo& info, SharedHandle owner) {
#if RD_KAFKA_VERSION >= 0x02030000
  std::shared_ptr<rd_kafka_topic_partition_list_t> partitions(
      PartitionListFromJs(info.Env(), info[0], "partitions").release(), PartitionListDeleter());
  return RunAdminRequest(
      info.Env(), std::move(owner), "listOffsets", RD_KAFKA_ADMIN_OP_LISTOFFSETS, AdminRequestOptionsFromJs(info[1]),
      [partitions](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_ListOffsets(rk, partitions.get(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_ListOffsetsResultInfo_t** infos =
            rd_kafka_ListOffsets_result_infos(rd_kafka_event_ListOffsets_result(event), &count);
        PlainValue results = PlainValue::Array();
        for (size_t i = 0; i < count; i++) {
          const rd_kafka_topic_partition_t* partition = rd_kafka_ListOffsetsResultInfo_topic_partition(infos[i]);
          PlainValue entry = PlainValue::Object();
          entry.Set("topic", PlainValue::String(partition->topic))
              .Set("partition", PlainValue::Number(partition->partition))
              .Set("offset", PlainValue::Number(static_cast<double>(partition->offset)))
              .Set("timestamp",
                   PlainValue::Number(static_cast<double>(rd_kafka_ListOffsetsResultInfo_timestamp(infos[i]))));
          int32_t leader_epoch = rd_kafka_topic_partition_get_leader_epoch(partition);
          if (leader_epoch >= 0) entry.Set("leaderEpoch", PlainValue::Number(leader_epoch));
          entry.Set("error", PlainPartitionError(*partition));
          results.Push(std::move(entry));
        }
        return results;
      });
#else
  ThrowUnsupportedAdminFeature(info.Env(), "listOffsets (ListOffsets)", "2.3.0");
#endif
}

// ElectLeaders({electionType, partitions: [{topic, partition}] | null}, options)
Napi::Value AdminElectLeaders(const Napi::CallbackInfo& info, SharedHandle owner) {
#if RD_KAFKA_VERSION >= 0x02060000
  Napi::Object request = info[0].As<Napi::Object>();
  PartitionListPtr partitions;
  if (request.Get("partitions").IsArray())
    partitions = PartitionListFromJs(info.Env(), request.Get("partitions"), "partitions");
  struct ElectLeadersDeleter {
    void operator()(rd_kafka_ElectLeaders_t* elect) const { rd_kafka_ElectLeaders_destroy(elect); }
  };
  std::shared_ptr<rd_kafka_ElectLeaders_t> elect(
      rd_kafka_ElectLeaders_new(
          static_cast<rd_kafka_ElectionType_t>(request.Get("electionType").As<Napi::Number>().Int32Value()),
          partitions.get()),  // copies the list
      ElectLeadersDeleter());
  return RunAdminRequest(
      info.Env(), std::move(owner), "electLeaders", RD_KAFKA_ADMIN_OP_ELECTLEADERS, AdminRequestOptionsFromJs(info[1]),
      [elect](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_ElectLeaders(rk, elect.get(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_topic_partition_result_t** results =
            rd_kafka_ElectLeaders_result_partitions(rd_kafka_event_ElectLeaders_result(event), &count);
        PlainValue list = PlainValue::Array();
        for (size_t i = 0; i < count; i++) {
          const rd_kafka_topic_partition_t* partition = rd_kafka_topic_partition_result_partition(results[i]);
          PlainValue entry = PlainValue::Object();
          entry.Set("topic", PlainValue::String(partition->topic))
              .Set("partition", PlainValue::Number(partition->partition))
              .Set("error", PlainValue::Error(rd_kafka_topic_partition_result_error(results[i])));
          list.Push(std::move(entry));
        }
        return list;
      });
#else
  ThrowUnsupportedAdminFeature(info.Env(), "electLeaders (ElectLeaders)", "2.6.0");
#endif
}

}  // namespace rdkafka_napi
