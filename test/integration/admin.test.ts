// AdminClient operations on the real broker of the global setup (every
// operation: a success and a failing item) and, where librdkafka's mock
// cluster implements the protocol request, on the mock cluster too. ACLs and
// SCRAM credentials: test/security/admin-security.test.ts; ElectLeaders on
// three brokers: test/failover/admin-elect-leaders.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AbortError, AdminClient, type ConfigEntry, Consumer, ErrorCodes, KafkaError, Producer } from '../../src';
import { TestConsumers } from '../support/consumers';
import { type ClusterTarget, startKafkaTarget, startMockTarget } from '../support/clusters';
import { collect } from '../support/consume';
import { uniqueTopic } from '../support/mock';

async function fill(
  producer: Producer,
  topic: string,
  partition: number,
  count: number,
  timestamp?: (i: number) => number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    await producer.produceOrWait({ topic, partition, value: `v${i}`, ...(timestamp ? { timestamp: timestamp(i) } : {}) });
  }
  await producer.flush(30_000);
}

function code(error: unknown): string | undefined {
  return error instanceof KafkaError ? error.code : undefined;
}

describe('AdminClient on the real broker', () => {
  let cluster: ClusterTarget;
  let admin: AdminClient;
  let producer: Producer;
  const consumers = new TestConsumers(() => cluster.bootstrapServers);

  beforeAll(async () => {
    cluster = await startKafkaTarget();
    admin = new AdminClient({ 'bootstrap.servers': cluster.bootstrapServers });
    await admin.connect();
    producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 2, 'enable.idempotence': true }); // in order even when a fresh topic's first request is retried
    await producer.connect();
  });
  afterAll(async () => {
    await consumers.closeAll();
    await producer?.disconnect();
    await admin?.disconnect();
    await cluster?.close();
  });

  // Topics appear in metadata shortly after CreateTopics/CreatePartitions answers.
  async function waitForPartitions(topic: string, count: number): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [described] = await admin.describeTopics([topic]);
      if (described.partitions.length === count && described.partitions.every((p) => p.leader !== null)) return;
      if (Date.now() > deadline) throw new Error(`${topic} did not show ${count} led partitions within 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  // A broker serves configs from its metadata cache, which follows the
  // controller's commit shortly after the Alter call answers.
  async function configsUntil(
    topic: string,
    done: (configs: Map<string, ConfigEntry>) => boolean,
  ): Promise<Map<string, ConfigEntry>> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [described] = await admin.describeConfigs([{ resourceType: 'topic', resourceName: topic }]);
      const configs = new Map(described.configs.map((entry) => [entry.name, entry]));
      if (done(configs) || Date.now() > deadline) return configs;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const consumer = (groupId: string): Consumer => consumers.create({ 'group.id': groupId, 'enable.auto.commit': false });

  it('createTopicsWithResults creates the new topic and reports TOPIC_ALREADY_EXISTS for the existing one, per topic', async () => {
    const existing = uniqueTopic('admin-existing');
    const fresh = uniqueTopic('admin-fresh');
    await cluster.createTopic(existing, 1);
    const results = await admin.createTopicsWithResults([
      { topic: fresh, partitions: 3, config: { 'cleanup.policy': 'compact' } },
      { topic: existing, partitions: 1 },
    ]);
    expect(results.find((r) => r.topic === fresh)?.error).toBeNull();
    const failed = results.find((r) => r.topic === existing)?.error;
    expect(failed).toBeInstanceOf(KafkaError);
    expect(failed?.code).toBe('TOPIC_ALREADY_EXISTS');
    expect(failed?.message).toContain(existing);
    await waitForPartitions(fresh, 3);
  });

  it('createTopics keeps its first-release contract: rejects with the first topic error, ignoreExisting tolerates it, validateOnly creates nothing', async () => {
    const topic = uniqueTopic('admin-legacy');
    await admin.createTopics([{ topic, partitions: 1 }]);
    await expect(admin.createTopics([{ topic }])).rejects.toMatchObject({ code: 'TOPIC_ALREADY_EXISTS' });
    await expect(admin.createTopics([{ topic }], { ignoreExisting: true })).resolves.toBeUndefined();
    const dryRun = uniqueTopic('admin-dry-run');
    expect(await admin.createTopicsWithResults([{ topic: dryRun }], { validateOnly: true })).toEqual([
      { topic: dryRun, error: null },
    ]);
    const [missing] = await admin.describeTopics([dryRun]);
    expect(missing.error?.code).toBe('UNKNOWN_TOPIC_OR_PART');
  });

  it('deleteTopicsWithResults deletes one topic and reports UNKNOWN_TOPIC_OR_PART for a missing one', async () => {
    const topic = uniqueTopic('admin-delete');
    const missing = uniqueTopic('admin-never');
    await cluster.createTopic(topic, 1);
    const results = await admin.deleteTopicsWithResults([topic, missing]);
    expect(results.find((r) => r.topic === topic)?.error).toBeNull();
    expect(results.find((r) => r.topic === missing)?.error?.code).toBe('UNKNOWN_TOPIC_OR_PART');
    await expect(admin.deleteTopics([missing])).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC_OR_PART' });
  });

  it('createPartitions grows a topic to the new count and reports the missing topic and a shrink, per topic', async () => {
    const topic = uniqueTopic('admin-grow');
    const other = uniqueTopic('admin-shrink');
    const missing = uniqueTopic('admin-never');
    await cluster.createTopic(topic, 1);
    await cluster.createTopic(other, 2);
    const results = await admin.createPartitions([
      { topic, count: 4 },
      { topic: other, count: 1 },
      { topic: missing, count: 2 },
    ]);
    expect(results.find((r) => r.topic === topic)?.error).toBeNull();
    expect(results.find((r) => r.topic === other)?.error?.code).toBe('INVALID_PARTITIONS');
    expect(results.find((r) => r.topic === missing)?.error?.code).toBe('UNKNOWN_TOPIC_OR_PART');
    await waitForPartitions(topic, 4);
    const [described] = await admin.describeTopics([topic]);
    expect(described.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
  });

  it('deleteRecords moves the low watermark (a consumer then starts there) and reports an unknown partition as its own error', async () => {
    const topic = uniqueTopic('admin-delete-records');
    await cluster.createTopic(topic, 1);
    await fill(producer, topic, 0, 10);
    const results = await admin.deleteRecords([
      { topic, partition: 0, before: 6 },
      { topic, partition: 5, before: 1 },
    ]);
    expect(results.find((r) => r.partition === 0)).toMatchObject({ lowWatermark: 6, error: null });
    expect(results.find((r) => r.partition === 5)?.error).toBeInstanceOf(KafkaError);
    const [earliest] = await admin.listOffsets([{ topic, partition: 0, spec: 'earliest' }]);
    expect(earliest.offset).toBe(6);
    const reader = consumer(uniqueTopic('admin-after-delete'));
    await reader.connect();
    reader.subscribe(topic);
    const messages = await collect(reader, 4, 30_000);
    expect(messages.map((m) => m.offset)).toEqual([6, 7, 8, 9]);
  });

  it('describeTopics gives partitions, leaders, replicas, ISR and a topic id, and UNKNOWN_TOPIC_OR_PART for a missing topic', async () => {
    const topic = uniqueTopic('admin-describe');
    const missing = uniqueTopic('admin-never');
    await cluster.createTopic(topic, 2);
    const results = await admin.describeTopics([topic, missing], { includeAuthorizedOperations: true });
    const described = results.find((r) => r.topic === topic)!;
    expect(described.error).toBeNull();
    expect(described.isInternal).toBe(false);
    expect(described.topicId).toMatch(/^[A-Za-z0-9+/]{22}/);
    expect(described.partitions).toHaveLength(2);
    for (const partition of described.partitions) {
      expect(partition.leader?.port).toBe(Number(cluster.bootstrapServers.split(':')[1]));
      expect(partition.replicas.map((r) => r.id)).toEqual([partition.leader!.id]);
      expect(partition.isr.map((r) => r.id)).toEqual([partition.leader!.id]);
    }
    expect(described.authorizedOperations).toEqual(expect.arrayContaining(['read', 'write', 'describe']));
    expect(results.find((r) => r.topic === missing)?.error?.code).toBe('UNKNOWN_TOPIC_OR_PART');
  });

  it('listOffsets finds earliest, latest, max-timestamp and by-timestamp offsets; an unknown partition is a per-item error', async () => {
    const topic = uniqueTopic('admin-list-offsets');
    await cluster.createTopic(topic, 2);
    const base = Date.now() - 60_000;
    // Timestamps rise with the offset except offset 3, the largest.
    await fill(producer, topic, 0, 6, (i) => (i === 3 ? base + 50_000 : base + i * 1000));
    const results = await admin.listOffsets(
      [
        { topic, partition: 0, spec: 'earliest' },
        { topic, partition: 1, spec: 'latest' },
        { topic, partition: 9, spec: 'latest' },
      ],
      { isolationLevel: 'read-committed' },
    );
    expect(results.find((r) => r.partition === 0)).toMatchObject({ offset: 0, error: null });
    expect(results.find((r) => r.partition === 1)).toMatchObject({ offset: 0, error: null });
    expect(results.find((r) => r.partition === 9)?.error?.code).toBe('_UNKNOWN_PARTITION');
    const [latest] = await admin.listOffsets([{ topic, partition: 0, spec: 'latest' }]);
    expect(latest.offset).toBe(6);
    const [maxTimestamp] = await admin.listOffsets([{ topic, partition: 0, spec: 'max-timestamp' }]);
    expect(maxTimestamp).toMatchObject({ offset: 3, timestamp: base + 50_000 });
    const [byTime] = await admin.listOffsets([{ topic, partition: 0, spec: { timestamp: base + 1500 } }]);
    expect(byTime).toMatchObject({ offset: 2, timestamp: base + 2000 });
  });

  it('electLeaders on one broker: ELECTION_NOT_NEEDED for a partition its preferred leader leads, UNKNOWN_TOPIC_OR_PART for a missing topic', async () => {
    const topic = uniqueTopic('admin-elect');
    const missing = uniqueTopic('admin-never');
    await cluster.createTopic(topic, 1);
    const results = await admin.electLeaders({
      electionType: 'preferred',
      partitions: [
        { topic, partition: 0 },
        { topic: missing, partition: 0 },
      ],
    });
    expect(results.find((r) => r.topic === topic)?.error?.code).toBe('ELECTION_NOT_NEEDED');
    expect(results.find((r) => r.topic === missing)?.error?.code).toBe('UNKNOWN_TOPIC_OR_PART');
  });

  it('describeConfigs gives topic and broker configs with their sources; a missing topic is a per-resource error', async () => {
    const topic = uniqueTopic('admin-configs');
    const missing = uniqueTopic('admin-never');
    await admin.createTopics([{ topic, config: { 'retention.ms': 123456 } }]);
    await waitForPartitions(topic, 1);
    const described = await admin.describeConfigs([
      { resourceType: 'topic', resourceName: topic },
      { resourceType: 'broker', resourceName: '1' },
      { resourceType: 'topic', resourceName: missing },
    ]);
    const topicConfigs = described.find((r) => r.resourceName === topic)!;
    expect(topicConfigs.error).toBeNull();
    expect(topicConfigs.configs.find((c) => c.name === 'retention.ms')).toMatchObject({
      value: '123456',
      source: 'dynamic-topic-config',
      isDefault: false,
    });
    expect(topicConfigs.configs.find((c) => c.name === 'cleanup.policy')).toMatchObject({
      value: 'delete',
      source: 'default-config',
    });
    const broker = described.find((r) => r.resourceType === 'broker')!;
    expect(broker.configs.find((c) => c.name === 'num.partitions')).toMatchObject({ value: '1', source: 'static-broker-config' });
    expect(described.find((r) => r.resourceName === missing)?.error?.code).toBe('UNKNOWN_TOPIC_OR_PART');
  });

  it('alterConfigs replaces a topic config (validateOnly changes nothing); a missing topic is a per-resource error', async () => {
    const topic = uniqueTopic('admin-alter');
    const missing = uniqueTopic('admin-never');
    await cluster.createTopic(topic, 1);
    const retention = async (): Promise<string | null | undefined> =>
      (await admin.describeConfigs([{ resourceType: 'topic', resourceName: topic }]))[0].configs.find(
        (c) => c.name === 'retention.ms',
      )?.value;
    const dryRun = await admin.alterConfigs([{ resourceType: 'topic', resourceName: topic, configs: { 'retention.ms': 1000 } }], {
      validateOnly: true,
    });
    expect(dryRun[0].error).toBeNull();
    expect(await retention()).toBe('604800000');
    const results = await admin.alterConfigs([
      { resourceType: 'topic', resourceName: topic, configs: { 'retention.ms': 3_600_000 } },
      { resourceType: 'topic', resourceName: missing, configs: { 'retention.ms': 1000 } },
    ]);
    expect(results.find((r) => r.resourceName === topic)?.error).toBeNull();
    expect(results.find((r) => r.resourceName === missing)?.error?.code).toBe('UNKNOWN_TOPIC_OR_PART');
    const altered = await configsUntil(topic, (configs) => configs.get('retention.ms')?.value === '3600000');
    expect(altered.get('retention.ms')?.value).toBe('3600000');
  });

  it('incrementalAlterConfigs sets, appends and deletes topic configs; an invalid value fails only its resource', async () => {
    const topic = uniqueTopic('admin-incremental');
    const other = uniqueTopic('admin-incremental-bad');
    await admin.createTopics([{ topic, config: { 'retention.ms': 5000 } }, { topic: other }]);
    await waitForPartitions(topic, 1);
    await waitForPartitions(other, 1);
    const results = await admin.incrementalAlterConfigs([
      {
        resourceType: 'topic',
        resourceName: topic,
        configs: [
          { name: 'cleanup.policy', op: 'append', value: 'compact' },
          { name: 'retention.ms', op: 'delete' },
          { name: 'segment.ms', value: 7_200_000 },
        ],
      },
      { resourceType: 'topic', resourceName: other, configs: [{ name: 'retention.ms', value: 'not-a-number' }] },
    ]);
    expect(results.find((r) => r.resourceName === topic)?.error).toBeNull();
    expect(results.find((r) => r.resourceName === other)?.error?.code).toBe('INVALID_CONFIG');
    const configs = await configsUntil(topic, (current) => current.get('segment.ms')?.value === '7200000');
    const config = (name: string) => configs.get(name);
    expect(config('cleanup.policy')?.value).toBe('delete,compact');
    expect(config('retention.ms')).toMatchObject({ value: '604800000', isDefault: true });
    expect(config('segment.ms')).toMatchObject({ value: '7200000', source: 'dynamic-topic-config' });
  });

  it('describeCluster names the cluster, its controller and its one node', async () => {
    const description = await admin.describeCluster({ includeAuthorizedOperations: true });
    expect(description.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(description.nodes).toHaveLength(1);
    expect(description.nodes[0]).toMatchObject({ host: '127.0.0.1', port: Number(cluster.bootstrapServers.split(':')[1]) });
    expect(description.controller?.id).toBe(description.nodes[0].id);
    expect(description.authorizedOperations).toEqual(expect.arrayContaining(['describe', 'alter']));
  });

  it('consumer groups: list (state filter), describe a live member, deleteGroups (NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, then deleted)', async () => {
    const topic = uniqueTopic('admin-groups');
    const groupId = uniqueTopic('admin-group');
    const missingGroup = uniqueTopic('admin-no-group');
    await cluster.createTopic(topic, 2);
    await fill(producer, topic, 0, 3);
    const member = consumer(groupId);
    await member.connect();
    member.subscribe(topic);
    expect(await collect(member, 3, 30_000)).toHaveLength(3);

    const stable = await admin.listConsumerGroups({ states: ['stable'] });
    expect(stable.errors).toEqual([]);
    expect(stable.groups.find((g) => g.groupId === groupId)).toMatchObject({ state: 'stable', isSimpleConsumerGroup: false });
    const empty = await admin.listConsumerGroups({ states: ['empty'] });
    expect(empty.groups.some((g) => g.groupId === groupId)).toBe(false);

    const [described] = await admin.describeConsumerGroups([groupId]);
    expect(described).toMatchObject({ groupId, error: null, state: 'stable', partitionAssignor: expect.any(String) });
    expect(described.members).toHaveLength(1);
    expect(described.members[0].assignment?.map((p) => `${p.topic}:${p.partition}`).sort()).toEqual([`${topic}:0`, `${topic}:1`]);
    expect(described.coordinator?.port).toBe(Number(cluster.bootstrapServers.split(':')[1]));

    const whileActive = await admin.deleteGroups([groupId, missingGroup]);
    expect(whileActive.find((g) => g.groupId === groupId)?.error?.code).toBe('NON_EMPTY_GROUP');
    expect(whileActive.find((g) => g.groupId === missingGroup)?.error?.code).toBe('GROUP_ID_NOT_FOUND');
    await member.commit();
    await member.disconnect();
    const afterLeaving = await admin.deleteGroups([groupId]);
    expect(afterLeaving).toEqual([{ groupId, error: null }]);
    const [gone] = await admin.listConsumerGroupOffsets([groupId]);
    expect(gone.partitions).toEqual([]);
  });

  it('alterConsumerGroupOffsets is where the next consumer of the group starts; an unknown partition is a per-item error', async () => {
    const topic = uniqueTopic('admin-alter-offsets');
    const groupId = uniqueTopic('admin-reset');
    await cluster.createTopic(topic, 2);
    await fill(producer, topic, 0, 10);
    await fill(producer, topic, 1, 4);
    const altered = await admin.alterConsumerGroupOffsets(groupId, [
      { topic, partition: 0, offset: 7, metadata: 'reset by test' },
      { topic, partition: 1, offset: 4 },
      { topic, partition: 9, offset: 1 },
    ]);
    expect(altered.error).toBeNull();
    expect(altered.partitions.find((p) => p.partition === 0)).toMatchObject({ offset: 7, error: null });
    expect(altered.partitions.find((p) => p.partition === 9)?.error?.code).toBe('UNKNOWN_TOPIC_OR_PART');

    const [listed] = await admin.listConsumerGroupOffsets([{ groupId, partitions: [{ topic, partition: 0 }] }]);
    expect(listed.partitions).toEqual([
      expect.objectContaining({ topic, partition: 0, offset: 7, metadata: 'reset by test', error: null }),
    ]);

    const reader = consumer(groupId);
    await reader.connect();
    reader.subscribe(topic);
    const messages = await collect(reader, 3, 30_000);
    expect(messages.map((m) => `${m.partition}:${m.offset}`)).toEqual(['0:7', '0:8', '0:9']);
    await reader.disconnect();

    // The group has a live member no more, but a member that is live refuses it:
    const live = consumer(groupId);
    await live.connect();
    live.subscribe(topic);
    await collect(live, 1, 3000);
    const refused = await admin.alterConsumerGroupOffsets(groupId, [{ topic, partition: 0, offset: 0 }]);
    expect(refused.error?.code ?? refused.partitions[0]?.error?.code).toMatch(/^(UNKNOWN_MEMBER_ID|NON_EMPTY_GROUP)$/);
  });

  it('listConsumerGroupOffsets answers per group: committed offsets of one, none for a group that never committed', async () => {
    const topic = uniqueTopic('admin-list-group-offsets');
    const groupId = uniqueTopic('admin-committed');
    const idle = uniqueTopic('admin-idle');
    await cluster.createTopic(topic, 3);
    await admin.alterConsumerGroupOffsets(groupId, [
      { topic, partition: 0, offset: 0 },
      { topic, partition: 2, offset: 0 },
    ]);
    const results = await admin.listConsumerGroupOffsets([groupId, idle], { requireStableOffsets: true });
    const committed = results.find((r) => r.groupId === groupId)!;
    expect(committed.error).toBeNull();
    expect(committed.partitions.map((p) => p.partition).sort()).toEqual([0, 2]);
    expect(results.find((r) => r.groupId === idle)).toEqual({ groupId: idle, error: null, partitions: [] });
  });

  it('deleteConsumerGroupOffsets removes one committed offset; a topic the group still consumes is GROUP_SUBSCRIBED_TO_TOPIC', async () => {
    const topic = uniqueTopic('admin-delete-offsets');
    const groupId = uniqueTopic('admin-forget');
    await cluster.createTopic(topic, 2);
    await admin.alterConsumerGroupOffsets(groupId, [
      { topic, partition: 0, offset: 0 },
      { topic, partition: 1, offset: 0 },
    ]);
    const deleted = await admin.deleteConsumerGroupOffsets(groupId, [{ topic, partition: 1 }]);
    expect(deleted.error).toBeNull();
    expect(deleted.partitions).toEqual([expect.objectContaining({ topic, partition: 1, error: null })]);
    const [left] = await admin.listConsumerGroupOffsets([groupId]);
    expect(left.partitions.map((p) => p.partition)).toEqual([0]);

    const member = consumer(groupId);
    await member.connect();
    member.subscribe(topic);
    const formed = Date.now() + 30_000;
    while (member.assignment().length === 0 && Date.now() < formed) await collect(member, 1, 200);
    const refused = await admin.deleteConsumerGroupOffsets(groupId, [{ topic, partition: 0 }]);
    expect(refused.error?.code ?? refused.partitions[0]?.error?.code).toBe('GROUP_SUBSCRIBED_TO_TOPIC');
  });

  it('consumerGroupLag: committed offset, log-end offset and lag per partition; a group that never committed has none', async () => {
    const topic = uniqueTopic('admin-lag');
    const groupId = uniqueTopic('admin-lagging');
    await cluster.createTopic(topic, 2);
    await fill(producer, topic, 0, 8);
    await fill(producer, topic, 1, 3);
    await admin.alterConsumerGroupOffsets(groupId, [
      { topic, partition: 0, offset: 2 },
      { topic, partition: 1, offset: 3 },
    ]);
    const lag = await admin.consumerGroupLag(groupId);
    expect(lag.sort((a, b) => a.partition - b.partition)).toEqual([
      { topic, partition: 0, committedOffset: 2, logEndOffset: 8, lag: 6 },
      { topic, partition: 1, committedOffset: 3, logEndOffset: 3, lag: 0 },
    ]);
    expect(await admin.consumerGroupLag(uniqueTopic('admin-never-committed'))).toEqual([]);
  });

  it('an aborted signal rejects with an AbortError carrying the reason; an already aborted one sends nothing', async () => {
    const controller = new AbortController();
    const pending = admin.describeCluster({ signal: controller.signal });
    const reason = new Error('operator gave up');
    controller.abort(reason);
    const error = await pending.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).name).toBe('AbortError');
    expect((error as AbortError).cause).toBe(reason);
    await expect(admin.listConsumerGroups({ signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    // The client stays usable after an abort.
    expect((await admin.describeCluster()).nodes).toHaveLength(1);
  });

  it('a request-level failure rejects the whole call: a broker-side timeout is a retriable KafkaError naming the operation', async () => {
    const topic = uniqueTopic('admin-timeout');
    await cluster.createTopic(topic, 1);
    // 1 ms is less than any broker round trip: librdkafka fails the request itself.
    const error = await admin
      .describeConfigs([{ resourceType: 'topic', resourceName: topic }], { timeoutMs: 1 })
      .catch((caught: unknown) => caught);
    expect(code(error)).toBe('_TIMED_OUT');
    expect((error as KafkaError).retriable).toBe(true);
    expect((error as KafkaError).message).toContain('describeConfigs');
  });
});

describe('AdminClient on the mock cluster', () => {
  let cluster: ClusterTarget;
  let admin: AdminClient;
  let producer: Producer;

  beforeAll(async () => {
    cluster = await startMockTarget();
    admin = new AdminClient({ 'bootstrap.servers': cluster.bootstrapServers });
    await admin.connect();
    producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 2 });
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await cluster?.close();
  });

  it('listOffsets on the mock: earliest and latest, and _UNKNOWN_PARTITION for a partition it lacks', async () => {
    const topic = uniqueTopic('mock-list-offsets');
    await cluster.createTopic(topic, 2);
    await fill(producer, topic, 1, 5);
    const results = await admin.listOffsets([
      { topic, partition: 0, spec: 'latest' },
      { topic, partition: 1, spec: 'latest' },
      { topic, partition: 7, spec: 'earliest' },
    ]);
    expect(results.find((r) => r.partition === 0)).toMatchObject({ offset: 0, error: null });
    expect(results.find((r) => r.partition === 1)).toMatchObject({ offset: 5, error: null });
    expect(results.find((r) => r.partition === 7)?.error?.code).toBe('_UNKNOWN_PARTITION');
  });

  // The mock's OffsetFetch answers only for partitions named in the request,
  // so these name them.
  it('alter/listConsumerGroupOffsets and consumerGroupLag on the mock (partitions named); a consumer of the group starts at the altered offset', async () => {
    const topic = uniqueTopic('mock-group-offsets');
    const groupId = uniqueTopic('mock-group');
    await cluster.createTopic(topic, 1);
    await fill(producer, topic, 0, 6);
    const altered = await admin.alterConsumerGroupOffsets(groupId, [{ topic, partition: 0, offset: 4 }]);
    expect(altered).toMatchObject({ groupId, error: null, partitions: [expect.objectContaining({ offset: 4, error: null })] });
    const [listed] = await admin.listConsumerGroupOffsets([{ groupId, partitions: [{ topic, partition: 0 }] }]);
    expect(listed.partitions).toEqual([expect.objectContaining({ topic, partition: 0, offset: 4, error: null })]);
    expect(await admin.consumerGroupLag(groupId, { partitions: [{ topic, partition: 0 }] })).toEqual([
      { topic, partition: 0, committedOffset: 4, logEndOffset: 6, lag: 2 },
    ]);
    const reader = new Consumer({
      'bootstrap.servers': cluster.bootstrapServers,
      'group.id': groupId,
      'auto.offset.reset': 'earliest',
    });
    await reader.connect();
    reader.subscribe(topic);
    const messages = await collect(reader, 2, 20_000);
    await reader.disconnect();
    expect(messages.map((m) => m.offset)).toEqual([4, 5]);
  });

  it('disconnect while a request is in flight: the request still settles with its KafkaError, later calls reject _STATE', async () => {
    const closing = new AdminClient({ 'bootstrap.servers': cluster.bootstrapServers });
    await closing.connect();
    // The mock names no controller, so this waits until its timeout.
    const pending = closing.describeCluster({ timeoutMs: 1500 }).catch((caught: unknown) => caught);
    await closing.disconnect();
    const error = await pending;
    expect(error).toBeInstanceOf(KafkaError);
    expect((error as KafkaError).code).toBe('_TIMED_OUT');
    await expect(closing.describeCluster()).rejects.toMatchObject({ code: '_STATE' });
  });

  // librdkafka's mock cluster answers only produce/fetch/offset/group-membership
  // requests: it names no controller, and has no handlers for the admin APIs
  // below. Each call must still end with a clear KafkaError, never hang.
  const controllerTimeout = /waiting for controller/;
  const unsupported: Array<
    [string, (admin: AdminClient, topic: string) => Promise<unknown>, 'rejects _TIMED_OUT' | 'item _UNSUPPORTED_FEATURE']
  > = [
    [
      'createTopics',
      (a) => a.createTopicsWithResults([{ topic: uniqueTopic('mock-new') }], { timeoutMs: 1000 }),
      'rejects _TIMED_OUT',
    ],
    ['deleteTopics', (a, t) => a.deleteTopicsWithResults([t], { timeoutMs: 1000 }), 'rejects _TIMED_OUT'],
    ['createPartitions', (a, t) => a.createPartitions([{ topic: t, count: 3 }], { timeoutMs: 1000 }), 'rejects _TIMED_OUT'],
    [
      'deleteRecords',
      (a, t) => a.deleteRecords([{ topic: t, partition: 0, before: 0 }], { timeoutMs: 1000 }),
      'item _UNSUPPORTED_FEATURE',
    ],
    ['describeTopics', (a, t) => a.describeTopics([t], { timeoutMs: 1000 }), 'rejects _TIMED_OUT'],
    ['electLeaders', (a) => a.electLeaders({ electionType: 'preferred' }, { timeoutMs: 1000 }), 'rejects _TIMED_OUT'],
    [
      'describeConfigs',
      (a, t) => a.describeConfigs([{ resourceType: 'topic', resourceName: t }], { timeoutMs: 1000 }),
      'rejects _TIMED_OUT',
    ],
    [
      'alterConfigs',
      (a, t) => a.alterConfigs([{ resourceType: 'topic', resourceName: t, configs: { 'retention.ms': 1 } }], { timeoutMs: 1000 }),
      'rejects _TIMED_OUT',
    ],
    [
      'incrementalAlterConfigs',
      (a, t) =>
        a.incrementalAlterConfigs([{ resourceType: 'topic', resourceName: t, configs: [{ name: 'retention.ms', value: 1 }] }], {
          timeoutMs: 1000,
        }),
      'rejects _TIMED_OUT',
    ],
    ['describeCluster', (a) => a.describeCluster({ timeoutMs: 1000 }), 'rejects _TIMED_OUT'],
    ['listConsumerGroups', (a) => a.listConsumerGroups({ timeoutMs: 1000 }), 'item _UNSUPPORTED_FEATURE'],
    ['describeConsumerGroups', (a) => a.describeConsumerGroups(['mock-group'], { timeoutMs: 1000 }), 'item _UNSUPPORTED_FEATURE'],
    ['deleteGroups', (a) => a.deleteGroups(['mock-group'], { timeoutMs: 1000 }), 'item _UNSUPPORTED_FEATURE'],
    [
      'deleteConsumerGroupOffsets',
      (a, t) => a.deleteConsumerGroupOffsets('mock-group', [{ topic: t, partition: 0 }], { timeoutMs: 1000 }),
      'item _UNSUPPORTED_FEATURE',
    ],
    [
      'createAcls',
      (a, t) =>
        a.createAcls(
          [{ resourceType: 'topic', resourceName: t, principal: 'User:x', operation: 'read', permissionType: 'allow' }],
          { timeoutMs: 1000 },
        ),
      'rejects _TIMED_OUT',
    ],
    ['describeAcls', (a) => a.describeAcls({}, { timeoutMs: 1000 }), 'rejects _TIMED_OUT'],
    ['deleteAcls', (a) => a.deleteAcls([{}], { timeoutMs: 1000 }), 'rejects _TIMED_OUT'],
    ['describeUserScramCredentials', (a) => a.describeUserScramCredentials([], { timeoutMs: 1000 }), 'rejects _TIMED_OUT'],
    [
      'alterUserScramCredentials',
      (a) => a.alterUserScramCredentials([{ kind: 'delete', user: 'x', mechanism: 'SCRAM-SHA-256' }], { timeoutMs: 1000 }),
      'rejects _TIMED_OUT',
    ],
  ];

  it.each(unsupported)("%s (mock: unsupported by librdkafka's mock, asserts the clear error)", async (name, call, expected) => {
    const topic = uniqueTopic('mock-unsupported');
    await cluster.createTopic(topic, 1);
    const started = Date.now();
    const outcome = await call(admin, topic).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    if (expected === 'rejects _TIMED_OUT') {
      expect('error' in outcome).toBe(true);
      const error = (outcome as { error: KafkaError }).error;
      expect(error).toBeInstanceOf(KafkaError);
      expect(error.errno).toBe(ErrorCodes._TIMED_OUT);
      expect(error.message).toContain(name);
      expect(error.message).toMatch(controllerTimeout);
    } else {
      expect('value' in outcome).toBe(true);
      const value = (outcome as { value: unknown }).value;
      const items = Array.isArray(value)
        ? value
        : 'errors' in (value as object)
          ? (value as { errors: KafkaError[] }).errors.map((error) => ({ error }))
          : (value as { error: KafkaError | null; partitions: Array<{ error: KafkaError | null }> }).error
            ? [value]
            : (value as { partitions: Array<{ error: KafkaError | null }> }).partitions;
      expect(items.length).toBeGreaterThan(0);
      for (const item of items as Array<{ error: KafkaError | null }>) {
        expect(item.error).toBeInstanceOf(KafkaError);
        expect(item.error?.errno).toBe(ErrorCodes._UNSUPPORTED_FEATURE);
      }
    }
  });
});
