// A 3-broker KRaft cluster (replication factor 3, min.insync.replicas 2):
// losing a broker mid-stream loses nothing and duplicates nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';

import { AdminClient, Consumer, Producer } from '../../src';
import { BrokerRun } from '../support/broker-run';
import { collect } from '../support/consume';
import { uniqueTopic } from '../support/mock';

const cluster = new BrokerRun('trio');
let bootstrap: string;

beforeAll(async () => {
  bootstrap = await cluster.start('--brokers', '3', '--port', process.env.KAFKA_CLUSTER_TEST_PORT ?? '29800');
}, 180_000);

afterAll(() => cluster.stop(), 120_000);

it('keeps every acknowledged message exactly once while a broker is stopped and restarted', async () => {
  const topic = uniqueTopic('failover');
  const admin = new AdminClient({ 'bootstrap.servers': bootstrap });
  await admin.connect();
  await admin.createTopics([{ topic, partitions: 3, replicationFactor: 3, config: { 'min.insync.replicas': 2 } }]);
  await admin.disconnect();

  const producer = new Producer({
    'bootstrap.servers': bootstrap,
    'enable.idempotence': true,
    acks: 'all',
    'linger.ms': 5,
    'message.timeout.ms': 60_000,
  });
  await producer.connect();
  const failures: string[] = [];
  producer.on('delivery-report', (report) => {
    if (report.error) failures.push(`${report.error.code} ${report.value?.toString()}`);
  });
  const total = 6000;
  for (let i = 0; i < total; i++) {
    await producer.produceOrWait({ topic, key: `k${i % 97}`, value: `m${i}` });
    if (i === 2000) await cluster.stopNode(2);
    if (i === 4000) await cluster.startNode(2);
    if (i % 200 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await producer.flush(90_000);
  await producer.disconnect();
  expect(failures).toEqual([]);

  const consumer = new Consumer({
    'bootstrap.servers': bootstrap,
    'group.id': uniqueTopic('failover'),
    'auto.offset.reset': 'earliest',
  });
  await consumer.connect();
  consumer.subscribe(topic);
  const messages = await collect(consumer, total, 60_000);
  await consumer.disconnect();
  const values = messages.map((message) => message.value!.toString());
  expect(new Set(values).size).toBe(total);
  expect(values).toHaveLength(total); // idempotence: no duplicate from retries across the failover
}, 240_000);
