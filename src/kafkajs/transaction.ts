// KafkaJS's Transaction object, over our Producer's transactional calls.
import type { Producer } from '../producer';
import type { ConsumerGroupMetadata } from '../transaction';
import { groupOnlyMetadata } from './context';
import { KafkaJSNonRetriableError, toKafkaJSError } from './errors';
import type { ProducerBatch, ProducerRecord, RecordMetadata } from './producer';

export interface SendOffsetsRequest {
  consumerGroupId: string;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string | number; metadata?: string | null }> }>;
}

export interface TransactionParts {
  producer: Producer;
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
  groupMetadataFor(request: SendOffsetsRequest): ConsumerGroupMetadata | undefined;
  onEnd(): void;
}

// A commit that fails with a retriable error is resumed by calling it again (librdkafka's rule).
const COMMIT_ATTEMPTS = 5;

export class Transaction {
  readonly #parts: TransactionParts;
  #active = true;

  constructor(parts: TransactionParts) {
    this.#parts = parts;
  }

  isActive(): boolean {
    return this.#active;
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    this.#ensureActive('send');
    return this.#parts.send(record);
  }

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    this.#ensureActive('sendBatch');
    return this.#parts.sendBatch(batch);
  }

  /**
   * Commits consumer offsets with the transaction. The group's metadata comes
   * from a consumer of the same Kafka object in that group when there is one
   * (so a zombie member is fenced), else from the group id alone.
   */
  async sendOffsets(request: SendOffsetsRequest): Promise<void> {
    this.#ensureActive('sendOffsets');
    if (typeof request?.consumerGroupId !== 'string' || request.consumerGroupId === '') {
      throw new KafkaJSNonRetriableError('sendOffsets() needs consumerGroupId');
    }
    const offsets = (request.topics ?? []).flatMap(({ topic, partitions }) =>
      partitions.map(({ partition, offset, metadata }) => ({
        topic,
        partition,
        offset: Number(offset),
        ...(metadata === undefined || metadata === null ? {} : { metadata }),
      })),
    );
    const metadata = this.#parts.groupMetadataFor(request) ?? groupOnlyMetadata(request.consumerGroupId);
    try {
      await this.#parts.producer.sendOffsetsToTransaction(offsets, metadata);
    } catch (error) {
      throw toKafkaJSError(error);
    }
  }

  async commit(): Promise<void> {
    this.#ensureActive('commit');
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#parts.producer.commitTransaction();
        break;
      } catch (error) {
        const retriable = (error as { retriable?: boolean }).retriable === true;
        if (!retriable || attempt >= COMMIT_ATTEMPTS) throw toKafkaJSError(error);
      }
    }
    this.#end();
  }

  async abort(): Promise<void> {
    this.#ensureActive('abort');
    try {
      await this.#parts.producer.abortTransaction();
    } catch (error) {
      throw toKafkaJSError(error);
    }
    this.#end();
  }

  #end(): void {
    this.#active = false;
    this.#parts.onEnd();
  }

  #ensureActive(operation: string): void {
    if (!this.#active) {
      throw new KafkaJSNonRetriableError(`Cannot ${operation}: the transaction is no longer active (committed or aborted)`);
    }
  }
}
