// MockCluster: librdkafka's in-process Kafka cluster on 127.0.0.1 with fault
// injection. Any Kafka client (kcat included) can talk to it.
import { ErrorCodes, type ErrorCodeName } from './generated/error-codes';
import { native, type NativeMockCluster } from './native';
import { expectInteger, expectTopicName, invalid } from './validation';

/** Kafka protocol request types, for pushRequestErrors(). */
export const ApiKeys = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  ApiVersions: 18,
  InitProducerId: 22,
  AddPartitionsToTxn: 24,
  EndTxn: 26,
  ConsumerGroupHeartbeat: 68,
} as const;

export interface MockClusterOptions {
  /** Number of brokers (ids 1..n). Default 1. */
  brokers?: number;
  /**
   * How long a new group waits for more members before its first assignment
   * (the broker's group.initial.rebalance.delay.ms). Default 0, as in a
   * development broker, so a lone consumer starts at once instead of after
   * 3 s. Needs librdkafka 2.14 or later; older ones keep their 3 s.
   */
  groupInitialRebalanceDelayMs?: number;
}

// Open clusters stay reachable until close(): clients reach a cluster by its
// address only, so one held by nothing else would be garbage-collected, and
// torn down, under them. The addon's exit hook closes what is left.
const openClusters = new Set<MockCluster>();

export class MockCluster {
  readonly #native: NativeMockCluster;
  readonly bootstrapServers: string;
  #closed = false;

  constructor(options: MockClusterOptions = {}) {
    const brokers = expectInteger('options.brokers', options.brokers ?? 1, 1, 64);
    const rebalanceDelayMs = expectInteger(
      'options.groupInitialRebalanceDelayMs',
      options.groupInitialRebalanceDelayMs ?? 0,
      0,
      2 ** 31 - 1,
    );
    this.#native = new native.NativeMockCluster(brokers, rebalanceDelayMs);
    this.bootstrapServers = this.#native.bootstrapServers();
    openClusters.add(this);
  }

  /** Starts a mock cluster; same as the constructor, for symmetry with close(). */
  static async start(options: MockClusterOptions = {}): Promise<MockCluster> {
    return new MockCluster(options);
  }

  createTopic(name: string, options: { partitions?: number; replicationFactor?: number } = {}): void {
    this.#native.createTopic(
      expectTopicName('name', name),
      expectInteger('options.partitions', options.partitions ?? 1, 1),
      expectInteger('options.replicationFactor', options.replicationFactor ?? 1, 1),
    );
  }

  /**
   * Makes the next requests of one type fail with the given errors, in order.
   * With `brokerId`, only that broker answers so, after `rttMs` (librdkafka
   * delays only errors bound to one broker, so rttMs needs brokerId).
   */
  pushRequestErrors(
    apiKey: number,
    errors: Array<ErrorCodeName | number>,
    options: { brokerId?: number; rttMs?: number } = {},
  ): void {
    const codes = errors.map((error) => toErrno(error));
    const brokerId = options.brokerId === undefined ? undefined : expectInteger('options.brokerId', options.brokerId, 1);
    const rttMs = options.rttMs === undefined ? undefined : expectInteger('options.rttMs', options.rttMs, 0);
    if (rttMs !== undefined && brokerId === undefined) {
      throw new TypeError(
        'Expected options.brokerId with options.rttMs: librdkafka delays only errors bound to one broker; ' +
          'pass the broker whose answers should be delayed',
      );
    }
    this.#native.pushRequestErrors(expectInteger('apiKey', apiKey, 0, 32767), codes, brokerId, rttMs);
  }

  clearRequestErrors(apiKey: number): void {
    this.#native.clearRequestErrors(expectInteger('apiKey', apiKey, 0, 32767));
  }

  /** Closes the broker's connections and refuses new ones until setBrokerUp(). */
  setBrokerDown(brokerId: number): void {
    this.#native.setBrokerDown(expectInteger('brokerId', brokerId, 1));
  }

  setBrokerUp(brokerId: number): void {
    this.#native.setBrokerUp(expectInteger('brokerId', brokerId, 1));
  }

  /** Adds a round-trip delay to every response of one broker. */
  setBrokerRtt(brokerId: number, rttMs: number): void {
    this.#native.setBrokerRtt(expectInteger('brokerId', brokerId, 1), expectInteger('rttMs', rttMs, 0));
  }

  setPartitionLeader(topic: string, partition: number, brokerId: number): void {
    this.#native.setPartitionLeader(
      expectTopicName('topic', topic),
      expectInteger('partition', partition, 0),
      expectInteger('brokerId', brokerId, -1),
    );
  }

  /** Makes metadata requests report this error for the topic (NO_ERROR clears it). */
  setTopicError(topic: string, error: ErrorCodeName | number): void {
    this.#native.setTopicError(expectTopicName('topic', topic), toErrno(error));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#native.close();
    } finally {
      openClusters.delete(this);
    }
  }

  /** `await using cluster = new MockCluster()`: close() when the scope ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function toErrno(error: ErrorCodeName | number): number {
  if (typeof error === 'number' && Number.isInteger(error)) return error;
  if (typeof error === 'string' && error in ErrorCodes) return ErrorCodes[error as ErrorCodeName];
  throw invalid('error', 'an ErrorCodes name or number', error);
}
