// AdminClient: create, delete and list topics.
import { type CommonConfig, toNativeConfig } from './config';
import { ErrorCodes } from './generated/error-codes';
import { KafkaError } from './kafka-error';
import { type ClusterMetadata, toClusterMetadata } from './metadata';
import { native, type NativeAdminClient } from './native';
import { expectInteger, expectTopicName, invalid } from './validation';

export interface NewTopic {
  topic: string;
  /** Default 1. */
  partitions?: number;
  /** Default -1: the broker's default.replication.factor. */
  replicationFactor?: number;
  /** Topic configs, e.g. { 'cleanup.policy': 'compact' }. */
  config?: Record<string, string | number | boolean>;
}

export interface TopicOperationOptions {
  timeoutMs?: number;
  /** createTopics: a topic that already exists is not an error. Default false. */
  ignoreExisting?: boolean;
}

export class AdminClient {
  readonly #native: NativeAdminClient;
  #state: 'created' | 'connected' | 'closed' = 'created';

  constructor(config: CommonConfig) {
    this.#native = new native.NativeAdminClient(toNativeConfig(config));
  }

  async connect(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#state !== 'created') {
      throw new KafkaError(`Cannot connect an AdminClient that is ${this.#state}`, { errno: ErrorCodes._STATE });
    }
    this.#native.connect();
    this.#state = 'connected';
    try {
      await this.#native.getMetadata(null, false, expectInteger('options.timeoutMs', options.timeoutMs ?? 10_000, 1));
    } catch (error) {
      await this.disconnect();
      throw error;
    }
  }

  /** Creates topics; rejects with the first topic's KafkaError (e.g. TOPIC_ALREADY_EXISTS). */
  async createTopics(topics: NewTopic[], options: TopicOperationOptions = {}): Promise<void> {
    if (!Array.isArray(topics) || topics.length === 0) throw invalid('topics', 'a non-empty array of NewTopic', topics);
    const specs = topics.map((spec, i) => ({
      topic: expectTopicName(`topics[${i}].topic`, spec.topic),
      partitions: expectInteger(`topics[${i}].partitions`, spec.partitions ?? 1, 1),
      replicationFactor: expectInteger(`topics[${i}].replicationFactor`, spec.replicationFactor ?? -1, -1),
      config: spec.config === undefined ? undefined : Object.fromEntries(Object.entries(spec.config).map(([k, v]) => [k, String(v)])),
    }));
    const outcomes = await this.#usable().createTopics(specs, expectInteger('options.timeoutMs', options.timeoutMs ?? 30_000, 1));
    throwFirst(outcomes, options.ignoreExisting ? ErrorCodes.TOPIC_ALREADY_EXISTS : undefined);
  }

  async deleteTopics(topics: string[], options: TopicOperationOptions = {}): Promise<void> {
    const names = topics.map((topic, i) => expectTopicName(`topics[${i}]`, topic));
    const outcomes = await this.#usable().deleteTopics(names, expectInteger('options.timeoutMs', options.timeoutMs ?? 30_000, 1));
    throwFirst(outcomes, undefined);
  }

  async getMetadata(options: { topic?: string; timeoutMs?: number } = {}): Promise<ClusterMetadata> {
    const topic = options.topic === undefined ? null : expectTopicName('options.topic', options.topic);
    return toClusterMetadata(
      await this.#usable().getMetadata(topic, topic === null, expectInteger('options.timeoutMs', options.timeoutMs ?? 10_000, 1)),
    );
  }

  async disconnect(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    await this.#native.close();
  }

  #usable(): NativeAdminClient {
    if (this.#state !== 'connected') {
      throw new KafkaError(`AdminClient is ${this.#state === 'created' ? 'not connected: call connect() first' : 'closed'}`, {
        errno: ErrorCodes._STATE,
      });
    }
    return this.#native;
  }
}

function throwFirst(outcomes: Array<{ error: Error | null }>, tolerated: number | undefined): void {
  const failed = outcomes.find((outcome) => outcome.error && (outcome.error as KafkaError).errno !== tolerated);
  if (failed) throw failed.error;
}
