// rdkafka-napi/kafkajs: KafkaJS's API on rdkafka-napi's Producer, Consumer
// and AdminClient. Change `from 'kafkajs'` to `from 'rdkafka-napi/kafkajs'`;
// docs/kafkajs-migration.md lists what is supported, mapped, or not.
export { Kafka } from './kafka';
export { KafkaJSProducer as Producer, CompressionTypes, CompressionCodecs } from './producer';
export type { Message, ProducerRecord, ProducerBatch, RecordMetadata, TopicMessages, IHeaders } from './producer';
export { Transaction } from './transaction';
export type { SendOffsetsRequest } from './transaction';
export { KafkaJSConsumer as Consumer } from './consumer';
export type {
  Batch,
  ConsumerRunConfig,
  ConsumerSubscribeTopic,
  ConsumerSubscribeTopics,
  EachBatchPayload,
  EachMessagePayload,
  KafkaMessage,
  OffsetsByTopicPartition,
  TopicPartitions,
} from './consumer';
export {
  KafkaJSAdmin as Admin,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ConfigResourceTypes,
  ConfigSource,
  ResourcePatternTypes,
} from './admin';
export { Partitioners, DefaultPartitioner, LegacyPartitioner, murmur2, legacyMurmur2 } from './partitioners';
export type { ICustomPartitioner, PartitionerArgs, PartitionMetadata } from './partitioners';
export { logLevel } from './logging';
export type { LogCreator, LogEntryPayload, Logger } from './logging';
export type { KafkaConfig, ConsumerConfig, ProducerConfig, RetryOptions, SASLOptions } from './config-mapping';
export type { InstrumentationEvent } from './instrumentation';
export * from './errors';

/** KafkaJS's built-in assigners, by the strategy librdkafka runs for them. */
export const PartitionAssigners = {
  roundRobin: { assignerName: 'RoundRobinAssigner' },
  range: { assignerName: 'RangeAssigner' },
  cooperativeSticky: { assignerName: 'CooperativeStickyAssigner' },
} as const;
