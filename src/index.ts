// Public entry point of rdkafka-napi.
import { native } from './native';

export { Producer } from './producer';
export type { DeliveryReport, DisconnectOptions, ProducerEvents, ProducerMessage, ProducerOptions } from './producer';
export { offsetsAfter, runTransaction } from './transaction';
export type {
  ConsumerGroupMetadata,
  RunTransactionOptions,
  TransactionOffset,
  TransactionTimeoutOptions,
} from './transaction';
export { MockCluster, ApiKeys } from './mock-cluster';
export type { MockClusterOptions } from './mock-cluster';
export { KafkaError } from './kafka-error';
export type { KafkaErrorDetails } from './kafka-error';
export { ErrorCodes } from './generated/error-codes';
export type { ErrorCodeName } from './generated/error-codes';
export type { ConsumerConfig, ProducerConfig, CommonConfig, ProducerOnlyConfig, ConsumerOnlyConfig } from './config';
export type { MessageHeaders, MessageHeader } from './headers';
export type { MessageBytes } from './validation';
export type { ClientEvents, ClientStatistics, LogEntry, ThrottleNotice } from './client-events';
export type { ClusterMetadata, BrokerMetadata, TopicMetadata, PartitionMetadata } from './metadata';

/** Version of the librdkafka linked into the addon, e.g. "2.14.2". */
export const librdkafkaVersion: string = native.librdkafkaVersion;
/** librdkafka's compiled-in features (ssl, sasl_scram, zstd, ...). */
export const librdkafkaFeatures: readonly string[] = native.builtinFeatures().split(',');
export { Consumer, Offsets } from './consumer';
export type {
  BatchOptions,
  ConsumerEvents,
  ConsumerOptions,
  RebalanceEvent,
  TopicPartition,
  TopicPartitionOffset,
} from './consumer';
export type { Message, TimestampType } from './consumer-message';
export { AdminClient } from './admin-client';
export type { AdminClientEvents, AdminClientOptions, NewTopic, TopicOperationOptions } from './admin-client';
export { AbortError } from './admin/common';
export type {
  AdminRequestOptions,
  AclOperation,
  BrokerNode,
  ResourceType,
  TopicPartition as AdminTopicPartition,
} from './admin/common';
export type {
  CreateTopicsOptions,
  TopicResult,
  NewPartitions,
  DeleteRecordsRequest,
  DeleteRecordsResult,
  DescribeTopicsOptions,
  TopicDescription,
  TopicPartitionDescription,
  OffsetSpec,
  IsolationLevel,
  ListOffsetsRequest,
  ListOffsetsOptions,
  ListOffsetsResult,
  ElectionType,
  ElectLeadersRequest,
  ElectLeadersResult,
} from './admin/topics';
export type {
  ConfigResource,
  ConfigResourceType,
  ConfigSource,
  ConfigEntry,
  DescribeConfigsResult,
  ConfigResourceResult,
  AlterConfigsOptions,
  AlterConfigsResource,
  AlterConfigOp,
  ConfigChange,
  IncrementalAlterConfigsResource,
} from './admin/configs';
export type {
  GroupState,
  GroupType,
  ListConsumerGroupsOptions,
  GroupListing,
  ListConsumerGroupsResult,
  GroupMember,
  GroupDescription,
  DescribeConsumerGroupsOptions,
  GroupResult,
  GroupPartitionOffset,
  GroupOffsetsResult,
  GroupOffsetsRequest,
  ListConsumerGroupOffsetsOptions,
  GroupOffsetChange,
  PartitionLag,
  ConsumerGroupLagOptions,
} from './admin/groups';
export type {
  AclPatternType,
  AclPermissionType,
  AclBinding,
  AclEntry,
  AclFilter,
  CreateAclResult,
  DeleteAclsResult,
} from './admin/acls';
export type {
  DescribeClusterOptions,
  ClusterDescription,
  ScramMechanism,
  UserScramCredentials,
  ScramCredentialAlteration,
  UserResult,
} from './admin/cluster';
export type { OAuthBearerOptions, OAuthBearerToken, OAuthBearerTokenProvider } from './oauthbearer';
export { ChannelNames, headerValue } from './diagnostics';
export type {
  ConsumeBatchTraceContext,
  ConsumeTraceContext,
  OperationTraceContext,
  ProduceTraceContext,
} from './diagnostics';
export type { AbortOptions } from './abort';
export type { FlushOptions, SendOptions } from './producer';
export type { MessagesOptions } from './consumer';
export { consumerStream, producerStream } from './streams';
export type { ConsumerStreamOptions, ProducerStreamChunk, ProducerStreamOptions } from './streams';
export { statsRates, statsToMetrics } from './stats-metrics';
export type {
  BrokerStats,
  ConsumerGroupStats,
  LibrdkafkaStatistics,
  MetricPoint,
  PartitionStats,
  StatsRates,
  StatsWindow,
  TopicStats,
} from './stats-metrics';
