// Cluster metadata shapes.
import type { KafkaError } from './kafka-error';

export interface BrokerMetadata {
  id: number;
  host: string;
  port: number;
}

export interface PartitionMetadata {
  id: number;
  leader: number;
  replicas: number[];
  isr: number[];
  error: KafkaError | null;
}

export interface TopicMetadata {
  name: string;
  partitions: PartitionMetadata[];
  error: KafkaError | null;
}

export interface ClusterMetadata {
  originatingBrokerId: number;
  brokers: BrokerMetadata[];
  topics: TopicMetadata[];
}
