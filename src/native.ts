// Loads the compiled addon through node-gyp-build, prebuildify's own loader
// (build/Release when a source build exists, else the matching
// prebuilds/<platform>-<arch>/ binary), and describes its surface.
import fs from 'node:fs';
import path from 'node:path';

import { KafkaError, type KafkaErrorDetails } from './kafka-error';
import { loadFailureHelp } from './load-failure-help';

export interface NativeMetadataRequest {
  topic: string | null;
  allTopics: boolean;
  timeoutMs: number;
}

export interface NativeProducer {
  connect(): void;
  topicIndex(name: string): number;
  produce(topicIndex: number, partition: number, value: unknown, key?: unknown): number;
  produceWithExtras(
    topicIndex: number,
    partition: number,
    value: unknown,
    key: unknown,
    timestampMs: number,
    messageId: number,
    headers: unknown[] | null,
  ): number;
  flush(timeoutMs: number): Promise<void>;
  purge(): void;
  getMetadata(topic: string | null, allTopics: boolean, timeoutMs: number): Promise<unknown>;
  close(): Promise<void>;
  inFlight(): number;
  queueLength(): number;
}

export interface NativeMockCluster {
  bootstrapServers(): string;
  createTopic(name: string, partitions: number, replicationFactor: number): void;
  pushRequestErrors(apiKey: number, errors: number[], brokerId?: number, rttMs?: number): void;
  clearRequestErrors(apiKey: number): void;
  setBrokerDown(brokerId: number): void;
  setBrokerUp(brokerId: number): void;
  setBrokerRtt(brokerId: number, rttMs: number): void;
  setPartitionLeader(topic: string, partition: number, brokerId: number): void;
  setTopicError(topic: string, errno: number): void;
  close(): Promise<void>;
}

export interface NativePartitionOffset {
  topic: string;
  partition: number;
  offset?: number;
  metadata?: string;
  leaderEpoch?: number;
  error?: Error | null;
}

export interface NativeRebalance {
  kind: 'assign' | 'revoke';
  protocol: string;
  lost: boolean;
  partitions: NativePartitionOffset[];
}

export interface NativeConsumer {
  connect(): void;
  subscribe(topics: string[]): void;
  unsubscribe(): void;
  subscription(): string[];
  assign(partitions: NativePartitionOffset[] | null): void;
  incrementalAssign(partitions: NativePartitionOffset[]): void;
  incrementalUnassign(partitions: NativePartitionOffset[]): void;
  assignment(): NativePartitionOffset[];
  poll(maxMessages: number): [number, Buffer | undefined, unknown[][] | undefined, boolean];
  takeRebalance(): NativeRebalance | undefined;
  applyRebalance(): void;
  commit(offsets: NativePartitionOffset[] | null): Promise<NativePartitionOffset[]>;
  committed(partitions: NativePartitionOffset[], timeoutMs: number): Promise<NativePartitionOffset[]>;
  position(partitions: NativePartitionOffset[]): NativePartitionOffset[];
  storeOffsets(offsets: NativePartitionOffset[]): NativePartitionOffset[];
  seek(partitions: NativePartitionOffset[], timeoutMs: number): Promise<NativePartitionOffset[]>;
  pause(partitions: NativePartitionOffset[]): NativePartitionOffset[];
  resume(partitions: NativePartitionOffset[]): NativePartitionOffset[];
  queryWatermarkOffsets(topic: string, partition: number, timeoutMs: number): Promise<{ low: number; high: number }>;
  offsetsForTimes(partitions: NativePartitionOffset[], timeoutMs: number): Promise<NativePartitionOffset[]>;
  getMetadata(topic: string | null, allTopics: boolean, timeoutMs: number): Promise<unknown>;
  topicName(index: number): string | undefined;
  setKeepAlive(keepAlive: boolean): void;
  rebalanceProtocol(): string;
  close(): Promise<void>;
}

export interface NativeTopicOutcome {
  topic: string;
  error: Error | null;
}

export interface NativeAdminClient {
  connect(): void;
  createTopics(
    specs: Array<{ topic: string; partitions: number; replicationFactor: number; config?: Record<string, string> }>,
    timeoutMs: number,
  ): Promise<NativeTopicOutcome[]>;
  deleteTopics(topics: string[], timeoutMs: number): Promise<NativeTopicOutcome[]>;
  getMetadata(topic: string | null, allTopics: boolean, timeoutMs: number): Promise<unknown>;
  close(): Promise<void>;
}

export type NativeEventHandler = (kind: string, ...payload: unknown[]) => void;

export interface NativeAddon {
  NativeProducer: new (
    config: Record<string, string>,
    reportSlab: Float64Array,
    onReports: (count: number, failures: unknown[][] | undefined) => void,
    onEvent: NativeEventHandler,
  ) => NativeProducer;
  NativeConsumer: new (
    config: Record<string, string>,
    metaSlab: Float64Array,
    onReadable: () => void,
    onEvent: NativeEventHandler,
  ) => NativeConsumer;
  NativeMockCluster: new (brokerCount: number, groupInitialRebalanceDelayMs: number) => NativeMockCluster;
  NativeAdminClient: new (config: Record<string, string>) => NativeAdminClient;
  setKafkaErrorFactory(factory: (errno: number, message: string, details: object) => Error): void;
  librdkafkaVersion: string;
  librdkafkaVersionNumber: number;
  configurationTable(): string;
  errorTable(): Array<{ code: number; name: string; description: string }>;
  builtinFeatures(): string;
  errorName(errno: number): string;
}

function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'binding.gyp'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('rdkafka-napi: cannot find the package root (binding.gyp) above ' + __dirname);
    dir = parent;
  }
  return dir;
}

function load(): NativeAddon {
  const root = packageRoot();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('node-gyp-build')(root) as NativeAddon;
  } catch (cause) {
    const text = String((cause as Error).message);
    const message = [
      `rdkafka-napi: could not load the native addon for ${process.platform}-${process.arch} (Node ${process.version}).`,
      ...loadFailureHelp(text),
      `  cause: ${text.split('\n')[0]}`,
    ].join('\n');
    throw new Error(message, { cause });
  }
}

export const native: NativeAddon = load();

// Native code builds errors through the TypeScript class, so there is one KafkaError.
native.setKafkaErrorFactory(
  (errno, message, details) => new KafkaError(message, { ...(details as Omit<KafkaErrorDetails, 'errno'>), errno }),
);
