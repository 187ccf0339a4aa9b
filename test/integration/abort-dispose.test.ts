import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AbortError, AdminClient, Consumer, ErrorCodes, MockCluster, Producer } from '../../src';
import { type ClusterTarget, targets } from '../support/clusters';
import { uniqueTopic } from '../support/mock';

function expectAbortError(error: unknown, reason: unknown): void {
  expect(error).toBeInstanceOf(AbortError);
  expect((error as Error).name).toBe('AbortError');
  expect((error as Error).cause).toBe(reason);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to reject');
    },
    (error: unknown) => error,
  );
}

describe.each(targets())('Symbol.asyncDispose and AbortSignal on $name', ({ start }) => {
  let cluster: ClusterTarget;
  beforeAll(async () => {
    cluster = await start();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  const config = (): { 'bootstrap.servers': string } => ({ 'bootstrap.servers': cluster.bootstrapServers });

  it('await using disconnects Producer, Consumer and AdminClient when the scope ends', async () => {
    const topic = uniqueTopic('dispose');
    await cluster.createTopic(topic, 1);
    let producer: Producer;
    let consumer: Consumer;
    let admin: AdminClient;
    {
      await using scopedProducer = new Producer(config());
      await using scopedConsumer = new Consumer({ ...config(), 'group.id': uniqueTopic('dispose-group') });
      await using scopedAdmin = new AdminClient(config());
      producer = scopedProducer;
      consumer = scopedConsumer;
      admin = scopedAdmin;
      await Promise.all([producer.connect(), consumer.connect(), admin.connect()]);
      await producer.send({ topic, value: 'before the scope ends' });
      expect(producer.isConnected && consumer.isConnected && admin.isConnected).toBe(true);
    }
    expect([producer.isConnected, consumer.isConnected, admin.isConnected]).toEqual([false, false, false]);
    expect(() => producer.produce({ topic, value: 'after' })).toThrowError(/Producer is closed/);
    expect(() => consumer.subscribe(topic)).toThrowError(/Consumer is closed/);
  });

  it('a for await loop ends cleanly when its consumer is disposed while it waits', async () => {
    const topic = uniqueTopic('dispose-loop');
    await cluster.createTopic(topic, 1);
    const consumer = new Consumer({ ...config(), 'group.id': uniqueTopic('dispose-loop-group') });
    await consumer.connect();
    consumer.subscribe(topic);
    const loop = (async () => {
      let count = 0;
      for await (const _message of consumer) count++;
      return count;
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await consumer[Symbol.asyncDispose]();
    await expect(loop).resolves.toBe(0);
  });

  it('an already aborted signal rejects each long call at once with AbortError(cause = reason); the client stays usable', async () => {
    const topic = uniqueTopic('aborted');
    await cluster.createTopic(topic, 1);
    const reason = new Error('caller gave up');
    const signal = AbortSignal.abort(reason);
    const producer = new Producer(config());
    expectAbortError(await rejection(producer.connect({ signal })), reason);
    const fresh = new Producer(config());
    await fresh.connect();
    expectAbortError(await rejection(fresh.send({ topic, value: 'x' }, { signal })), reason);
    expectAbortError(await rejection(fresh.flush(1000, { signal })), reason);
    expectAbortError(await rejection(fresh.getMetadata({ signal })), reason);
    const consumer = new Consumer({ ...config(), 'group.id': uniqueTopic('aborted-group') });
    await consumer.connect();
    consumer.assign([{ topic, partition: 0 }]);
    expectAbortError(await rejection(consumer.commit([{ topic, partition: 0, offset: 1 }], { signal })), reason);
    expectAbortError(await rejection(consumer.committed(undefined, 5000, { signal })), reason);
    expectAbortError(await rejection(consumer.seek({ topic, partition: 0, offset: 0 }, 5000, { signal })), reason);
    expectAbortError(await rejection(consumer.queryWatermarkOffsets(topic, 0, 5000, { signal })), reason);
    expectAbortError(await rejection(consumer.offsetsForTimes([{ topic, partition: 0, offset: 0 }], 5000, { signal })), reason);
    // Nothing was left half-done: the same calls without a signal work.
    await fresh.send({ topic, value: 'after the aborts' });
    expect(await consumer.queryWatermarkOffsets(topic, 0)).toEqual({ low: 0, high: 1 });
    await expect(consumer.commit([{ topic, partition: 0, offset: 1 }])).resolves.toEqual([
      expect.objectContaining({ topic, partition: 0, offset: 1 }),
    ]);
    await Promise.all([fresh.disconnect(), consumer.disconnect(), producer.disconnect()]);
    await expect(new Producer(config()).flush(1000, { signal: 'no' as never })).rejects.toThrow(/options.signal/);
  });

  it('an aborted signal ends consumer.messages() and consumer.batches() loops without an error', async () => {
    const topic = uniqueTopic('abort-loop');
    await cluster.createTopic(topic, 1);
    const producer = new Producer(config());
    await producer.connect();
    for (let i = 0; i < 5; i++) await producer.send({ topic, value: `m${i}` });
    const consumer = new Consumer({ ...config(), 'group.id': uniqueTopic('abort-loop-group'), 'auto.offset.reset': 'earliest' });
    await consumer.connect();
    consumer.subscribe(topic);
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const message of consumer.messages({ signal: controller.signal })) {
      seen.push(String(message.value));
      if (seen.length === 2) controller.abort();
    }
    expect(seen).toEqual(['m0', 'm1']);
    // Waiting on an empty queue: the abort wakes the loop.
    const waiting = new AbortController();
    const batches: number[] = [];
    const loop = (async () => {
      for await (const batch of consumer.batches({ signal: waiting.signal })) batches.push(batch.length);
    })();
    setTimeout(() => waiting.abort(), 500);
    await loop;
    expect(batches.reduce((sum, n) => sum + n, 0)).toBe(3); // m2..m4, then the abort ended the wait
    expect(consumer.isConnected).toBe(true);
    await Promise.all([producer.disconnect(), consumer.disconnect()]);
  });
});

describe('AbortSignal mid-call on the mock cluster (slow broker)', () => {
  it('aborting a slow committed(), send() and connect() rejects at once; the native calls finish safely behind', async () => {
    await using mock = new MockCluster();
    const topic = uniqueTopic('abort-slow');
    mock.createTopic(topic);
    const consumer = new Consumer({ 'bootstrap.servers': mock.bootstrapServers, 'group.id': uniqueTopic('abort-slow-group') });
    await consumer.connect();
    const producer = new Producer({ 'bootstrap.servers': mock.bootstrapServers, 'linger.ms': 0 });
    await producer.connect();
    mock.setBrokerRtt(1, 1500);

    const reason = 'too slow';
    const started = Date.now();
    const committedCall = consumer.committed([{ topic, partition: 0 }], 10_000, { signal: AbortSignal.timeout(100) });
    const committedError = await rejection(committedCall);
    expect(committedError).toBeInstanceOf(AbortError);
    expect(((committedError as Error).cause as DOMException).name).toBe('TimeoutError');
    const controller = new AbortController();
    const sent = producer.send({ topic, value: 'delivered anyway' }, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 100);
    expectAbortError(await rejection(sent), reason);
    expect(Date.now() - started).toBeLessThan(1000);
    // The message was not recalled: it is delivered, and flush sees it through.
    await producer.flush(10_000);
    expect(producer.deliveryCounts).toEqual({ delivered: 1, failed: 0 });
    mock.setBrokerRtt(1, 0);
    await expect(consumer.committed([{ topic, partition: 0 }])).resolves.toHaveLength(1);

    mock.setBrokerDown(1);
    const unreachable = new Producer({ 'bootstrap.servers': mock.bootstrapServers });
    const brokerErrors: unknown[] = [];
    unreachable.on('error', (error) => brokerErrors.push(error));
    const connectError = await rejection(unreachable.connect({ timeoutMs: 3000, signal: AbortSignal.timeout(200) }));
    expect(connectError).toBeInstanceOf(AbortError);
    // An aborted connect leaves a closed client.
    await unreachable.disconnect();
    expect(() => unreachable.produce({ topic, value: 'x' })).toThrowError(expect.objectContaining({ errno: ErrorCodes._STATE }));
    mock.setBrokerUp(1);
    await Promise.all([producer.disconnect(), consumer.disconnect()]);
  });

  it('initTransactions and admin calls take a signal too', async () => {
    await using mock = new MockCluster();
    const producer = new Producer({ 'bootstrap.servers': mock.bootstrapServers, 'transactional.id': uniqueTopic('abort-txn') });
    await producer.connect();
    const reason = new Error('stop');
    expectAbortError(await rejection(producer.initTransactions({ signal: AbortSignal.abort(reason) })), reason);
    await producer.initTransactions();
    await using admin = new AdminClient({ 'bootstrap.servers': mock.bootstrapServers });
    await admin.connect();
    expectAbortError(
      await rejection(admin.listOffsets([{ topic: 'x', partition: 0, spec: 'latest' }], { signal: AbortSignal.abort(reason) })),
      reason,
    );
    await producer.disconnect();
  });
});
