// Topic and partition operations: create/delete topics, create partitions,
// delete records, describe topics, list offsets, elect leaders.
import type { KafkaError } from '../kafka-error';
import { expectInteger, expectKnownKeys, expectObject, expectTopicName, invalid } from '../validation';
import {
  type AclOperation,
  type AdminRequestOptions,
  type BrokerNode,
  type TopicPartition,
  abortable,
  aclOperationNames,
  enumValue,
  expectBooleanOption,
  expectNonEmptyArray,
  expectTopicPartition,
  requestOptions,
} from './common';
import { retryWhileLeadersMove } from './leader-retry';
import type { NativeAdminOperations } from './native-operations';

type Native = () => NativeAdminOperations;

export interface NewTopic {
  topic: string;
  /** Default 1; -1: the broker's num.partitions (not with replicaAssignment). */
  partitions?: number;
  /** Default -1: the broker's default.replication.factor. */
  replicationFactor?: number;
  /** Broker ids per partition, e.g. [[1, 2], [2, 3]]; then leave partitions and replicationFactor unset. */
  replicaAssignment?: number[][];
  /** Topic configs, e.g. { 'cleanup.policy': 'compact' }. */
  config?: Record<string, string | number | boolean>;
}

const NEW_TOPIC_KEYS = ['topic', 'partitions', 'replicationFactor', 'replicaAssignment', 'config'] as const;
// KafkaJS's names for the same things, which a migrating service may bring along.
const KAFKAJS_TOPIC_KEYS = {
  numPartitions: 'partitions',
  configEntries: 'config (an object of name: value)',
  numReplicas: 'replicationFactor',
};

export interface CreateTopicsOptions extends AdminRequestOptions {
  /** Ask the broker to check the request without creating anything. */
  validateOnly?: boolean;
}

export interface TopicResult {
  topic: string;
  error: KafkaError | null;
}

function expectReplicaAssignment(parameter: string, value: unknown): number[][] | undefined {
  if (value === undefined) return undefined;
  const partitions = expectNonEmptyArray<unknown>(parameter, value, 'broker id arrays');
  return partitions.map((brokers, p) =>
    expectNonEmptyArray<unknown>(`${parameter}[${p}]`, brokers, 'broker ids').map((id, b) =>
      expectInteger(`${parameter}[${p}][${b}]`, id, 0, 2_147_483_647),
    ),
  );
}

function expectPartitionCount(parameter: string, value: unknown): number {
  if (value === -1) return -1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2_147_483_647) {
    throw invalid(parameter, 'an integer >= 1, or -1 for the broker default', value);
  }
  return value;
}

function configPairs(parameter: string, config: unknown): Array<[string, string]> | undefined {
  if (config === undefined) return undefined;
  expectObject(parameter, config);
  return Object.entries(config).map(([key, value]) => {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw invalid(`${parameter}['${key}']`, 'a string, number or boolean', value);
    }
    return [key, String(value)];
  });
}

export async function createTopics(native: Native, topics: NewTopic[], options?: CreateTopicsOptions): Promise<TopicResult[]> {
  const specs = expectNonEmptyArray<NewTopic>('topics', topics, 'NewTopic').map((spec, i) => {
    expectObject(`topics[${i}]`, spec);
    expectKnownKeys(`topics[${i}]`, spec, NEW_TOPIC_KEYS, KAFKAJS_TOPIC_KEYS);
    const replicaAssignment = expectReplicaAssignment(`topics[${i}].replicaAssignment`, spec.replicaAssignment);
    return {
      topic: expectTopicName(`topics[${i}].topic`, spec.topic),
      partitions: expectPartitionCount(
        `topics[${i}].partitions`,
        spec.partitions ?? (replicaAssignment ? replicaAssignment.length : 1),
      ),
      replicationFactor: expectInteger(`topics[${i}].replicationFactor`, spec.replicationFactor ?? -1, -1, 32_767),
      replicaAssignment,
      config: configPairs(`topics[${i}].config`, spec.config),
    };
  });
  const { native: nativeOptions, signal, raw } = requestOptions('createTopics', options);
  if (expectBooleanOption('options.validateOnly', raw.validateOnly)) nativeOptions.validateOnly = true;
  return abortable('createTopics', native().CreateTopics(specs, nativeOptions), signal);
}

export async function deleteTopics(native: Native, topics: string[], options?: AdminRequestOptions): Promise<TopicResult[]> {
  const names = expectNonEmptyArray<string>('topics', topics, 'topic names').map((topic, i) =>
    expectTopicName(`topics[${i}]`, topic),
  );
  const { native: nativeOptions, signal } = requestOptions('deleteTopics', options);
  return abortable('deleteTopics', native().DeleteTopics(names, nativeOptions), signal);
}

export interface NewPartitions {
  topic: string;
  /** The topic's new partition count (more than it has now). */
  count: number;
  /** Broker ids for each NEW partition. */
  replicaAssignment?: number[][];
}

const NEW_PARTITIONS_KEYS = ['topic', 'count', 'replicaAssignment'] as const;
const KAFKAJS_PARTITIONS_KEYS = { assignments: 'replicaAssignment (broker ids for each new partition)' };

export async function createPartitions(
  native: Native,
  partitions: NewPartitions[],
  options?: CreateTopicsOptions,
): Promise<TopicResult[]> {
  const specs = expectNonEmptyArray<NewPartitions>('partitions', partitions, '{ topic, count }').map((spec, i) => {
    expectObject(`partitions[${i}]`, spec);
    expectKnownKeys(`partitions[${i}]`, spec, NEW_PARTITIONS_KEYS, KAFKAJS_PARTITIONS_KEYS);
    return {
      topic: expectTopicName(`partitions[${i}].topic`, spec.topic),
      totalCount: expectInteger(`partitions[${i}].count`, spec.count, 1, 2_147_483_647),
      replicaAssignment: expectReplicaAssignment(`partitions[${i}].replicaAssignment`, spec.replicaAssignment),
    };
  });
  const { native: nativeOptions, signal, raw } = requestOptions('createPartitions', options);
  if (expectBooleanOption('options.validateOnly', raw.validateOnly)) nativeOptions.validateOnly = true;
  return abortable('createPartitions', native().CreatePartitions(specs, nativeOptions), signal);
}

export interface DeleteRecordsRequest extends TopicPartition {
  /** Records before this offset are deleted; 'high-watermark': all records so far. */
  before: number | 'high-watermark';
}

export interface DeleteRecordsResult extends TopicPartition {
  /** The partition's low watermark after the deletion. */
  lowWatermark: number;
  error: KafkaError | null;
}

export async function deleteRecords(
  native: Native,
  partitions: DeleteRecordsRequest[],
  options?: AdminRequestOptions,
): Promise<DeleteRecordsResult[]> {
  const list = expectNonEmptyArray<DeleteRecordsRequest>('partitions', partitions, '{ topic, partition, before }').map(
    (entry, i) => ({
      ...expectTopicPartition(`partitions[${i}]`, entry, expectTopicName),
      offset: entry.before === 'high-watermark' ? -1 : expectInteger(`partitions[${i}].before`, entry.before, 0),
    }),
  );
  const { native: nativeOptions, signal } = requestOptions('deleteRecords', options);
  const results: Array<TopicPartition & { offset: number; error: KafkaError | null }> = await abortable(
    'deleteRecords',
    native().DeleteRecords(list, nativeOptions),
    signal,
  );
  return results.map(({ topic, partition, offset, error }) => ({ topic, partition, lowWatermark: offset, error }));
}

export interface DescribeTopicsOptions extends AdminRequestOptions {
  /** Also return what the caller may do with each topic (authorizedOperations). */
  includeAuthorizedOperations?: boolean;
}

export interface TopicPartitionDescription {
  partition: number;
  leader: BrokerNode | null;
  replicas: BrokerNode[];
  isr: BrokerNode[];
}

export interface TopicDescription {
  topic: string;
  /** Base64 topic id; null when the broker gave none. */
  topicId: string | null;
  isInternal: boolean;
  partitions: TopicPartitionDescription[];
  /** Only with includeAuthorizedOperations. */
  authorizedOperations: AclOperation[] | null;
  error: KafkaError | null;
}

export async function describeTopics(
  native: Native,
  topics: string[],
  options?: DescribeTopicsOptions,
): Promise<TopicDescription[]> {
  const names = expectNonEmptyArray<string>('topics', topics, 'topic names').map((topic, i) =>
    expectTopicName(`topics[${i}]`, topic),
  );
  const { native: nativeOptions, signal, raw } = requestOptions('describeTopics', options);
  const include = expectBooleanOption('options.includeAuthorizedOperations', raw.includeAuthorizedOperations);
  if (include !== undefined) nativeOptions.includeAuthorizedOperations = include;
  const results: Array<Omit<TopicDescription, 'authorizedOperations'> & { authorizedOperations: number[] | null }> =
    await abortable('describeTopics', native().DescribeTopics(names, nativeOptions), signal);
  return results.map((result) => ({ ...result, authorizedOperations: aclOperationNames(result.authorizedOperations) }));
}

/** Which offset ListOffsets finds: the first, the next to be written, the one with the highest timestamp, or the first at or after a time. */
export type OffsetSpec = 'earliest' | 'latest' | 'max-timestamp' | { timestamp: number };

export const IsolationLevels = { 'read-uncommitted': 0, 'read-committed': 1 } as const;
export type IsolationLevel = keyof typeof IsolationLevels;

export interface ListOffsetsRequest extends TopicPartition {
  spec: OffsetSpec;
}

export interface ListOffsetsOptions extends AdminRequestOptions {
  /** Default 'read-uncommitted'; 'read-committed': latest is the last stable offset. */
  isolationLevel?: IsolationLevel;
}

export interface ListOffsetsResult extends TopicPartition {
  /** -1 when no such offset exists (e.g. a timestamp after the last record). */
  offset: number;
  /** The record's timestamp (max-timestamp and timestamp specs), else -1. */
  timestamp: number;
  leaderEpoch?: number;
  error: KafkaError | null;
}

const OFFSET_SPECS = { earliest: -2, latest: -1, 'max-timestamp': -3 } as const;

export async function listOffsets(
  native: Native,
  partitions: ListOffsetsRequest[],
  options?: ListOffsetsOptions,
): Promise<ListOffsetsResult[]> {
  const list = expectNonEmptyArray<ListOffsetsRequest>('partitions', partitions, '{ topic, partition, spec }').map((entry, i) => {
    const at = expectTopicPartition(`partitions[${i}]`, entry, expectTopicName);
    const spec: unknown = entry.spec;
    let offset: number;
    if (typeof spec === 'string' && spec in OFFSET_SPECS) offset = OFFSET_SPECS[spec as keyof typeof OFFSET_SPECS];
    else if (typeof spec === 'object' && spec !== null && 'timestamp' in spec) {
      offset = expectInteger(`partitions[${i}].spec.timestamp`, spec.timestamp, 0);
    } else throw invalid(`partitions[${i}].spec`, "'earliest', 'latest', 'max-timestamp' or { timestamp }", spec);
    return { ...at, offset };
  });
  const { native: nativeOptions, timeoutMs, signal, raw } = requestOptions('listOffsets', options);
  if (raw.isolationLevel !== undefined) {
    nativeOptions.isolationLevel = enumValue('options.isolationLevel', IsolationLevels, raw.isolationLevel);
  }
  const send = (subset: typeof list, remainingMs: number): Promise<ListOffsetsResult[]> =>
    native().ListOffsets(subset, { ...nativeOptions, timeoutMs: remainingMs });
  const answers = retryWhileLeadersMove(list, timeoutMs, send, () => !signal?.aborted);
  return abortable('listOffsets', answers, signal);
}

export const ElectionTypes = { preferred: 0, unclean: 1 } as const;
export type ElectionType = keyof typeof ElectionTypes;

export interface ElectLeadersRequest {
  electionType: ElectionType;
  /** Default: every partition of the cluster. */
  partitions?: TopicPartition[];
}

export interface ElectLeadersResult extends TopicPartition {
  /** ELECTION_NOT_NEEDED when the preferred leader already leads. */
  error: KafkaError | null;
}

export async function electLeaders(
  native: Native,
  request: ElectLeadersRequest,
  options?: AdminRequestOptions,
): Promise<ElectLeadersResult[]> {
  expectObject('request', request);
  const electionType = enumValue('request.electionType', ElectionTypes, request.electionType);
  const partitions =
    request.partitions === undefined
      ? null
      : expectNonEmptyArray('request.partitions', request.partitions, '{ topic, partition }').map((entry, i) =>
          expectTopicPartition(`request.partitions[${i}]`, entry, expectTopicName),
        );
  const { native: nativeOptions, signal } = requestOptions('electLeaders', options);
  return abortable('electLeaders', native().ElectLeaders({ electionType, partitions }, nativeOptions), signal);
}
