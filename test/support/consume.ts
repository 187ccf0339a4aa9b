// Helpers to drive consumers in tests, always bounded in time.
import type { Consumer, Message } from '../../src';

// One reader per consumer across collect() calls: leaving a loop part-way
// hands its batch to the next loop again (it was not finished), so each call
// goes on with the same loop instead.
const readers = new WeakMap<Consumer, BoundedReader<Message[]>>();

/** Reads until `count` messages arrived or `timeoutMs` passed; resolves with what came. */
export async function collect(consumer: Consumer, count: number, timeoutMs: number): Promise<Message[]> {
  let reader = readers.get(consumer);
  if (reader === undefined) {
    reader = new BoundedReader(consumer.batches({ maxMessages: 500 })[Symbol.asyncIterator]());
    readers.set(consumer, reader);
  }
  const messages: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  while (messages.length < count) {
    const batch = await reader.next(deadline - Date.now());
    if (batch === undefined) break;
    messages.push(...batch);
  }
  return messages;
}

/**
 * Reads an async iterator with a time limit per read, keeping the one
 * pending next() across timeouts so no value is ever lost.
 */
export class BoundedReader<T> {
  #pending: Promise<IteratorResult<T>> | undefined;
  #done = false;

  constructor(private readonly iterator: AsyncIterator<T>) {}

  /** The next value, or undefined on timeout or when the iterator ended. */
  async next(timeoutMs: number): Promise<T | undefined> {
    if (this.#done || timeoutMs <= 0) return undefined;
    this.#pending ??= this.iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.#pending, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') return undefined;
    this.#pending = undefined;
    if (result.done) {
      this.#done = true;
      return undefined;
    }
    return result.value;
  }

  /** Stops reading; a pull still pending ends when the consumer disconnects. */
  stop(): void {
    if (this.#pending === undefined) void this.iterator.return?.(undefined);
    this.#done = true;
  }
}

export function byPartition(messages: Message[]): Map<number, number[]> {
  const offsets = new Map<number, number[]>();
  for (const message of messages) {
    const list = offsets.get(message.partition) ?? [];
    list.push(message.offset);
    offsets.set(message.partition, list);
  }
  return offsets;
}

export function isAscending(values: number[]): boolean {
  return values.every((value, i) => i === 0 || value > values[i - 1]);
}
