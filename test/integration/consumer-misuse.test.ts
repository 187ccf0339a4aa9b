// Mistakes a consumer's user can make, each answered at once with an error
// that says what to change, and the consumer still usable afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Consumer, KafkaError, MockCluster, Offsets, Producer } from '../../src';
import { TestConsumers } from '../support/consumers';
import { type ClusterTarget, targets } from '../support/clusters';
import { uniqueTopic } from '../support/mock';

describe.each(targets())('Consumer misuse on $name', ({ start }) => {
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

  const consumer = (config: Record<string, unknown>): Consumer => consumers.create(config);

  it('a Consumer without group.id is refused at construction, naming group.id, not at disconnect', () => {
    let thrown: unknown;
    try {
      consumer({});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KafkaError);
    expect((thrown as KafkaError).code).toBe('_INVALID_ARG');
    expect((thrown as KafkaError).message).toMatch(/needs 'group\.id'/);
    expect(() => consumer({ 'group.id': '' })).toThrow(/group\.id/);
  });

  it('commit() and storeOffsets() refuse offsets below 0 that are not logical ones, naming the entry', async () => {
    const topic = uniqueTopic('bad-offset');
    await cluster.createTopic(topic, 1);
    const member = consumer({ 'group.id': uniqueTopic('bad-offset') });
    await member.connect();
    member.assign([{ topic, partition: 0 }]);
    await expect(member.commit([{ topic, partition: 0, offset: -7 }])).rejects.toThrow(
      /Expected an offset >= 0, or Offsets.BEGINNING .* for offsets\[0\]\.offset but received -7/,
    );
    expect(() => member.storeOffsets([{ topic, partition: 0, offset: 1.5 }])).toThrow(TypeError);
    expect(() => member.assign([{ topic, partition: 0, offset: -3 }])).toThrow(/partitions\[0\]\.offset/);
    // Still usable: a valid commit goes through (commit() itself waits out a
    // fresh broker's coordinator that is still loading).
    const committed = await member.commit([{ topic, partition: 0, offset: 0 }]);
    expect(committed).toEqual([expect.objectContaining({ topic, partition: 0, offset: 0, error: null })]);
  });

  it('storeOffsets() moves stored offsets forward only, so a later store of what was processed does not undo it', async () => {
    const topic = uniqueTopic('store-forward');
    await cluster.createTopic(topic, 1);
    for (let i = 0; i < 20; i++) producer.produce({ topic, partition: 0, value: `m${i}` });
    await producer.flush(10_000);
    const group = uniqueTopic('store-forward');
    const member = consumer({ 'group.id': group, 'enable.auto.commit': false });
    await member.connect();
    member.assign([{ topic, partition: 0, offset: Offsets.BEGINNING }]);
    for await (const message of member) {
      if (message.offset === 5) expect(member.storeOffsets([{ topic, partition: 0, offset: 15 }])).toHaveLength(1);
      if (message.offset === 9) break;
    }
    // Processed up to offset 9 would store 10; the explicit 15 stays.
    await member.commit();
    expect((await member.committed([{ topic, partition: 0 }]))[0].offset).toBe(15);
    // A store below what is stored is left out.
    expect(member.storeOffsets([{ topic, partition: 0, offset: 12 }])).toEqual([]);
    await member.commit();
    expect((await member.committed([{ topic, partition: 0 }]))[0].offset).toBe(15);
  });

  it('the rebalance handler may commit in the final revocation that disconnect() gives it', async () => {
    const topic = uniqueTopic('final-revoke');
    await cluster.createTopic(topic, 1);
    for (let i = 0; i < 5; i++) producer.produce({ topic, partition: 0, value: `m${i}` });
    await producer.flush(10_000);
    const group = uniqueTopic('final-revoke');
    const seen: Array<{ type: string; committed?: number; error?: unknown }> = [];
    const member = new Consumer(
      {
        'bootstrap.servers': cluster.bootstrapServers,
        'group.id': group,
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': false,
      },
      {
        rebalance: async (event, consumer) => {
          if (event.type !== 'revoke') return;
          try {
            const committed = await consumer.commit();
            seen.push({ type: event.type, committed: committed[0]?.offset });
          } catch (error) {
            seen.push({ type: event.type, error });
          }
        },
      },
    );
    const warnings: string[] = [];
    member.on('error', (error) => warnings.push(error.message));
    await member.connect();
    member.subscribe(topic);
    let read = 0;
    for await (const message of member) {
      read++;
      if (message.offset === 4) break;
    }
    expect(read).toBe(5);
    await member.disconnect();
    // The message the loop broke at is not processed (README, Consuming): the commit is 4.
    expect(seen).toEqual([{ type: 'revoke', committed: 4 }]);
    expect(warnings).toEqual([]);
    const check = consumer({ 'group.id': group });
    await check.connect();
    expect((await check.committed([{ topic, partition: 0 }]))[0].offset).toBe(4);
  });
});

describe('Consumer connect failures', () => {
  it('connect() reports the underlying cause (a refused connection), as the producer does', async () => {
    const unreachable = new Consumer({
      'bootstrap.servers': '127.0.0.1:1',
      'group.id': 'never',
      'reconnect.backoff.max.ms': 100,
    });
    unreachable.on('error', () => {});
    const failure = await unreachable.connect({ timeoutMs: 1_500 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(KafkaError);
    expect((failure as KafkaError).message).toMatch(/Could not reach the cluster within 1500 ms: .*Connection refused/);
  });
});

describe('MockCluster misuse', () => {
  it('pushRequestErrors() refuses rttMs without brokerId instead of ignoring it', async () => {
    const mock = new MockCluster({ brokers: 1 });
    try {
      expect(() => mock.pushRequestErrors(0, ['REQUEST_TIMED_OUT'], { rttMs: 100 })).toThrow(
        /Expected options\.brokerId with options\.rttMs/,
      );
      expect(() => mock.pushRequestErrors(0, ['REQUEST_TIMED_OUT'], { brokerId: 0 })).toThrow(/options\.brokerId/);
      mock.pushRequestErrors(0, ['REQUEST_TIMED_OUT'], { brokerId: 1, rttMs: 100 }); // the supported form
    } finally {
      await mock.close();
    }
  });
});
