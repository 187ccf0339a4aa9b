// rdkafka-napi/kafkajs admin on the real broker, from KafkaJS's documented
// behaviour: topics (create/list/metadata/partitions/delete), offsets
// (topic offsets, a group's fetch/set/reset), groups (list/describe/delete),
// the cluster, configs, and ACL calls on a broker without an authorizer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type Admin,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ConfigResourceTypes,
  type Kafka,
  KafkaJSDeleteGroupsError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNotImplemented,
  KafkaJSProtocolError,
  ResourcePatternTypes,
} from '../../src/kafkajs';
import { type ClusterTarget, startKafkaTarget } from '../support/clusters';
import { eventually, kafkaOn } from '../support/kafkajs';
import { uniqueTopic } from '../support/mock';

describe('kafkajs admin on the real broker', () => {
  let cluster: ClusterTarget;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    cluster = await startKafkaTarget();
    kafka = kafkaOn(cluster);
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    await cluster?.close();
  });

  it('createTopics resolves true when created and false when the topic exists; listTopics and fetchTopicMetadata show it', async () => {
    const topic = uniqueTopic('kjs-admin');
    expect(
      await admin.createTopics({
        topics: [{ topic, numPartitions: 3, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
      }),
    ).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(false);
    expect(await admin.listTopics()).toContain(topic);
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics).toHaveLength(1);
    expect(topics[0].name).toBe(topic);
    expect(topics[0].partitions).toHaveLength(3);
    expect(topics[0].partitions[0]).toMatchObject({ partitionErrorCode: 0, partitionId: 0, replicas: [1], isr: [1] });

    await admin.createPartitions({ topicPartitions: [{ topic, count: 5 }] });
    await eventually(
      async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length === 5,
      10_000,
      '5 partitions',
    );

    await admin.deleteTopics({ topics: [topic] });
    await eventually(async () => !(await admin.listTopics()).includes(topic), 10_000, 'the topic gone');
  });

  it('errors are KafkaJS errors with the protocol type', async () => {
    const missing = uniqueTopic('kjs-missing');
    const failure = await admin.deleteTopics({ topics: [missing] }).catch((error) => error);
    expect(failure).toBeInstanceOf(KafkaJSProtocolError);
    expect(failure.type).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    await expect(admin.fetchTopicMetadata({ topics: [missing] })).rejects.toBeInstanceOf(KafkaJSProtocolError);
    await expect(admin.createTopics({ topics: [{ topic: 'a' }, { topic: 'a' }] })).rejects.toThrow(
      /multiple entries for the same topic/,
    );
    await expect(admin.createTopics({ topics: [{ topic: uniqueTopic('bad'), numPartitions: 0 }] })).rejects.toBeInstanceOf(Error);
    await expect(admin.alterPartitionReassignments()).rejects.toBeInstanceOf(KafkaJSNotImplemented);
    const idle = kafka.admin();
    await expect(idle.listTopics()).rejects.toBeInstanceOf(KafkaJSError);
  });

  it('fetchTopicOffsets, fetchOffsets, setOffsets and resetOffsets follow the group and the log', async () => {
    const topic = uniqueTopic('kjs-offsets');
    const groupId = uniqueTopic('kjs-admin-group');
    await cluster.createTopic(topic, 2);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 6 }, (_, i) => ({ value: `v${i}`, partition: i % 2 })) });
    await producer.disconnect();

    expect(await admin.fetchTopicOffsets(topic)).toEqual([
      { partition: 0, offset: '3', high: '3', low: '0' },
      { partition: 1, offset: '3', high: '3', low: '0' },
    ]);
    // A group without commits: every partition, at offset -1.
    expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual([
      {
        topic,
        partitions: [
          { partition: 0, offset: '-1', metadata: null },
          { partition: 1, offset: '-1', metadata: null },
        ],
      },
    ]);
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [
        { partition: 0, offset: '2' },
        { partition: 1, offset: '1' },
      ],
    });
    expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual([
      {
        topic,
        partitions: [
          { partition: 0, offset: '2', metadata: null },
          { partition: 1, offset: '1', metadata: null },
        ],
      },
    ]);
    await admin.resetOffsets({ groupId, topic, earliest: true });
    const reset = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(reset[0].partitions.map(({ offset }) => offset)).toEqual(['0', '0']);
    await admin.resetOffsets({ groupId, topic });
    const latest = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(latest[0].partitions.map(({ offset }) => offset)).toEqual(['3', '3']);
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() + 60_000);
    expect(byTime).toEqual([
      { partition: 0, offset: '3' },
      { partition: 1, offset: '3' },
    ]);
  });

  it('listGroups, describeGroups and deleteGroups see a group a consumer joined', async () => {
    const topic = uniqueTopic('kjs-groups');
    const groupId = uniqueTopic('kjs-admin-group');
    await cluster.createTopic(topic, 1);
    const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    await consumer.run({ eachMessage: async () => {} });
    await eventually(() => joined, 30_000, 'the group join');
    try {
      expect((await admin.listGroups()).groups).toContainEqual({ groupId, protocolType: 'consumer' });
      const { groups } = (await admin.describeGroups([groupId])) as { groups: Array<Record<string, unknown>> };
      expect(groups[0]).toMatchObject({ groupId, errorCode: 0, state: 'Stable', protocolType: 'consumer' });
      expect(groups[0].members).toHaveLength(1);
      expect(await consumer.describeGroup()).toMatchObject({ groupId, state: 'Stable' });
      // A group with a member cannot be deleted: KafkaJSDeleteGroupsError with the group's error.
      const failure = await admin.deleteGroups([groupId]).catch((error) => error);
      expect(failure).toBeInstanceOf(KafkaJSDeleteGroupsError);
      expect(failure.groups[0]).toMatchObject({ groupId, errorCode: 68 });
    } finally {
      await consumer.disconnect();
    }
    expect(await admin.deleteGroups([groupId])).toEqual([{ groupId, errorCode: 0 }]);
  });

  it('describeCluster, describeConfigs and alterConfigs', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toHaveLength(1);
    expect(cluster.brokers[0]).toMatchObject({ nodeId: 1, host: '127.0.0.1' });
    expect(cluster.controller).toBe(1);
    expect(cluster.clusterId).not.toBe('');

    const topic = uniqueTopic('kjs-configs');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.alterConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '3600000' }] }],
    });
    const described = (await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }],
      includeSynonyms: false,
    })) as { resources: Array<{ configEntries: Array<Record<string, unknown>>; errorCode: number; resourceName: string }> };
    expect(described.resources[0]).toMatchObject({ errorCode: 0, resourceName: topic });
    expect(described.resources[0].configEntries).toContainEqual(
      expect.objectContaining({ configName: 'retention.ms', configValue: '3600000', isDefault: false, configSource: 1 }),
    );
    expect(described.resources[0].configEntries.map((entry) => entry.configName).sort()).toEqual([
      'cleanup.policy',
      'retention.ms',
    ]);
    await expect(admin.describeConfigs({ resources: [{ type: 8, name: '1' }] })).rejects.toBeInstanceOf(KafkaJSNonRetriableError);
  });

  it('ACL calls reach the broker: without an authorizer, creating one is SECURITY_DISABLED and none are listed', async () => {
    const acl = {
      resourceType: AclResourceTypes.TOPIC,
      resourceName: 'kjs-acl',
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: 'User:alice',
      host: '*',
      operation: AclOperationTypes.WRITE,
      permissionType: AclPermissionTypes.DENY,
    };
    const created = await admin.createAcls({ acl: [acl] }).catch((error) => error);
    expect(created).toBeInstanceOf(KafkaJSProtocolError);
    expect(created.type).toBe('SECURITY_DISABLED');
    expect(await admin.describeAcls({ resourceType: AclResourceTypes.ANY })).toEqual({
      throttleTime: 0,
      errorCode: 0,
      resources: [],
    });
    expect(await admin.deleteAcls({ filters: [{ resourceType: AclResourceTypes.ANY }] })).toEqual({
      filterResponses: [expect.objectContaining({ matchingAcls: [] })],
    });
  });
});
