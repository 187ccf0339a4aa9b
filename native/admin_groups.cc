// Consumer group operations: ListConsumerGroups, DescribeConsumerGroups,
// DeleteGroups, ListConsumerGroupOffsets, AlterConsumerGroupOffsets,
// DeleteConsumerGroupOffsets.
#include <string>

#include "admin_operations.h"
#include "admin_request.h"
#include "kafka_error.h"
#include "partition_list.h"

namespace rdkafka_napi {

namespace {

// {groupId, error, partitions?}: the shape of every group-keyed result.
PlainValue PlainGroupResults(const rd_kafka_group_result_t** groups, size_t count, bool with_partitions) {
  PlainValue results = PlainValue::Array();
  for (size_t i = 0; i < count; i++) {
    PlainValue entry = PlainValue::Object();
    entry.Set("groupId", PlainValue::String(rd_kafka_group_result_name(groups[i])))
        .Set("error", PlainValue::Error(rd_kafka_group_result_error(groups[i])));
    if (with_partitions) entry.Set("partitions", PlainPartitionList(rd_kafka_group_result_partitions(groups[i]), true));
    results.Push(std::move(entry));
  }
  return results;
}

PlainValue PlainAssignment(const rd_kafka_MemberAssignment_t* assignment) {
  if (assignment == nullptr) return PlainValue::Null();
  const rd_kafka_topic_partition_list_t* list = rd_kafka_MemberAssignment_partitions(assignment);
  PlainValue partitions = PlainValue::Array();
  for (int i = 0; list != nullptr && i < list->cnt; i++) {
    PlainValue entry = PlainValue::Object();
    entry.Set("topic", PlainValue::String(list->elems[i].topic))
        .Set("partition", PlainValue::Number(list->elems[i].partition));
    partitions.Push(std::move(entry));
  }
  return partitions;
}

using DeleteGroupList = SharedArray<rd_kafka_DeleteGroup_t, rd_kafka_DeleteGroup_destroy>;
using ListOffsetsRequest = SharedArray<rd_kafka_ListConsumerGroupOffsets_t, rd_kafka_ListConsumerGroupOffsets_destroy>;
using AlterOffsetsRequest =
    SharedArray<rd_kafka_AlterConsumerGroupOffsets_t, rd_kafka_AlterConsumerGroupOffsets_destroy>;
using DeleteOffsetsRequest =
    SharedArray<rd_kafka_DeleteConsumerGroupOffsets_t, rd_kafka_DeleteConsumerGroupOffsets_destroy>;

}  // namespace

// ListConsumerGroups({matchStates?, matchTypes?, ...}) -> {groups, errors}
Napi::Value AdminListConsumerGroups(const Napi::CallbackInfo& info, SharedHandle owner) {
  return RunAdminRequest(
      info.Env(), std::move(owner), "listConsumerGroups", RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS,
      AdminRequestOptionsFromJs(info[0]),
      [](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_ListConsumerGroups(rk, options, queue);
      },
      [](rd_kafka_event_t* event) {
        const rd_kafka_ListConsumerGroups_result_t* result = rd_kafka_event_ListConsumerGroups_result(event);
        size_t count = 0;
        const rd_kafka_ConsumerGroupListing_t** listings = rd_kafka_ListConsumerGroups_result_valid(result, &count);
        PlainValue groups = PlainValue::Array();
        for (size_t i = 0; i < count; i++) {
          PlainValue entry = PlainValue::Object();
          entry.Set("groupId", PlainValue::String(rd_kafka_ConsumerGroupListing_group_id(listings[i])))
              .Set("isSimpleConsumerGroup",
                   PlainValue::Bool(rd_kafka_ConsumerGroupListing_is_simple_consumer_group(listings[i])))
              .Set("state", PlainValue::Number(rd_kafka_ConsumerGroupListing_state(listings[i])));
#if RD_KAFKA_VERSION >= 0x02060000
          entry.Set("type", PlainValue::Number(rd_kafka_ConsumerGroupListing_type(listings[i])));
#endif
          groups.Push(std::move(entry));
        }
        // Brokers that could not answer: the list is then partial.
        const rd_kafka_error_t** errors = rd_kafka_ListConsumerGroups_result_errors(result, &count);
        PlainValue plain_errors = PlainValue::Array();
        for (size_t i = 0; i < count; i++) plain_errors.Push(PlainValue::Error(errors[i]));
        PlainValue reply = PlainValue::Object();
        reply.Set("groups", std::move(groups)).Set("errors", std::move(plain_errors));
        return reply;
      });
}

// DescribeConsumerGroups([groupId], {includeAuthorizedOperations?, ...})
Napi::Value AdminDescribeConsumerGroups(const Napi::CallbackInfo& info, SharedHandle owner) {
  auto names = std::make_shared<std::vector<std::string>>(StringsFromJs(info[0]));
  return RunAdminRequest(
      info.Env(), std::move(owner), "describeConsumerGroups", RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS,
      AdminRequestOptionsFromJs(info[1]),
      [names](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        std::vector<const char*> pointers;
        for (const std::string& name : *names) pointers.push_back(name.c_str());
        rd_kafka_DescribeConsumerGroups(rk, pointers.data(), pointers.size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_ConsumerGroupDescription_t** groups =
            rd_kafka_DescribeConsumerGroups_result_groups(rd_kafka_event_DescribeConsumerGroups_result(event), &count);
        PlainValue results = PlainValue::Array();
        for (size_t i = 0; i < count; i++) {
          const rd_kafka_ConsumerGroupDescription_t* group = groups[i];
          PlainValue entry = PlainValue::Object();
          entry.Set("groupId", PlainValue::String(rd_kafka_ConsumerGroupDescription_group_id(group)))
              .Set("error", PlainValue::Error(rd_kafka_ConsumerGroupDescription_error(group)))
              .Set("isSimpleConsumerGroup",
                   PlainValue::Bool(rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(group)))
              .Set("partitionAssignor", PlainValue::String(rd_kafka_ConsumerGroupDescription_partition_assignor(group)))
              .Set("state", PlainValue::Number(rd_kafka_ConsumerGroupDescription_state(group)))
              .Set("coordinator", PlainNode(rd_kafka_ConsumerGroupDescription_coordinator(group)));
#if RD_KAFKA_VERSION >= 0x020a0000
          entry.Set("type", PlainValue::Number(rd_kafka_ConsumerGroupDescription_type(group)));
#endif
#if RD_KAFKA_VERSION >= 0x02030000
          size_t operation_count = 0;
          const rd_kafka_AclOperation_t* operations =
              rd_kafka_ConsumerGroupDescription_authorized_operations(group, &operation_count);
          PlainValue plain_operations = PlainValue::Null();
          if (operations != nullptr) {
            plain_operations = PlainValue::Array();
            for (size_t o = 0; o < operation_count; o++) plain_operations.Push(PlainValue::Number(operations[o]));
          }
          entry.Set("authorizedOperations", std::move(plain_operations));
#endif
          PlainValue members = PlainValue::Array();
          size_t member_count = rd_kafka_ConsumerGroupDescription_member_count(group);
          for (size_t m = 0; m < member_count; m++) {
            const rd_kafka_MemberDescription_t* member = rd_kafka_ConsumerGroupDescription_member(group, m);
            PlainValue plain_member = PlainValue::Object();
            plain_member.Set("memberId", PlainValue::String(rd_kafka_MemberDescription_consumer_id(member)))
                .Set("clientId", PlainValue::String(rd_kafka_MemberDescription_client_id(member)))
                .Set("groupInstanceId", PlainValue::String(rd_kafka_MemberDescription_group_instance_id(member)))
                .Set("host", PlainValue::String(rd_kafka_MemberDescription_host(member)))
                .Set("assignment", PlainAssignment(rd_kafka_MemberDescription_assignment(member)));
#if RD_KAFKA_VERSION >= 0x020a0000
            plain_member.Set("targetAssignment", PlainAssignment(rd_kafka_MemberDescription_target_assignment(member)));
#endif
            members.Push(std::move(plain_member));
          }
          entry.Set("members", std::move(members));
          results.Push(std::move(entry));
        }
        return results;
      });
}

// DeleteGroups([groupId], options)
Napi::Value AdminDeleteGroups(const Napi::CallbackInfo& info, SharedHandle owner) {
  DeleteGroupList groups = MakeSharedArray<rd_kafka_DeleteGroup_t, rd_kafka_DeleteGroup_destroy>();
  for (const std::string& name : StringsFromJs(info[0])) groups->Add(rd_kafka_DeleteGroup_new(name.c_str()));
  return RunAdminRequest(
      info.Env(), std::move(owner), "deleteGroups", RD_KAFKA_ADMIN_OP_DELETEGROUPS, AdminRequestOptionsFromJs(info[1]),
      [groups](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_DeleteGroups(rk, groups->data(), groups->size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_group_result_t** groups =
            rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(event), &count);
        return PlainGroupResults(groups, count, false);
      });
}

// ListConsumerGroupOffsets(groupId, [{topic, partition}] | null, {requireStableOffsets?, ...});
// librdkafka takes one group per request.
Napi::Value AdminListConsumerGroupOffsets(const Napi::CallbackInfo& info, SharedHandle owner) {
  PartitionListPtr partitions;
  if (info[1].IsArray()) partitions = PartitionListFromJs(info.Env(), info[1], "partitions");
  ListOffsetsRequest request =
      MakeSharedArray<rd_kafka_ListConsumerGroupOffsets_t, rd_kafka_ListConsumerGroupOffsets_destroy>();
  request->Add(rd_kafka_ListConsumerGroupOffsets_new(info[0].As<Napi::String>().Utf8Value().c_str(), partitions.get()));
  return RunAdminRequest(
      info.Env(), std::move(owner), "listConsumerGroupOffsets", RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS,
      AdminRequestOptionsFromJs(info[2]),
      [request](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_ListConsumerGroupOffsets(rk, request->data(), request->size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_group_result_t** groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
            rd_kafka_event_ListConsumerGroupOffsets_result(event), &count);
        return PlainGroupResults(groups, count, true);
      });
}

// AlterConsumerGroupOffsets(groupId, [{topic, partition, offset, metadata?}], options)
Napi::Value AdminAlterConsumerGroupOffsets(const Napi::CallbackInfo& info, SharedHandle owner) {
  PartitionListPtr partitions = PartitionListFromJs(info.Env(), info[1], "partitions");
  AlterOffsetsRequest request =
      MakeSharedArray<rd_kafka_AlterConsumerGroupOffsets_t, rd_kafka_AlterConsumerGroupOffsets_destroy>();
  request->Add(
      rd_kafka_AlterConsumerGroupOffsets_new(info[0].As<Napi::String>().Utf8Value().c_str(), partitions.get()));
  return RunAdminRequest(
      info.Env(), std::move(owner), "alterConsumerGroupOffsets", RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS,
      AdminRequestOptionsFromJs(info[2]),
      [request](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_AlterConsumerGroupOffsets(rk, request->data(), request->size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_group_result_t** groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
            rd_kafka_event_AlterConsumerGroupOffsets_result(event), &count);
        return PlainGroupResults(groups, count, true);
      });
}

// DeleteConsumerGroupOffsets(groupId, [{topic, partition}], options)
Napi::Value AdminDeleteConsumerGroupOffsets(const Napi::CallbackInfo& info, SharedHandle owner) {
  PartitionListPtr partitions = PartitionListFromJs(info.Env(), info[1], "partitions");
  DeleteOffsetsRequest request =
      MakeSharedArray<rd_kafka_DeleteConsumerGroupOffsets_t, rd_kafka_DeleteConsumerGroupOffsets_destroy>();
  request->Add(
      rd_kafka_DeleteConsumerGroupOffsets_new(info[0].As<Napi::String>().Utf8Value().c_str(), partitions.get()));
  return RunAdminRequest(
      info.Env(), std::move(owner), "deleteConsumerGroupOffsets", RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS,
      AdminRequestOptionsFromJs(info[2]),
      [request](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
        rd_kafka_DeleteConsumerGroupOffsets(rk, request->data(), request->size(), options, queue);
      },
      [](rd_kafka_event_t* event) {
        size_t count = 0;
        const rd_kafka_group_result_t** groups = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
            rd_kafka_event_DeleteConsumerGroupOffsets_result(event), &count);
        return PlainGroupResults(groups, count, true);
      });
}

}  // namespace rdkafka_napi
