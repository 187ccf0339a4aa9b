// Consumer group operations: list, describe and delete groups; list, alter
// and delete their committed offsets; and the lag of a group built from
// those plus ListOffsets.
import { ErrorCodes } from '../generated/error-codes';
import { KafkaError } from '../kafka-error';
import { expectInteger, expectObject, expectTopicName, invalid } from '../validation';
import {
  type AclOperation,
  type AdminRequestOptions,
  type BrokerNode,
  type TopicPartition,
  abortable,
  aclOperationNames,
  enumName,
  enumValue,
  expectBooleanOption,
  expectNonEmptyArray,
  expectNonEmptyString,
  expectTopicPartition,
  requestOptions,
} from './common';
import type { NativeAdminOperations } from './native-operations';
import { type IsolationLevel, listOffsets } from './topics';

type Native = () => NativeAdminOperations;

// rd_kafka_consumer_group_state_t.
export const GroupStates = {
  unknown: 0,
  'preparing-rebalance': 1,
  'completing-rebalance': 2,
  stable: 3,
  dead: 4,
  empty: 5,
} as const;
export type GroupState = keyof typeof GroupStates;

// rd_kafka_consumer_group_type_t (librdkafka >= 2.6).
export const GroupTypes = { unknown: 0, consumer: 1, classic: 2 } as const;
export type GroupType = keyof typeof GroupTypes;

export interface ListConsumerGroupsOptions extends AdminRequestOptions {
  /** Only groups in these states. */
  states?: GroupState[];
  /** Only groups of these protocol types (librdkafka >= 2.6). */
  types?: Exclude<GroupType, 'unknown'>[];
}

export interface GroupListing {
  groupId: string;
  isSimpleConsumerGroup: boolean;
  state: GroupState;
  /** librdkafka >= 2.6 */
  type?: GroupType;
}

export interface ListConsumerGroupsResult {
  groups: GroupListing[];
  /** Brokers that could not answer; `groups` then lacks theirs. */
  errors: KafkaError[];
}

export async function listConsumerGroups(native: Native, options?: ListConsumerGroupsOptions): Promise<ListConsumerGroupsResult> {
  const { native: nativeOptions, signal, raw } = requestOptions('listConsumerGroups', options);
  if (raw.states !== undefined) {
    nativeOptions.matchStates = expectNonEmptyArray('options.states', raw.states, 'group states').map((state, i) =>
      enumValue(`options.states[${i}]`, GroupStates, state),
    );
  }
  if (raw.types !== undefined) {
    nativeOptions.matchTypes = expectNonEmptyArray('options.types', raw.types, 'group types').map((type, i) =>
      enumValue(`options.types[${i}]`, GroupTypes, type, ['unknown']),
    );
  }
  const result: {
    groups: Array<{ groupId: string; isSimpleConsumerGroup: boolean; state: number; type?: number }>;
    errors: KafkaError[];
  } = await abortable('listConsumerGroups', native().ListConsumerGroups(nativeOptions), signal);
  return {
    groups: result.groups.map(({ type, ...group }) => ({
      ...group,
      state: enumName(GroupStates, group.state, 'unknown'),
      ...(type === undefined ? {} : { type: enumName(GroupTypes, type, 'unknown') }),
    })),
    errors: result.errors,
  };
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  groupInstanceId: string | null;
  host: string;
  assignment: TopicPartition[] | null;
  /** KIP-848 groups (librdkafka >= 2.10). */
  targetAssignment?: TopicPartition[] | null;
}

export interface GroupDescription {
  groupId: string;
  error: KafkaError | null;
  isSimpleConsumerGroup: boolean;
  partitionAssignor: string | null;
  state: GroupState;
  /** librdkafka >= 2.10 */
  type?: GroupType;
  coordinator: BrokerNode | null;
  members: GroupMember[];
  /** Only with includeAuthorizedOperations (librdkafka >= 2.3). */
  authorizedOperations?: AclOperation[] | null;
}

export interface DescribeConsumerGroupsOptions extends AdminRequestOptions {
  includeAuthorizedOperations?: boolean;
}

function expectGroupIds(parameter: string, value: unknown): string[] {
  return expectNonEmptyArray(parameter, value, 'group ids').map((id, i) => expectNonEmptyString(`${parameter}[${i}]`, id));
}

export async function describeConsumerGroups(
  native: Native,
  groupIds: string[],
  options?: DescribeConsumerGroupsOptions,
): Promise<GroupDescription[]> {
  const ids = expectGroupIds('groupIds', groupIds);
  const { native: nativeOptions, signal, raw } = requestOptions('describeConsumerGroups', options);
  const include = expectBooleanOption('options.includeAuthorizedOperations', raw.includeAuthorizedOperations);
  if (include !== undefined) nativeOptions.includeAuthorizedOperations = include;
  const results: Array<
    Omit<GroupDescription, 'state' | 'type' | 'authorizedOperations'> & {
      state: number;
      type?: number;
      authorizedOperations?: number[] | null;
    }
  > = await abortable('describeConsumerGroups', native().DescribeConsumerGroups(ids, nativeOptions), signal);
  return results.map((group) => {
    const { authorizedOperations, type, ...rest } = group;
    return {
      ...rest,
      state: enumName(GroupStates, group.state, 'unknown'),
      ...(type === undefined ? {} : { type: enumName(GroupTypes, type, 'unknown') }),
      ...(authorizedOperations === undefined ? {} : { authorizedOperations: aclOperationNames(authorizedOperations) }),
    };
  });
}

export interface GroupResult {
  groupId: string;
  error: KafkaError | null;
}

export async function deleteGroups(native: Native, groupIds: string[], options?: AdminRequestOptions): Promise<GroupResult[]> {
  const ids = expectGroupIds('groupIds', groupIds);
  const { native: nativeOptions, signal } = requestOptions('deleteGroups', options);
  return abortable('deleteGroups', native().DeleteGroups(ids, nativeOptions), signal);
}

export interface GroupPartitionOffset extends TopicPartition {
  /** -1001 (Offsets.INVALID) when the group has no committed offset there. */
  offset: number;
  metadata?: string;
  leaderEpoch?: number;
  error: KafkaError | null;
}

export interface GroupOffsetsResult {
  groupId: string;
  /** The whole group's failure (e.g. GROUP_ID_NOT_FOUND, COORDINATOR_NOT_AVAILABLE); then `partitions` is empty. */
  error: KafkaError | null;
  partitions: GroupPartitionOffset[];
}

export interface GroupOffsetsRequest {
  groupId: string;
  /** Default: every partition the group has committed offsets for. */
  partitions?: TopicPartition[];
}

export interface ListConsumerGroupOffsetsOptions extends AdminRequestOptions {
  /** Wait for pending transactional commits to be decided (UNSTABLE_OFFSET_COMMIT otherwise). */
  requireStableOffsets?: boolean;
}

// One request per group (librdkafka takes one group per call): a group's
// whole-request failure is that group's error, never the others'.
async function perGroup(
  what: string,
  groupIds: string[],
  signal: AbortSignal | undefined,
  send: (groupId: string, index: number) => Promise<GroupOffsetsResult[]>,
): Promise<GroupOffsetsResult[]> {
  const requests = groupIds.map((groupId, index) =>
    send(groupId, index).then(
      (results): GroupOffsetsResult => results[0] ?? { groupId, error: null, partitions: [] },
      (error: unknown): GroupOffsetsResult => {
        if (!(error instanceof KafkaError)) throw error;
        return { groupId, error, partitions: [] };
      },
    ),
  );
  return abortable(what, Promise.all(requests), signal);
}

export async function listConsumerGroupOffsets(
  native: Native,
  groups: Array<string | GroupOffsetsRequest>,
  options?: ListConsumerGroupOffsetsOptions,
): Promise<GroupOffsetsResult[]> {
  const requests = expectNonEmptyArray<string | GroupOffsetsRequest>(
    'groups',
    groups,
    'group ids or { groupId, partitions? }',
  ).map((group, i) => {
    if (typeof group === 'string') return { groupId: expectNonEmptyString(`groups[${i}]`, group), partitions: null };
    expectObject(`groups[${i}]`, group);
    return {
      groupId: expectNonEmptyString(`groups[${i}].groupId`, group.groupId),
      partitions:
        group.partitions === undefined
          ? null
          : expectNonEmptyArray(`groups[${i}].partitions`, group.partitions, '{ topic, partition }').map((entry, p) =>
              expectTopicPartition(`groups[${i}].partitions[${p}]`, entry, expectTopicName),
            ),
    };
  });
  const { native: nativeOptions, signal, raw } = requestOptions('listConsumerGroupOffsets', options);
  const stable = expectBooleanOption('options.requireStableOffsets', raw.requireStableOffsets);
  if (stable !== undefined) nativeOptions.requireStableOffsets = stable;
  const client = native();
  return perGroup(
    'listConsumerGroupOffsets',
    requests.map((request) => request.groupId),
    signal,
    (groupId, index) => client.ListConsumerGroupOffsets(groupId, requests[index].partitions, nativeOptions),
  );
}

export interface GroupOffsetChange extends TopicPartition {
  offset: number;
  metadata?: string;
}

/**
 * Sets a group's committed offsets; the group must have no active members
 * (UNKNOWN_MEMBER_ID otherwise). The group's next consumer starts there.
 */
export async function alterConsumerGroupOffsets(
  native: Native,
  groupId: string,
  partitions: GroupOffsetChange[],
  options?: AdminRequestOptions,
): Promise<GroupOffsetsResult> {
  const id = expectNonEmptyString('groupId', groupId);
  const list = expectNonEmptyArray<GroupOffsetChange>('partitions', partitions, '{ topic, partition, offset }').map(
    (entry, i) => {
      const at = expectTopicPartition(`partitions[${i}]`, entry, expectTopicName);
      const offset = expectInteger(`partitions[${i}].offset`, entry.offset, 0);
      if (entry.metadata !== undefined && typeof entry.metadata !== 'string') {
        throw invalid(`partitions[${i}].metadata`, 'a string', entry.metadata);
      }
      return { ...at, offset, ...(entry.metadata === undefined ? {} : { metadata: entry.metadata }) };
    },
  );
  const { native: nativeOptions, signal } = requestOptions('alterConsumerGroupOffsets', options);
  const client = native();
  const [result] = await perGroup('alterConsumerGroupOffsets', [id], signal, () =>
    client.AlterConsumerGroupOffsets(id, list, nativeOptions),
  );
  return result;
}

export async function deleteConsumerGroupOffsets(
  native: Native,
  groupId: string,
  partitions: TopicPartition[],
  options?: AdminRequestOptions,
): Promise<GroupOffsetsResult> {
  const id = expectNonEmptyString('groupId', groupId);
  const list = expectNonEmptyArray('partitions', partitions, '{ topic, partition }').map((entry, i) =>
    expectTopicPartition(`partitions[${i}]`, entry, expectTopicName),
  );
  const { native: nativeOptions, signal } = requestOptions('deleteConsumerGroupOffsets', options);
  const client = native();
  const [result] = await perGroup('deleteConsumerGroupOffsets', [id], signal, () =>
    client.DeleteConsumerGroupOffsets(id, list, nativeOptions),
  );
  return result;
}

export interface PartitionLag extends TopicPartition {
  /** The group's committed offset. */
  committedOffset: number;
  /** The partition's log-end offset (high watermark, or last stable offset with 'read-committed'). */
  logEndOffset: number;
  /** logEndOffset - committedOffset, never negative. */
  lag: number;
}

export interface ConsumerGroupLagOptions extends AdminRequestOptions {
  /** Default 'read-uncommitted'. */
  isolationLevel?: IsolationLevel;
  /** Only these partitions (default: every partition the group has committed). */
  partitions?: TopicPartition[];
}

/**
 * The lag of every partition the group has committed offsets for. Rejects
 * with the group's KafkaError, or with a partition's when its offsets could
 * not be read: a lag figure is only given when it is known.
 */
export async function consumerGroupLag(
  native: Native,
  groupId: string,
  options?: ConsumerGroupLagOptions,
): Promise<PartitionLag[]> {
  const id = expectNonEmptyString('groupId', groupId);
  const { raw } = requestOptions('consumerGroupLag', options);
  const { partitions, ...listOptions } = raw as ConsumerGroupLagOptions;
  const request: GroupOffsetsRequest = partitions === undefined ? { groupId: id } : { groupId: id, partitions };
  const [committed] = await listConsumerGroupOffsets(native, [request], {
    timeoutMs: listOptions.timeoutMs,
    signal: listOptions.signal,
  });
  if (committed.error) throw committed.error;
  const withOffsets = committed.partitions.filter((partition) => partition.offset >= 0);
  for (const partition of committed.partitions) if (partition.error) throw partition.error;
  if (withOffsets.length === 0) return [];
  const ends = await listOffsets(
    native,
    withOffsets.map(({ topic, partition }) => ({ topic, partition, spec: 'latest' as const })),
    listOptions,
  );
  const endOf = new Map(ends.map((end) => [`${end.topic}\u0000${end.partition}`, end]));
  return withOffsets.map(({ topic, partition, offset }) => {
    const end = endOf.get(`${topic}\u0000${partition}`);
    if (!end)
      throw KafkaError.fromCode(ErrorCodes._UNKNOWN_PARTITION, `consumerGroupLag: no log-end offset for ${topic} [${partition}]`);
    if (end.error) throw end.error;
    return { topic, partition, committedOffset: offset, logEndOffset: end.offset, lag: Math.max(0, end.offset - offset) };
  });
}
