// KafkaJS's offset bookkeeping for a consumer group member: offsets the
// handlers resolved, which of them are committed, and when autoCommitInterval
// or autoCommitThreshold make a commit due. Plain logic (unit-testable).

export interface TopicOffsets {
  topic: string;
  partitions: Array<{ partition: number; offset: string }>;
}

export interface OffsetsByTopicPartition {
  topics: TopicOffsets[];
}

interface PartitionOffsets {
  topic: string;
  partition: number;
  /** The next offset to consume after what was resolved: what a commit sends. */
  next: number;
  committed: number;
}

export interface CommitEntry {
  topic: string;
  partition: number;
  offset: number;
}

const key = (topic: string, partition: number): string => `${topic}\0${partition}`;

export class GroupOffsets {
  readonly #partitions = new Map<string, PartitionOffsets>();
  #interval: number | null = null;
  #threshold: number | null = null;
  #resolvedSinceCommit = 0;
  #lastCommit = Date.now();

  configure(interval: number | null, threshold: number | null): void {
    this.#interval = interval;
    this.#threshold = threshold;
    this.#lastCommit = Date.now();
  }

  /** Marks `offset` processed; `force` moves it back too (a seek without autoCommit). */
  resolve(topic: string, partition: number, offset: number, force = false): void {
    const k = key(topic, partition);
    let entry = this.#partitions.get(k);
    if (entry === undefined) {
      entry = { topic, partition, next: -1, committed: -1 };
      this.#partitions.set(k, entry);
    }
    if (force || offset + 1 > entry.next) {
      entry.next = offset + 1;
      this.#resolvedSinceCommit++;
    }
  }

  /** The last resolved offset of a partition (undefined if none). */
  resolvedOffset(topic: string, partition: number): number | undefined {
    const entry = this.#partitions.get(key(topic, partition));
    return entry === undefined || entry.next < 0 ? undefined : entry.next;
  }

  /** KafkaJS's commitOffsetsIfNecessary rule: the interval passed, or the threshold of resolved offsets was reached. */
  commitDue(): boolean {
    if (this.#interval !== null && Date.now() >= this.#lastCommit + this.#interval) return true;
    return this.#threshold !== null && this.#resolvedSinceCommit >= this.#threshold;
  }

  hasPending(): boolean {
    for (const entry of this.#partitions.values()) if (entry.next > entry.committed && entry.next >= 0) return true;
    return false;
  }

  /** Resolved and not yet committed. */
  pending(): CommitEntry[] {
    const list: CommitEntry[] = [];
    for (const entry of this.#partitions.values()) {
      if (entry.next >= 0 && entry.next !== entry.committed)
        list.push({ topic: entry.topic, partition: entry.partition, offset: entry.next });
    }
    return list;
  }

  pendingFor(partitions: Array<{ topic: string; partition: number }>): CommitEntry[] {
    const wanted = new Set(partitions.map(({ topic, partition }) => key(topic, partition)));
    return this.pending().filter(({ topic, partition }) => wanted.has(key(topic, partition)));
  }

  uncommitted(): OffsetsByTopicPartition {
    return toOffsetsByTopic(this.pending());
  }

  noteCommitted(entries: Array<{ topic: string; partition: number; offset: number; error?: unknown }>): void {
    for (const { topic, partition, offset, error } of entries) {
      if (error) continue;
      const k = key(topic, partition);
      const entry = this.#partitions.get(k) ?? { topic, partition, next: -1, committed: -1 };
      entry.committed = offset;
      if (entry.next < 0) entry.next = offset;
      this.#partitions.set(k, entry);
    }
    this.#resolvedSinceCommit = 0;
    this.#lastCommit = Date.now();
  }

  /** A seek with autoCommit: what was resolved before no longer counts. */
  clearPartition(topic: string, partition: number): void {
    this.#partitions.delete(key(topic, partition));
  }

  forget(partitions: Array<{ topic: string; partition: number }>): void {
    for (const { topic, partition } of partitions) this.#partitions.delete(key(topic, partition));
  }

  clear(): void {
    this.#partitions.clear();
    this.#resolvedSinceCommit = 0;
  }
}

/** Offsets grouped by topic, in KafkaJS's shape (offsets as strings). */
export function toOffsetsByTopic(entries: Array<{ topic: string; partition: number; offset: number }>): OffsetsByTopicPartition {
  const byTopic = new Map<string, TopicOffsets>();
  for (const { topic, partition, offset } of entries) {
    let entry = byTopic.get(topic);
    if (entry === undefined) {
      entry = { topic, partitions: [] };
      byTopic.set(topic, entry);
    }
    entry.partitions.push({ partition, offset: String(offset) });
  }
  return { topics: [...byTopic.values()] };
}
