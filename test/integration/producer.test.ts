import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ErrorCodes, KafkaError, Producer, type DeliveryReport } from '../../src';
import { type ClusterTarget, targets } from '../support/clusters';
import { uniqueTopic } from '../support/mock';

describe.each(targets())('Producer on $name', ({ start }) => {
  let cluster: ClusterTarget;

  beforeAll(async () => {
    cluster = await start();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  async function connected(extra: Record<string, unknown> = {}): Promise<Producer> {
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, ...extra });
    await producer.connect();
    return producer;
  }

  it('reports every one of 100,000 messages exactly once, offsets ascending per partition', async () => {
    const topic = uniqueTopic('dr');
    await cluster.createTopic(topic, 4);
    const producer = await connected({ 'linger.ms': 5 });
    const seen = new Map<number, number>();
    const lastOffset = new Map<number, number>();
    let outOfOrder = 0;
    let failures = 0;
    producer.on('delivery-report', (report) => {
      if (report.error) failures++;
      const id = report.opaque as number;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      const previous = lastOffset.get(report.partition) ?? -1;
      if (report.offset <= previous) outOfOrder++;
      lastOffset.set(report.partition, report.offset);
    });
    const value = Buffer.alloc(100, 7);
    for (let i = 0; i < 100_000; i++) {
      await producer.produceOrWait({ topic, value, key: String(i), opaque: i });
    }
    await producer.flush(30_000);
    expect(failures).toBe(0);
    expect(seen.size).toBe(100_000);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect(outOfOrder).toBe(0);
    expect(lastOffset.size).toBe(4);
    expect(producer.inFlight).toBe(0);
    expect(producer.deliveryCounts).toEqual({ delivered: 100_000, failed: 0 });
    await producer.disconnect();
  });

  it('send() resolves with topic, partition, offset and timestamp', async () => {
    const topic = uniqueTopic('send');
    await cluster.createTopic(topic, 1);
    const producer = await connected({ 'linger.ms': 0 });
    const timestamp = Date.now() - 60_000;
    const first = await producer.send({ topic, value: 'a', timestamp });
    const second = await producer.send({ topic, value: Buffer.from('b'), partition: 0, headers: { h: 'v' } });
    expect(first).toMatchObject({ topic, partition: 0, offset: 0 });
    expect(second).toMatchObject({ topic, partition: 0, offset: 1 });
    expect(typeof first.timestamp).toBe('number');
    await producer.disconnect();
  });

  it('sendBatch() resolves with every report in order, waits for room when the queue is full, and rejects with a refused message', async () => {
    const topic = uniqueTopic('send-batch');
    await cluster.createTopic(topic, 2);
    // A queue of 100 messages for a batch of 2,500: sendBatch waits for room, nothing is refused.
    const producer = await connected({ 'linger.ms': 1, 'queue.buffering.max.messages': 100 });
    const messages = Array.from({ length: 2500 }, (_, i) => ({ topic, partition: i % 2, value: `m${i}`, opaque: i }));
    const reports = await producer.sendBatch(messages);
    expect(reports).toHaveLength(2500);
    expect(reports.map((report) => report.partition)).toEqual(messages.map((message) => message.partition));
    for (const partition of [0, 1]) {
      const offsets = reports.filter((report) => report.partition === partition).map((report) => report.offset);
      expect(offsets).toEqual(Array.from({ length: 1250 }, (_, i) => i));
    }
    expect(reports.every((report) => report.error === undefined && report.topic === topic)).toBe(true);
    expect(await producer.sendBatch([])).toEqual([]);

    // The message before the bad one is still delivered.
    const refused = producer.sendBatch([
      { topic, partition: 0, value: 'kept' },
      { topic, partition: 7, value: 'no such partition' },
    ]);
    await expect(refused).rejects.toMatchObject({ code: '_UNKNOWN_PARTITION' });
    await producer.flush(10_000);
    expect(producer.deliveryCounts.delivered).toBe(2501);
    await expect(producer.sendBatch('not an array' as never)).rejects.toThrow(/messages/);
    await producer.disconnect();
  });

  it('keeps concurrent sendBatch() and send() calls apart, and settles every batch still queued at disconnect', async () => {
    const topics = [uniqueTopic('batches-a'), uniqueTopic('batches-b')];
    for (const topic of topics) await cluster.createTopic(topic, 1);
    const producer = await connected({ 'linger.ms': 5 });
    const batches = Array.from({ length: 20 }, (_, b) =>
      producer.sendBatch(Array.from({ length: 50 }, (_, i) => ({ topic: topics[b % 2], value: `${b}-${i}` }))),
    );
    const singles = Array.from({ length: 20 }, (_, i) => producer.send({ topic: topics[0], value: `single-${i}` }));
    const [batchReports, singleReports] = await Promise.all([Promise.all(batches), Promise.all(singles)]);
    batchReports.forEach((reports, b) => {
      expect(reports).toHaveLength(50);
      expect(reports.every((report) => report.topic === topics[b % 2] && report.error === undefined)).toBe(true);
      // One batch is enqueued in one go: consecutive offsets, in message order.
      expect(reports.map((report) => report.offset - reports[0].offset)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    });
    expect(singleReports.every((report) => report.topic === topics[0] && report.error === undefined)).toBe(true);
    const offsetsOfA = [...batchReports.filter((_, b) => b % 2 === 0).flat(), ...singleReports].map((r) => r.offset);
    expect(new Set(offsetsOfA).size).toBe(10 * 50 + 20);
    await producer.disconnect();

    const lingering = await connected({ 'linger.ms': 60_000 });
    const queued = [0, 1, 2].map(() => lingering.sendBatch([{ topic: topics[1], value: 'never sent' }]));
    const outcomes = Promise.allSettled(queued);
    await lingering.disconnect({ timeoutMs: 0 });
    // disconnect's flush may still send them (seen under Deno): each batch is
    // then delivered, or else it fails; none is left pending.
    for (const outcome of await outcomes) {
      if (outcome.status === 'fulfilled') expect(outcome.value.map((report) => report.error)).toEqual([undefined]);
      else expect(outcome.reason).toBeInstanceOf(KafkaError);
    }
  });

  it('resolves an awaited send() without any poll interval (linger.ms=0)', async () => {
    const topic = uniqueTopic('latency');
    await cluster.createTopic(topic, 1);
    const producer = await connected({ 'linger.ms': 0 });
    await producer.send({ topic, value: 'warm-up' });
    const samples: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = process.hrtime.bigint();
      await producer.send({ topic, value: 'x' });
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    samples.sort((a, b) => a - b);
    // Reports are woken by librdkafka's queue, not found by a timer: the
    // median round trip stays far below any poll interval (node-rdkafka: 100 ms).
    expect(samples[100]).toBeLessThan(cluster.name === 'mock' ? 5 : 20);
    await producer.disconnect();
  });

  it('rejects a message larger than message.max.bytes with a KafkaError saying what to change', async () => {
    const topic = uniqueTopic('big');
    await cluster.createTopic(topic, 1);
    const producer = await connected({ 'message.max.bytes': 10_000 });
    const error = (() => {
      try {
        producer.produce({ topic, value: Buffer.alloc(20_000) });
      } catch (caught) {
        return caught as KafkaError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(KafkaError);
    expect(error!.code).toBe('MSG_SIZE_TOO_LARGE');
    expect(error!.retriable).toBe(false);
    expect(error!.message).toMatch(/message.max.bytes/);
    await expect(producer.send({ topic, value: Buffer.alloc(20_000) })).rejects.toMatchObject({
      code: 'MSG_SIZE_TOO_LARGE',
    });
    await producer.disconnect();
  });

  it('refuses wrong argument types with TypeErrors naming the field', async () => {
    const producer = await connected();
    expect(() => producer.produce({ topic: 'ok', value: 42 as never })).toThrowError(
      /Expected a Buffer, Uint8Array, string or null for message.value but received 42 \(number\)/,
    );
    expect(() => producer.produce({ topic: 'bad topic', value: 'x' })).toThrowError(/message.topic/);
    expect(() => producer.produce({ topic: 'ok', value: 'x', partition: -3 })).toThrowError(/message.partition/);
    expect(() => producer.produce(null as never)).toThrowError(/Expected an object for message/);
    await expect(producer.send({ topic: 'ok', value: {} as never })).rejects.toBeInstanceOf(TypeError);
    await producer.disconnect();
  });

  it('uses a closed or unconnected producer only to say so', async () => {
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
    expect(() => producer.produce({ topic: 'x', value: 'v' })).toThrowError(/not connected: call await producer.connect/);
    await producer.connect();
    await producer.disconnect();
    expect(() => producer.produce({ topic: 'x', value: 'v' })).toThrowError(KafkaError);
    await expect(producer.flush(10)).rejects.toMatchObject({ code: '_STATE' });
    await expect(producer.connect()).rejects.toMatchObject({ code: '_STATE' });
  });

  it("rejects an unknown config key with librdkafka's own words", () => {
    let error: KafkaError | undefined;
    try {
      new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.msec': 5 } as never);
    } catch (caught) {
      error = caught as KafkaError;
    }
    expect(error).toBeInstanceOf(KafkaError);
    expect(error!.code).toBe('_INVALID_ARG');
    expect(error!.message).toMatch(/linger.msec.*No such configuration property/);
    expect(() => new Producer({ 'linger.ms': 'soon' } as never)).toThrowError(/Invalid configuration "linger.ms"/);
  });

  it('emits parsed statistics and librdkafka logs as events', async () => {
    const producer = new Producer({
      'bootstrap.servers': cluster.bootstrapServers,
      'statistics.interval.ms': 100,
      debug: 'broker',
    });
    const stats: Array<Record<string, unknown>> = [];
    const logs: Array<{ level: number; facility: string; message: string }> = [];
    producer.on('stats', (entry) => stats.push(entry));
    producer.on('log', (entry) => logs.push(entry));
    await producer.connect();
    const deadline = Date.now() + 5000;
    while (stats.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await producer.disconnect();
    expect(stats[0]).toMatchObject({ type: 'producer' });
    expect(typeof stats[0].brokers).toBe('object');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs[0].level).toBe(7);
    expect(typeof logs[0].facility).toBe('string');
  });

  it('keeps header values byte for byte and several values per name', async () => {
    const topic = uniqueTopic('headers');
    await cluster.createTopic(topic, 1);
    const producer = await connected({ 'linger.ms': 0 });
    const binary = Buffer.from([0, 1, 2, 255, 254, 0]);
    const report = await producer.send({
      topic,
      value: null,
      key: null,
      headers: [
        ['a', binary],
        ['a', 'two'],
        ['empty', ''],
      ],
    });
    expect(report.offset).toBe(0);
    await producer.disconnect();
  });
});

describe('Producer on the mock cluster with faults injected', () => {
  let cluster: ClusterTarget;
  beforeAll(async () => {
    cluster = await targets()[0].start();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('surfaces a broker error as a KafkaError with its code and retriable flag', async () => {
    const topic = uniqueTopic('fault');
    await cluster.createTopic(topic, 1);
    const producer = new Producer({
      'bootstrap.servers': cluster.bootstrapServers,
      'linger.ms': 0,
      retries: 0,
      'enable.idempotence': false,
    });
    await producer.connect();
    await producer.send({ topic, value: 'warm-up' });
    cluster.mock!.pushRequestErrors(0, ['NOT_ENOUGH_REPLICAS']);
    const error = await producer.send({ topic, value: 'x' }).catch((caught: unknown) => caught as KafkaError);
    expect(error).toBeInstanceOf(KafkaError);
    expect((error as KafkaError).code).toBe('NOT_ENOUGH_REPLICAS');
    expect((error as KafkaError).retriable).toBe(true);
    cluster.mock!.pushRequestErrors(0, ['TOPIC_AUTHORIZATION_FAILED']);
    const denied = await producer.send({ topic, value: 'y' }).catch((caught: unknown) => caught as KafkaError);
    expect((denied as KafkaError).code).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect((denied as KafkaError).retriable).toBe(false);
    await producer.disconnect();
  });

  it('retries a retriable error itself when retries allow', async () => {
    const topic = uniqueTopic('retry');
    await cluster.createTopic(topic, 1);
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 0, 'retry.backoff.ms': 10 });
    await producer.connect();
    await producer.send({ topic, value: 'warm-up' });
    cluster.mock!.pushRequestErrors(0, [6 /* NOT_LEADER_OR_FOLLOWER */, 'NOT_ENOUGH_REPLICAS']);
    const report = await producer.send({ topic, value: 'x' });
    expect(report.offset).toBe(1);
    await producer.disconnect();
  });

  it('flush(timeout) rejects with a retriable _TIMED_OUT while the broker is down, and nothing is lost', async () => {
    const topic = uniqueTopic('flush');
    await cluster.createTopic(topic, 1);
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 0 });
    await producer.connect();
    await producer.send({ topic, value: 'warm-up' });
    const reports: DeliveryReport[] = [];
    producer.on('delivery-report', (report) => reports.push(report));
    cluster.mock!.setBrokerDown(1);
    for (let i = 0; i < 10; i++) producer.produce({ topic, value: `m${i}` });
    const error = await producer.flush(300).catch((caught: unknown) => caught as KafkaError);
    expect(error).toBeInstanceOf(KafkaError);
    expect((error as KafkaError).code).toBe('_TIMED_OUT');
    expect((error as KafkaError).retriable).toBe(true);
    expect(producer.inFlight).toBe(10);
    cluster.mock!.setBrokerUp(1);
    await producer.flush(30_000);
    expect(reports.filter((report) => !report.error)).toHaveLength(10);
    await producer.disconnect();
  });

  it('disconnect with a timeout reports every message still in flight as failed, with its bytes', async () => {
    const topic = uniqueTopic('purge');
    await cluster.createTopic(topic, 1);
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 0 });
    await producer.connect();
    await producer.send({ topic, value: 'warm-up' });
    cluster.mock!.setBrokerDown(1);
    const failed: DeliveryReport[] = [];
    producer.on('delivery-report', (report) => {
      if (report.error) failed.push(report);
    });
    for (let i = 0; i < 500; i++) producer.produce({ topic, value: `value-${i}`, key: `key-${i}` });
    const awaited = producer.send({ topic, value: 'awaited' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await producer.disconnect({ timeoutMs: 200 });
    cluster.mock!.setBrokerUp(1);
    expect(await awaited).toMatchObject({ code: expect.stringMatching(/^_PURGE_(QUEUE|INFLIGHT)$/) });
    expect(failed).toHaveLength(500);
    expect(new Set(failed.map((report) => report.value!.toString())).size).toBe(500);
    expect(failed.every((report) => report.error instanceof KafkaError)).toBe(true);
    expect(failed[0].key!.toString()).toMatch(/^key-/);
  });

  it('produceOrWait() waits for room instead of dropping when the queue is full', async () => {
    const topic = uniqueTopic('full');
    await cluster.createTopic(topic, 1);
    const producer = new Producer({
      'bootstrap.servers': cluster.bootstrapServers,
      'queue.buffering.max.messages': 100,
      'linger.ms': 1,
    });
    await producer.connect();
    let refused = 0;
    for (let i = 0; i < 1_000; i++) {
      try {
        producer.produce({ topic, value: 'x' });
      } catch (error) {
        expect((error as KafkaError).code).toBe('_QUEUE_FULL');
        expect((error as KafkaError).retriable).toBe(true);
        refused++;
        await producer.produceOrWait({ topic, value: 'x' });
      }
    }
    expect(refused).toBeGreaterThan(0);
    await producer.flush(30_000);
    const watermark = await producer.send({ topic, value: 'last' });
    expect(watermark.offset).toBe(1_000);
    await producer.disconnect();
  });
});

describe('Producer handles and threads', () => {
  it('creates and closes 1,000 producers without leaking handles', async () => {
    const before = process.getActiveResourcesInfo().length;
    for (let i = 0; i < 1_000; i++) {
      const producer = new Producer({ 'bootstrap.servers': '127.0.0.1:1', 'socket.connection.setup.timeout.ms': 1000 });
      const refusals: KafkaError[] = [];
      producer.on('error', (error) => refusals.push(error)); // nothing listens on port 1: expected
      // Connect fails fast against a closed port; closing must still release everything.
      if (i % 100 === 0) {
        await producer.connect({ timeoutMs: 50 }).catch(() => undefined);
      }
      await producer.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(process.getActiveResourcesInfo().length).toBeLessThanOrEqual(before + 1);
  });

  it('serves 20 producers flushing at once with the default libuv pool, fs still prompt', async () => {
    const cluster = await targets()[0].start();
    try {
      cluster.mock!.setBrokerRtt(1, 300);
      const topic = uniqueTopic('pool');
      await cluster.createTopic(topic, 1);
      const producers = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 0 });
          await producer.connect();
          return producer;
        }),
      );
      for (const producer of producers) producer.produce({ topic, value: 'x' });
      const flushes = Promise.all(producers.map((producer) => producer.flush(30_000)));
      const { readFile } = await import('node:fs/promises');
      const started = Date.now();
      await readFile(__filename);
      expect(Date.now() - started).toBeLessThan(200);
      await flushes;
      await Promise.all(producers.map((producer) => producer.disconnect()));
    } finally {
      await cluster.close();
    }
  });
});

describe('error code table', () => {
  it('knows the codes the tests rely on', () => {
    expect(ErrorCodes._PURGE_QUEUE).toBeLessThan(0);
    expect(ErrorCodes.NOT_ENOUGH_REPLICAS).toBe(19);
  });
});
