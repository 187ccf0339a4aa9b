// rdkafka-napi/kafkajs consumer, from KafkaJS's documented behaviour:
// eachMessage and eachBatch with the commits autoCommit makes (checked
// through the admin API), the batch helpers, pause/resume/paused, seek,
// partitionsConsumedConcurrently, a failing handler's retry, fromBeginning,
// and the instrumentation events. Each case runs on the mock cluster and the real broker.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  type Consumer,
  type EachBatchPayload,
  Kafka,
  type KafkaMessage,
  KafkaJSNonRetriableError,
  type Producer,
  logLevel,
} from '../../src/kafkajs';
import { type ClusterTarget, targets } from '../support/clusters';
import { eventually, kafkaOn } from '../support/kafkajs';
import { uniqueTopic } from '../support/mock';

const fast = { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 50 };

describe.each(targets())('kafkajs consumer on $name', ({ start }) => {
  let cluster: ClusterTarget;
  let kafka: Kafka;
  let producer: Producer;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    cluster = await start();
    kafka = kafkaOn(cluster);
    producer = kafka.producer();
    await producer.connect();
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((consumer) => consumer.disconnect()));
  });
  afterAll(async () => {
    await producer?.disconnect();
    await cluster?.close();
  });

  async function topicWith(partitions: number, perPartition: number, prefix: string): Promise<string> {
    const topic = uniqueTopic(prefix);
    await cluster.createTopic(topic, partitions);
    const messages = [];
    for (let p = 0; p < partitions; p++) {
      for (let i = 0; i < perPartition; i++)
        messages.push({ partition: p, key: `k${p}`, value: `p${p}-m${i}`, headers: { n: String(i) } });
    }
    await producer.send({ topic, messages });
    return topic;
  }

  async function startedConsumer(topic: string, groupId = uniqueTopic('kjs-group')): Promise<Consumer> {
    const consumer = kafka.consumer({ groupId, ...fast });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    return consumer;
  }

  async function committed(groupId: string, topic: string): Promise<Record<number, string>> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return Object.fromEntries(entry.partitions.map(({ partition, offset }) => [partition, offset]));
    } finally {
      await admin.disconnect();
    }
  }

  it('eachMessage gets every message in partition order with KafkaJS shapes, and autoCommit commits them', async () => {
    const topic = await topicWith(3, 10, 'kjs-each');
    const groupId = uniqueTopic('kjs-group');
    const consumer = await startedConsumer(topic, groupId);
    const seen: Array<{ partition: number; message: KafkaMessage }> = [];
    await consumer.run({
      eachMessage: async ({ topic: from, partition, message, heartbeat, pause }) => {
        expect(from).toBe(topic);
        expect(typeof heartbeat).toBe('function');
        expect(typeof pause).toBe('function');
        seen.push({ partition, message });
      },
    });
    await eventually(() => seen.length >= 30, 30_000, '30 messages');
    const first = seen.find(({ partition, message }) => partition === 1 && message.offset === '0')!.message;
    expect(first.key?.toString()).toBe('k1');
    expect(first.value?.toString()).toBe('p1-m0');
    expect(first.headers.n?.toString()).toBe('0');
    expect(Number(first.timestamp)).toBeGreaterThan(Date.now() - 120_000);
    for (let p = 0; p < 3; p++) {
      expect(seen.filter(({ partition }) => partition === p).map(({ message }) => message.offset)).toEqual(
        Array.from({ length: 10 }, (_, i) => String(i)),
      );
    }
    await eventually(
      async () => Object.values(await committed(groupId, topic)).every((offset) => offset === '10'),
      15_000,
      'commits',
    );
    await consumer.stop();
    expect(await committed(groupId, topic)).toEqual({ 0: '10', 1: '10', 2: '10' });
  });

  it('eachBatch without auto-resolve commits only what resolveOffset marked, and the batch helpers tell its state', async () => {
    const topic = await topicWith(1, 20, 'kjs-batch');
    const groupId = uniqueTopic('kjs-group');
    const consumer = await startedConsumer(topic, groupId);
    const payloads: Array<{
      size: number;
      uncommitted: unknown;
      running: boolean;
      stale: boolean;
      first: string | null;
      last: string;
    }> = [];
    let handed = 0;
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({
        batch,
        resolveOffset,
        uncommittedOffsets,
        isRunning,
        isStale,
        commitOffsetsIfNecessary,
        heartbeat,
      }: EachBatchPayload) => {
        for (const message of batch.messages) {
          if (Number(message.offset) < 12) resolveOffset(message.offset);
        }
        await heartbeat();
        payloads.push({
          size: batch.messages.length,
          uncommitted: uncommittedOffsets(),
          running: isRunning(),
          stale: isStale(),
          first: batch.firstOffset(),
          last: batch.lastOffset(),
        });
        expect(batch.isEmpty()).toBe(false);
        expect(Number(batch.highWatermark)).toBeGreaterThan(Number(batch.lastOffset()));
        await commitOffsetsIfNecessary();
        handed += batch.messages.length;
      },
    });
    await eventually(() => handed >= 20, 30_000, '20 messages');
    await consumer.stop();
    expect(payloads[0]).toMatchObject({ running: true, stale: false, first: '0' });
    expect(payloads.at(-1)?.last).toBe('19');
    expect(payloads[0].uncommitted).toEqual({
      topics: [{ topic, partitions: [{ partition: 0, offset: String(Math.min(12, payloads[0].size)) }] }],
    });
    expect(await committed(groupId, topic)).toEqual({ 0: '12' });
  });

  it('with autoCommit off nothing is committed until commitOffsets()', async () => {
    const topic = await topicWith(1, 5, 'kjs-manual');
    const groupId = uniqueTopic('kjs-group');
    const consumer = await startedConsumer(topic, groupId);
    let count = 0;
    await consumer.run({ autoCommit: false, eachMessage: async () => void count++ });
    await eventually(() => count >= 5, 30_000, '5 messages');
    expect(await committed(groupId, topic)).toEqual({ 0: '-1' });
    await consumer.commitOffsets([{ topic, partition: 0, offset: '3' }]);
    expect(await committed(groupId, topic)).toEqual({ 0: '3' });
  });

  it('autoCommitThreshold commits at least every that many resolved offsets, batch boundaries included', async () => {
    const topic = await topicWith(1, 30, 'kjs-threshold');
    const consumer = await startedConsumer(topic);
    const commits: number[] = [];
    consumer.on(consumer.events.COMMIT_OFFSETS, (event) => {
      const { topics } = event.payload as { topics: Array<{ topic: string; partitions: Array<{ offset: string }> }> };
      commits.push(Number(topics[0].partitions[0].offset));
    });
    let count = 0;
    await consumer.run({ autoCommitThreshold: 10, eachMessage: async () => void count++ });
    await eventually(() => count >= 30 && commits.at(-1) === 30, 30_000, '30 messages committed');
    expect(commits.length).toBeGreaterThanOrEqual(3);
    [0, ...commits].reduce((previous, offset) => {
      expect(offset - previous).toBeLessThanOrEqual(10);
      return offset;
    });
  });

  it('pause() from eachMessage holds the partition back, paused() lists it, resume() delivers the rest exactly once', async () => {
    const topic = await topicWith(2, 10, 'kjs-pause');
    const consumer = await startedConsumer(topic);
    const seen: string[] = [];
    let resumeP0: (() => void) | undefined;
    await consumer.run({
      eachMessage: async ({ partition, message, pause }) => {
        seen.push(`${partition}:${message.offset}`);
        if (partition === 0 && message.offset === '2' && resumeP0 === undefined) resumeP0 = pause();
      },
    });
    await eventually(() => seen.filter((entry) => entry.startsWith('1:')).length >= 10, 30_000, 'partition 1');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen.filter((entry) => entry.startsWith('0:'))).toEqual(['0:0', '0:1', '0:2']);
    expect(consumer.paused()).toEqual([{ topic, partitions: [0] }]);
    resumeP0!();
    expect(consumer.paused()).toEqual([]);
    await eventually(() => seen.filter((entry) => entry.startsWith('0:')).length >= 10, 30_000, 'partition 0 after resume');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.filter((entry) => entry.startsWith('0:'))).toEqual(Array.from({ length: 10 }, (_, i) => `0:${i}`));
  });

  it("a partition paused from another partition's handler loses none of what was already pulled for it", async () => {
    const topic = await topicWith(2, 300, 'kjs-pause-other');
    const groupId = uniqueTopic('kjs-group');
    const consumer = await startedConsumer(topic, groupId);
    const seen: Array<Set<string>> = [new Set(), new Set()];
    let pauses = 0;
    const timers: NodeJS.Timeout[] = [];
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen[partition].add(message.offset);
        // Held, so that both partitions' messages pile up and come in the same pulls after it.
        if (seen[0].size + seen[1].size === 1) await new Promise((resolve) => setTimeout(resolve, 500));
        else await new Promise((resolve) => setTimeout(resolve, 1));
        // Every tenth message of one partition pauses the other briefly, so pulled messages of it wait behind a pause.
        const other = 1 - partition;
        if (seen[partition].size % 10 === 0 && !consumer.paused().some((entry) => entry.partitions.includes(other))) {
          pauses++;
          consumer.pause([{ topic, partitions: [other] }]);
          timers.push(setTimeout(() => consumer.resume([{ topic, partitions: [other] }]), 20));
        }
      },
    });
    await eventually(() => seen[0].size === 300 && seen[1].size === 300, 30_000, 'every message of both partitions');
    for (const timer of timers) clearTimeout(timer); // no resume() may run after the consumer is closed
    expect(pauses).toBeGreaterThan(5);
    await consumer.stop();
    expect(await committed(groupId, topic)).toEqual({ 0: '300', 1: '300' });
  });

  it('consumer.pause() and resume() by topic work from outside the handler', async () => {
    const topic = await topicWith(1, 3, 'kjs-pause-outside');
    const consumer = await startedConsumer(topic);
    let count = 0;
    await consumer.run({ eachMessage: async () => void count++ });
    await eventually(() => count >= 3, 30_000, 'first messages');
    consumer.pause([{ topic }]);
    expect(consumer.paused()).toEqual([{ topic, partitions: [0] }]);
    await producer.send({ topic, messages: [{ value: 'while paused' }] });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(count).toBe(3);
    consumer.resume([{ topic }]);
    await eventually(() => count >= 4, 15_000, 'the message sent while paused');
    expect(() => consumer.pause([{ topic: '' }])).toThrow(KafkaJSNonRetriableError);
  });

  it('seek() moves the partition back: the messages from there come again', async () => {
    const topic = await topicWith(1, 10, 'kjs-seek');
    const consumer = await startedConsumer(topic);
    const offsets: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void offsets.push(message.offset) });
    await eventually(() => offsets.length >= 10, 30_000, '10 messages');
    consumer.seek({ topic, partition: 0, offset: '6' });
    await eventually(() => offsets.length >= 14, 15_000, 'the messages after the seek');
    expect(offsets.slice(10)).toEqual(['6', '7', '8', '9']);
    expect(() => consumer.seek({ topic, partition: 0, offset: '-5' })).toThrow(/negative/);
  });

  it('a seek before the partition is assigned applies once it is', async () => {
    const topic = await topicWith(1, 10, 'kjs-seek-early');
    const consumer = await startedConsumer(topic);
    const offsets: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void offsets.push(message.offset) });
    consumer.seek({ topic, partition: 0, offset: '7' });
    await eventually(() => offsets.length >= 3, 30_000, 'the messages from offset 7');
    expect(offsets.slice(0, 3)).toEqual(['7', '8', '9']);
  });

  it('partitionsConsumedConcurrently handles several partitions at once, each in order', async () => {
    const topic = await topicWith(4, 5, 'kjs-concurrent');
    const consumer = await startedConsumer(topic);
    let active = 0;
    let maxActive = 0;
    const byPartition = new Map<number, string[]>();
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachMessage: async ({ partition, message }) => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((resolve) => setTimeout(resolve, 20));
        byPartition.set(partition, [...(byPartition.get(partition) ?? []), message.offset]);
        active--;
      },
    });
    await eventually(() => [...byPartition.values()].flat().length >= 20, 30_000, '20 messages');
    expect(maxActive).toBeGreaterThan(1);
    for (const offsets of byPartition.values()) expect(offsets).toEqual(['0', '1', '2', '3', '4']);
  });

  it('a handler that throws gets the message again, and the consumer goes on', async () => {
    const topic = await topicWith(1, 5, 'kjs-retry');
    const consumer = await startedConsumer(topic);
    const offsets: string[] = [];
    let failed = false;
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.offset === '2' && !failed) {
          failed = true;
          throw new Error('transient');
        }
        offsets.push(message.offset);
      },
    });
    await eventually(() => offsets.length >= 5, 30_000, 'all messages after the retry');
    expect(offsets).toEqual(['0', '1', '2', '3', '4']);
  });

  it("new Kafka()'s retry bounds a failing handler's retries when the consumer gives none; then the consumer crashes", async () => {
    const topic = await topicWith(1, 3, 'kjs-crash');
    const strict = new Kafka({
      brokers: cluster.bootstrapServers.split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 20 },
    });
    const consumer = strict.consumer({ groupId: uniqueTopic('kjs-group'), ...fast });
    consumers.push(consumer);
    const crashes: unknown[] = [];
    consumer.on(consumer.events.CRASH, (event) => crashes.push(event.payload));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let calls = 0;
    await consumer.run({
      eachMessage: async () => {
        calls++;
        throw new Error('always');
      },
    });
    await eventually(() => crashes.length === 1, 30_000, 'the crash');
    expect(calls).toBe(2); // the first try and one retry
    expect(crashes[0]).toMatchObject({ restart: false });
  });

  it('fromBeginning: false starts at the end; the group join and batch events fire', async () => {
    const topic = await topicWith(1, 5, 'kjs-latest');
    const consumer = kafka.consumer({ groupId: uniqueTopic('kjs-group'), ...fast });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic });
    const joins: unknown[] = [];
    const batches: unknown[] = [];
    consumer.on(consumer.events.GROUP_JOIN, (event) => joins.push(event.payload));
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => batches.push(event.payload));
    expect(() => consumer.on('consumer.nope', () => {})).toThrow(/Event name should be one of/);
    const values: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
    await eventually(() => joins.length > 0, 30_000, 'the group join');
    expect(joins[0]).toMatchObject({ memberAssignment: { [topic]: [0] } });
    // The join happens before the position is fetched; give it a moment, then send.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await producer.send({ topic, messages: [{ value: 'after join' }] });
    await eventually(() => values.length >= 1, 15_000, 'the new message');
    expect(values).toEqual(['after join']);
    expect(batches[0]).toMatchObject({ topic, partition: 0, batchSize: 1, firstOffset: '5', lastOffset: '5' });
  });

  it('misuse is refused with a KafkaJS error', async () => {
    const consumer = kafka.consumer({ groupId: uniqueTopic('kjs-group') });
    consumers.push(consumer);
    await expect(consumer.subscribe({ topics: ['t'] })).rejects.toThrow(/connect/);
    await consumer.connect();
    await expect(consumer.run({ eachMessage: async () => {} })).rejects.toThrow(/subscribe/);
    await consumer.subscribe({ topics: ['t'] });
    await expect(consumer.run({})).rejects.toThrow(/eachMessage or eachBatch/);
    expect(() => consumer.seek({ topic: 't', partition: 0, offset: '0' })).toThrow(/run must be called first/);
    expect(() => kafka.consumer({ groupId: '' } as never)).toThrow(KafkaJSNonRetriableError);
  });
});
