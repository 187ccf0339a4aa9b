// Closing at awkward moments, on the real broker: twice, inside a
// delivery-report handler, inside a rebalance handler, during a rebalance,
// and a client garbage-collected without being closed. Each is safe: no
// hang (every wait is bounded), no crash, no delivery report lost.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AdminClient, Consumer, type DeliveryReport, Producer } from '../../src';
import { type ClusterTarget, startKafkaTarget } from '../support/clusters';
import { BoundedReader, collect } from '../support/consume';
import { eventually } from '../support/kafkajs';
import { uniqueTopic, waitFor } from '../support/mock';

let cluster: ClusterTarget;

beforeAll(async () => {
  cluster = await startKafkaTarget();
});
afterAll(async () => {
  await cluster?.close();
});

/** Resolves with the promise's outcome, or 'hung' after ms. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'hung'> {
  return Promise.race([promise, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), ms))]);
}

const consumerConfig = (group: string) => ({
  'bootstrap.servers': cluster.bootstrapServers,
  'group.id': group,
  'auto.offset.reset': 'earliest' as const,
  'session.timeout.ms': 6000,
  'heartbeat.interval.ms': 500,
});

describe('closing safely', () => {
  it('closing twice (or more) shares one close for every client', async () => {
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
    const consumer = new Consumer(consumerConfig(uniqueTopic('twice')));
    const admin = new AdminClient({ 'bootstrap.servers': cluster.bootstrapServers });
    await Promise.all([producer.connect(), consumer.connect(), admin.connect()]);
    consumer.subscribe(uniqueTopic('twice'));
    for (const client of [producer, consumer, admin]) {
      const first = client.disconnect();
      const second = client.disconnect();
      expect(second).toBe(first);
      expect(await within(Promise.all([first, second]), 20_000)).not.toBe('hung');
      expect(await within(client.disconnect(), 1000)).not.toBe('hung'); // after the close: at once
      expect(client.isConnected).toBe(false);
    }
  });

  it('closing inside a delivery-report handler loses no report and does not hang', async () => {
    const topic = uniqueTopic('close-in-report');
    await cluster.createTopic(topic, 1);
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 50 });
    await producer.connect();
    const reports: DeliveryReport[] = [];
    let closing: Promise<void> | undefined;
    producer.on('delivery-report', (report) => {
      reports.push(report);
      closing ??= producer.disconnect();
    });
    for (let i = 0; i < 500; i++) producer.produce({ topic, value: `m${i}` });
    await waitFor(() => closing !== undefined, 20_000, 'the first report');
    expect(await within(closing!, 30_000)).not.toBe('hung');
    expect(reports).toHaveLength(500);
    expect(reports.filter((report) => report.error)).toEqual([]);
    // And inside a send()'s settlement: the close waits for what is in flight.
    const other = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
    await other.connect();
    const sends = [other.send({ topic, value: 'a' }), other.send({ topic, value: 'b' })];
    const closed = sends[0].then(() => other.disconnect());
    expect(await within(Promise.all([...sends, closed]), 30_000)).not.toBe('hung');
  });

  it('closing inside a rebalance handler completes, and its final revocation still runs', async () => {
    const topic = uniqueTopic('close-in-rebalance');
    await cluster.createTopic(topic, 2);
    const seen: string[] = [];
    let closing: Promise<void> | undefined;
    const consumer = new Consumer(consumerConfig(uniqueTopic('close-in-rebalance')), {
      rebalance: async (event, owner) => {
        seen.push(event.type);
        if (event.type === 'assign') {
          closing = owner.disconnect();
          await closing; // awaiting its own close inside the handler must not deadlock
        }
      },
    });
    await consumer.connect();
    consumer.subscribe(topic);
    const reader = new BoundedReader(consumer[Symbol.asyncIterator]());
    const deadline = Date.now() + 30_000;
    while (closing === undefined && Date.now() < deadline) await reader.next(100);
    expect(closing).toBeDefined();
    expect(await within(closing!, 30_000)).not.toBe('hung');
    expect(seen).toEqual(['assign', 'revoke']);
    expect(consumer.isConnected).toBe(false);
    // The loop ends once the consumer is closed.
    expect(await within(reader.next(5000), 6000)).toBeUndefined();
  });

  it('closing consumers whose assignment arrived while nothing polled completes every time (librdkafka #4884)', async () => {
    // Nothing reads these consumers, so each assignment waits, unanswered, in
    // its queue when close begins; answering it inside close could wait forever.
    const topic = uniqueTopic('close-unpolled');
    await cluster.createTopic(topic, 2);
    const admin = new AdminClient({ 'bootstrap.servers': cluster.bootstrapServers });
    await admin.connect();
    try {
      for (let round = 0; round < 3; round++) {
        const groups = Array.from({ length: 4 }, () => uniqueTopic('close-unpolled-group'));
        const consumers = groups.map((group) => new Consumer(consumerConfig(group)));
        await Promise.all(consumers.map((consumer) => consumer.connect()));
        for (const consumer of consumers) consumer.subscribe(topic);
        // Stable with its one member assigned: the SyncGroup answer (the assignment) has arrived.
        await eventually(
          async () =>
            (await admin.describeConsumerGroups(groups)).every(
              (group) => group.state === 'stable' && group.members[0]?.assignment?.length === 2,
            ),
          30_000,
          'every group stable with both partitions assigned',
        );
        const outcomes = await Promise.all(consumers.map((consumer) => within(consumer.disconnect(), 20_000)));
        expect(outcomes).toEqual(consumers.map(() => undefined));
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('closing while a rebalance is under way: the member leaves, the other takes every partition, nothing is lost', async () => {
    const topic = uniqueTopic('close-during-rebalance');
    await cluster.createTopic(topic, 4);
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
    await producer.connect();
    for (let i = 0; i < 400; i++) producer.produce({ topic, partition: i % 4, value: `m${i}` });
    await producer.flush(20_000);
    await producer.disconnect();
    const group = uniqueTopic('close-during-rebalance');
    const first = new Consumer(consumerConfig(group));
    await first.connect();
    first.subscribe(topic);
    const firstSeen = await collect(first, 1, 30_000);
    expect(firstSeen.length).toBeGreaterThan(0);
    const second = new Consumer(consumerConfig(group));
    await second.connect();
    second.subscribe(topic);
    const distinct = new Set(firstSeen.map((m) => `${m.partition}:${m.offset}`));
    const secondReading = (async () => {
      const deadline = Date.now() + 40_000;
      while (distinct.size < 400 && Date.now() < deadline) {
        for (const m of await collect(second, 50, 200)) distinct.add(`${m.partition}:${m.offset}`);
      }
    })();
    // The second member's join starts a rebalance: close the first in the middle of it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await within(first.disconnect(), 30_000)).not.toBe('hung');
    await secondReading;
    await waitFor(() => second.assignment().length === 4, 30_000, 'the second member to own every partition');
    expect(distinct.size).toBe(400);
    await second.disconnect();
  });

  it('clients garbage-collected without disconnect(): every delivery report arrives, a MockCluster held by nothing still serves, the process exits cleanly', async () => {
    const topic = uniqueTopic('gc');
    await cluster.createTopic(topic, 1);
    const worker = path.resolve(__dirname, '..', 'support', 'gc-without-close-worker.js');
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--expose-gc', worker], {
      env: { ...process.env, BOOTSTRAP: cluster.bootstrapServers, TOPIC: topic },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.signal).toBeNull(); // no crash, not killed by the timeout
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(['reports 100', 'mock offset 0', 'done']);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
