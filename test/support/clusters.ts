// The clusters the integration suite runs on. Every integration test file
// runs once per target (one parameterised suite, not copies).
import { inject } from 'vitest';

import { AdminClient } from '../../src/admin-client';
import { MockCluster } from '../../src/mock-cluster';

export interface ClusterTarget {
  name: string;
  bootstrapServers: string;
  createTopic(name: string, partitions: number): Promise<void>;
  close(): Promise<void>;
  /** Fault injection exists only on the mock cluster. */
  mock?: MockCluster;
}

export async function startMockTarget(brokers = 1): Promise<ClusterTarget> {
  const mock = new MockCluster({ brokers });
  return {
    name: 'mock',
    bootstrapServers: mock.bootstrapServers,
    mock,
    async createTopic(name, partitions) {
      mock.createTopic(name, { partitions, replicationFactor: 1 });
    },
    close: () => mock.close(),
  };
}

/** The real broker started by the global setup, with topics made through our AdminClient. */
export async function startKafkaTarget(): Promise<ClusterTarget> {
  const bootstrapServers = inject('kafkaBootstrap');
  const admin = new AdminClient({ 'bootstrap.servers': bootstrapServers });
  await admin.connect();
  return {
    name: `kafka ${inject('kafkaVersion')}`,
    bootstrapServers,
    async createTopic(name, partitions) {
      await admin.createTopics([{ topic: name, partitions, replicationFactor: 1 }]);
      // Leaders are elected asynchronously: wait until metadata shows them all.
      const deadline = Date.now() + 20_000;
      for (;;) {
        const metadata = await admin.getMetadata({ topic: name });
        const topic = metadata.topics.find((t) => t.name === name);
        if (topic && !topic.error && topic.partitions.length === partitions && topic.partitions.every((p) => p.leader >= 0)) {
          return;
        }
        if (Date.now() > deadline) throw new Error(`topic ${name} did not get leaders within 20 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () => admin.disconnect(),
  };
}

export type TargetFactory = { name: string; start: () => Promise<ClusterTarget> };

/** Every integration suite runs once per target: the mock cluster and the real broker. */
export function targets(): TargetFactory[] {
  const list: TargetFactory[] = [{ name: 'mock', start: () => startMockTarget() }];
  if (inject('kafkaVersion') !== 'none') list.push({ name: `kafka ${inject('kafkaVersion')}`, start: startKafkaTarget });
  return list;
}
