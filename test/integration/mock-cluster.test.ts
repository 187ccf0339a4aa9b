import { execFileSync } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiKeys, MockCluster, Producer } from '../../src';

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

  it('refuses use after close', async () => {
    const short = new MockCluster();
    await short.close();
    expect(() => short.createTopic('x')).toThrowError(/MockCluster is closed/);
  });
});
