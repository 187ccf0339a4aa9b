// The transactional calls of a Producer with transactional.id: checked
// arguments, the native calls (off the event loop), the phase kept by a
// TransactionTracker, and the delivery reports of a transaction drained
// before its commit or abort resolves.
import { ErrorCodes } from './generated/error-codes';
import { KafkaError } from './kafka-error';
import type { NativeProducer } from './native';
import {
  type ConsumerGroupMetadata,
  expectGroupMetadata,
  toTransactionOffsets,
  type TransactionOffset,
  type TransactionTimeoutOptions,
} from './transaction';
import { TransactionTracker } from './transaction-state';
import { expectInteger } from './validation';

/** What of its producer the transactional calls use. */
export interface TransactionalProducer {
  native: NativeProducer;
  /** Registers a pending call, so disconnect() waits for it. */
  track<T>(promise: Promise<T>): Promise<T>;
  /** Resolves once every produced message's report was handled. */
  waitForDrain(): Promise<void>;
}

// librdkafka's default transaction.timeout.ms.
const DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

export class ProducerTransactions {
  readonly #producer: TransactionalProducer;
  readonly #tracker: TransactionTracker;
  #abortsInProgress = 0;

  /** For a producer whose native config has a transactional.id; undefined for one without. */
  static of(nativeConfig: Record<string, string>, producer: TransactionalProducer): ProducerTransactions | undefined {
    const transactionalId = nativeConfig['transactional.id'];
    if (!transactionalId) return undefined;
    const timeoutMs = Number(nativeConfig['transaction.timeout.ms'] ?? DEFAULT_TRANSACTION_TIMEOUT_MS);
    return new ProducerTransactions(transactionalId, timeoutMs, producer);
  }

  constructor(transactionalId: string, transactionTimeoutMs: number, producer: TransactionalProducer) {
    this.#producer = producer;
    this.#tracker = new TransactionTracker(transactionalId, transactionTimeoutMs, () => this.#abortNow(-1));
  }

  /** The error of a producer without transactional.id asked for a transactional call. */
  static notConfigured(operation: string): KafkaError {
    return new KafkaError(`${operation}() needs a transactional producer: set transactional.id in the producer config`, {
      errno: ErrorCodes._NOT_CONFIGURED,
      retriable: false,
    });
  }

  /** An abort is purging the transaction's undelivered messages: their failed reports are expected. */
  get aborting(): boolean {
    return this.#abortsInProgress > 0;
  }

  async init(options: TransactionTimeoutOptions): Promise<void> {
    const timeoutMs = expectInteger('options.timeoutMs', options.timeoutMs ?? 30_000, -1);
    await this.#tracker.run('initTransactions', () => this.#producer.track(this.#producer.native.initTransactions(timeoutMs)));
  }

  begin(): void {
    this.#tracker.begin(() => this.#producer.native.beginTransaction());
  }

  async commit(options: TransactionTimeoutOptions): Promise<void> {
    const timeoutMs = expectInteger('options.timeoutMs', options.timeoutMs ?? -1, -1);
    await this.#tracker.run('commitTransaction', () => this.#producer.track(this.#producer.native.commitTransaction(timeoutMs)));
    await this.#producer.waitForDrain(); // every report of the transaction handled before this resolves
  }

  async abort(options: TransactionTimeoutOptions): Promise<void> {
    const timeoutMs = expectInteger('options.timeoutMs', options.timeoutMs ?? -1, -1);
    await this.#tracker.run('abortTransaction', () => this.#abortNow(timeoutMs));
  }

  async sendOffsets(
    offsets: TransactionOffset[],
    groupMetadata: ConsumerGroupMetadata,
    options: TransactionTimeoutOptions,
  ): Promise<void> {
    const list = toTransactionOffsets(offsets);
    const metadata = expectGroupMetadata(groupMetadata);
    const timeoutMs = expectInteger('options.timeoutMs', options.timeoutMs ?? 30_000, -1);
    await this.#tracker.run('sendOffsetsToTransaction', () =>
      this.#producer.track(this.#producer.native.sendOffsetsToTransaction(list, metadata, timeoutMs)),
    );
  }

  /**
   * At disconnect: aborts a transaction still open (unless the producer had a
   * fatal error), which would otherwise hold read_committed consumers back
   * until the broker times it out.
   */
  async close(timeoutMs: number, abortOpen: boolean): Promise<void> {
    if (abortOpen && this.#tracker.hasOpenTransaction) {
      await this.#tracker.run('abortTransaction', () => this.#abortNow(timeoutMs)).catch(() => undefined);
    }
    this.#tracker.dispose();
  }

  /** The error for a message librdkafka refused with _STATE. */
  produceError(topic: string): KafkaError {
    return this.#tracker.produceError(topic);
  }

  async #abortNow(timeoutMs: number): Promise<void> {
    this.#abortsInProgress++;
    try {
      await this.#producer.track(this.#producer.native.abortTransaction(timeoutMs));
      await this.#producer.waitForDrain();
    } finally {
      this.#abortsInProgress--;
    }
  }
}
