// rdkafka-napi/kafkajs producer, from KafkaJS's documented behaviour: send()
// and sendBatch() with keys, headers, timestamps, acks and compression, the
// partition the key hashes to, RecordMetadata per partition, transactions
// (commit visible, abort invisible, sendOffsets commits the group's offsets)
// and the errors for misuse. Each case runs on the mock cluster and the real broker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AdminClient, ApiKeys, Producer as NativeProducer } from '../../src';
import {
  CompressionTypes,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
  murmur2,
  type Producer,
  Partitioners,
} from '../../src/kafkajs';
import { type ClusterTarget, startKafkaTarget, startMockTarget, targets } from '../support/clusters';
import { kafkaOn, readAll } from '../support/kafkajs';
import { uniqueTopic } from '../support/mock';

describe.each(targets())('kafkajs producer on $name', ({ start }) => {
  let cluster: ClusterTarget;
  let producer: Producer;

  beforeAll(async () => {
    cluster = await start();
    producer = kafkaOn(cluster).producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await cluster?.close();
  });

  it('send() delivers keys, values, headers and timestamps, and answers one RecordMetadata per partition', async () => {
    const topic = uniqueTopic('kjs-send');
    await cluster.createTopic(topic, 3);
    const timestamp = String(Date.now() - 60_000);
    const result = await producer.send({
      topic,
      messages: [
        { key: 'k1', value: 'v1', headers: { trace: 'abc', multi: ['x', Buffer.from([0, 1])] }, timestamp },
        { key: 'k1', value: Buffer.from('v2') },
        { value: null, partition: 2 },
      ],
    });
    const keyPartition = (murmur2('k1') & 0x7fffffff) % 3;
    const expected = new Set([keyPartition, 2]);
    expect(result).toHaveLength(expected.size);
    for (const entry of result) {
      // '-1' only if every message of the partition came back from a retry
      // answered DUPLICATE_SEQUENCE_NUMBER, which carries no offset
      // (test/unit/kafkajs-record-metadata.test.ts); never -1001.
      expect(entry).toMatchObject({ topicName: topic, errorCode: 0 });
      expect(['0', '-1']).toContain(entry.baseOffset);
      expect(expected.has(entry.partition)).toBe(true);
    }

    const messages = await readAll(cluster, topic, 3);
    const first = messages.find((m) => m.value?.toString() === 'v1')!;
    expect(first.partition).toBe(keyPartition);
    expect(first.key?.toString()).toBe('k1');
    expect(first.timestamp).toBe(Number(timestamp));
    expect(first.headers.map(({ key, value }) => [key, value?.toString('hex')])).toEqual([
      ['trace', Buffer.from('abc').toString('hex')],
      ['multi', Buffer.from('x').toString('hex')],
      ['multi', '0001'],
    ]);
    const second = messages.find((m) => m.value?.toString() === 'v2')!;
    expect(second.partition).toBe(keyPartition);
    expect(second.offset).toBe(first.offset + 1);
    expect(messages.find((m) => m.value === null)?.partition).toBe(2);
  });

  it('sendBatch() sends to several topics with acks and compression, and keeps order per key', async () => {
    const a = uniqueTopic('kjs-batch-a');
    const b = uniqueTopic('kjs-batch-b');
    await cluster.createTopic(a, 2);
    await cluster.createTopic(b, 1);
    const many = Array.from({ length: 50 }, (_, i) => ({ key: 'same', value: `m${i}` }));
    const result = await producer.sendBatch({
      acks: 1,
      compression: CompressionTypes.GZIP,
      topicMessages: [
        { topic: a, messages: many },
        { topic: b, messages: [{ value: 'only' }] },
      ],
    });
    expect(result.map((entry) => entry.topicName).sort(), JSON.stringify(result)).toEqual([a, b].sort());
    const readA = await readAll(cluster, a, 50);
    expect(readA.map((m) => m.value?.toString())).toEqual(many.map((m) => m.value));
    expect(new Set(readA.map((m) => m.partition)).size).toBe(1);
    expect((await readAll(cluster, b, 1)).map((m) => m.value?.toString())).toEqual(['only']);

    // acks 0 and every codec librdkafka was built with go through too.
    for (const compression of [CompressionTypes.None, CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD]) {
      await producer.send({ topic: b, acks: 0, compression, messages: [{ value: `codec-${compression}` }] });
    }
    const all = await readAll(cluster, b, 5);
    expect(all.map((m) => m.value?.toString()).sort()).toEqual(['codec-0', 'codec-2', 'codec-3', 'codec-4', 'only']);
  });

  // The facade asks for a topic's metadata before its first send: librdkafka
  // then already has the topic handle, and our Producer must still report the right topic.
  it("our Producer's delivery reports name the right topic after getMetadata({ topic })", async () => {
    const a = uniqueTopic('kjs-meta-a');
    const b = uniqueTopic('kjs-meta-b');
    await cluster.createTopic(a, 1);
    await cluster.createTopic(b, 1);
    const plain = new NativeProducer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 0 });
    await plain.connect();
    try {
      await plain.getMetadata({ topic: a });
      await plain.getMetadata({ topic: b });
      const reports = await Promise.all([plain.send({ topic: a, value: 'x' }), plain.send({ topic: b, value: 'y' })]);
      expect(reports.map((report) => report.topic)).toEqual([a, b]);
    } finally {
      await plain.disconnect();
    }
  });

  it('a custom createPartitioner decides the partition of every message', async () => {
    const topic = uniqueTopic('kjs-custom');
    await cluster.createTopic(topic, 4);
    const seen: number[] = [];
    const custom = kafkaOn(cluster).producer({
      createPartitioner:
        () =>
        ({ partitionMetadata, message }) => {
          seen.push(partitionMetadata.length);
          return Number(message.value?.toString()) % partitionMetadata.length;
        },
    });
    await custom.connect();
    try {
      await custom.send({ topic, messages: ['0', '1', '2', '3', '5'].map((value) => ({ value })) });
    } finally {
      await custom.disconnect();
    }
    expect(seen).toEqual([4, 4, 4, 4, 4]);
    const messages = await readAll(cluster, topic, 5);
    for (const message of messages) expect(message.partition).toBe(Number(message.value?.toString()) % 4);
  });

  it('the LegacyPartitioner places keys as KafkaJS 1.x did', async () => {
    const topic = uniqueTopic('kjs-legacy');
    await cluster.createTopic(topic, 7);
    const legacy = kafkaOn(cluster).producer({ createPartitioner: Partitioners.LegacyPartitioner });
    await legacy.connect();
    try {
      const [entry] = await legacy.send({ topic, messages: [{ key: 'hello world', value: 'x' }] });
      expect(entry.partition).toBe(6); // KafkaJS 2.2.4's LegacyPartitioner for this key, 7 partitions
    } finally {
      await legacy.disconnect();
    }
  });

  it('misuse is a KafkaJS error that says what to change', async () => {
    await expect(producer.send({ topic: '', messages: [] })).rejects.toBeInstanceOf(KafkaJSNonRetriableError);
    await expect(producer.send({ topic: 't', messages: 'x' as never })).rejects.toThrow(/Invalid messages array/);
    await expect(producer.send({ topic: 't', acks: 2, messages: [{ value: 'x' }] })).rejects.toThrow(/Invalid acks 2/);
    const idle = kafkaOn(cluster).producer();
    await expect(idle.send({ topic: 't', messages: [{ value: 'x' }] })).rejects.toBeInstanceOf(KafkaJSError);
    await expect(idle.transaction()).rejects.toThrow(/Must provide transactional id/);
    const idempotent = kafkaOn(cluster).producer({ idempotent: true });
    await idempotent.connect();
    try {
      await expect(idempotent.send({ topic: 't', acks: 1, messages: [{ value: 'x' }] })).rejects.toThrow(/idempotent/);
    } finally {
      await idempotent.disconnect();
    }
  });

  it('a topic that does not exist, with auto-creation off, is a KafkaJSProtocolError', async () => {
    const strict = kafkaOn(cluster).producer({ allowAutoTopicCreation: false });
    await strict.connect();
    try {
      const failure = await strict
        .send({ topic: uniqueTopic('kjs-missing'), messages: [{ value: 'x' }] })
        .catch((error) => error);
      expect(failure).toBeInstanceOf(KafkaJSProtocolError);
      expect(failure.type).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    } finally {
      await strict.disconnect();
    }
  });
});

// KafkaJS sends one send() as one request, so a retry keeps its order; librdkafka
// may split it, so the default (acks -1) producer is idempotent, which keeps the
// order on a real broker. Seen here through the request only an idempotent
// producer makes: InitProducerId, refused by the mock.
describe('kafkajs producer idempotent by default (mock cluster)', () => {
  let cluster: ClusterTarget;
  beforeAll(async () => {
    cluster = await startMockTarget();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  async function sendWithInitProducerIdRefused(options: { idempotent?: boolean }): Promise<unknown> {
    const topic = uniqueTopic('kjs-idempotent');
    await cluster.createTopic(topic, 1);
    cluster.mock!.pushRequestErrors(ApiKeys.InitProducerId, ['CLUSTER_AUTHORIZATION_FAILED']);
    const producer = kafkaOn(cluster).producer(options);
    try {
      await producer.connect();
      return await producer.send({ topic, messages: [{ value: 'v' }], timeout: 5000 }).catch((error) => error);
    } finally {
      await producer.disconnect();
      cluster.mock!.clearRequestErrors(ApiKeys.InitProducerId);
    }
  }

  it('without an idempotent option the producer asks for a producer id, and its refusal fails the send', async () => {
    const outcome = await sendWithInitProducerIdRefused({});
    // The fatal refusal fails the send: as the authorization error, or as the purge that follows it.
    expect(outcome).toBeInstanceOf(KafkaJSError);
  });

  it('idempotent: false keeps the plain producer: the send succeeds', async () => {
    const outcome = await sendWithInitProducerIdRefused({ idempotent: false });
    expect(outcome).toEqual([expect.objectContaining({ errorCode: 0 })]);
  });
});

// The mock cluster neither hides aborted messages from read_committed readers
// nor keeps group offsets sent with a transaction: the real broker proves these.
describe('kafkajs transactions on the real broker', () => {
  let cluster: ClusterTarget;
  beforeAll(async () => {
    cluster = await startKafkaTarget();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('commit makes the messages visible; abort discards them', async () => {
    const topic = uniqueTopic('kjs-txn');
    await cluster.createTopic(topic, 1);
    const transactional = kafkaOn(cluster).producer({ transactionalId: uniqueTopic('kjs-txid'), maxInFlightRequests: 1 });
    await transactional.connect();
    try {
      await expect(transactional.send({ topic, messages: [{ value: 'outside' }] })).rejects.toThrow(/transaction/);
      const aborted = await transactional.transaction();
      await aborted.send({ topic, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
      await aborted.abort();
      expect(aborted.isActive()).toBe(false);
      await expect(aborted.send({ topic, messages: [{ value: 'late' }] })).rejects.toThrow(/no longer active/);

      const committed = await transactional.transaction();
      await expect(transactional.transaction()).rejects.toThrow(/already an ongoing transaction/);
      await committed.sendBatch({ topicMessages: [{ topic, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] }] });
      await committed.commit();
    } finally {
      await transactional.disconnect();
    }
    const visible = await readAll(cluster, topic, 2, 10_000);
    expect(visible.map((m) => m.value?.toString())).toEqual(['committed-1', 'committed-2']);
  });

  it('sendOffsets commits the group offsets with the transaction', async () => {
    const topic = uniqueTopic('kjs-txn-offsets');
    const groupId = uniqueTopic('kjs-txn-group');
    await cluster.createTopic(topic, 2);
    const transactional = kafkaOn(cluster).producer({ transactionalId: uniqueTopic('kjs-txid') });
    await transactional.connect();
    try {
      const transaction = await transactional.transaction();
      await transaction.send({ topic, messages: [{ value: 'x', partition: 0 }] });
      await transaction.sendOffsets({
        consumerGroupId: groupId,
        topics: [
          {
            topic,
            partitions: [
              { partition: 0, offset: '5' },
              { partition: 1, offset: '7' },
            ],
          },
        ],
      });
      await transaction.commit();
    } finally {
      await transactional.disconnect();
    }
    const admin = new AdminClient({ 'bootstrap.servers': cluster.bootstrapServers });
    await admin.connect();
    try {
      // The coordinator applies a transaction's offsets once its commit marker
      // is written, just after commit() returns; on a fresh broker that can
      // take a moment, so read until they show (bounded).
      let committed: number[][] = [];
      const deadline = Date.now() + 15_000;
      while (committed.length < 2 && Date.now() < deadline) {
        const [result] = await admin.listConsumerGroupOffsets([groupId], { requireStableOffsets: true });
        committed = result.partitions.map(({ partition, offset }) => [partition, offset]).sort();
        if (committed.length < 2) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(committed).toEqual([
        [0, 5],
        [1, 7],
      ]);
    } finally {
      await admin.disconnect();
    }
  });
});
