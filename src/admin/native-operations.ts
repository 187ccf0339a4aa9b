// The native admin operations (native/admin_operations.h), registered under
// librdkafka's operation names. Inputs are already validated and normalized;
// enums travel as librdkafka's numbers.
import type { NativeAdminOptions } from './common';

// Each operation resolves with its own plain-object shape, narrowed by its src/admin module.
// biome-ignore lint/suspicious/noExplicitAny: the shapes are typed where they are converted
type Raw = Promise<any>;

export interface NativeAdminOperations {
  CreateTopics(specs: unknown[], options: NativeAdminOptions): Raw;
  DeleteTopics(topics: string[], options: NativeAdminOptions): Raw;
  CreatePartitions(specs: unknown[], options: NativeAdminOptions): Raw;
  DeleteRecords(partitions: unknown[], options: NativeAdminOptions): Raw;
  DescribeTopics(topics: string[], options: NativeAdminOptions): Raw;
  ListOffsets(partitions: unknown[], options: NativeAdminOptions): Raw;
  ElectLeaders(request: unknown, options: NativeAdminOptions): Raw;
  DescribeConfigs(resources: unknown[], options: NativeAdminOptions): Raw;
  AlterConfigs(resources: unknown[], options: NativeAdminOptions): Raw;
  IncrementalAlterConfigs(resources: unknown[], options: NativeAdminOptions): Raw;
  ListConsumerGroups(options: NativeAdminOptions): Raw;
  DescribeConsumerGroups(groupIds: string[], options: NativeAdminOptions): Raw;
  DeleteGroups(groupIds: string[], options: NativeAdminOptions): Raw;
  ListConsumerGroupOffsets(groupId: string, partitions: unknown[] | null, options: NativeAdminOptions): Raw;
  AlterConsumerGroupOffsets(groupId: string, partitions: unknown[], options: NativeAdminOptions): Raw;
  DeleteConsumerGroupOffsets(groupId: string, partitions: unknown[], options: NativeAdminOptions): Raw;
  CreateAcls(acls: unknown[], options: NativeAdminOptions): Raw;
  DescribeAcls(filter: unknown, options: NativeAdminOptions): Raw;
  DeleteAcls(filters: unknown[], options: NativeAdminOptions): Raw;
  DescribeCluster(options: NativeAdminOptions): Raw;
  DescribeUserScramCredentials(users: string[], options: NativeAdminOptions): Raw;
  AlterUserScramCredentials(alterations: unknown[], options: NativeAdminOptions): Raw;
}
