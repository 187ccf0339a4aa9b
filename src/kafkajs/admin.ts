// KafkaJS's admin client over our AdminClient: the same method names and
// result shapes, each one delegating to the librdkafka Admin API operation.
import { AdminClient } from '../admin-client';
import type { AclBinding, AclFilter } from '../admin/acls';
import { type ConfigResourceType, ConfigSources } from '../admin/configs';
import type { GroupState } from '../admin/groups';
import { ErrorCodes } from '../generated/error-codes';
import { KafkaError } from '../kafka-error';
import { type RetryOptions, mapRetry } from './config-mapping';
import type { KafkaContext } from './context';
import {
  KafkaJSDeleteGroupsError,
  KafkaJSDeleteTopicRecordsError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNotImplemented,
  KafkaJSProtocolError,
  asKafkaJS,
  toKafkaJSError,
} from './errors';
import { AdminEvents, type InstrumentationEvent, Instrumentation } from './instrumentation';
import { forwardClientLogs, type Logger } from './logging';

/** KafkaJS's numbers for config resources. */
export const ConfigResourceTypes = { UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;
export const AclResourceTypes = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
} as const;
export const AclOperationTypes = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
} as const;
export const AclPermissionTypes = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;
export const ResourcePatternTypes = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;

// KafkaJS number -> our name, for each enum (librdkafka uses the Kafka protocol numbers too,
// except that librdkafka calls the cluster resource "broker").
const CONFIG_RESOURCE_NAMES: Record<number, ConfigResourceType> = { 2: 'topic', 4: 'broker' };
const ACL_RESOURCE_NAMES = ['unknown', 'any', 'topic', 'group', 'broker', 'transactional-id'] as const;
const ACL_OPERATION_NAMES = [
  'unknown',
  'any',
  'all',
  'read',
  'write',
  'create',
  'delete',
  'alter',
  'describe',
  'cluster-action',
  'describe-configs',
  'alter-configs',
  'idempotent-write',
] as const;
const PERMISSION_NAMES = ['unknown', 'any', 'deny', 'allow'] as const;
const PATTERN_NAMES = ['unknown', 'any', 'match', 'literal', 'prefixed'] as const;
// KafkaJS reports config sources as the protocol's numbers, which ConfigSources holds.
const configSourceNumber = (source: string): number => (ConfigSources as Record<string, number>)[source] ?? 0;
const GROUP_STATE_NAMES: Record<GroupState, string> = {
  unknown: 'Unknown',
  'preparing-rebalance': 'PreparingRebalance',
  'completing-rebalance': 'CompletingRebalance',
  stable: 'Stable',
  dead: 'Dead',
  empty: 'Empty',
};

export interface ITopicConfig {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  replicaAssignment?: Array<{ partition: number; replicas: number[] }>;
  configEntries?: Array<{ name: string; value: string }>;
}

export interface AclEntryKafkaJS {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

type AclFilterKafkaJS = Partial<AclEntryKafkaJS>;

// KafkaJS's admin retries retriable failures (a coordinator still loading,
// a leader moving) with exponential backoff; so does this one.
const DEFAULT_RETRIES = 5;
const DEFAULT_INITIAL_RETRY_MS = 300;
const DEFAULT_MAX_RETRY_MS = 30_000;

interface RetryPolicy {
  retries?: number;
  initialRetryTime?: number;
  maxRetryTime?: number;
}

async function withRetry<T>(policy: RetryPolicy, operation: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || attempt >= (policy.retries ?? DEFAULT_RETRIES)) throw error;
      const delay = Math.min(
        policy.maxRetryTime ?? DEFAULT_MAX_RETRY_MS,
        (policy.initialRetryTime ?? DEFAULT_INITIAL_RETRY_MS) * 2 ** attempt,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

// KafkaJS's waitForLeaders: createTopics resolves once every new partition has a leader.
const LEADER_WAIT_MS = 20_000;

export class KafkaJSAdmin {
  readonly events = AdminEvents;
  readonly #context: KafkaContext;
  readonly #logger: Logger;
  readonly #instrumentation = new Instrumentation('admin', AdminEvents);
  readonly #retry: RetryPolicy;
  #admin: AdminClient | undefined;

  constructor(context: KafkaContext, options: { retry?: RetryOptions } = {}) {
    this.#context = context;
    this.#retry = options.retry ?? {};
    this.#logger = context.logger.namespace('Admin');
    const unsupported = Object.keys(options)
      .filter((key) => key !== 'retry')
      .map((key) => `${key}: not a KafkaJS admin option`);
    // For its warnings only: the admin's retries are the facade's (withRetry), not librdkafka's.
    mapRetry(options.retry, 'admin retry', {}, unsupported);
    context.warnAtConstruction('admin', { config: {}, unsupported });
  }

  async connect(): Promise<void> {
    if (this.#admin !== undefined) return;
    this.#admin = await newAdminClient(this.#context, this.#logger);
    this.#instrumentation.emit(AdminEvents.CONNECT);
  }

  async disconnect(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    if (admin === undefined) return;
    await admin.disconnect();
    this.#instrumentation.emit(AdminEvents.DISCONNECT);
  }

  logger(): Logger {
    return this.#logger;
  }

  on(eventName: string, listener: (event: InstrumentationEvent) => void): () => void {
    return this.#instrumentation.on(eventName, listener);
  }

  async listTopics(): Promise<string[]> {
    const metadata = await this.#call(() => this.#usable().getMetadata());
    return metadata.topics.map((topic) => topic.name);
  }

  /** Resolves true when every topic was created, false when some already existed. */
  async createTopics(request: {
    topics: ITopicConfig[];
    validateOnly?: boolean;
    waitForLeaders?: boolean;
    timeout?: number;
  }): Promise<boolean> {
    const admin = this.#usable();
    const topics = request?.topics;
    if (!Array.isArray(topics)) throw new KafkaJSNonRetriableError(`Invalid topics array ${topics}`);
    if (topics.some(({ topic }) => typeof topic !== 'string' || topic === '')) {
      throw new KafkaJSNonRetriableError('Invalid topics array, the topic names have to be a valid string');
    }
    if (new Set(topics.map(({ topic }) => topic)).size < topics.length) {
      throw new KafkaJSNonRetriableError('Invalid topics array, it cannot have multiple entries for the same topic');
    }
    const results = await this.#call(() =>
      admin.createTopicsWithResults(
        topics.map((topic) => ({
          topic: topic.topic,
          ...(topic.replicaAssignment?.length
            ? {
                replicaAssignment: [...topic.replicaAssignment]
                  .sort((a, b) => a.partition - b.partition)
                  .map(({ replicas }) => replicas),
              }
            : { partitions: topic.numPartitions ?? -1, replicationFactor: topic.replicationFactor ?? -1 }),
          ...(topic.configEntries
            ? { config: Object.fromEntries(topic.configEntries.map(({ name, value }) => [name, value])) }
            : {}),
        })),
        { validateOnly: request.validateOnly ?? false, ...(request.timeout ? { timeoutMs: request.timeout } : {}) },
      ),
    );
    const failed = results.filter((result) => result.error && result.error.errno !== ErrorCodes.TOPIC_ALREADY_EXISTS);
    if (failed.length > 0) {
      const errors = failed.map(
        ({ topic, error }) => new KafkaJSProtocolError(KafkaError.fromCode(error!.errno, `${topic}: ${error!.message}`)),
      );
      if (errors.length === 1) throw errors[0];
      const { KafkaJSAggregateError } = await import('./errors');
      throw new KafkaJSAggregateError('Topic creation errors', errors);
    }
    const created = results.filter((result) => !result.error).map((result) => result.topic);
    if ((request.waitForLeaders ?? true) && !request.validateOnly && created.length > 0)
      await this.#waitForLeaders(admin, created);
    return created.length === results.length;
  }

  async deleteTopics(request: { topics: string[]; timeout?: number }): Promise<void> {
    const admin = this.#usable();
    if (!Array.isArray(request?.topics) || request.topics.some((topic) => typeof topic !== 'string')) {
      throw new KafkaJSNonRetriableError(`Invalid topics array ${request?.topics}`);
    }
    if (request.topics.length === 0) return;
    const results = await this.#call(() =>
      admin.deleteTopicsWithResults(request.topics, request.timeout ? { timeoutMs: request.timeout } : {}),
    );
    const failed = results.find((result) => result.error);
    if (failed?.error) throw toKafkaJSError(failed.error);
  }

  async createPartitions(request: {
    topicPartitions: Array<{ topic: string; count: number; assignments?: number[][] }>;
    validateOnly?: boolean;
    timeout?: number;
  }): Promise<void> {
    const admin = this.#usable();
    if (!Array.isArray(request?.topicPartitions))
      throw new KafkaJSNonRetriableError(`Invalid topic partitions array ${request?.topicPartitions}`);
    const results = await this.#call(() =>
      admin.createPartitions(
        request.topicPartitions.map(({ topic, count, assignments }) => ({
          topic,
          count,
          ...(assignments ? { replicaAssignment: assignments } : {}),
        })),
        { validateOnly: request.validateOnly ?? false, ...(request.timeout ? { timeoutMs: request.timeout } : {}) },
      ),
    );
    const failed = results.find((result) => result.error);
    if (failed?.error) throw toKafkaJSError(failed.error);
  }

  async fetchTopicMetadata(
    request: { topics?: string[] } = {},
  ): Promise<{ topics: Array<{ name: string; partitions: unknown[] }> }> {
    const admin = this.#usable();
    const wanted = request.topics;
    const metadata =
      wanted !== undefined && wanted.length === 1
        ? await this.#call(() => admin.getMetadata({ topic: wanted[0] }))
        : await this.#call(() => admin.getMetadata());
    const topics = metadata.topics.filter((topic) => wanted === undefined || wanted.length === 0 || wanted.includes(topic.name));
    for (const name of wanted ?? []) {
      const found = topics.find((topic) => topic.name === name);
      if (found === undefined || found.error) {
        throw new KafkaJSProtocolError(
          found?.error ?? KafkaError.fromCode(ErrorCodes.UNKNOWN_TOPIC_OR_PART, `Unknown topic ${name}`),
        );
      }
    }
    return {
      topics: topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((partition) => ({
          partitionErrorCode: partition.error?.errno ?? 0,
          partitionId: partition.id,
          leader: partition.leader,
          replicas: partition.replicas,
          isr: partition.isr,
          offlineReplicas: [],
        })),
      })),
    };
  }

  /** Each partition's low and high watermarks; `offset` is the high one. */
  async fetchTopicOffsets(topic: string): Promise<Array<{ partition: number; offset: string; high: string; low: string }>> {
    const admin = this.#usable();
    const partitions = await this.#partitionIds(admin, topic);
    const [latest, earliest] = await Promise.all(
      (['latest', 'earliest'] as const).map((spec) =>
        this.#call(() => admin.listOffsets(partitions.map((partition) => ({ topic, partition, spec })))),
      ),
    );
    return partitions.map((partition) => {
      const high = latest.find((entry) => entry.partition === partition);
      const low = earliest.find((entry) => entry.partition === partition);
      const error = high?.error ?? low?.error;
      if (error) throw toKafkaJSError(error);
      return { partition, offset: String(high!.offset), high: String(high!.offset), low: String(low!.offset) };
    });
  }

  /** Per partition, the first offset whose timestamp is at or after `timestamp` (the high watermark when none is). */
  async fetchTopicOffsetsByTimestamp(topic: string, timestamp?: number): Promise<Array<{ partition: number; offset: string }>> {
    const admin = this.#usable();
    const partitions = await this.#partitionIds(admin, topic);
    const spec = timestamp === undefined ? ('latest' as const) : { timestamp };
    const found = await this.#call(() => admin.listOffsets(partitions.map((partition) => ({ topic, partition, spec }))));
    const latest = await this.#call(() =>
      admin.listOffsets(partitions.map((partition) => ({ topic, partition, spec: 'latest' as const }))),
    );
    return partitions.map((partition) => {
      const entry = found.find((result) => result.partition === partition);
      if (entry?.error) throw toKafkaJSError(entry.error);
      const offset =
        entry === undefined || entry.offset < 0 ? latest.find((result) => result.partition === partition)!.offset : entry.offset;
      return { partition, offset: String(offset) };
    });
  }

  /** A group's committed offsets per topic ('-1' where it has none); resolveOffsets turns logical ones into real ones. */
  async fetchOffsets(request: {
    groupId: string;
    topics?: string[];
    resolveOffsets?: boolean;
  }): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string; metadata: string | null }> }>> {
    const admin = this.#usable();
    if (!request?.groupId) throw new KafkaJSNonRetriableError(`Invalid groupId ${request?.groupId}`);
    if (request.topics !== undefined && !Array.isArray(request.topics))
      throw new KafkaJSNonRetriableError('Expected topics array to be set');
    const partitions =
      request.topics === undefined
        ? undefined
        : (
            await Promise.all(
              request.topics.map(async (topic) =>
                (await this.#partitionIds(admin, topic)).map((partition) => ({ topic, partition })),
              ),
            )
          ).flat();
    const result = await withRetry(this.#retry, async () => {
      const [answer] = await asKafkaJS(() =>
        admin.listConsumerGroupOffsets([{ groupId: request.groupId, ...(partitions ? { partitions } : {}) }]),
      );
      if (answer.error) throw toKafkaJSError(answer.error);
      return answer;
    });
    const byTopic = new Map<string, Array<{ partition: number; offset: string; metadata: string | null }>>();
    for (const topic of request.topics ?? []) byTopic.set(topic, []);
    for (const entry of result.partitions) {
      if (entry.error) throw toKafkaJSError(entry.error);
      const list = byTopic.get(entry.topic) ?? [];
      list.push({
        partition: entry.partition,
        offset: String(entry.offset < 0 ? -1 : entry.offset),
        metadata: entry.metadata || null,
      });
      byTopic.set(entry.topic, list);
    }
    if (request.resolveOffsets) {
      for (const [topic, list] of byTopic) {
        if (!list.some((entry) => entry.offset === '-1')) continue;
        const offsets = await this.fetchTopicOffsets(topic);
        for (const entry of list)
          if (entry.offset === '-1') entry.offset = offsets.find((o) => o.partition === entry.partition)!.low;
      }
    }
    return [...byTopic].map(([topic, list]) => ({ topic, partitions: list.sort((a, b) => a.partition - b.partition) }));
  }

  /** Sets a group's committed offsets (the group must have no running members). */
  async setOffsets(request: {
    groupId: string;
    topic: string;
    partitions: Array<{ partition: number; offset: string }>;
  }): Promise<void> {
    const admin = this.#usable();
    if (!request?.groupId) throw new KafkaJSNonRetriableError(`Invalid groupId ${request?.groupId}`);
    if (!request.topic) throw new KafkaJSNonRetriableError(`Invalid topic ${request.topic}`);
    if (!Array.isArray(request.partitions) || request.partitions.length === 0) {
      throw new KafkaJSNonRetriableError('Invalid partitions');
    }
    // KafkaJS takes -1 / -2 as "latest" / "earliest": resolve them to real offsets first.
    const logical = request.partitions.some(({ offset }) => Number(offset) < 0);
    const watermarks = logical ? await this.fetchTopicOffsets(request.topic) : [];
    const changes = request.partitions.map(({ partition, offset }) => {
      let value = Number(offset);
      if (value < 0) {
        const marks = watermarks.find((entry) => entry.partition === partition);
        if (marks === undefined)
          throw new KafkaJSNonRetriableError(`Partition ${partition} does not exist in topic ${request.topic}`);
        value = Number(value === -1 ? marks.high : marks.low);
      }
      return { topic: request.topic, partition, offset: value };
    });
    await this.#alterGroupOffsets(admin, request.groupId, changes);
  }

  /** Sets a group's offsets of a topic to its earliest or latest offsets. */
  async resetOffsets(request: { groupId: string; topic: string; earliest?: boolean }): Promise<void> {
    const admin = this.#usable();
    if (!request?.groupId) throw new KafkaJSNonRetriableError(`Invalid groupId ${request?.groupId}`);
    if (!request.topic) throw new KafkaJSNonRetriableError(`Invalid topic ${request.topic}`);
    const offsets = await this.fetchTopicOffsets(request.topic);
    const changes = offsets.map(({ partition, low, high }) => ({
      topic: request.topic,
      partition,
      offset: Number(request.earliest ? low : high),
    }));
    await this.#alterGroupOffsets(admin, request.groupId, changes);
  }

  async deleteTopicRecords(request: { topic: string; partitions: Array<{ partition: number; offset: string }> }): Promise<void> {
    const admin = this.#usable();
    if (!request?.topic) throw new KafkaJSNonRetriableError(`Invalid topic "${request?.topic}"`);
    const results = await this.#call(() =>
      admin.deleteRecords(
        request.partitions.map(({ partition, offset }) => ({
          topic: request.topic,
          partition,
          before: Number(offset) === -1 ? ('high-watermark' as const) : Number(offset),
        })),
      ),
    );
    const failed = results.filter((result) => result.error);
    if (failed.length > 0) {
      throw new KafkaJSDeleteTopicRecordsError(
        failed.map((result) => ({
          partition: result.partition,
          offset: String(request.partitions.find((p) => p.partition === result.partition)?.offset),
          error: toKafkaJSError(result.error) as KafkaJSError,
        })),
      );
    }
  }

  async describeCluster(): Promise<{
    brokers: Array<{ nodeId: number; host: string; port: number }>;
    controller: number | null;
    clusterId: string;
  }> {
    const description = await this.#call(() => this.#usable().describeCluster());
    return {
      brokers: description.nodes.map(({ id, host, port }) => ({ nodeId: id, host, port })),
      controller: description.controller?.id ?? null,
      clusterId: description.clusterId ?? '',
    };
  }

  async describeConfigs(request: {
    resources: Array<{ type: number; name: string; configNames?: string[] }>;
    includeSynonyms?: boolean;
  }): Promise<{ resources: unknown[]; throttleTime: number }> {
    const admin = this.#usable();
    if (!Array.isArray(request?.resources) || request.resources.length === 0)
      throw new KafkaJSNonRetriableError('Invalid resources array');
    const resources = request.resources.map(({ type, name }) => ({ resourceType: configResourceName(type), resourceName: name }));
    const results = await this.#call(() => admin.describeConfigs(resources));
    return {
      throttleTime: 0,
      resources: results.map((result, i) => {
        const wanted = request.resources[i].configNames;
        const entries = wanted?.length ? result.configs.filter((entry) => wanted.includes(entry.name)) : result.configs;
        return {
          errorCode: result.error?.errno ?? 0,
          errorMessage: result.error?.message ?? null,
          resourceName: result.resourceName,
          resourceType: request.resources[i].type,
          configEntries: entries.map((entry) => ({
            configName: entry.name,
            configValue: entry.value,
            readOnly: entry.isReadOnly,
            isDefault: entry.isDefault,
            configSource: configSourceNumber(entry.source),
            isSensitive: entry.isSensitive,
            ...(request.includeSynonyms
              ? {
                  configSynonyms: entry.synonyms.map((synonym) => ({
                    configName: synonym.name,
                    configValue: synonym.value,
                    configSource: configSourceNumber(synonym.source),
                  })),
                }
              : {}),
          })),
        };
      }),
    };
  }

  /**
   * Sets configs. Uses IncrementalAlterConfigs (only the named entries
   * change), where KafkaJS's AlterConfigs resets the resource's other
   * dynamic configs; see docs/kafkajs-migration.md.
   */
  async alterConfigs(request: {
    resources: Array<{ type: number; name: string; configEntries: Array<{ name: string; value: string }> }>;
    validateOnly?: boolean;
  }): Promise<{
    resources: Array<{ errorCode: number; errorMessage: string | null; resourceName: string; resourceType: number }>;
    throttleTime: number;
  }> {
    const admin = this.#usable();
    if (!Array.isArray(request?.resources) || request.resources.length === 0)
      throw new KafkaJSNonRetriableError('Invalid resources array');
    const results = await this.#call(() =>
      admin.incrementalAlterConfigs(
        request.resources.map(({ type, name, configEntries }) => ({
          resourceType: configResourceName(type),
          resourceName: name,
          configs: configEntries.map(({ name: key, value }) => ({ name: key, value, op: 'set' as const })),
        })),
        { validateOnly: request.validateOnly ?? false },
      ),
    );
    const failed = results.find((result) => result.error);
    if (failed?.error) throw toKafkaJSError(failed.error);
    return {
      throttleTime: 0,
      resources: results.map((result, i) => ({
        errorCode: 0,
        errorMessage: null,
        resourceName: result.resourceName,
        resourceType: request.resources[i].type,
      })),
    };
  }

  async listGroups(): Promise<{ groups: Array<{ groupId: string; protocolType: string }> }> {
    const result = await this.#call(() => this.#usable().listConsumerGroups());
    return {
      groups: result.groups.map((group) => ({
        groupId: group.groupId,
        protocolType: group.isSimpleConsumerGroup ? '' : 'consumer',
      })),
    };
  }

  async describeGroups(groupIds: string[]): Promise<{ groups: unknown[] }> {
    if (!Array.isArray(groupIds) || groupIds.length === 0)
      throw new KafkaJSNonRetriableError(`Invalid groupIds array ${groupIds}`);
    return { groups: await describeGroups(this.#usable(), groupIds) };
  }

  /** Deletes groups; throws KafkaJSDeleteGroupsError (with each group's result) when one fails. */
  async deleteGroups(groupIds: string[]): Promise<Array<{ groupId: string; errorCode: number; error?: KafkaJSError }>> {
    const admin = this.#usable();
    if (!Array.isArray(groupIds) || groupIds.some((id) => typeof id !== 'string' || id === '')) {
      throw new KafkaJSNonRetriableError(`Invalid groupIds array ${groupIds}`);
    }
    if (groupIds.length === 0) return [];
    const results = await this.#call(() => admin.deleteGroups(groupIds));
    const failed = results
      .filter((result) => result.error)
      .map((result) => ({
        groupId: result.groupId,
        errorCode: result.error!.errno,
        error: toKafkaJSError(result.error) as KafkaJSError,
      }));
    if (failed.length > 0) throw new KafkaJSDeleteGroupsError('Error in DeleteGroups', failed);
    return results.map((result) => ({ groupId: result.groupId, errorCode: 0 }));
  }

  async createAcls(request: { acl: AclEntryKafkaJS[] }): Promise<boolean> {
    const admin = this.#usable();
    if (!Array.isArray(request?.acl) || request.acl.length === 0) throw new KafkaJSNonRetriableError('Invalid ACL array');
    const results = await this.#call(() => admin.createAcls(request.acl.map(toAclBinding)));
    const failed = results.find((result) => result.error);
    if (failed?.error) throw toKafkaJSError(failed.error);
    return true;
  }

  async describeAcls(filter: AclFilterKafkaJS): Promise<{ throttleTime: number; errorCode: number; resources: unknown[] }> {
    const entries = await this.#call(() => this.#usable().describeAcls(toAclFilter(filter)));
    return { throttleTime: 0, errorCode: 0, resources: groupAcls(entries) };
  }

  async deleteAcls(request: { filters: AclFilterKafkaJS[] }): Promise<{ filterResponses: unknown[] }> {
    const admin = this.#usable();
    if (!Array.isArray(request?.filters) || request.filters.length === 0)
      throw new KafkaJSNonRetriableError('Invalid ACL Filter array');
    const results = await this.#call(() => admin.deleteAcls(request.filters.map(toAclFilter)));
    return {
      filterResponses: results.map((result) => ({
        errorCode: result.error?.errno ?? 0,
        errorMessage: result.error?.message ?? null,
        matchingAcls: result.deleted.map((acl) => ({ ...fromAclEntry(acl), errorCode: 0, errorMessage: null })),
      })),
    };
  }

  async alterPartitionReassignments(): Promise<never> {
    throw new KafkaJSNotImplemented('alterPartitionReassignments: librdkafka has no AlterPartitionReassignments admin API');
  }

  async listPartitionReassignments(): Promise<never> {
    throw new KafkaJSNotImplemented('listPartitionReassignments: librdkafka has no ListPartitionReassignments admin API');
  }

  async #alterGroupOffsets(
    admin: AdminClient,
    groupId: string,
    changes: Array<{ topic: string; partition: number; offset: number }>,
  ): Promise<void> {
    await withRetry(this.#retry, async () => {
      const result = await asKafkaJS(() => admin.alterConsumerGroupOffsets(groupId, changes));
      if (result.error) throw toKafkaJSError(result.error);
      const failed = result.partitions.find((entry) => entry.error);
      if (failed?.error) throw toKafkaJSError(failed.error);
    });
  }

  async #partitionIds(admin: AdminClient, topic: string): Promise<number[]> {
    const metadata = await this.#call(() => admin.getMetadata({ topic }));
    const found = metadata.topics.find((entry) => entry.name === topic);
    if (found === undefined || found.error) {
      throw new KafkaJSProtocolError(
        found?.error ?? KafkaError.fromCode(ErrorCodes.UNKNOWN_TOPIC_OR_PART, `Unknown topic ${topic}`),
      );
    }
    return found.partitions.map((partition) => partition.id).sort((a, b) => a - b);
  }

  async #waitForLeaders(admin: AdminClient, topics: string[]): Promise<void> {
    const deadline = Date.now() + LEADER_WAIT_MS;
    for (const topic of topics) {
      for (;;) {
        const metadata = await this.#call(() => admin.getMetadata({ topic }));
        const found = metadata.topics.find((entry) => entry.name === topic);
        if (found && !found.error && found.partitions.length > 0 && found.partitions.every((p) => p.leader >= 0)) break;
        if (Date.now() > deadline) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  // One admin operation, its failure as a KafkaJS error, retried while retriable.
  #call<T>(operation: () => Promise<T>): Promise<T> {
    return withRetry(this.#retry, () => asKafkaJS(operation));
  }

  #usable(): AdminClient {
    if (this.#admin === undefined) throw new KafkaJSError('The admin client is not connected: call await admin.connect() first');
    return this.#admin;
  }
}

async function newAdminClient(context: KafkaContext, logger: Logger): Promise<AdminClient> {
  const config = await context.clientConfig({ config: {}, unsupported: [] });
  const admin = new AdminClient(config as never, { oauthBearerTokenProvider: context.oauthBearerTokenProvider });
  forwardClientLogs(admin, logger);
  admin.on('error', (error) => logger.error(error.message, { code: error.code }));
  await asKafkaJS(() => admin.connect());
  return admin;
}

async function describeGroups(admin: AdminClient, groupIds: string[]): Promise<unknown[]> {
  const groups = await asKafkaJS(() => admin.describeConsumerGroups(groupIds));
  return groups.map((group) => ({
    errorCode: group.error?.errno ?? 0,
    groupId: group.groupId,
    protocolType: group.isSimpleConsumerGroup ? '' : 'consumer',
    protocol: group.partitionAssignor ?? '',
    state: GROUP_STATE_NAMES[group.state] ?? 'Unknown',
    members: group.members.map((member) => ({
      memberId: member.memberId,
      clientId: member.clientId,
      clientHost: member.host,
      // librdkafka decodes the member's assignment; KafkaJS gave the raw bytes.
      memberAssignment: member.assignment,
      memberMetadata: null,
    })),
  }));
}

/** consumer.describeGroup(): describes one group through a short-lived admin client. */
export async function describeGroupWithAdmin(context: KafkaContext, groupId: string): Promise<unknown> {
  const logger = context.logger.namespace('Consumer');
  const admin = await newAdminClient(context, logger);
  try {
    const [group] = await describeGroups(admin, [groupId]);
    return group;
  } finally {
    await admin.disconnect();
  }
}

function configResourceName(type: number): ConfigResourceType {
  const name = CONFIG_RESOURCE_NAMES[type];
  if (name === undefined)
    throw new KafkaJSNonRetriableError(
      `Invalid resource type ${type}: use ConfigResourceTypes.TOPIC or BROKER (librdkafka has no BROKER_LOGGER configs)`,
    );
  return name;
}

function pick<T extends readonly string[]>(names: T, value: number | undefined, what: string): T[number] | undefined {
  if (value === undefined) return undefined;
  const name = names[value];
  if (name === undefined) throw new KafkaJSNonRetriableError(`Invalid ${what} ${value}`);
  return name;
}

function toAclBinding(acl: AclEntryKafkaJS): AclBinding {
  return {
    resourceType: pick(ACL_RESOURCE_NAMES, acl.resourceType, 'resourceType') as AclBinding['resourceType'],
    resourceName: acl.resourceName,
    patternType: pick(PATTERN_NAMES, acl.resourcePatternType, 'resourcePatternType') as AclBinding['patternType'],
    principal: acl.principal,
    host: acl.host,
    operation: pick(ACL_OPERATION_NAMES, acl.operation, 'operation') as AclBinding['operation'],
    permissionType: pick(PERMISSION_NAMES, acl.permissionType, 'permissionType') as AclBinding['permissionType'],
  };
}

function toAclFilter(filter: AclFilterKafkaJS): AclFilter {
  const result: AclFilter = {};
  const resourceType = pick(ACL_RESOURCE_NAMES, filter.resourceType, 'resourceType');
  if (resourceType !== undefined && resourceType !== 'unknown') result.resourceType = resourceType;
  if (filter.resourceName !== undefined && filter.resourceName !== null) result.resourceName = filter.resourceName;
  const pattern = pick(PATTERN_NAMES, filter.resourcePatternType, 'resourcePatternType');
  if (pattern !== undefined && pattern !== 'unknown') result.patternType = pattern;
  if (filter.principal !== undefined && filter.principal !== null) result.principal = filter.principal;
  if (filter.host !== undefined && filter.host !== null) result.host = filter.host;
  const operation = pick(ACL_OPERATION_NAMES, filter.operation, 'operation');
  if (operation !== undefined && operation !== 'unknown') result.operation = operation;
  const permission = pick(PERMISSION_NAMES, filter.permissionType, 'permissionType');
  if (permission !== undefined && permission !== 'unknown') result.permissionType = permission;
  return result;
}

function fromAclEntry(acl: Required<AclBinding>): AclEntryKafkaJS {
  return {
    resourceType: ACL_RESOURCE_NAMES.indexOf(acl.resourceType as (typeof ACL_RESOURCE_NAMES)[number]),
    resourceName: acl.resourceName,
    resourcePatternType: PATTERN_NAMES.indexOf(acl.patternType as (typeof PATTERN_NAMES)[number]),
    principal: acl.principal,
    host: acl.host,
    operation: ACL_OPERATION_NAMES.indexOf(acl.operation as (typeof ACL_OPERATION_NAMES)[number]),
    permissionType: PERMISSION_NAMES.indexOf(acl.permissionType as (typeof PERMISSION_NAMES)[number]),
  };
}

// describeAcls answers per resource, each with its ACLs.
function groupAcls(entries: Array<Required<AclBinding>>): unknown[] {
  const byResource = new Map<
    string,
    { resourceType: number; resourceName: string; resourcePatternType: number; acls: unknown[] }
  >();
  for (const entry of entries) {
    const acl = fromAclEntry(entry);
    const key = `${acl.resourceType}\0${acl.resourceName}\0${acl.resourcePatternType}`;
    let resource = byResource.get(key);
    if (resource === undefined) {
      resource = {
        resourceType: acl.resourceType,
        resourceName: acl.resourceName,
        resourcePatternType: acl.resourcePatternType,
        acls: [],
      };
      byResource.set(key, resource);
    }
    resource.acls.push({
      principal: acl.principal,
      host: acl.host,
      operation: acl.operation,
      permissionType: acl.permissionType,
    });
  }
  return [...byResource.values()];
}
