import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Consumer, KafkaError, offsetsAfter, Producer, type Message } from '../../src';
import { type ClusterTarget, startKafkaTarget, targets } from '../support/clusters';
import { collect } from '../support/consume';
import { uniqueTopic } from '../support/mock';

const END = 'end-of-test';

// Clients and readers on one cluster for a describe block, closed after it.
function transactionFixture(start: () => Promise<ClusterTarget>) {
  let cluster: ClusterTarget;
  const clients: Array<Producer | Consumer> = [];

  beforeAll(async () => {
    cluster = await start();
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.disconnect()));
    await cluster?.close();
  });

  return {
    createTopic: (topic: string) => cluster.createTopic(topic, 1),

    async transactionalProducer(transactionalId: string, config: Record<string, unknown> = {}): Promise<Producer> {
      const producer = new Producer({
        'bootstrap.servers': cluster.bootstrapServers,
        'transactional.id': transactionalId,
        'linger.ms': 2,
        ...config,
      } as never);
      clients.push(producer);
      await producer.connect();
      return producer;
    },

    async plainProducer(): Promise<Producer> {
      const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
      clients.push(producer);
      await producer.connect();
      return producer;
    },

    unconnectedProducer(config: Record<string, unknown>): Producer {
      return new Producer({ 'bootstrap.servers': cluster.bootstrapServers, ...config } as never);
    },

    consumer(config: Record<string, unknown>): Consumer {
      const created = new Consumer({
        'bootstrap.servers': cluster.bootstrapServers,
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': false,
        'session.timeout.ms': 6000,
        'heartbeat.interval.ms': 500,
        ...config,
      } as never);
      clients.push(created);
      return created;
    },

    /** Values of partition 0 read from the start until the END marker, with the given isolation level (default: librdkafka's). */
    async readUntilEnd(topic: string, isolation?: 'read_committed' | 'read_uncommitted'): Promise<string[]> {
      const reader = this.consumer({
        'group.id': uniqueTopic('reader'),
        ...(isolation === undefined ? {} : { 'isolation.level': isolation }),
      });
      await reader.connect();
      reader.assign([{ topic, partition: 0, offset: -2 }]);
      const values: string[] = [];
      const deadline = Date.now() + 30_000;
      while (!values.includes(END) && Date.now() < deadline) {
        for (const message of await collect(reader, 1, 1000)) values.push(String(message.value));
      }
      await reader.disconnect();
      expect(values, `the ${isolation ?? 'default'} reader reached the end marker`).toContain(END);
      return values;
    },

    async commitEndMarker(producer: Producer, topic: string): Promise<void> {
      producer.beginTransaction();
      producer.produce({ topic, partition: 0, value: END });
      await producer.commitTransaction();
    },
  };
}

describe.each(targets())('Transactions on $name', ({ name, start }) => {
  // librdkafka's mock cluster speaks the transactional protocol but keeps no
  // transaction state: read_committed readers see aborted messages too,
  // offsets sent to a transaction are not stored, and nothing is fenced. On
  // it these tests check the client's side; the broker's side is checked on
  // Kafka, here and in the block below.
  const realBroker = name !== 'mock';
  const cluster = transactionFixture(start);

  it('committed messages reach read_committed consumers, aborted ones only read_uncommitted ones', async () => {
    const topic = uniqueTopic('tx-visibility');
    await cluster.createTopic(topic);
    const producer = await cluster.transactionalProducer(uniqueTopic('tx-visibility'));
    await producer.initTransactions({ timeoutMs: 30_000 });

    producer.beginTransaction();
    for (let i = 0; i < 10; i++) producer.produce({ topic, partition: 0, value: `committed-${i}` });
    await producer.commitTransaction({ timeoutMs: 30_000 });

    producer.beginTransaction();
    for (let i = 0; i < 10; i++) producer.produce({ topic, partition: 0, value: `aborted-${i}` });
    await producer.flush(10_000); // written to the log, so only the abort marker hides them
    await producer.abortTransaction({ timeoutMs: 30_000 });

    await cluster.commitEndMarker(producer, topic);
    const committed = Array.from({ length: 10 }, (_, i) => `committed-${i}`);
    const aborted = Array.from({ length: 10 }, (_, i) => `aborted-${i}`);
    if (realBroker) {
      expect(await cluster.readUntilEnd(topic, 'read_committed')).toEqual([...committed, END]);
      expect(await cluster.readUntilEnd(topic), 'the default isolation.level is read_committed').toEqual([...committed, END]);
    }
    expect(await cluster.readUntilEnd(topic, 'read_uncommitted')).toEqual([...committed, ...aborted, END]);
    expect(producer.deliveryCounts).toEqual({ delivered: 21, failed: 0 });
  });

  it('consume-transform-produce: offsets sent with a committed transaction are committed, with an aborted one not', async () => {
    const input = uniqueTopic('tx-input');
    const output = uniqueTopic('tx-output');
    await cluster.createTopic(input);
    await cluster.createTopic(output);
    const plain = await cluster.plainProducer();
    for (let i = 0; i < 10; i++) plain.produce({ topic: input, partition: 0, value: `in-${i}` });
    await plain.flush(10_000);

    const groupId = uniqueTopic('tx-group');
    const source = cluster.consumer({ 'group.id': groupId });
    await source.connect();
    source.subscribe(input);
    const messages = await collect(source, 10, 30_000);
    expect(messages).toHaveLength(10);
    expect(source.memberId()).toEqual(expect.any(String));
    const metadata = source.groupMetadata();
    expect(Buffer.isBuffer(metadata)).toBe(true);

    const producer = await cluster.transactionalProducer(uniqueTopic('tx-ctp'));
    await producer.initTransactions();
    const transform = (batch: Message[]) =>
      batch.forEach((m) => producer.produce({ topic: output, partition: 0, value: String(m.value).toUpperCase() }));

    producer.beginTransaction();
    transform(messages.slice(0, 5));
    await producer.sendOffsetsToTransaction(offsetsAfter(messages.slice(0, 5)), source.groupMetadata());
    await producer.commitTransaction();
    if (realBroker) expect((await source.committed([{ topic: input, partition: 0 }]))[0].offset).toBe(5);

    producer.beginTransaction();
    transform(messages.slice(5));
    await producer.sendOffsetsToTransaction(offsetsAfter(messages.slice(5)), source.groupMetadata());
    await producer.abortTransaction();
    if (!realBroker) return;
    expect((await source.committed([{ topic: input, partition: 0 }]))[0].offset).toBe(5);

    await cluster.commitEndMarker(producer, output);
    expect(await cluster.readUntilEnd(output, 'read_committed')).toEqual(['IN-0', 'IN-1', 'IN-2', 'IN-3', 'IN-4', END]);
  });

  it('misuse fails with a KafkaError (or TypeError) that says what to call', async () => {
    const topic = uniqueTopic('tx-misuse');
    await cluster.createTopic(topic);
    const producer = await cluster.transactionalProducer(uniqueTopic('tx-misuse'));
    const stateError = (pattern: RegExp) =>
      expect.objectContaining({ code: '_STATE', fatal: false, message: expect.stringMatching(pattern) });

    expect(() => producer.produce({ topic, value: 'x' })).toThrow(stateError(/call await producer\.initTransactions\(\)/));
    await expect(producer.send({ topic, value: 'x' })).rejects.toEqual(stateError(/initTransactions\(\)/));
    expect(() => producer.beginTransaction()).toThrow(stateError(/initTransactions\(\) once after connect\(\)/));

    await producer.initTransactions();
    expect(() => producer.produce({ topic, value: 'x' })).toThrow(
      stateError(/no transaction is open: call producer\.beginTransaction\(\)/),
    );
    await expect(producer.commitTransaction()).rejects.toEqual(stateError(/no transaction is open/));

    producer.beginTransaction();
    expect(() => producer.beginTransaction()).toThrow(stateError(/a transaction is already open/));
    await producer.send({ topic, value: 'inside' });
    await producer.commitTransaction();
    await expect(producer.commitTransaction()).rejects.toEqual(stateError(/no transaction is open/));
    await expect(producer.sendOffsetsToTransaction([{ topic, partition: 0, offset: 1 }], Buffer.alloc(0))).rejects.toThrow(
      TypeError,
    );

    const source = cluster.consumer({ 'group.id': uniqueTopic('tx-misuse') });
    await source.connect();
    await expect(producer.sendOffsetsToTransaction([{ topic, partition: 0, offset: 1 }], source.groupMetadata())).rejects.toEqual(
      stateError(/no transaction is open: call producer\.beginTransaction\(\) before sendOffsetsToTransaction\(\)/),
    );
    producer.beginTransaction();
    await expect(
      producer.sendOffsetsToTransaction([{ topic, partition: 0, offset: -1 }], source.groupMetadata()),
    ).rejects.toThrow(/Expected an integer >= 0 for offsets\[0\]\.offset but received -1/);
    await expect(producer.sendOffsetsToTransaction([{ topic, partition: 0, offset: 1 }], 'meta' as never)).rejects.toThrow(
      /Expected the Buffer returned by consumer\.groupMetadata\(\) for groupMetadata/,
    );
    await expect(
      producer.sendOffsetsToTransaction([{ topic, partition: 0, offset: 1 }], Buffer.from('not metadata')),
    ).rejects.toThrow(/does not parse/);
    await producer.abortTransaction();

    const plain = await cluster.plainProducer();
    await expect(plain.initTransactions()).rejects.toEqual(
      expect.objectContaining({ code: '_NOT_CONFIGURED', message: expect.stringMatching(/set transactional\.id/) }),
    );
    const closed = cluster.unconnectedProducer({ 'transactional.id': 'never-connected' });
    expect(() => closed.beginTransaction()).toThrow(/not connected: call await producer\.connect\(\) first/);
  });

  it('transaction() commits, aborts when the work throws, and retries the work after an abortable error', async () => {
    const topic = uniqueTopic('tx-helper');
    await cluster.createTopic(topic);
    // 1000 ms is librdkafka's least transaction.timeout.ms; the producer aborts at its deadline, 900 ms.
    const producer = await cluster.transactionalProducer(uniqueTopic('tx-helper'), { 'transaction.timeout.ms': 1000 });
    await producer.initTransactions();

    const result = await producer.transaction(async (tx) => {
      await tx.send({ topic, partition: 0, value: 'first' });
      return 42;
    });
    expect(result).toBe(42);

    const failure = new Error('work failed');
    await expect(
      producer.transaction(async (tx) => {
        tx.produce({ topic, partition: 0, value: 'thrown-away' });
        await tx.flush(5000);
        throw failure;
      }),
    ).rejects.toBe(failure);

    let attempts = 0;
    const aborts: unknown[] = [];
    await producer.transaction(
      async (tx) => {
        attempts++;
        tx.produce({ topic, partition: 0, value: `attempt-${attempts}` });
        // The first attempt outlives transaction.timeout.ms: its commit is abortable.
        if (attempts === 1) await new Promise((resolve) => setTimeout(resolve, 1500));
      },
      { retries: 2, onAbort: (error) => void aborts.push(error) },
    );
    expect(attempts).toBe(2);
    expect(aborts).toHaveLength(1);
    expect(aborts[0]).toMatchObject({ code: '_TIMED_OUT', txnRequiresAbort: true, fatal: false });

    await cluster.commitEndMarker(producer, topic);
    if (realBroker) expect(await cluster.readUntilEnd(topic, 'read_committed')).toEqual(['first', 'attempt-2', END]);
  });

  it('a transaction that outlives transaction.timeout.ms is aborted and reported as abortable; the next one commits', async () => {
    const topic = uniqueTopic('tx-timeout');
    await cluster.createTopic(topic);
    const producer = await cluster.transactionalProducer(uniqueTopic('tx-timeout'), { 'transaction.timeout.ms': 2000 });
    await producer.initTransactions();
    producer.beginTransaction();
    await producer.send({ topic, partition: 0, value: 'too-late' });
    await new Promise((resolve) => setTimeout(resolve, 3000));

    expect(() => producer.produce({ topic, partition: 0, value: 'after' })).toThrow(/outlived transaction\.timeout\.ms/);
    const commit = await producer.commitTransaction().then(
      () => undefined,
      (error: KafkaError) => error,
    );
    expect(commit).toMatchObject({ code: '_TIMED_OUT', txnRequiresAbort: true, fatal: false, retriable: false });
    expect(commit!.message).toMatch(
      /outlived transaction\.timeout\.ms \(2000 ms\) and was aborted; call await producer\.abortTransaction\(\)/,
    );
    await producer.abortTransaction();

    producer.beginTransaction();
    await producer.send({ topic, partition: 0, value: 'next' });
    await producer.commitTransaction();
    await cluster.commitEndMarker(producer, topic);
    if (realBroker) expect(await cluster.readUntilEnd(topic, 'read_committed')).toEqual(['next', END]);
  });
});

describe('Transactions on the real broker: what the mock cluster does not model', () => {
  const cluster = transactionFixture(startKafkaTarget);

  it('a second producer with the same transactional.id fences the first: fatal, and it cannot commit', async () => {
    const topic = uniqueTopic('tx-fence');
    await cluster.createTopic(topic);
    const transactionalId = uniqueTopic('tx-fence');
    const zombie = await cluster.transactionalProducer(transactionalId);
    const zombieErrors: KafkaError[] = [];
    zombie.on('error', (error) => zombieErrors.push(error));
    await zombie.initTransactions();
    zombie.beginTransaction();
    await zombie.send({ topic, partition: 0, value: 'zombie-1' });

    const successor = await cluster.transactionalProducer(transactionalId);
    await successor.initTransactions(); // aborts the zombie's open transaction

    zombie.produce({ topic, partition: 0, value: 'zombie-2' });
    const commit = await zombie.commitTransaction().then(
      () => undefined,
      (error: KafkaError) => error,
    );
    expect(commit).toBeInstanceOf(KafkaError);
    expect(commit).toMatchObject({ code: '_FENCED', fatal: true, txnRequiresAbort: false });
    expect(commit!.message).toMatch(/fenced/);
    expect(zombieErrors.some((error) => error.fatal && error.code === '_FENCED')).toBe(true);
    expect(() => zombie.beginTransaction()).toThrow(expect.objectContaining({ fatal: true }));

    await cluster.commitEndMarker(successor, topic);
    expect(await cluster.readUntilEnd(topic, 'read_committed')).toEqual([END]);
  });

  it('when the event loop is blocked past transaction.timeout.ms the broker aborts: fatal _FENCED, a new producer takes over', async () => {
    const topic = uniqueTopic('tx-broker-timeout');
    await cluster.createTopic(topic);
    const transactionalId = uniqueTopic('tx-broker-timeout');
    const producer = await cluster.transactionalProducer(transactionalId, { 'transaction.timeout.ms': 2000 });
    producer.on('error', () => undefined);
    await producer.initTransactions();
    producer.beginTransaction();
    await producer.send({ topic, partition: 0, value: 'stalled' });
    // Blocks this thread (not librdkafka's) past the timeout and the broker's 1 s check interval.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5000);
    await expect(producer.commitTransaction()).rejects.toMatchObject({ code: '_FENCED', fatal: true });

    const successor = await cluster.transactionalProducer(transactionalId);
    await successor.initTransactions();
    await cluster.commitEndMarker(successor, topic);
    expect(await cluster.readUntilEnd(topic, 'read_committed')).toEqual([END]);
  });

  it('disconnect() aborts an open transaction, so read_committed readers are not held back', async () => {
    const topic = uniqueTopic('tx-disconnect');
    await cluster.createTopic(topic);
    const transactionalId = uniqueTopic('tx-disconnect');
    const producer = await cluster.transactionalProducer(transactionalId);
    await producer.initTransactions();
    producer.beginTransaction();
    await producer.send({ topic, partition: 0, value: 'left-open' });
    await producer.disconnect();

    // A plain producer's message after the open transaction's is readable at once only if that transaction ended.
    const plain = await cluster.plainProducer();
    await plain.send({ topic, partition: 0, value: END });
    const started = Date.now();
    expect(await cluster.readUntilEnd(topic, 'read_committed')).toEqual([END]);
    expect(Date.now() - started).toBeLessThan(20_000); // the broker would hold it for transaction.timeout.ms (60 s)
  });
});
