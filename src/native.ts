// Loads the compiled addon through node-gyp-build, prebuildify's own loader
// (build/Release when a source build exists, else the matching
// prebuilds/<platform>-<arch>/ binary), and describes its surface.
//
// The validation rule between the layers: src/ validates everything a user
// passes and throws a TypeError naming the argument ("Expected X for Y but
// received Z", src/validation.ts) or a KafkaError; native/ assumes the shapes
// declared here and only converts and calls librdkafka. One byte rule holds
// in both layers: a key, value or header value is a Uint8Array (Buffer
// included), a string (sent as UTF-8), or null/undefined.
//
// NATIVE_METHODS lists each native class's methods; the compiler checks it
// against the interfaces below, and test/unit/native-surface.test.ts checks it
// against the loaded addon, so the two layers cannot drift apart.
import fs from 'node:fs';
import path from 'node:path';

import type { NativeAdminOperations } from './admin/native-operations';
import { KafkaError, type KafkaErrorDetails } from './kafka-error';
import { loadFailureHelp } from './load-failure-help';
import type { NativeOAuthBearerTarget } from './oauthbearer';

export interface NativeMetadataRequest {
  topic: string | null;
  allTopics: boolean;
  timeoutMs: number;
}

/** What every native client has (see src/client.ts). */
export interface NativeClient extends NativeOAuthBearerTarget {
  connect(): void;
  getMetadata(topic: string | null, allTopics: boolean, timeoutMs: number): Promise<unknown>;
  close(): Promise<void>;
  /** The fatal error librdkafka raised, with its underlying code; undefined when none (or closed). */
  fatalError(): KafkaError | undefined;
  /**
   * Tests only (rd_kafka_test_fatal_error): raises a fabricated fatal error
   * with this underlying code; returns 0, or _PREV_IN_PROGRESS after an
   * earlier fatal error. No public class calls it.
   */
  raiseFatalErrorForTesting(errno: number, reason: string): number;
}

export interface NativeProducer extends NativeClient {
  topicIndex(name: string): number;
  produce(topicIndex: number, partition: number, value: unknown, key?: unknown, messageId?: number): number;
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
  inFlight(): number;
  initTransactions(timeoutMs: number): Promise<void>;
  beginTransaction(): void;
  commitTransaction(timeoutMs: number): Promise<void>;
  abortTransaction(timeoutMs: number): Promise<void>;
  sendOffsetsToTransaction(offsets: NativePartitionOffset[], groupMetadata: Buffer, timeoutMs: number): Promise<void>;
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

export interface NativeConsumer extends NativeClient {
  subscribe(topics: string[]): void;
  unsubscribe(): void;
  subscription(): string[];
  assign(partitions: NativePartitionOffset[] | null): void;
  incrementalAssign(partitions: NativePartitionOffset[]): void;
  incrementalUnassign(partitions: NativePartitionOffset[]): void;
  assignment(): NativePartitionOffset[];
  poll(maxMessages: number): [number, Buffer | undefined, unknown[][] | undefined, boolean];
  takeRebalance(): NativeRebalance | undefined;
  /** For an assignment, `startOffsets` names partitions that start there instead of at the committed offset. */
  applyRebalance(startOffsets?: Array<{ topic: string; partition: number; offset: number }>): void;
  commit(offsets: NativePartitionOffset[] | null): Promise<NativePartitionOffset[]>;
  committed(partitions: NativePartitionOffset[], timeoutMs: number): Promise<NativePartitionOffset[]>;
  position(partitions: NativePartitionOffset[]): NativePartitionOffset[];
  storeOffsets(offsets: NativePartitionOffset[]): NativePartitionOffset[];
  seek(partitions: NativePartitionOffset[], timeoutMs: number): Promise<NativePartitionOffset[]>;
  pause(partitions: NativePartitionOffset[]): NativePartitionOffset[];
  resume(partitions: NativePartitionOffset[]): NativePartitionOffset[];
  queryWatermarkOffsets(topic: string, partition: number, timeoutMs: number): Promise<{ low: number; high: number }>;
  offsetsForTimes(partitions: NativePartitionOffset[], timeoutMs: number): Promise<NativePartitionOffset[]>;
  topicName(index: number): string | undefined;
  setKeepAlive(keepAlive: boolean): void;
  rebalanceProtocol(): string;
  groupMetadata(): Buffer;
  memberId(): string | null;
}

export interface NativeAdminClient extends NativeClient, NativeAdminOperations {}

export type NativeEventHandler = (kind: string, ...payload: unknown[]) => void;

/** Slot names of a slab layout, with its stride (numbers per entry). */
export type NativeSlotLayout = Record<string, number> & { stride: number };

/** The methods each native class defines on its prototype (checked both ways; see the top of this file). */
export const NATIVE_METHODS = {
  NativeProducer: [
    'connect',
    'topicIndex',
    'produceWithExtras',
    'flush',
    'purge',
    'getMetadata',
    'close',
    'inFlight',
    'initTransactions',
    'beginTransaction',
    'commitTransaction',
    'abortTransaction',
    'sendOffsetsToTransaction',
    'enableOAuthBearerTokenRefresh',
    'setOAuthBearerToken',
    'setOAuthBearerTokenFailure',
    'fatalError',
    'raiseFatalErrorForTesting',
  ],
  NativeConsumer: [
    'connect',
    'subscribe',
    'unsubscribe',
    'subscription',
    'assign',
    'incrementalAssign',
    'incrementalUnassign',
    'assignment',
    'poll',
    'takeRebalance',
    'applyRebalance',
    'commit',
    'committed',
    'position',
    'storeOffsets',
    'seek',
    'pause',
    'resume',
    'queryWatermarkOffsets',
    'offsetsForTimes',
    'getMetadata',
    'topicName',
    'setKeepAlive',
    'rebalanceProtocol',
    'close',
    'groupMetadata',
    'memberId',
    'enableOAuthBearerTokenRefresh',
    'setOAuthBearerToken',
    'setOAuthBearerTokenFailure',
    'fatalError',
    'raiseFatalErrorForTesting',
  ],
  NativeAdminClient: [
    'connect',
    'getMetadata',
    'close',
    'enableOAuthBearerTokenRefresh',
    'setOAuthBearerToken',
    'setOAuthBearerTokenFailure',
    'fatalError',
    'raiseFatalErrorForTesting',
    'CreateTopics',
    'DeleteTopics',
    'CreatePartitions',
    'DeleteRecords',
    'DescribeTopics',
    'ListOffsets',
    'ElectLeaders',
    'DescribeConfigs',
    'AlterConfigs',
    'IncrementalAlterConfigs',
    'ListConsumerGroups',
    'DescribeConsumerGroups',
    'DeleteGroups',
    'ListConsumerGroupOffsets',
    'AlterConsumerGroupOffsets',
    'DeleteConsumerGroupOffsets',
    'CreateAcls',
    'DescribeAcls',
    'DeleteAcls',
    'DescribeCluster',
    'DescribeUserScramCredentials',
    'AlterUserScramCredentials',
  ],
  NativeMockCluster: [
    'bootstrapServers',
    'createTopic',
    'pushRequestErrors',
    'clearRequestErrors',
    'setBrokerDown',
    'setBrokerUp',
    'setBrokerRtt',
    'setPartitionLeader',
    'setTopicError',
    'close',
  ],
} as const;

/** Methods a native class sets on each instance instead of its prototype (the produce fast path). */
export const NATIVE_OWN_METHODS = { NativeProducer: ['produce'] } as const;

// Compile-time half of the check: each list names exactly its interface's methods.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Listed<K extends keyof typeof NATIVE_METHODS> = (typeof NATIVE_METHODS)[K][number];
const declaredMethodsMatch: [
  Same<keyof NativeProducer, Listed<'NativeProducer'> | (typeof NATIVE_OWN_METHODS)['NativeProducer'][number]>,
  Same<keyof NativeConsumer, Listed<'NativeConsumer'>>,
  Same<keyof NativeAdminClient, Listed<'NativeAdminClient'>>,
  Same<keyof NativeMockCluster, Listed<'NativeMockCluster'>>,
] = [true, true, true, true];
void declaredMethodsMatch;

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
  NativeAdminClient: new (config: Record<string, string>, onEvent: NativeEventHandler) => NativeAdminClient;
  setKafkaErrorFactory(factory: (errno: number, message: string, details: object) => Error): void;
  /** The slab layouts of native/wire_layout.h (src/generated/wire-layout.ts is generated from it). */
  wireLayout: { deliveryReport: NativeSlotLayout; consumedMessage: NativeSlotLayout };
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
