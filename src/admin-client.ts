// AdminClient: every librdkafka Admin API operation (topics, configs, groups,
// offsets, ACLs, SCRAM users, cluster). The operations live in src/admin/,
// one module per concern; this class holds the connection and delegates.
// The failure rule (whole-call rejection vs per-item errors) is written down
// in src/admin/common.ts.
import * as acls from './admin/acls';
import * as cluster from './admin/cluster';
import type { AdminRequestOptions } from './admin/common';
import * as configs from './admin/configs';
import { ControllerRefresh } from './admin/controller-refresh';
import * as groups from './admin/groups';
import type { NativeAdminOperations } from './admin/native-operations';
import * as topics from './admin/topics';
import { Client } from './client';
import { traceMethods, tracing } from './diagnostics';
import type { ClientEvents } from './client-events';
import { type CommonConfig, toNativeConfig } from './config';
import { ErrorCodes } from './generated/error-codes';
import type { KafkaError } from './kafka-error';
import { native, type NativeAdminClient } from './native';
import type { OAuthBearerOptions } from './oauthbearer';

export type { NewTopic } from './admin/topics';

export interface TopicOperationOptions extends topics.CreateTopicsOptions {
  /** createTopics: a topic that already exists is not an error. Default false. */
  ignoreExisting?: boolean;
}

export type AdminClientEvents = ClientEvents;

/** Options of an AdminClient beyond librdkafka's config. */
export type AdminClientOptions = OAuthBearerOptions;

export class AdminClient extends Client<AdminClientEvents> {
  protected readonly native: NativeAdminClient;
  readonly #controllerRefresh = new ControllerRefresh(() => this.native.getMetadata(null, false, 5000));

  constructor(config: CommonConfig, options: AdminClientOptions = {}) {
    super({ noun: 'admin', className: 'AdminClient' });
    const nativeConfig = toNativeConfig(config);
    this.native = new native.NativeAdminClient(nativeConfig, (kind, ...payload) => this.handleNativeEvent(kind, payload));
    this.attachTokenProvider(options.oauthBearerTokenProvider, nativeConfig);
  }

  /**
   * Creates topics; rejects with the first topic's KafkaError (e.g.
   * TOPIC_ALREADY_EXISTS). createTopicsWithResults resolves per topic instead.
   */
  async createTopics(topics: topics.NewTopic[], options: TopicOperationOptions = {}): Promise<void> {
    const { ignoreExisting, ...request } = options;
    throwFirst(await this.createTopicsWithResults(topics, request), ignoreExisting ? ErrorCodes.TOPIC_ALREADY_EXISTS : undefined);
  }

  /** Deletes topics; rejects with the first topic's KafkaError. deleteTopicsWithResults resolves per topic. */
  async deleteTopics(names: string[], options: AdminRequestOptions = {}): Promise<void> {
    if (Array.isArray(names) && names.length === 0) return; // nothing to delete (kept from the first release)
    throwFirst(await this.deleteTopicsWithResults(names, options), undefined);
  }

  // Each operation below resolves with per-item results (`error` on each
  // item) and rejects only when the whole request failed: see src/admin/common.ts.

  createTopicsWithResults(newTopics: topics.NewTopic[], options?: topics.CreateTopicsOptions): Promise<topics.TopicResult[]> {
    return topics.createTopics(this.#operations, newTopics, options);
  }

  deleteTopicsWithResults(names: string[], options?: AdminRequestOptions): Promise<topics.TopicResult[]> {
    return topics.deleteTopics(this.#operations, names, options);
  }

  createPartitions(partitions: topics.NewPartitions[], options?: topics.CreateTopicsOptions): Promise<topics.TopicResult[]> {
    return topics.createPartitions(this.#operations, partitions, options);
  }

  deleteRecords(partitions: topics.DeleteRecordsRequest[], options?: AdminRequestOptions): Promise<topics.DeleteRecordsResult[]> {
    return topics.deleteRecords(this.#operations, partitions, options);
  }

  describeTopics(names: string[], options?: topics.DescribeTopicsOptions): Promise<topics.TopicDescription[]> {
    return topics.describeTopics(this.#operations, names, options);
  }

  listOffsets(partitions: topics.ListOffsetsRequest[], options?: topics.ListOffsetsOptions): Promise<topics.ListOffsetsResult[]> {
    return topics.listOffsets(this.#operations, partitions, options);
  }

  electLeaders(request: topics.ElectLeadersRequest, options?: AdminRequestOptions): Promise<topics.ElectLeadersResult[]> {
    return topics.electLeaders(this.#operations, request, options);
  }

  describeConfigs(resources: configs.ConfigResource[], options?: AdminRequestOptions): Promise<configs.DescribeConfigsResult[]> {
    return configs.describeConfigs(this.#operations, resources, options);
  }

  alterConfigs(
    resources: configs.AlterConfigsResource[],
    options?: configs.AlterConfigsOptions,
  ): Promise<configs.ConfigResourceResult[]> {
    return configs.alterConfigs(this.#operations, resources, options);
  }

  incrementalAlterConfigs(
    resources: configs.IncrementalAlterConfigsResource[],
    options?: configs.AlterConfigsOptions,
  ): Promise<configs.ConfigResourceResult[]> {
    return configs.incrementalAlterConfigs(this.#operations, resources, options);
  }

  listConsumerGroups(options?: groups.ListConsumerGroupsOptions): Promise<groups.ListConsumerGroupsResult> {
    return groups.listConsumerGroups(this.#operations, options);
  }

  describeConsumerGroups(groupIds: string[], options?: groups.DescribeConsumerGroupsOptions): Promise<groups.GroupDescription[]> {
    return groups.describeConsumerGroups(this.#operations, groupIds, options);
  }

  deleteGroups(groupIds: string[], options?: AdminRequestOptions): Promise<groups.GroupResult[]> {
    return groups.deleteGroups(this.#operations, groupIds, options);
  }

  listConsumerGroupOffsets(
    requests: Array<string | groups.GroupOffsetsRequest>,
    options?: groups.ListConsumerGroupOffsetsOptions,
  ): Promise<groups.GroupOffsetsResult[]> {
    return groups.listConsumerGroupOffsets(this.#operations, requests, options);
  }

  alterConsumerGroupOffsets(
    groupId: string,
    partitions: groups.GroupOffsetChange[],
    options?: AdminRequestOptions,
  ): Promise<groups.GroupOffsetsResult> {
    return groups.alterConsumerGroupOffsets(this.#operations, groupId, partitions, options);
  }

  deleteConsumerGroupOffsets(
    groupId: string,
    partitions: Array<{ topic: string; partition: number }>,
    options?: AdminRequestOptions,
  ): Promise<groups.GroupOffsetsResult> {
    return groups.deleteConsumerGroupOffsets(this.#operations, groupId, partitions, options);
  }

  /** Committed offset, log-end offset and lag of each partition the group has committed. */
  consumerGroupLag(groupId: string, options?: groups.ConsumerGroupLagOptions): Promise<groups.PartitionLag[]> {
    return groups.consumerGroupLag(this.#operations, groupId, options);
  }

  createAcls(bindings: acls.AclBinding[], options?: AdminRequestOptions): Promise<acls.CreateAclResult[]> {
    return acls.createAcls(this.#operations, bindings, options);
  }

  describeAcls(filter: acls.AclFilter, options?: AdminRequestOptions): Promise<acls.AclEntry[]> {
    return acls.describeAcls(this.#operations, filter, options);
  }

  deleteAcls(filters: acls.AclFilter[], options?: AdminRequestOptions): Promise<acls.DeleteAclsResult[]> {
    return acls.deleteAcls(this.#operations, filters, options);
  }

  describeCluster(options?: cluster.DescribeClusterOptions): Promise<cluster.ClusterDescription> {
    return cluster.describeCluster(this.#operations, options);
  }

  describeUserScramCredentials(users?: string[], options?: AdminRequestOptions): Promise<cluster.UserScramCredentials[]> {
    return cluster.describeUserScramCredentials(this.#operations, users, options);
  }

  alterUserScramCredentials(
    alterations: cluster.ScramCredentialAlteration[],
    options?: AdminRequestOptions,
  ): Promise<cluster.UserResult[]> {
    return cluster.alterUserScramCredentials(this.#operations, alterations, options);
  }

  // The connected native client, checked when an operation has validated its arguments.
  readonly #operations = (): NativeAdminOperations => this.#usable();

  disconnect(): Promise<void> {
    return this.disconnectOnce(async () => {
      this.#controllerRefresh.stop();
      await this.markDisconnecting();
      await this.native.close();
    });
  }

  protected closeAfterFailedConnect(): Promise<void> {
    return this.disconnect();
  }

  protected override handleNativeEvent(kind: string, payload: unknown[]): void {
    if (kind === 'error') this.#controllerRefresh.noteError(payload[0] as KafkaError);
    super.handleNativeEvent(kind, payload);
  }

  #usable(): NativeAdminClient {
    this.ensureUsable();
    return this.native;
  }
}

// Every operation runs inside the admin tracing channel (src/diagnostics.ts)
// when someone subscribes; the methods themselves stay plain delegations.
traceMethods(AdminClient.prototype, tracing.admin, [
  'createTopics',
  'deleteTopics',
  'createTopicsWithResults',
  'deleteTopicsWithResults',
  'createPartitions',
  'deleteRecords',
  'describeTopics',
  'listOffsets',
  'electLeaders',
  'describeConfigs',
  'alterConfigs',
  'incrementalAlterConfigs',
  'listConsumerGroups',
  'describeConsumerGroups',
  'deleteGroups',
  'listConsumerGroupOffsets',
  'alterConsumerGroupOffsets',
  'deleteConsumerGroupOffsets',
  'consumerGroupLag',
  'createAcls',
  'describeAcls',
  'deleteAcls',
  'describeCluster',
  'describeUserScramCredentials',
  'alterUserScramCredentials',
]);

function throwFirst(outcomes: Array<{ error: Error | null }>, tolerated: number | undefined): void {
  const failed = outcomes.find((outcome) => outcome.error && (outcome.error as KafkaError).errno !== tolerated);
  if (failed) throw failed.error;
}
