// The Consumer's public members and events one by one, on the real broker:
// each test calls the member and checks what it promises (README, TSDoc).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  Consumer,
  type ConsumerConfig,
  type ConsumerOptions,
  KafkaError,
  type LogEntry,
  type Message,
  Offsets,
  Producer,
  type RebalanceEvent,
  type TopicPartitionOffset,
  librdkafkaFeatures,
} from '../../src';
import { type ClusterTarget, startKafkaTarget } from '../support/clusters';
import { BoundedReader, collect } from '../support/consume';
import { uniqueTopic, waitFor } from '../support/mock';

let cluster: ClusterTarget;
let producer: Producer;
const consumers: Consumer[] = [];

beforeAll(async () => {
  cluster = await startKafkaTarget();
  producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 1 });
  await producer.connect();
});
afterAll(async () => {
  await Promise.allSettled(consumers.map((consumer) => consumer.disconnect()));
  await producer?.disconnect();
  await cluster?.close();
});

function consumer(config: ConsumerConfig = {}, options: ConsumerOptions = {}): Consumer {
  const created = new Consumer(
    {
      'bootstrap.servers': cluster.bootstrapServers,
      'group.id': uniqueTopic('surface'),
      'auto.offset.reset': 'earliest',
      'session.timeout.ms': 6000,
      'heartbeat.interval.ms': 500,
      ...config,
    },
    options,
  );
  consumers.push(created);
  return created;
}

async function fill(topic: string, partitions: number, perPartition: number, timestamp?: (i: number) => number): Promise<void> {
  await cluster.createTopic(topic, partitions);
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < perPartition; i++) {
      producer.produce({ topic, partition: p, value: `p${p}-${i}`, timestamp: timestamp?.(i) });
    }
  }
  await producer.flush(30_000);
}

/** Retries a call while the fresh broker's coordinator is still loading (retriable errors). */
async function retrying<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof KafkaError && error.retriable) || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

describe('Consumer surface on the real broker', () => {
  it('isConnected follows connect() and disconnect(), for the producer too', async () => {
    const member = consumer();
    expect(member.isConnected).toBe(false);
    await member.connect();
    expect(member.isConnected).toBe(true);
    await member.disconnect();
    expect(member.isConnected).toBe(false);
    const other = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
    expect(other.isConnected).toBe(false);
    await other.connect();
    expect(other.isConnected).toBe(true);
    await other.disconnect();
    expect(other.isConnected).toBe(false);
  });

  it('getMetadata() on a consumer names the topic, its partitions and their leaders', async () => {
    const topic = uniqueTopic('meta');
    await cluster.createTopic(topic, 3);
    const member = consumer();
    await member.connect();
    const metadata = await member.getMetadata({ topic });
    const found = metadata.topics.find((t) => t.name === topic);
    expect(found?.partitions.map((p) => p.id).sort()).toEqual([0, 1, 2]);
    expect(found?.partitions.every((p) => p.leader === metadata.brokers[0].id)).toBe(true);
  });

  it('subscription() lists what subscribe() took; unsubscribe() leaves the group and empties both', async () => {
    const topic = uniqueTopic('unsub');
    await fill(topic, 2, 5);
    const member = consumer();
    await member.connect();
    member.subscribe([topic]);
    expect(member.subscription()).toEqual([topic]);
    expect(await collect(member, 10, 30_000)).toHaveLength(10);
    expect(member.assignment()).toHaveLength(2);
    member.unsubscribe();
    expect(member.subscription()).toEqual([]);
    // The revocation is served by the loop; pull until it is applied.
    // Nothing fetched before is handed out after unsubscribe(), not even to a new loop
    // (the earlier loop left its last batch unfinished), while the revocation is served.
    const reader = new BoundedReader(member.batches()[Symbol.asyncIterator]());
    const deadline = Date.now() + 20_000;
    while (member.assignment().length > 0 && Date.now() < deadline) expect(await reader.next(100)).toBeUndefined();
    expect(member.assignment()).toEqual([]);
    reader.stop();
  });

  it('a RegExp and a string starting with ^ subscribe to every matching topic, and only those', async () => {
    const prefix = uniqueTopic('pattern');
    const matching = [`${prefix}-a`, `${prefix}-b`];
    for (const topic of matching) await fill(topic, 1, 3);
    await fill(`other-${prefix}`, 1, 3);
    for (const subscription of [new RegExp(`${prefix}-.*`), `^${prefix}-.*`]) {
      const member = consumer({ 'topic.metadata.refresh.interval.ms': 1000 });
      await member.connect();
      member.subscribe(subscription);
      expect(member.subscription()).toEqual([`^${prefix}-.*`]);
      const messages = await collect(member, 6, 30_000);
      expect(messages.map((m) => m.topic).sort()).toEqual([...matching, ...matching, ...matching].sort());
      await member.disconnect();
    }
  });

  it('incrementalAssign() adds partitions and incrementalUnassign() removes them, without a group', async () => {
    const topic = uniqueTopic('incremental');
    await fill(topic, 3, 4);
    const member = consumer();
    await member.connect();
    member.incrementalAssign([{ topic, partition: 0, offset: Offsets.BEGINNING }]);
    member.incrementalAssign([
      { topic, partition: 1, offset: Offsets.BEGINNING },
      { topic, partition: 2, offset: Offsets.BEGINNING },
    ]);
    expect(member.assignment().map((p) => p.partition)).toEqual([0, 1, 2]);
    const all = await collect(member, 12, 30_000);
    expect(new Set(all.map((m) => m.partition))).toEqual(new Set([0, 1, 2]));
    member.incrementalUnassign([{ topic, partition: 1 }]);
    expect(member.assignment().map((p) => p.partition)).toEqual([0, 2]);
    producer.produce({ topic, partition: 1, value: 'after' });
    producer.produce({ topic, partition: 2, value: 'after' });
    await producer.flush(10_000);
    const later = await collect(member, 2, 3_000);
    expect(later.map((m) => `${m.partition}:${m.value}`)).toEqual(['2:after']);
  });

  it('commitAsync() reports through the commit event; committed() and position() default to the assignment', async () => {
    const topic = uniqueTopic('commit-async');
    await fill(topic, 2, 5);
    const member = consumer({ 'enable.auto.commit': false });
    await member.connect();
    member.assign([
      { topic, partition: 0, offset: Offsets.BEGINNING },
      { topic, partition: 1, offset: Offsets.BEGINNING },
    ]);
    // Before anything is fetched the position is INVALID (no offset yet).
    expect(member.position().map((p) => p.offset)).toEqual([Offsets.INVALID, Offsets.INVALID]);
    const reader = new BoundedReader(member[Symbol.asyncIterator]());
    for (let i = 0; i < 10; i++) expect(await reader.next(20_000)).toBeDefined();
    // The tenth loop body finishes when the loop asks for the next message.
    expect(await reader.next(300)).toBeUndefined();
    const outcome = new Promise<[KafkaError | null, TopicPartitionOffset[]]>((resolve) =>
      member.once('commit', (error, offsets) => resolve([error, offsets])),
    );
    member.commitAsync();
    const [error, offsets] = await outcome;
    expect(error).toBeNull();
    expect(offsets.map((o) => [o.partition, o.offset]).sort()).toEqual([
      [0, 5],
      [1, 5],
    ]);
    expect((await member.committed()).map((o) => [o.partition, o.offset])).toEqual([
      [0, 5],
      [1, 5],
    ]);
    expect(member.position().map((o) => [o.partition, o.offset])).toEqual([
      [0, 5],
      [1, 5],
    ]);
    reader.stop();
    // A failing commitAsync reports its error through the same event.
    await member.disconnect();
    const failed = new Promise<KafkaError | null>((resolve) => member.once('commit', (caught) => resolve(caught)));
    member.commitAsync();
    expect((await failed)?.code).toBe('_STATE');
  });

  it('offsetsForTimes() gives the earliest offset at or after each timestamp', async () => {
    const topic = uniqueTopic('times');
    const base = Date.now() - 60_000;
    await fill(topic, 1, 5, (i) => base + i * 1000);
    const member = consumer();
    await member.connect();
    const between = await member.offsetsForTimes([{ topic, partition: 0, offset: base + 1500 }]);
    expect(between.map((entry) => entry.offset)).toEqual([2]);
    const before = await member.offsetsForTimes([{ topic, partition: 0, offset: base - 10_000 }]);
    expect(before.map((entry) => entry.offset)).toEqual([0]);
    const beyond = await member.offsetsForTimes([{ topic, partition: 0, offset: Date.now() + 3_600_000 }]);
    expect(beyond[0].offset).toBe(Offsets.END);
  });

  it('messages carry the leader epoch the broker told', async () => {
    const topic = uniqueTopic('epoch');
    await fill(topic, 1, 3);
    const member = consumer();
    await member.connect();
    member.subscribe(topic);
    const messages = await collect(member, 3, 30_000);
    expect(messages.map((m) => m.leaderEpoch)).toEqual([0, 0, 0]);
  });

  it('Offsets.END starts at new messages only; Offsets.STORED at the committed offset', async () => {
    const topic = uniqueTopic('logical');
    await fill(topic, 1, 6);
    const group = uniqueTopic('logical');
    const first = consumer({ 'group.id': group });
    await first.connect();
    await retrying(() => first.commit([{ topic, partition: 0, offset: 4 }]));
    first.assign([{ topic, partition: 0, offset: Offsets.STORED }]);
    expect((await collect(first, 2, 20_000)).map((m) => m.offset)).toEqual([4, 5]);
    const second = consumer();
    await second.connect();
    second.assign([{ topic, partition: 0, offset: Offsets.END }]);
    // Let the END offset resolve before producing the new message.
    expect(await collect(second, 1, 2_000)).toEqual([]);
    await producer.send({ topic, partition: 0, value: 'new' });
    expect((await collect(second, 1, 20_000)).map((m) => [m.offset, m.value?.toString()])).toEqual([[6, 'new']]);
  });

  it('assignmentOffsets decides where assigned partitions start, over the committed offset; a bad answer is reported', async () => {
    const topic = uniqueTopic('start-at');
    await fill(topic, 2, 10);
    const group = uniqueTopic('start-at');
    const committer = consumer({ 'group.id': group });
    await committer.connect();
    await retrying(() =>
      committer.commit([
        { topic, partition: 0, offset: 2 },
        { topic, partition: 1, offset: 2 },
      ]),
    );
    await committer.disconnect();
    const asked: Array<{ topic: string; partition: number }>[] = [];
    const member = consumer(
      { 'group.id': group },
      {
        assignmentOffsets: (partitions) => {
          asked.push(partitions);
          return [{ topic, partition: 0, offset: 7 }];
        },
      },
    );
    await member.connect();
    member.subscribe(topic);
    const read = await collect(member, 3 + 8, 30_000);
    expect(read.filter((m) => m.partition === 0).map((m) => m.offset)).toEqual([7, 8, 9]);
    expect(read.filter((m) => m.partition === 1).map((m) => m.offset)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(asked.flat().sort((a, b) => a.partition - b.partition)).toEqual([
      { topic, partition: 0 },
      { topic, partition: 1 },
    ]);

    const errors: KafkaError[] = [];
    const wrong = consumer({}, { assignmentOffsets: () => [{ topic, partition: 0, offset: 'seven' as never }] });
    wrong.on('error', (error) => errors.push(error));
    await wrong.connect();
    wrong.subscribe(topic);
    // The assignment starts as it would without the option: from the beginning here.
    expect((await collect(wrong, 20, 30_000)).length).toBe(20);
    expect(errors.map((error) => error.message).join('\n')).toMatch(/assignmentOffsets/);
  });

  it('rejects an assignmentOffsets option that is not a function', () => {
    expect(() => consumer({}, { assignmentOffsets: 7 as never })).toThrow(/options\.assignmentOffsets/);
  });

  it('emits log events when librdkafka logs (debug: consumer)', async () => {
    const logs: LogEntry[] = [];
    const member = consumer({ debug: 'consumer,cgrp' });
    member.on('log', (entry) => logs.push(entry));
    await member.connect();
    member.subscribe(uniqueTopic('logs'));
    await waitFor(() => logs.some((entry) => /CGRP|SUBSCRIBE|JOIN/i.test(entry.facility)), 20_000, 'a group log line');
    expect(logs.every((entry) => entry.level >= 0 && entry.level <= 7 && typeof entry.message === 'string')).toBe(true);
  });

  it('stats carry consumer_lag: the high watermark minus the committed offset', async () => {
    const topic = uniqueTopic('lag');
    await fill(topic, 1, 10);
    const member = consumer({ 'statistics.interval.ms': 200, 'enable.auto.commit': false });
    let lag: number | undefined;
    member.on('stats', (stats) => {
      const partitions = (stats.topics as Record<string, { partitions: Record<string, { consumer_lag: number }> }>)?.[topic]
        ?.partitions;
      if (partitions?.['0']) lag = partitions['0'].consumer_lag;
    });
    await member.connect();
    member.assign([{ topic, partition: 0, offset: Offsets.BEGINNING }]);
    await retrying(() => member.commit([{ topic, partition: 0, offset: 3 }]));
    const reader = new BoundedReader(member.batches()[Symbol.asyncIterator]());
    const deadline = Date.now() + 20_000;
    while (lag !== 7 && Date.now() < deadline) await reader.next(100);
    expect(lag).toBe(7);
    reader.stop();
  });

  it("enable.auto.offset.store: true stores offsets as librdkafka hands messages over (librdkafka's way)", async () => {
    const topic = uniqueTopic('auto-store');
    await fill(topic, 1, 5);
    const outcomes: Record<string, unknown> = {};
    for (const autoStore of [true, undefined]) {
      const member = consumer({ 'enable.auto.commit': false, 'enable.auto.offset.store': autoStore });
      await member.connect();
      member.assign([{ topic, partition: 0, offset: Offsets.BEGINNING }]);
      const reader = new BoundedReader(member.batches()[Symbol.asyncIterator]());
      const batch = await reader.next(20_000);
      // The loop body has not finished its first batch: only librdkafka's own store knows its offsets.
      outcomes[`next after batch ${autoStore}`] = [batch!.at(-1)!.offset + 1];
      outcomes[String(autoStore)] = (await member.commit()).map((entry) => entry.offset);
      reader.stop();
    }
    // librdkafka's store committed the batch at once; ours waits for the loop body (nothing to commit yet).
    expect(outcomes.true).toEqual(outcomes['next after batch true']);
    expect(outcomes.undefined).toEqual([]);
  });

  it('librdkafkaFeatures lists what the bundled build promises', () => {
    for (const feature of ['ssl', 'sasl_scram', 'sasl_oauthbearer', 'zstd', 'lz4']) expect(librdkafkaFeatures).toContain(feature);
  });
});

describe('Rebalance handler contract on the real broker', () => {
  it('a revocation reaches the handler while the partitions are still owned (it may commit); no message of them is handed out after it', async () => {
    const topic = uniqueTopic('contract');
    await fill(topic, 2, 50);
    const group = uniqueTopic('contract');
    const log: string[] = [];
    let revokedAt = -1;
    let firstDelivered: Message[] = [];
    const first = consumer(
      { 'group.id': group, 'partition.assignment.strategy': 'range', 'enable.auto.commit': false },
      {
        rebalance: async (event: RebalanceEvent, owner) => {
          if (event.type !== 'revoke') return;
          // Still assigned: the revocation is applied after the handler.
          const owned = owner.assignment().length;
          const committed = await owner.commit().then(
            (offsets) => offsets.map((o) => o.offset).join(','),
            (error: KafkaError) => error.code,
          );
          log.push(`revoke owned=${owned} lost=${event.lost} committed=${committed}`);
          revokedAt = firstDelivered.length;
        },
      },
    );
    await first.connect();
    first.subscribe(topic);
    const reader = new BoundedReader(first[Symbol.asyncIterator]());
    while (firstDelivered.length < 10) {
      const message = await reader.next(20_000);
      if (message === undefined) throw new Error('no message within 20 s');
      firstDelivered.push(message);
    }
    const second = consumer({ 'group.id': group, 'partition.assignment.strategy': 'range' });
    await second.connect();
    second.subscribe(topic);
    const secondReader = new BoundedReader(second.batches()[Symbol.asyncIterator]());
    const deadline = Date.now() + 30_000;
    while ((first.assignment().length !== 1 || second.assignment().length !== 1) && Date.now() < deadline) {
      const message = await reader.next(50);
      if (message) firstDelivered.push(message);
      await secondReader.next(50);
    }
    expect(first.assignment()).toHaveLength(1);
    expect(log[0]).toMatch(/^revoke owned=2 lost=false committed=-?\d+(,-?\d+)?$/);
    // Messages handed out after the revocation are only those of what is owned now.
    const kept = first.assignment()[0].partition;
    expect(firstDelivered.slice(revokedAt).every((m) => m.partition === kept)).toBe(true);
    reader.stop();
    secondReader.stop();
    await first.disconnect();
    // disconnect() gave the handler a final revocation of what was left.
    expect(log.at(-1)).toMatch(/^revoke owned=1 lost=false committed=/);
    firstDelivered = [];
  });
});
