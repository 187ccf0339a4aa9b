// The produce and consume runs behind `demo` and `bench`: as fast as the
// client goes, with progress, and end-to-end latency at a fixed rate.
import type { Writable } from 'node:stream';

import { Consumer, Offsets } from '../consumer';
import { Producer } from '../producer';
import { type Connection, connectTo, quietTransientErrors, unjoinedGroupId } from './client-options';
import { Progress } from './progress';

// librdkafka's mock cluster keeps at most 5 MB (or 100,000 batches) per
// partition and drops the oldest beyond that: a run that produces everything
// first and then reads it back spreads it over enough partitions to keep it all.
const MOCK_PARTITION_BYTES = 5 * 1024 * 1024;
// Per-record overhead in a v2 record batch, rounded up.
const RECORD_OVERHEAD_BYTES = 24;

/** Partitions the mock cluster needs to keep `count` messages of `size` bytes. */
export function mockPartitionsFor(count: number, size: number): number {
  const bytes = count * (size + RECORD_OVERHEAD_BYTES);
  return Math.max(1, Math.ceil((bytes * 1.5) / MOCK_PARTITION_BYTES));
}

export interface RunResult {
  messages: number;
  seconds: number;
}

const PROGRESS_EVERY = 10_000;
// Let delivery reports, timers and output in every few milliseconds, as a
// responsive application would.
const YIELD_EVERY_MS = 4;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Produces `count` messages of `size` bytes fire-and-forget, then flushes:
 * in equal runs to partitions 0, 1, ... so each gets its share (and batches
 * stay as large as with one partition).
 */
export async function produceAll(
  producer: Producer,
  topic: string,
  partitions: number,
  count: number,
  size: number,
  out: Writable,
): Promise<RunResult> {
  const perPartition = Math.ceil(count / partitions);
  const value = Buffer.alloc(size, 'x');
  const progress = new Progress(out, 'produce', count);
  const started = performance.now();
  let lastYield = started;
  for (let i = 0; i < count; i++) {
    const partition = Math.floor(i / perPartition);
    try {
      producer.produce({ topic, partition, value });
    } catch (error) {
      if ((error as { code?: string }).code !== '_QUEUE_FULL') throw error;
      await producer.produceOrWait({ topic, partition, value });
    }
    if (i % PROGRESS_EVERY === 0) {
      progress.update(producer.deliveryCounts.delivered);
      const now = performance.now();
      if (now - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
  }
  const drained = producer.flush(120_000);
  const ticker = setInterval(() => progress.update(producer.deliveryCounts.delivered), 100);
  try {
    await drained;
  } finally {
    clearInterval(ticker);
  }
  const seconds = (performance.now() - started) / 1000;
  const { delivered, failed } = producer.deliveryCounts;
  progress.finish(delivered);
  if (failed > 0) throw new Error(`${failed} of ${count} messages were not delivered`);
  return { messages: delivered, seconds };
}

/** Reads `count` messages from the start of every partition of the topic (no group). */
export async function consumeAll(
  connection: Connection,
  topic: string,
  partitions: number,
  count: number,
  out: Writable,
): Promise<RunResult> {
  const { timeoutMs } = connection;
  const consumer = new Consumer(
    { ...connection.config, 'group.id': unjoinedGroupId(), 'enable.auto.commit': false },
    { maxBatchSize: 10_000 },
  );
  quietTransientErrors(consumer);
  await connectTo(consumer, connection);
  const progress = new Progress(out, 'consume', count);
  let seen = 0;
  let stalled = false;
  // Nothing new for timeoutMs: end the loop instead of waiting for ever.
  let lastSeen = seen;
  const watchdog = setInterval(() => {
    if (seen === lastSeen) {
      stalled = true;
      void consumer.disconnect();
    }
    lastSeen = seen;
  }, timeoutMs);
  const started = performance.now();
  try {
    consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: Offsets.BEGINNING })));
    for await (const batch of consumer.batches()) {
      seen += batch.length;
      progress.update(seen);
      if (seen >= count) break;
    }
  } finally {
    clearInterval(watchdog);
    await consumer.disconnect();
  }
  if (stalled && seen < count) {
    throw new Error(`the consumer read ${seen} of ${count} messages of ${topic}, then nothing for ${timeoutMs} ms`);
  }
  const seconds = (performance.now() - started) / 1000;
  progress.finish(seen);
  return { messages: seen, seconds };
}

/**
 * End-to-end latency, produce call to the consumer's loop, at a fixed rate.
 * Each value carries the time it was produced and this run's id (a reused
 * topic's older messages are skipped); warm-up messages go first, until the
 * consumer has fetched one, so its start-up is not counted.
 */
export async function measureLatency(
  config: Record<string, string>,
  topic: string,
  rate: number,
  count: number,
  timeoutMs: number,
  consumerConfig: Record<string, string | number> = {},
): Promise<Float64Array> {
  const producer = new Producer({ ...config, 'linger.ms': 0 });
  const consumer = new Consumer({ ...config, ...consumerConfig, 'group.id': unjoinedGroupId(), 'enable.auto.commit': false });
  quietTransientErrors(producer);
  quietTransientErrors(consumer);
  await producer.connect({ timeoutMs });
  await consumer.connect({ timeoutMs });
  const runId = Math.floor(Math.random() * 2 ** 32);
  const samples = new Float64Array(count);
  let received = 0;
  let warmedUp = false;
  const value = Buffer.alloc(100);
  value.writeUInt32LE(runId, 8);
  const send = (kind: number): void => {
    value.writeDoubleLE(performance.now(), 0);
    value[12] = kind;
    producer.produce({ topic, partition: 0, value });
  };
  try {
    consumer.assign([{ topic, partition: 0, offset: Offsets.END }]);
    const reading = (async () => {
      for await (const message of consumer) {
        const bytes = message.value;
        if (bytes === null || bytes.length < 13 || bytes.readUInt32LE(8) !== runId) continue;
        if (bytes[12] === WARM_UP) warmedUp = true;
        else samples[received++] = performance.now() - bytes.readDoubleLE(0);
        if (received === count) return;
      }
    })();
    const warmUpDeadline = Date.now() + timeoutMs;
    while (!warmedUp) {
      if (Date.now() > warmUpDeadline) throw new Error(`the consumer fetched nothing from ${topic} within ${timeoutMs} ms`);
      send(WARM_UP);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const started = performance.now();
    let sent = 0;
    while (sent < count) {
      const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      for (; sent < due; sent++) send(SAMPLE);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await producer.flush(timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      reading,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the consumer received ${received} of ${count} messages in time`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  } finally {
    await producer.disconnect();
    await consumer.disconnect();
  }
  return samples;
}

const WARM_UP = 0;
const SAMPLE = 1;
