// What a fatal error does to a client, proven with a fabricated one
// (rd_kafka_test_fatal_error through the native test hook) instead of a real
// fencing, so every run sees the same thing: a consumer's loop ends by
// throwing it, a producer refuses to go on with it, every later call rethrows
// it with librdkafka's underlying code, and disconnect() still completes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Consumer, ErrorCodes, KafkaError, Offsets, Producer } from '../../src';
import { type ClusterTarget, targets } from '../support/clusters';
import { TestConsumers } from '../support/consumers';
import { raiseFatalError } from '../support/fatal-error';
import { uniqueTopic, waitFor } from '../support/mock';

// A close after a fatal error has nothing to wait for; 15 s leaves room for a busy machine.
const CLOSE_BOUND_MS = 15_000;

/** Resolves with the promise's outcome, or 'hung' after ms. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), ms);
  });
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a loop ended with: its error, or how many items it took. */
function settle(loop: Promise<number>): Promise<unknown> {
  return loop.then(
    (count) => `ended without an error after ${count}`,
    (error: unknown) => error,
  );
}

/** A `for await` loop over the consumer, counting what it reads; `outcome` settles as settle() says. */
function readInBackground(consumer: Consumer): { outcome: Promise<unknown>; read: () => number } {
  let read = 0;
  const outcome = settle(
    (async () => {
      for await (const _message of consumer) read++;
      return read;
    })(),
  );
  return { outcome, read: () => read };
}

/** 'closed' when disconnect() completes within CLOSE_BOUND_MS, else 'hung'. */
function disconnectedInTime(client: Consumer | Producer): Promise<string> {
  return within(
    client.disconnect().then(() => 'closed'),
    CLOSE_BOUND_MS,
  );
}

function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return 'nothing thrown';
}

describe.each(targets())('a fatal error on $name', ({ start }) => {
  let cluster: ClusterTarget;
  let producer: Producer;
  const consumers = new TestConsumers(() => cluster.bootstrapServers);

  beforeAll(async () => {
    cluster = await start();
    producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
    await producer.connect();
  });
  afterAll(async () => {
    await consumers.closeAll();
    await producer?.disconnect();
    await cluster?.close();
  });

  // librdkafka raises fatal errors only for static members (group.instance.id)
  // and KIP-848 groups among consumers, and honours them only there (commits
  // refused, the group left alone): so the tests' consumers are static members.
  function staticMemberConfig(prefix: string): Record<string, unknown> {
    return { 'group.id': uniqueTopic(prefix), 'group.instance.id': uniqueTopic('instance') };
  }
  function staticMember(prefix: string): Consumer {
    return consumers.create(staticMemberConfig(prefix));
  }

  async function topicWith(prefix: string, count: number): Promise<string> {
    const topic = uniqueTopic(prefix);
    await cluster.createTopic(topic, 1);
    for (let i = 0; i < count; i++) producer.produce({ topic, value: `m${i}` });
    await producer.flush(10_000);
    return topic;
  }

  describe('Consumer', () => {
    it('for await: the loop ends by throwing it, with the underlying code; later calls rethrow it; disconnect completes', async () => {
      const topic = await topicWith('fatal-loop', 5);
      const consumer = staticMember('fatal-loop');
      const errorEvents: KafkaError[] = [];
      consumer.on('error', (error) => errorEvents.push(error));
      await consumer.connect();
      consumer.subscribe(topic);
      const { outcome, read } = readInBackground(consumer);
      await waitFor(() => read() === 5, 30_000, 'the five messages');
      raiseFatalError(consumer, ErrorCodes.FENCED_INSTANCE_ID, 'fenced by the test');

      const thrown = await within(outcome, 10_000);
      expect(thrown).toBeInstanceOf(KafkaError);
      expect(thrown).toMatchObject({
        fatal: true,
        retriable: false,
        code: 'FENCED_INSTANCE_ID',
        errno: ErrorCodes.FENCED_INSTANCE_ID,
      });
      expect((thrown as KafkaError).message).toMatch(/test_fatal_error: fenced by the test/);
      expect(read()).toBe(5);
      // Thrown from the loop, not also emitted as an error event.
      expect(errorEvents.filter((error) => error.fatal)).toEqual([]);

      // The consumer cannot go on: the same error, from every call and from a new loop.
      expect(thrownBy(() => consumer.assignment())).toBe(thrown);
      expect(thrownBy(() => consumer.subscribe(topic))).toBe(thrown);
      await expect(consumer.commit()).rejects.toBe(thrown);
      await expect(within(consumer.messages().next(), 5000)).rejects.toBe(thrown);

      expect(await disconnectedInTime(consumer)).toBe('closed');
      expect(consumer.isConnected).toBe(false);
    });

    it('batches(): the loop ends by throwing it too', async () => {
      const topic = await topicWith('fatal-batches', 3);
      const consumer = staticMember('fatal-batches');
      await consumer.connect();
      consumer.subscribe(topic);
      let read = 0;
      const outcome = settle(
        (async () => {
          for await (const batch of consumer.batches({ maxMessages: 100, maxWaitMs: 50 })) read += batch.length;
          return read;
        })(),
      );
      await waitFor(() => read === 3, 30_000, 'the three messages');
      raiseFatalError(consumer, ErrorCodes._FENCED, 'fenced by the test');

      const thrown = await within(outcome, 10_000);
      expect(thrown).toBeInstanceOf(KafkaError);
      expect(thrown).toMatchObject({ fatal: true, retriable: false, code: '_FENCED' });
      expect(await disconnectedInTime(consumer)).toBe('closed');
    });

    it('messages fetched before the fatal error are not handed out (none of them could be committed)', async () => {
      const topic = await topicWith('fatal-fetched', 20);
      const consumer = staticMember('fatal-fetched');
      await consumer.connect();
      consumer.assign([{ topic, partition: 0, offset: Offsets.BEGINNING }]);
      // Time to fetch the 20 messages into librdkafka's queue, ahead of the error.
      await new Promise((resolve) => setTimeout(resolve, 500));
      raiseFatalError(consumer, ErrorCodes.FENCED_INSTANCE_ID, 'fenced by the test');
      const { outcome, read } = readInBackground(consumer);
      const thrown = await within(outcome, 10_000);
      expect(thrown).toMatchObject({ fatal: true, code: 'FENCED_INSTANCE_ID' });
      expect(read()).toBe(0);
      expect(await disconnectedInTime(consumer)).toBe('closed');
    });

    it('disconnect() after a fatal error completes while a rebalance handler gets the final revocation', async () => {
      const topic = await topicWith('fatal-handler', 2);
      const revocations: string[][] = [];
      const commitErrors: unknown[] = [];
      const consumer = consumers.create(staticMemberConfig('fatal-handler'), {
        rebalance: async (event, self) => {
          if (event.type !== 'revoke') return;
          revocations.push(event.partitions.map(({ topic, partition }) => `${topic}[${partition}]`));
          await self.commit().catch((error: unknown) => commitErrors.push(error));
        },
      });
      consumer.on('error', () => {});
      await consumer.connect();
      consumer.subscribe(topic);
      const { outcome, read } = readInBackground(consumer);
      await waitFor(() => read() === 2, 30_000, 'the two messages');
      raiseFatalError(consumer, ErrorCodes.FENCED_INSTANCE_ID, 'fenced by the test');
      const thrown = await within(outcome, 10_000);
      expect(thrown).toMatchObject({ fatal: true, code: 'FENCED_INSTANCE_ID' });

      expect(await disconnectedInTime(consumer)).toBe('closed');
      expect(revocations).toEqual([[`${topic}[0]`]]);
      // librdkafka refuses commits after a fatal error; the handler hears the fatal error itself.
      expect(commitErrors).toHaveLength(1);
      expect(commitErrors[0]).toBe(thrown);
    });
  });

  describe('Producer', () => {
    it('reports it once as a fatal error event; send(), produce() and flush() then fail with it; disconnect completes', async () => {
      const topic = await topicWith('fatal-producer', 0);
      const fatal = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'enable.idempotence': true });
      const errorEvents: KafkaError[] = [];
      fatal.on('error', (error) => errorEvents.push(error));
      await fatal.connect();
      await fatal.send({ topic, value: 'before' });

      raiseFatalError(fatal, ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER, 'out of order for the test');
      await waitFor(() => errorEvents.length > 0, 10_000, 'the fatal error event');
      const [event] = errorEvents;
      expect(event).toBeInstanceOf(KafkaError);
      expect(event).toMatchObject({ fatal: true, retriable: false, code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
      expect(event.message).toMatch(/test_fatal_error: out of order for the test/);

      await expect(fatal.send({ topic, value: 'after' })).rejects.toBe(event);
      expect(thrownBy(() => fatal.produce({ topic, value: 'after' }))).toBe(event);
      await expect(fatal.produceOrWait({ topic, value: 'after' })).rejects.toBe(event);
      await expect(fatal.flush(1000)).rejects.toBe(event);
      expect(errorEvents).toHaveLength(1);

      expect(await disconnectedInTime(fatal)).toBe('closed');
    });

    it('a send() right after the fatal error, before its event arrived, fails with the same fatal error', async () => {
      const topic = await topicWith('fatal-producer-race', 0);
      // Only an idempotent producer has fatal errors: librdkafka refuses its messages after one.
      const fatal = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'enable.idempotence': true });
      fatal.on('error', () => {});
      await fatal.connect();
      raiseFatalError(fatal, ErrorCodes._INCONSISTENT, 'inconsistent for the test');
      const refused = await fatal.send({ topic, value: 'at once' }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(KafkaError);
      expect(refused).toMatchObject({ fatal: true, retriable: false, code: '_INCONSISTENT' });
      expect((refused as KafkaError).message).toMatch(/inconsistent for the test/);
      expect(await disconnectedInTime(fatal)).toBe('closed');
    });

    it('messages still queued when it is raised are each reported as failed, none lost', async () => {
      const topic = await topicWith('fatal-queued', 0);
      // A long linger keeps the messages in librdkafka's queue until the error.
      const fatal = new Producer({
        'bootstrap.servers': cluster.bootstrapServers,
        'enable.idempotence': true,
        'linger.ms': 60_000,
      });
      fatal.on('error', () => {});
      await fatal.connect();
      const queued = Array.from({ length: 5 }, (_, i) =>
        fatal.send({ topic, value: `queued-${i}` }).then(
          () => 'delivered',
          (error: unknown) => error,
        ),
      );
      expect(fatal.inFlight).toBe(5);
      raiseFatalError(fatal, ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER, 'out of order for the test');
      const outcomes = await within(Promise.all(queued), 10_000);
      expect(outcomes).not.toBe('hung');
      for (const outcome of outcomes as unknown[]) {
        expect(outcome).toBeInstanceOf(KafkaError);
        expect(outcome).toMatchObject({ code: '_PURGE_QUEUE' });
      }
      expect(fatal.inFlight).toBe(0);
      expect(await disconnectedInTime(fatal)).toBe('closed');
    });
  });
});
