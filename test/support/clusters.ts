// The clusters the integration suite runs on. Every integration test file
// runs once per target (one parameterised suite, not copies).
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

export type TargetFactory = { name: string; start: () => Promise<ClusterTarget> };

export function targets(): TargetFactory[] {
  return [{ name: 'mock', start: () => startMockTarget() }];
}
