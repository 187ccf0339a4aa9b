// One message through every kind of client with the same config: the
// AdminClient creates a topic, the Producer writes to it, a Consumer group
// reads it back. Proves a listener's security settings work end to end.
import { expect } from 'vitest';

import { AdminClient, Consumer, type OAuthBearerTokenProvider, Producer } from '../../src';
import { collect } from './consume';
import { uniqueTopic } from './mock';

export async function roundTrip(
  config: Record<string, unknown>,
  options: { oauthBearerTokenProvider?: OAuthBearerTokenProvider } = {},
): Promise<void> {
  const topic = uniqueTopic('round-trip');
  const admin = new AdminClient(config as never, options);
  await admin.connect();
  await admin.createTopics([{ topic, partitions: 1 }]);
  await admin.disconnect();
  const producer = new Producer(config as never, options);
  await producer.connect();
  const report = await producer.send({ topic, key: 'k', value: `to ${topic}` });
  expect(report.offset).toBe(0);
  await producer.disconnect();
  const consumer = new Consumer(
    { ...config, 'group.id': uniqueTopic('round-trip'), 'auto.offset.reset': 'earliest' } as never,
    options,
  );
  await consumer.connect();
  consumer.subscribe(topic);
  const [message] = await collect(consumer, 1, 30_000);
  expect(message?.value?.toString()).toBe(`to ${topic}`);
  await consumer.disconnect();
}
