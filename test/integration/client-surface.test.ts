// Public promises of every client that only a particular condition shows:
// broker throttling, a fatal error ending a consumer's loop, a lost
// assignment, failed fire-and-forget deliveries, and the MockCluster's own
// members. Real broker where the condition is real, mock where it is injected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  AbortError,
  AdminClient,
  ApiKeys,
  Consumer,
  KafkaError,
  MockCluster,
  Offsets,
  Producer,
  type RebalanceEvent,
  type ThrottleNotice,
  runTransaction,
} from '../../src';
import { type ClusterTarget, startKafkaTarget } from '../support/clusters';
import { setClientQuotas } from '../support/client-quotas';
import { BoundedReader, collect } from '../support/consume';
import { uniqueTopic, waitFor } from '../support/mock';

describe('on the real broker', () => {
  let cluster: ClusterTarget;
  let producer: Producer;
  beforeAll(async () => {
    cluster = await startKafkaTarget();
    producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 1 });
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await cluster?.close();
  });

  it('a producer and a consumer over their byte-rate quota get throttle events from the broker', async () => {
    const clientId = uniqueTopic('throttled');
    await setClientQuotas(cluster.bootstrapServers, clientId, { producer_byte_rate: 2048, consumer_byte_rate: 2048 });
    const topic = uniqueTopic('throttle');
    await cluster.createTopic(topic, 1);
    const slow = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'client.id': clientId, 'linger.ms': 5 });
    const producerNotices: ThrottleNotice[] = [];
    slow.on('throttle', (notice) => producerNotices.push(notice));
    await slow.connect();
    const value = Buffer.alloc(1024, 1);
    for (let i = 0; i < 40; i++) slow.produce({ topic, value });
    await slow.flush(60_000);
    await waitFor(() => producerNotices.length > 0, 20_000, 'a producer throttle event');
    expect(producerNotices[0]).toMatchObject({ brokerId: 1, brokerName: expect.stringContaining('127.0.0.1') });
    expect(producerNotices.some((notice) => notice.throttleTimeMs > 0)).toBe(true);
    await slow.disconnect();

    const reader = new Consumer({
      'bootstrap.servers': cluster.bootstrapServers,
      'client.id': clientId,
      'group.id': uniqueTopic('throttle'),
    });
    const consumerNotices: ThrottleNotice[] = [];
    reader.on('throttle', (notice) => consumerNotices.push(notice));
    await reader.connect();
    reader.assign([{ topic, partition: 0, offset: Offsets.BEGINNING }]);
    const deadline = Date.now() + 30_000;
    while (!consumerNotices.some((notice) => notice.throttleTimeMs > 0) && Date.now() < deadline) {
      await collect(reader, 40, 200);
    }
    expect(consumerNotices.some((notice) => notice.throttleTimeMs > 0)).toBe(true);
    await reader.disconnect();
  });

  it('a loop body slower than max.poll.interval.ms: the consumer is told it left the group (lost), rejoins, loses nothing', async () => {
    const topic = uniqueTopic('slow-body');
    await cluster.createTopic(topic, 1);
    for (let i = 0; i < 6; i++) producer.produce({ topic, value: `m${i}` });
    await producer.flush(10_000);
    const member = new Consumer({
      'bootstrap.servers': cluster.bootstrapServers,
      'group.id': uniqueTopic('slow-body'),
      'auto.offset.reset': 'earliest',
      'max.poll.interval.ms': 6000,
      'session.timeout.ms': 6000,
      'heartbeat.interval.ms': 500,
      'auto.commit.interval.ms': 200,
    });
    const errors: KafkaError[] = [];
    const rebalances: RebalanceEvent[] = [];
    member.on('error', (error) => errors.push(error));
    member.on('rebalance', (event) => rebalances.push(event));
    await member.connect();
    member.subscribe(topic);
    const seen: number[] = [];
    const reader = new BoundedReader(member[Symbol.asyncIterator]());
    let slowed = false;
    let producedMore = false;
    const deadline = Date.now() + 60_000;
    while (new Set(seen).size < 12 && Date.now() < deadline) {
      // Once it has rejoined after losing its assignment, more messages come.
      const lostAt = rebalances.findIndex((event) => event.lost);
      if (!producedMore && lostAt >= 0 && rebalances.slice(lostAt).some((event) => event.type === 'assign')) {
        producedMore = true;
        for (let i = 6; i < 12; i++) producer.produce({ topic, value: `m${i}` });
        await producer.flush(10_000);
      }
      const message = await reader.next(500);
      if (!message) continue;
      seen.push(message.offset);
      if (message.offset === 3 && !slowed) {
        slowed = true;
        // The loop body holds on to one message past max.poll.interval.ms.
        await new Promise((resolve) => setTimeout(resolve, 7500));
      }
    }
    reader.stop();
    expect(errors.map((error) => error.code)).toContain('_MAX_POLL_EXCEEDED');
    expect(rebalances.some((event) => event.type === 'revoke' && event.lost)).toBe(true);
    const lostAt = rebalances.findIndex((event) => event.lost);
    expect(rebalances.slice(lostAt).some((event) => event.type === 'assign')).toBe(true);
    const missing = [...Array(12).keys()].filter((offset) => !seen.includes(offset));
    expect(missing).toEqual([]);
    await member.disconnect();
  }, 90_000);

  it('AbortError carries code ABORT_ERR', async () => {
    const admin = new AdminClient({ 'bootstrap.servers': cluster.bootstrapServers });
    await admin.connect();
    const controller = new AbortController();
    controller.abort(new Error('changed my mind'));
    const error = await admin.describeCluster({ signal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).code).toBe('ABORT_ERR');
    await admin.disconnect();
  });
});

describe('on the mock cluster', () => {
  it('MockCluster.start() serves clients; clearRequestErrors() drops the errors pushRequestErrors() queued', async () => {
    const mock = await MockCluster.start({ brokers: 1 });
    const topic = uniqueTopic('clear');
    mock.createTopic(topic, { partitions: 1 });
    const producer = new Producer({ 'bootstrap.servers': mock.bootstrapServers, 'message.timeout.ms': 3000, retries: 0 });
    await producer.connect();
    try {
      mock.pushRequestErrors(ApiKeys.Produce, ['NOT_ENOUGH_REPLICAS']);
      await expect(producer.send({ topic, value: 'refused' })).rejects.toMatchObject({ code: 'NOT_ENOUGH_REPLICAS' });
      mock.pushRequestErrors(ApiKeys.Produce, ['NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS']);
      mock.clearRequestErrors(ApiKeys.Produce);
      await expect(producer.send({ topic, value: 'accepted' })).resolves.toMatchObject({ topic, partition: 0 });
    } finally {
      await producer.disconnect();
      await mock.close();
    }
  });

  it('a failed fire-and-forget delivery reaches error listeners, or becomes a process warning without them', async () => {
    const mock = new MockCluster();
    const topic = uniqueTopic('fire-and-forget');
    mock.createTopic(topic, { partitions: 1 });
    const producer = new Producer({ 'bootstrap.servers': mock.bootstrapServers, retries: 0 });
    await producer.connect();
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const errors: KafkaError[] = [];
      const listener = (error: KafkaError): void => {
        errors.push(error);
      };
      producer.on('error', listener);
      mock.pushRequestErrors(ApiKeys.Produce, ['NOT_ENOUGH_REPLICAS']);
      producer.produce({ topic, value: 'lost?' });
      await producer.flush(10_000);
      expect(errors.map((error) => error.code)).toEqual(['NOT_ENOUGH_REPLICAS']);
      expect(errors[0].message).toMatch(new RegExp(`Delivery to ${topic}\\[0\\] failed`));
      producer.off('error', listener);
      mock.pushRequestErrors(ApiKeys.Produce, ['NOT_ENOUGH_REPLICAS']);
      producer.produce({ topic, value: 'lost?' });
      await producer.flush(10_000);
      await waitFor(() => warnings.length > 0, 5_000, 'a process warning');
      expect(warnings[0]).toMatchObject({ name: 'KafkaWarning', code: 'NOT_ENOUGH_REPLICAS' });
      expect(producer.deliveryCounts).toEqual({ delivered: 0, failed: 2 });
    } finally {
      process.off('warning', onWarning);
      await producer.disconnect();
      await mock.close();
    }
  });

  it('runTransaction() commits what its work produced; an abortable error carries txnRequiresAbort', async () => {
    const mock = new MockCluster({ brokers: 1 });
    const topic = uniqueTopic('run-transaction');
    mock.createTopic(topic, { partitions: 1 });
    const producer = new Producer({ 'bootstrap.servers': mock.bootstrapServers, 'transactional.id': uniqueTopic('txn') });
    await producer.connect();
    try {
      await producer.initTransactions();
      const result = await runTransaction(producer, async (inTransaction) => {
        inTransaction.produce({ topic, value: 'in a transaction' });
        return 'done';
      });
      expect(result).toBe('done');
      const error = KafkaError.fromCode(-172, 'abortable', { txnRequiresAbort: true });
      expect(error.txnRequiresAbort).toBe(true);
      expect(KafkaError.fromCode(-172).txnRequiresAbort).toBe(false);
      const reader = new Consumer({
        'bootstrap.servers': mock.bootstrapServers,
        'group.id': uniqueTopic('txn-reader'),
        'isolation.level': 'read_committed',
      });
      await reader.connect();
      reader.assign([{ topic, partition: 0, offset: Offsets.BEGINNING }]);
      expect((await collect(reader, 1, 20_000)).map((m) => m.value?.toString())).toEqual(['in a transaction']);
      await reader.disconnect();
    } finally {
      await producer.disconnect();
      await mock.close();
    }
  });
});

describe('ApiKeys', () => {
  it('are the Kafka protocol API keys (the protocol guide numbers)', () => {
    expect({
      Produce: ApiKeys.Produce,
      Fetch: ApiKeys.Fetch,
      ListOffsets: ApiKeys.ListOffsets,
      Metadata: ApiKeys.Metadata,
      OffsetCommit: ApiKeys.OffsetCommit,
      OffsetFetch: ApiKeys.OffsetFetch,
      FindCoordinator: ApiKeys.FindCoordinator,
      JoinGroup: ApiKeys.JoinGroup,
      Heartbeat: ApiKeys.Heartbeat,
      LeaveGroup: ApiKeys.LeaveGroup,
      SyncGroup: ApiKeys.SyncGroup,
      ApiVersions: ApiKeys.ApiVersions,
      InitProducerId: ApiKeys.InitProducerId,
      AddPartitionsToTxn: ApiKeys.AddPartitionsToTxn,
      EndTxn: ApiKeys.EndTxn,
      ConsumerGroupHeartbeat: ApiKeys.ConsumerGroupHeartbeat,
    }).toEqual({
      Produce: 0,
      Fetch: 1,
      ListOffsets: 2,
      Metadata: 3,
      OffsetCommit: 8,
      OffsetFetch: 9,
      FindCoordinator: 10,
      JoinGroup: 11,
      Heartbeat: 12,
      LeaveGroup: 13,
      SyncGroup: 14,
      ApiVersions: 18,
      InitProducerId: 22,
      AddPartitionsToTxn: 24,
      EndTxn: 26,
      ConsumerGroupHeartbeat: 68,
    });
  });
});
