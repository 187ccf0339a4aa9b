// The consumer's offset bookkeeping, as plain logic (no native calls, unit
// tested without a broker): which messages a loop has processed, which
// offsets to store for the next commit, the forward-only rule for stores,
// seeks that void messages fetched before them, and the unfinished tail of a
// batch whose loop was left part-way.
import type { Message } from './consumer-message';
import type { NativePartitionOffset } from './native';

/** Key of a topic-partition in the per-partition maps and sets. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** The batch a loop is iterating: how far its body got and how much of that is stored. */
export interface BatchInProgress {
  readonly messages: Message[];
  processed: number;
  stored: number;
  /** The seek counter when the batch was fetched. */
  readonly fetchedAtSeek: number;
}

export class OffsetTracker {
  #current: BatchInProgress | undefined;
  // Fetched, but no loop body finished them: the tail of a batch whose loop
  // was left (break, throw, a newer loop). librdkafka has moved past them, so
  // the next pull serves them first.
  #unfinished: Message[] = [];
  // seek() bumps the counter and records it per partition, so messages of a
  // batch fetched before the seek are skipped for that partition.
  #seekCounter = 0;
  readonly #soughtAt = new Map<string, number>();
  // Highest offset stored per partition: stores only move forward, so an
  // explicit commit(offsets) is never undone by a later store of an older
  // processed position.
  readonly #storedUpTo = new Map<string, number>();

  /** A batch handed to a loop becomes the one whose progress counts. */
  startBatch(messages: Message[]): BatchInProgress {
    const batch: BatchInProgress = { messages, processed: 0, stored: 0, fetchedAtSeek: this.#seekCounter };
    this.#current = batch;
    return batch;
  }

  /** False once a newer loop took over. */
  isCurrent(batch: BatchInProgress): boolean {
    return this.#current === batch;
  }

  /** A message of a partition sought after its batch was fetched: skip it. */
  voidedBySeek(message: Message, batch: BatchInProgress): boolean {
    if (this.#seekCounter === batch.fetchedAtSeek) return false;
    const soughtAt = this.#soughtAt.get(partitionKey(message.topic, message.partition));
    return soughtAt !== undefined && soughtAt > batch.fetchedAtSeek;
  }

  /**
   * The offsets to store for what the loop body finished since the last call:
   * the next offset of the last processed message of each partition.
   */
  takeProcessed(): NativePartitionOffset[] {
    const current = this.#current;
    if (current === undefined || current.processed <= current.stored) return [];
    // Only the last processed message of each partition matters: walk back
    // from the end and stop looking at partitions already seen.
    const next: NativePartitionOffset[] = [];
    const seen = new Map<string, Set<number>>();
    for (let i = current.processed - 1; i >= current.stored; i--) {
      const message = current.messages[i];
      let partitions = seen.get(message.topic);
      if (partitions === undefined) {
        partitions = new Set();
        seen.set(message.topic, partitions);
      }
      if (partitions.has(message.partition)) continue;
      partitions.add(message.partition);
      if (this.voidedBySeek(message, current)) continue;
      const entry: NativePartitionOffset = { topic: message.topic, partition: message.partition, offset: message.offset + 1 };
      if (message.leaderEpoch !== undefined) entry.leaderEpoch = message.leaderEpoch;
      next.push(entry);
    }
    current.stored = current.processed;
    return next;
  }

  /** Of these offsets, those beyond what is stored already (stores only move forward). */
  forwardOnly(offsets: NativePartitionOffset[]): NativePartitionOffset[] {
    return offsets.filter((entry) => entry.offset! > (this.#storedUpTo.get(partitionKey(entry.topic, entry.partition)) ?? -1));
  }

  /** librdkafka's per-partition answer to a store: what it took is the new floor. */
  noteStored(results: NativePartitionOffset[]): void {
    for (const entry of results) {
      if (!entry.error) this.#storedUpTo.set(partitionKey(entry.topic, entry.partition), entry.offset!);
    }
  }

  /** A seek: messages fetched before it are void for these partitions, and lower offsets are the new truth. */
  noteSeek(partitions: Array<{ topic: string; partition: number }>): void {
    this.#seekCounter++;
    const sought = new Set<string>();
    for (const { topic, partition } of partitions) {
      const key = partitionKey(topic, partition);
      sought.add(key);
      this.#soughtAt.set(key, this.#seekCounter);
      this.#storedUpTo.delete(key);
    }
    this.dropUnfinished(sought);
  }

  /** Revoked partitions: their unfinished messages must never be handed out. */
  dropUnfinished(partitionKeys: Set<string>): void {
    if (this.#unfinished.length === 0) return;
    this.#unfinished = this.#unfinished.filter((message) => !partitionKeys.has(partitionKey(message.topic, message.partition)));
  }

  /** Partitions this consumer no longer owns start afresh if they come back. */
  forgetStored(partitions: Array<{ topic: string; partition: number }>): void {
    for (const { topic, partition } of partitions) this.#storedUpTo.delete(partitionKey(topic, partition));
  }

  /**
   * Ends the current batch: what its loop did not finish goes to the front of
   * what is served next, without messages of partitions sought since.
   */
  keepUnfinishedTail(): void {
    const current = this.#current;
    if (current === undefined) return;
    this.#current = undefined;
    if (current.processed >= current.messages.length) return;
    let tail = current.messages.slice(current.processed);
    if (this.#seekCounter !== current.fetchedAtSeek) tail = tail.filter((message) => !this.voidedBySeek(message, current));
    this.#unfinished = tail.concat(this.#unfinished);
  }

  /** Up to `max` unfinished messages, oldest first; undefined when there are none. */
  takeUnfinished(max: number): Message[] | undefined {
    return this.#unfinished.length === 0 ? undefined : this.#unfinished.splice(0, max);
  }
}
