// What every client shares (src/client.ts, native/client_handle.h): the
// AdminClient's events and connect failures like the others', use after
// close, and the one teardown path that closes what is open at exit, clients
// before the mock cluster they talk to.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AdminClient, type ClientStatistics, Consumer, KafkaError, type LogEntry, MockCluster, Producer } from '../../src';

const root = path.resolve(__dirname, '..', '..');

describe('client core', () => {
  let cluster: MockCluster;
  beforeAll(() => {
    cluster = new MockCluster({ brokers: 1 });
  });
  afterAll(async () => {
    await cluster.close();
  });

  it('AdminClient emits stats and log events like the other clients', async () => {
    const admin = new AdminClient({
      'bootstrap.servers': cluster.bootstrapServers,
      'statistics.interval.ms': 100,
      debug: 'metadata',
    });
    const stats: ClientStatistics[] = [];
    const logs: LogEntry[] = [];
    admin.on('stats', (entry) => stats.push(entry));
    admin.on('log', (entry) => logs.push(entry));
    await admin.connect();
    await admin.getMetadata();
    const deadline = Date.now() + 5_000;
    while (stats.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await admin.disconnect();
    expect(stats.length).toBeGreaterThan(0);
    expect(stats[0].type).toBe('producer'); // librdkafka hosts the admin API on a producer handle
    expect(logs.some((entry) => entry.facility.length > 0 && entry.message.length > 0)).toBe(true);
  });

  it('AdminClient connect() reports the underlying cause, not only the timeout', async () => {
    const admin = new AdminClient({ 'bootstrap.servers': '127.0.0.1:1', 'reconnect.backoff.max.ms': 100 });
    admin.on('error', () => {});
    const failure = await admin.connect({ timeoutMs: 1_500 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(KafkaError);
    expect((failure as KafkaError).message).toMatch(/Could not reach the cluster within 1500 ms: .*(refused|Connect)/i);
    expect(admin.isConnected).toBe(false);
  });

  it('every client refuses use after disconnect with a _STATE KafkaError naming what to do', async () => {
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
    const consumer = new Consumer({ 'bootstrap.servers': cluster.bootstrapServers, 'group.id': 'core-closed' });
    const admin = new AdminClient({ 'bootstrap.servers': cluster.bootstrapServers });
    for (const client of [producer, consumer, admin]) {
      await client.connect();
      await client.disconnect();
      await client.disconnect(); // twice is fine
      const error = await client.getMetadata().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(KafkaError);
      expect((error as KafkaError).code).toBe('_STATE');
      expect((error as KafkaError).message).toMatch(/is closed; create a new (Producer|Consumer|AdminClient)/);
      await expect(client.connect()).rejects.toThrow(/Cannot connect an? (producer|consumer|admin) that is closed/);
    }
  });

  it('closes open clients before the mock cluster they use when the process exits', () => {
    // Every kind left open at exit, created in the order that would close the
    // mock first if teardown followed creation order.
    const script = `
      const { MockCluster, Producer, Consumer, AdminClient } = require('./dist/cjs');
      const cluster = new MockCluster({ brokers: 1 });
      cluster.createTopic('t', { partitions: 1 });
      const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
      const consumer = new Consumer({ 'bootstrap.servers': cluster.bootstrapServers, 'group.id': 'g', 'auto.offset.reset': 'earliest' });
      const admin = new AdminClient({ 'bootstrap.servers': cluster.bootstrapServers });
      (async () => {
        await Promise.all([producer.connect(), consumer.connect(), admin.connect()]);
        await producer.send({ topic: 't', value: 'v' });
        consumer.subscribe(['t']);
        for await (const message of consumer) { console.log('read', message.value.toString()); break; }
        process.exit(0);
      })();
    `;
    const result = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(result.stdout).toContain('read v');
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
  });
});
