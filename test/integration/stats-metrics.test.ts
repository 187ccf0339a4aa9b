import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Consumer, type LibrdkafkaStatistics, type MetricPoint, Producer, statsToMetrics } from '../../src';
import { type ClusterTarget, targets } from '../support/clusters';
import { collect } from '../support/consume';
import { uniqueTopic } from '../support/mock';

describe.each(targets())("statsToMetrics on librdkafka's own statistics from $name", ({ start }) => {
  let cluster: ClusterTarget;
  beforeAll(async () => {
    cluster = await start();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('gives consumer lag, broker RTT and client totals from a live consumer', async () => {
    const topic = uniqueTopic('stats');
    await cluster.createTopic(topic, 1);
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
    await producer.connect();
    for (let i = 0; i < 10; i++) producer.produce({ topic, value: `m${i}` });
    await producer.flush();
    await producer.disconnect();

    const consumer = new Consumer({
      'bootstrap.servers': cluster.bootstrapServers,
      'group.id': uniqueTopic('stats-group'),
      'auto.offset.reset': 'earliest',
      'statistics.interval.ms': 100,
      'client.id': 'stats-test',
    });
    let latest: MetricPoint[] = [];
    // RTT windows cover one interval: a snapshot without a request in it has none.
    let rtt: MetricPoint | undefined;
    consumer.on('stats', (stats) => {
      latest = statsToMetrics(stats as unknown as LibrdkafkaStatistics);
      rtt = latest.find((point) => point.name === 'kafka.broker.rtt.avg') ?? rtt;
    });
    await consumer.connect();
    consumer.assign([{ topic, partition: 0, offset: 0 }]);
    expect(await collect(consumer, 10, 20_000)).toHaveLength(10);
    await consumer.commit([{ topic, partition: 0, offset: 4 }]);
    const lag = (): number | undefined =>
      latest.find((point) => point.name === 'kafka.partition.consumer_lag' && point.attributes.topic === topic)?.value;
    // Statistics are served by the consumer's pulls, as messages are: keep pulling.
    const deadline = Date.now() + 10_000;
    while (lag() !== 6 && Date.now() < deadline) await collect(consumer, 1, 200);
    expect(lag(), 'consumer lag: high watermark 10, committed 4').toBe(6);
    const received = latest.find((point) => point.name === 'kafka.client.messages.received');
    expect(received).toMatchObject({ kind: 'counter', attributes: { 'client.id': 'stats-test', 'client.type': 'consumer' } });
    expect(received!.value).toBeGreaterThanOrEqual(10);
    expect(rtt?.unit).toBe('ms');
    expect(rtt!.value).toBeGreaterThan(0);
    await consumer.disconnect();
  });
});
