import { execFileSync } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiKeys, Consumer, MockCluster, Producer, librdkafkaVersion } from '../../src';
import { collect } from '../support/consume';
import { uniqueTopic } from '../support/mock';

describe('MockCluster', () => {
  let cluster: MockCluster;
  beforeAll(() => {
    cluster = new MockCluster({ brokers: 3 });
    cluster.createTopic('listed', { partitions: 4, replicationFactor: 3 });
  });
  afterAll(async () => {
    await cluster.close();
  });

  it('listens on 127.0.0.1 and speaks the real protocol: kcat lists its brokers and topics', () => {
    expect(cluster.bootstrapServers).toMatch(/^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+){2}$/);
    const listing = JSON.parse(
      execFileSync('kcat', ['-b', cluster.bootstrapServers, '-L', '-J', '-t', 'listed', '-m', '10'], {
        encoding: 'utf8',
        timeout: 30_000,
      }),
    ) as { brokers: unknown[]; topics: Array<{ topic: string; partitions: unknown[] }> };
    expect(listing.brokers).toHaveLength(3);
    expect(listing.topics[0]).toMatchObject({ topic: 'listed' });
    expect(listing.topics[0].partitions).toHaveLength(4);
  });

  it('moves a partition leader when told', async () => {
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'topic.metadata.refresh.interval.ms': 100 });
    await producer.connect();
    cluster.setPartitionLeader('listed', 0, 3);
    const metadata = await producer.getMetadata({ topic: 'listed' });
    expect(metadata.topics[0].partitions.find((p) => p.id === 0)!.leader).toBe(3);
    cluster.setPartitionLeader('listed', 0, 2);
    const moved = await producer.getMetadata({ topic: 'listed' });
    expect(moved.topics[0].partitions.find((p) => p.id === 0)!.leader).toBe(2);
    await producer.disconnect();
  });

  it('validates its arguments', () => {
    expect(() => cluster.createTopic('bad name')).toThrowError(/Expected a topic name/);
    expect(() => cluster.pushRequestErrors(ApiKeys.Produce, ['NOT_A_CODE' as never])).toThrowError(/ErrorCodes name/);
    expect(() => cluster.setBrokerDown(0)).toThrowError(/brokerId/);
    expect(() => new MockCluster({ brokers: 0 })).toThrowError(/options.brokers/);
  });

  // librdkafka 2.14 lets the mock's group.initial.rebalance.delay.ms be set; older
  // ones keep the broker default of 3 s, which the option then cannot change.
  const [major, minor] = librdkafkaVersion.split('.').map(Number);
  const rebalanceDelaySettable = major > 2 || (major === 2 && minor >= 14);

  it('starts a new group at once unless groupInitialRebalanceDelayMs says otherwise', async () => {
    async function msUntilFirstMessage(options: ConstructorParameters<typeof MockCluster>[0]): Promise<number> {
      const mock = new MockCluster(options);
      const topic = uniqueTopic('delay');
      mock.createTopic(topic);
      const producer = new Producer({ 'bootstrap.servers': mock.bootstrapServers });
      const consumer = new Consumer({
        'bootstrap.servers': mock.bootstrapServers,
        'group.id': topic,
        'auto.offset.reset': 'earliest',
      });
      try {
        await producer.connect();
        await producer.send({ topic, value: 'first' });
        await consumer.connect();
        const joining = Date.now();
        consumer.subscribe([topic]);
        const [message] = await collect(consumer, 1, 20_000);
        expect(message.value?.toString()).toBe('first');
        return Date.now() - joining;
      } finally {
        await consumer.disconnect();
        await producer.disconnect();
        await mock.close();
      }
    }
    const byDefault = await msUntilFirstMessage({});
    const delayed = await msUntilFirstMessage({ groupInitialRebalanceDelayMs: 3000 });
    expect(delayed).toBeGreaterThanOrEqual(2900);
    if (rebalanceDelaySettable) expect(byDefault).toBeLessThan(2000);
    else expect(byDefault).toBeGreaterThanOrEqual(2900);
  }, 60_000);

  it('refuses use after close', async () => {
    const short = new MockCluster();
    await short.close();
    expect(() => short.createTopic('x')).toThrowError(/MockCluster is closed/);
  });
});
