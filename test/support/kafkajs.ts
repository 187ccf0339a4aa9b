// Helpers for the rdkafka-napi/kafkajs suites: a Kafka object on a test
// cluster, quiet logs, and a bounded wait.
import { Consumer, type Message } from '../../src';
import { Kafka, logLevel } from '../../src/kafkajs';
import type { ClusterTarget } from './clusters';
import { collect } from './consume';

export function kafkaOn(cluster: ClusterTarget, clientId = 'kafkajs-test'): Kafka {
  return new Kafka({ clientId, brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
}

/** Resolves when `condition` holds; rejects after `timeoutMs` naming `what`. */
export async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Everything in `topic` from the beginning, read by our own Consumer (read_committed). */
export async function readAll(cluster: ClusterTarget, topic: string, count: number, timeoutMs = 20_000): Promise<Message[]> {
  const reader = new Consumer({
    'bootstrap.servers': cluster.bootstrapServers,
    'group.id': `reader-${topic}-${Math.random()}`,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': false,
  });
  await reader.connect();
  try {
    reader.subscribe(topic);
    return await collect(reader, count, timeoutMs);
  } finally {
    await reader.disconnect();
  }
}
