import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { describe, expect, it } from 'vitest';

import { Consumer, type Message, MockCluster, Producer, consumerStream, producerStream } from '../../src';
import { uniqueTopic } from '../support/mock';

const MESSAGES = 1_000_000;
// The mock keeps the last 5 MB of each partition: 8 partitions hold the run.
const PARTITIONS = 8;
// What the JS heap may grow by while a million messages flow (asserted):
// without backpressure, a million decoded messages alone would take several
// hundred MB.
const HEAP_GROWTH_BOUND_MB = 64;
// The process RSS (native buffers, the mock's own storage of both topics
// included) may grow by this much.
const RSS_GROWTH_BOUND_MB = 400;

describe('consumerStream → Transform → producerStream on the mock cluster', () => {
  it(`pipes ${MESSAGES.toLocaleString('en')} messages with bounded memory and backpressure`, async () => {
    await using mock = new MockCluster();
    const input = uniqueTopic('stream-in');
    const output = uniqueTopic('stream-out');
    mock.createTopic(input, { partitions: PARTITIONS });
    mock.createTopic(output, { partitions: PARTITIONS });
    const config = { 'bootstrap.servers': mock.bootstrapServers };

    // The input, through a producer stream too (Buffers as chunks with options.topic).
    await using seeder = new Producer({ ...config, 'linger.ms': 20 });
    await seeder.connect();
    let i = 0;
    await pipeline(
      async function* values() {
        for (; i < MESSAGES; i++) yield Buffer.from(`m${i}`);
      },
      producerStream(seeder, { topic: input }),
    );
    expect(seeder.deliveryCounts).toEqual({ delivered: MESSAGES, failed: 0 });

    await using consumer = new Consumer({
      ...config,
      'group.id': uniqueTopic('stream-group'),
      'auto.offset.reset': 'earliest',
      'queued.max.messages.kbytes': 4096,
    });
    await consumer.connect();
    consumer.subscribe(input);
    await using producer = new Producer({ ...config, 'linger.ms': 20, 'queue.buffering.max.messages': 20_000 });
    await producer.connect();

    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage.rss();
    let heapPeak = heapBefore;
    let rssPeak = rssBefore;
    let readablePeak = 0;
    let writablePeak = 0;
    const endOfInput = new AbortController();
    const source = consumerStream(consumer, { highWaterMark: 64, signal: endOfInput.signal });
    const sink = producerStream(producer, { topic: output, highWaterMark: 64 });
    const sampler = setInterval(() => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
      readablePeak = Math.max(readablePeak, source.readableLength);
      writablePeak = Math.max(writablePeak, sink.writableLength);
    }, 50);

    let transformed = 0;
    const uppercase = new Transform({
      objectMode: true,
      transform(message: Message, _encoding, callback) {
        transformed++;
        // The source ends after the last message: the pipeline then flushes the sink.
        if (transformed === MESSAGES) endOfInput.abort();
        callback(null, {
          key: message.key,
          value: Buffer.from(String(message.value).toUpperCase()),
          partition: message.partition,
        });
      },
    });
    const started = Date.now();
    try {
      await pipeline(source, uppercase, sink);
    } finally {
      clearInterval(sampler);
    }
    const seconds = (Date.now() - started) / 1000;
    const heapGrowthMb = (heapPeak - heapBefore) / 2 ** 20;
    const rssGrowthMb = (rssPeak - rssBefore) / 2 ** 20;
    console.log(
      `streams: ${MESSAGES} messages in ${seconds.toFixed(1)} s; heap +${heapGrowthMb.toFixed(0)} MB, ` +
        `RSS +${rssGrowthMb.toFixed(0)} MB; buffered at most ${readablePeak} (readable) / ${writablePeak} (writable)`,
    );
    expect(transformed).toBe(MESSAGES);
    expect(producer.deliveryCounts).toEqual({ delivered: MESSAGES, failed: 0 });
    expect(heapGrowthMb).toBeLessThan(HEAP_GROWTH_BOUND_MB);
    expect(rssGrowthMb).toBeLessThan(RSS_GROWTH_BOUND_MB);
    expect(readablePeak).toBeLessThanOrEqual(64);
    expect(writablePeak).toBeLessThanOrEqual(64 + 1);

    // The output is the transformed input: spot-check one partition's head.
    const checker = new Consumer({ ...config, 'group.id': uniqueTopic('stream-check'), 'auto.offset.reset': 'earliest' });
    await checker.connect();
    const { low } = await checker.queryWatermarkOffsets(output, 0);
    checker.assign([{ topic: output, partition: 0, offset: low }]);
    for await (const message of checker) {
      expect(String(message.value)).toMatch(/^M\d+$/);
      break;
    }
    await checker.disconnect();
  }, 180_000);

  it('a producer stream waits for room when librdkafka queue is full (write() returns false meanwhile) and fails on bad chunks', async () => {
    await using mock = new MockCluster();
    const topic = uniqueTopic('stream-full');
    mock.createTopic(topic);
    await using producer = new Producer({
      'bootstrap.servers': mock.bootstrapServers,
      'queue.buffering.max.messages': 10,
      'linger.ms': 50,
    });
    await producer.connect();
    const sink = producerStream(producer, { topic, highWaterMark: 4 });
    let refused = 0;
    for (let n = 0; n < 200; n++) {
      if (!sink.write(`v${n}`)) {
        refused++;
        await new Promise((resolve) => sink.once('drain', resolve));
      }
    }
    sink.end();
    await new Promise<void>((resolve, reject) => sink.once('finish', resolve).once('error', reject));
    expect(refused).toBeGreaterThan(0);
    expect(producer.deliveryCounts).toEqual({ delivered: 200, failed: 0 });

    const bad = producerStream(producer);
    const failed = new Promise<Error>((resolve) => bad.once('error', resolve));
    bad.write(Buffer.from('no topic'));
    expect((await failed).message).toMatch(/options\.topic/);
  });

  it('a consumer stream of batches ends when its signal aborts and stops pulling when destroyed', async () => {
    await using mock = new MockCluster();
    const topic = uniqueTopic('stream-batches');
    mock.createTopic(topic);
    await using producer = new Producer({ 'bootstrap.servers': mock.bootstrapServers });
    await producer.connect();
    for (let n = 0; n < 10; n++) producer.produce({ topic, value: `b${n}` });
    await producer.flush();
    await using consumer = new Consumer({
      'bootstrap.servers': mock.bootstrapServers,
      'group.id': uniqueTopic('stream-batches-group'),
      'auto.offset.reset': 'earliest',
    });
    await consumer.connect();
    consumer.subscribe(topic);
    const controller = new AbortController();
    const seen: string[] = [];
    await pipeline(
      consumerStream(consumer, { batches: true, signal: controller.signal }),
      new Writable({
        objectMode: true,
        write(batch: Message[], _encoding, callback) {
          for (const message of batch) seen.push(String(message.value));
          if (seen.length === 10) controller.abort();
          callback();
        },
      }),
    );
    expect(seen).toEqual(Array.from({ length: 10 }, (_, n) => `b${n}`));

    const waiting = consumerStream(consumer);
    waiting.resume();
    await new Promise((resolve) => setTimeout(resolve, 200));
    waiting.destroy();
    await new Promise((resolve) => waiting.once('close', resolve));
    expect(consumer.isConnected).toBe(true);
  });
});
