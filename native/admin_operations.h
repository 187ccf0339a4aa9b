// Every librdkafka Admin API operation AdminClient exposes, as free functions
// taking the client's shared handle. Each converts its (TS-validated) JS input
// to owned librdkafka objects, runs the request off the JS thread
// (admin_request.h) and resolves with plain JS objects. AdminClient registers
// them under librdkafka's own operation names (AdminOperations()).
#pragma once

#include <napi.h>

#include <vector>

#include "rdkafka_handles.h"

namespace rdkafka_napi {

using AdminOperation = Napi::Value (*)(const Napi::CallbackInfo& info, SharedHandle owner);

struct AdminOperationEntry {
  const char* name;
  AdminOperation run;
};

// admin_topics.cc
Napi::Value AdminCreateTopics(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminDeleteTopics(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminCreatePartitions(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminDeleteRecords(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminDescribeTopics(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminListOffsets(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminElectLeaders(const Napi::CallbackInfo& info, SharedHandle owner);
// admin_configs.cc
Napi::Value AdminDescribeConfigs(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminAlterConfigs(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminIncrementalAlterConfigs(const Napi::CallbackInfo& info, SharedHandle owner);
// admin_groups.cc
Napi::Value AdminListConsumerGroups(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminDescribeConsumerGroups(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminDeleteGroups(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminListConsumerGroupOffsets(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminAlterConsumerGroupOffsets(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminDeleteConsumerGroupOffsets(const Napi::CallbackInfo& info, SharedHandle owner);
// admin_acls.cc
Napi::Value AdminCreateAcls(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminDescribeAcls(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminDeleteAcls(const Napi::CallbackInfo& info, SharedHandle owner);
// admin_cluster.cc
Napi::Value AdminDescribeCluster(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminDescribeUserScramCredentials(const Napi::CallbackInfo& info, SharedHandle owner);
Napi::Value AdminAlterUserScramCredentials(const Napi::CallbackInfo& info, SharedHandle owner);

inline const std::vector<AdminOperationEntry>& AdminOperations() {
  static const std::vector<AdminOperationEntry> operations = {
      {"CreateTopics", &AdminCreateTopics},
      {"DeleteTopics", &AdminDeleteTopics},
      {"CreatePartitions", &AdminCreatePartitions},
      {"DeleteRecords", &AdminDeleteRecords},
      {"DescribeTopics", &AdminDescribeTopics},
      {"ListOffsets", &AdminListOffsets},
      {"ElectLeaders", &AdminElectLeaders},
      {"DescribeConfigs", &AdminDescribeConfigs},
      {"AlterConfigs", &AdminAlterConfigs},
      {"IncrementalAlterConfigs", &AdminIncrementalAlterConfigs},
      {"ListConsumerGroups", &AdminListConsumerGroups},
      {"DescribeConsumerGroups", &AdminDescribeConsumerGroups},
      {"DeleteGroups", &AdminDeleteGroups},
      {"ListConsumerGroupOffsets", &AdminListConsumerGroupOffsets},
      {"AlterConsumerGroupOffsets", &AdminAlterConsumerGroupOffsets},
      {"DeleteConsumerGroupOffsets", &AdminDeleteConsumerGroupOffsets},
      {"CreateAcls", &AdminCreateAcls},
      {"DescribeAcls", &AdminDescribeAcls},
      {"DeleteAcls", &AdminDeleteAcls},
      {"DescribeCluster", &AdminDescribeCluster},
      {"DescribeUserScramCredentials", &AdminDescribeUserScramCredentials},
      {"AlterUserScramCredentials", &AdminAlterUserScramCredentials},
  };
  return operations;
}

}  // namespace rdkafka_napi
