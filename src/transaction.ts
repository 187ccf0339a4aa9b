// Transactions for users: the options and offsets of the transactional calls,
// and the helper that runs a function inside a transaction following
// librdkafka's error handling rules (INTRODUCTION.md, "Transactional Producer").
import type { AbortOptions } from './abort';
import type { Message } from './consumer-message';
import { KafkaError } from './kafka-error';
import type { NativePartitionOffset } from './native';
import type { Producer } from './producer';
import { expectInteger, expectObject, expectTopicName, invalid } from './validation';

/** The opaque snapshot returned by `consumer.groupMetadata()`, for `sendOffsetsToTransaction()`. */
export type ConsumerGroupMetadata = Buffer;

export interface TransactionTimeoutOptions extends AbortOptions {
  /**
   * Longest wait in ms. On a retriable timeout the operation goes on in the
   * background and calling it again resumes it. -1: for commit and abort, the
   * time left of transaction.timeout.ms (librdkafka's recommendation).
   */
  timeoutMs?: number;
}

/** An offset to commit with the transaction: the next message to consume (last processed + 1). */
export interface TransactionOffset {
  topic: string;
  partition: number;
  offset: number;
  metadata?: string;
  leaderEpoch?: number;
}

export interface RunTransactionOptions {
  /**
   * How many times to run the function again after an abortable error (once
   * the transaction was aborted). Default 0: the abortable error is thrown.
   */
  retries?: number;
  /**
   * Runs after each abort, before the function is run again or the error is
   * thrown: rewind the input there (e.g. seek a consumer back to its
   * committed offsets), since the aborted transaction's work is undone.
   */
  onAbort?: (error: unknown) => void | Promise<void>;
  /** Per commit or abort attempt; default -1, the time left of transaction.timeout.ms. */
  timeoutMs?: number;
}

// Attempts of a commit that keeps failing with retriable errors (librdkafka
// resumes the commit on each), and the pause between them.
const COMMIT_ATTEMPTS = 10;
const ABORT_ATTEMPTS = 10;
const RETRY_PAUSE_MS = 100;
/** Checks and converts the offsets given to sendOffsetsToTransaction(). */
export function toTransactionOffsets(offsets: unknown): NativePartitionOffset[] {
  if (!Array.isArray(offsets)) throw invalid('offsets', 'an array of {topic, partition, offset}', offsets);
  return offsets.map((entry: unknown, i) => {
    expectObject(`offsets[${i}]`, entry);
    const result: NativePartitionOffset = {
      topic: expectTopicName(`offsets[${i}].topic`, entry.topic),
      partition: expectInteger(`offsets[${i}].partition`, entry.partition, 0, 2 ** 31 - 1),
      offset: expectInteger(`offsets[${i}].offset`, entry.offset, 0),
    };
    if (entry.metadata !== undefined) result.metadata = String(entry.metadata);
    if (entry.leaderEpoch !== undefined) {
      result.leaderEpoch = expectInteger(`offsets[${i}].leaderEpoch`, entry.leaderEpoch, -1);
    }
    return result;
  });
}

export function expectGroupMetadata(value: unknown): ConsumerGroupMetadata {
  if (!Buffer.isBuffer(value)) throw invalid('groupMetadata', 'the Buffer returned by consumer.groupMetadata()', value);
  return value;
}

/**
 * The offsets to send with a transaction that processed these messages: per
 * partition, the offset after the last one (the next message to consume).
 */
export function offsetsAfter(messages: Iterable<Pick<Message, 'topic' | 'partition' | 'offset'>>): TransactionOffset[] {
  const next = new Map<string, TransactionOffset>();
  for (const { topic, partition, offset } of messages) {
    const key = `${topic}\u0000${partition}`;
    const known = next.get(key);
    if (known === undefined) next.set(key, { topic, partition, offset: offset + 1 });
    else if (offset + 1 > known.offset) known.offset = offset + 1;
  }
  return [...next.values()];
}

/**
 * Begins a transaction, runs `work`, commits. Retriable commit errors retry
 * the commit; an abortable error (txnRequiresAbort, or `work` throwing) aborts
 * the transaction, calls `onAbort`, and runs `work` again while `retries`
 * last, else throws; fatal errors are thrown as they are (the producer must be
 * replaced). Resolves with what `work` returned.
 */
export async function runTransaction<T>(
  producer: Producer,
  work: (producer: Producer) => T | Promise<T>,
  options: RunTransactionOptions = {},
): Promise<T> {
  if (typeof work !== 'function') throw invalid('work', 'a function', work);
  expectObject('options', options);
  const retries = expectInteger('options.retries', options.retries ?? 0, 0);
  const timeoutMs = expectInteger('options.timeoutMs', options.timeoutMs ?? -1, -1);
  if (options.onAbort !== undefined && typeof options.onAbort !== 'function') {
    throw invalid('options.onAbort', 'a function', options.onAbort);
  }
  for (let attempt = 0; ; attempt++) {
    producer.beginTransaction();
    let result: T;
    try {
      result = await work(producer);
    } catch (error) {
      if (error instanceof KafkaError && error.fatal) throw error;
      await abortWithRetries(producer, timeoutMs, error);
      await options.onAbort?.(error);
      if (error instanceof KafkaError && error.txnRequiresAbort && attempt < retries) continue;
      throw error;
    }
    try {
      await commitWithRetries(producer, timeoutMs);
      return result;
    } catch (error) {
      // Fatal, or neither abortable nor retriable (librdkafka: treat as fatal),
      // or still retriable after every attempt (the commit goes on in the
      // background: call commitTransaction() again or abortTransaction()).
      if (!(error instanceof KafkaError) || !error.txnRequiresAbort || error.fatal) throw error;
      await abortWithRetries(producer, timeoutMs, error);
      await options.onAbort?.(error);
      if (attempt < retries) continue;
      throw error;
    }
  }
}

async function commitWithRetries(producer: Producer, timeoutMs: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await producer.commitTransaction({ timeoutMs });
      return;
    } catch (error) {
      if (!(error instanceof KafkaError)) throw error;
      if (error.retriable && !error.txnRequiresAbort && !error.fatal && attempt < COMMIT_ATTEMPTS) {
        await pause(RETRY_PAUSE_MS * attempt);
        continue;
      }
      throw error;
    }
  }
}

async function abortWithRetries(producer: Producer, timeoutMs: number, reason: unknown): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await producer.abortTransaction({ timeoutMs });
      return;
    } catch (error) {
      if (error instanceof KafkaError && error.retriable && !error.fatal && attempt < ABORT_ATTEMPTS) {
        await pause(RETRY_PAUSE_MS * attempt);
        continue;
      }
      // The abort's failure is what the caller must act on; the reason it was aborted goes along.
      if (error instanceof KafkaError) {
        throw new KafkaError(`${error.message} (aborting after: ${String((reason as Error)?.message ?? reason)})`, {
          errno: error.errno,
          retriable: error.retriable,
          fatal: error.fatal,
          txnRequiresAbort: error.txnRequiresAbort,
          librdkafkaMessage: error.librdkafkaMessage,
          cause: reason,
        });
      }
      throw error;
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
