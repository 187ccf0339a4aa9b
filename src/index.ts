// Public entry point of rdkafka-napi.
import { native } from './native';

export { Producer } from './producer';
export type { DeliveryReport, DisconnectOptions, ProducerEvents, ProducerMessage } from './producer';
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
export type { NewTopic, TopicOperationOptions } from './admin-client';
