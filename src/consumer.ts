// Consumer: pull-based async iteration over librdkafka's KafkaConsumer, with
// rebalances handled for every protocol and offsets stored only after the
// loop body is done with a message (at-least-once by default).
import { EventEmitter } from 'node:events';

import { type ClientEvents, connectFailure, emitSafely, handleClientEvent, reportError } from './client-events';
import { type ConsumerConfig, toNativeConfig } from './config';
import { decodeHeaders, META, META_STRIDE, type Message, TIMESTAMP_TYPES } from './consumer-message';
import { ErrorCodes } from './generated/error-codes';
import { KafkaError } from './kafka-error';
import { type ClusterMetadata, toClusterMetadata } from './metadata';
import { native, type NativeConsumer, type NativePartitionOffset } from './native';
import { expectInteger, expectTopicName, invalid } from './validation';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
  metadata?: string;
  leaderEpoch?: number;
  error?: KafkaError | null;
}

export interface RebalanceEvent {
  type: 'assign' | 'revoke';
  /** EAGER (range, roundrobin), COOPERATIVE (cooperative-sticky, KIP-848) or NONE. */
  protocol: string;
  /** The assignment was lost (e.g. session timeout) rather than revoked in order: committing fails. */
  lost: boolean;
  partitions: TopicPartition[];
}

export interface ConsumerOptions {
  /**
   * Called on every rebalance. Revocations run it before the partitions are
   * taken away, so it may `await consumer.commit()`; assignments after.
   * Assignment itself is always done for you, for every protocol.
   */
  rebalance?: (event: RebalanceEvent, consumer: Consumer) => void | Promise<void>;
  /** Most messages taken from librdkafka per pull. Default 1000. */
  maxBatchSize?: number;
}

export interface BatchOptions {
  /** Most messages per batch; capped at the consumer's maxBatchSize (the default). */
  maxMessages?: number;
  /** After the first message, wait up to this long for the batch to fill. Default 0. */
  maxWaitMs?: number;
}

export interface ConsumerEvents extends ClientEvents {
  rebalance: [event: RebalanceEvent];
  'partition-eof': [position: TopicPartitionOffset];
  /** Result of a commitAsync(). */
  commit: [error: KafkaError | null, offsets: TopicPartitionOffset[]];
}

// Short enough that timers and I/O wait under 10 ms (the event-loop target)
// while a loop consumes at full speed; a turn costs a few microseconds.
const LOOP_TURN_EVERY_MS = 4;
// One poll (taking and decoding a batch) should stay under this; a new
// consumer starts with small polls and sizes them by what they cost (see
// #adaptPollLimit).
const POLL_BUDGET_MS = 1;
const MIN_POLL_LIMIT = 32;
// librdkafka 2.1.0 introduced fetch.queue.backoff.ms (0x020100ff).
const FETCH_QUEUE_BACKOFF_SINCE = 0x02010000;

type ConsumerState = 'created' | 'connected' | 'disconnecting' | 'closed';

// Key of a topic-partition in the consumer's per-partition maps and sets.
function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

// Processed-but-unstored position of the batch being iterated.
interface BatchInProgress {
  messages: Message[];
  processed: number;
  stored: number;
  /** Value of the seek counter when the batch was fetched. */
  fetchedAtSeek: number;
}

export class Consumer extends EventEmitter<ConsumerEvents> {
  readonly #native: NativeConsumer;
  readonly #meta: Float64Array;
  readonly #maxBatchSize: number;
  readonly #rebalanceHandler: ConsumerOptions['rebalance'];
  readonly #storesOffsets: boolean;
  readonly #topicNames: string[] = [];
  readonly #pendingCalls = new Set<Promise<unknown>>();
  #state: ConsumerState = 'created';
  #readableWaiter: (() => void) | undefined;
  #readableSignaled = false;
  #pullOwner = 0;
  #pullFinished: Promise<void> | undefined;
  // While messages are always ready, a loop would run on promise jobs alone
  // and starve timers and I/O: every pull after this long yields once.
  #lastLoopTurn = performance.now();
  #pollLimit = MIN_POLL_LIMIT;
  #current: BatchInProgress | undefined;
  // Fetched, but no loop body finished them: the tail of a batch whose loop
  // was left (break, throw, a newer loop). librdkafka has moved past them, so
  // the next pull serves them first.
  #unfinished: Message[] = [];
  #fatalError: KafkaError | undefined;
  #lastClientError: KafkaError | undefined;
  #disconnecting: Promise<void> | undefined;
  // seek() bumps the counter and records it per partition, so messages of a
  // batch fetched before the seek are skipped for that partition.
  #seekCounter = 0;
  readonly #soughtAt = new Map<string, number>();
  // Highest offset stored per partition: stores only move forward, so an
  // explicit commit(offsets) is never undone by a later auto-commit of an
  // older processed position.
  readonly #storedUpTo = new Map<string, number>();

  constructor(config: ConsumerConfig, options: ConsumerOptions = {}) {
    super();
    const nativeConfig = toNativeConfig(config);
    // Offsets are stored once the loop body is done with a message, not when
    // librdkafka hands it over, unless the user asks for librdkafka's way.
    this.#storesOffsets = nativeConfig['enable.auto.offset.store'] === undefined;
    if (this.#storesOffsets) nativeConfig['enable.auto.offset.store'] = 'false';
    // librdkafka pauses a partition's fetching for this long once its local
    // queue is full (1 s by default): a fast loop then drains the queue and
    // waits out most of that second. 10 ms keeps fetches flowing at full speed
    // and costs nothing when the loop is slow (the queue bound still holds).
    if (native.librdkafkaVersionNumber >= FETCH_QUEUE_BACKOFF_SINCE) nativeConfig['fetch.queue.backoff.ms'] ??= '10';
    this.#maxBatchSize = expectInteger('options.maxBatchSize', options.maxBatchSize ?? 1000, 1, 100_000);
    if (options.rebalance !== undefined && typeof options.rebalance !== 'function') {
      throw invalid('options.rebalance', 'a function', options.rebalance);
    }
    this.#rebalanceHandler = options.rebalance;
    this.#meta = new Float64Array(this.#maxBatchSize * META_STRIDE);
    this.#native = new native.NativeConsumer(
      nativeConfig,
      this.#meta,
      () => this.#onReadable(),
      (kind, ...payload) => this.#onEvent(kind, payload),
    );
  }

  async connect(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#state !== 'created') {
      throw new KafkaError(`Cannot connect a consumer that is ${this.#state}; create a new Consumer`, {
        errno: ErrorCodes._STATE,
      });
    }
    const timeoutMs = expectInteger('options.timeoutMs', options.timeoutMs ?? 10_000, 1);
    this.#native.connect();
    this.#state = 'connected';
    try {
      await this.#track(this.#native.getMetadata(null, false, timeoutMs));
    } catch (error) {
      await this.disconnect();
      throw connectFailure(error as KafkaError, this.#lastClientError, timeoutMs);
    }
  }

  get isConnected(): boolean {
    return this.#state === 'connected';
  }

  /** Joins the group for these topics; a RegExp (or a string starting with ^) matches topic names. */
  subscribe(topics: string | RegExp | Array<string | RegExp>): void {
    const list = Array.isArray(topics) ? topics : [topics];
    if (list.length === 0) throw invalid('topics', 'at least one topic or pattern', topics);
    const names = list.map((topic, i) => toSubscription(topic, `topics[${i}]`));
    this.#usable().subscribe(names);
  }

  unsubscribe(): void {
    this.#usable().unsubscribe();
  }

  subscription(): string[] {
    return this.#usable().subscription();
  }

  /** Replaces the assignment (manual assignment, no group management). */
  assign(partitions: Array<TopicPartition & { offset?: number }>): void {
    this.#usable().assign(toNativeList(partitions, 'partitions'));
  }

  unassign(): void {
    this.#usable().assign(null);
  }

  incrementalAssign(partitions: Array<TopicPartition & { offset?: number }>): void {
    this.#usable().incrementalAssign(toNativeList(partitions, 'partitions'));
  }

  incrementalUnassign(partitions: TopicPartition[]): void {
    this.#usable().incrementalUnassign(toNativeList(partitions, 'partitions'));
  }

  assignment(): TopicPartition[] {
    return this.#usable()
      .assignment()
      .map(({ topic, partition }) => ({ topic, partition }));
  }

  /** The rebalance protocol in use: EAGER, COOPERATIVE or NONE (not yet joined). */
  rebalanceProtocol(): string {
    return this.#usable().rebalanceProtocol();
  }

  /** Messages one by one; breaking out of the loop stops pulling (call disconnect() when done). */
  async *[Symbol.asyncIterator](): AsyncGenerator<Message, void, undefined> {
    for (;;) {
      const batch = await this.#pull(this.#maxBatchSize, 0);
      if (batch === undefined) return;
      const progress: BatchInProgress = { messages: batch, processed: 0, stored: 0, fetchedAtSeek: this.#seekCounter };
      this.#current = progress;
      for (const message of batch) {
        if (this.#current !== progress) return; // a newer loop took over the rest
        if (this.#seekCounter !== progress.fetchedAtSeek && this.#soughtAfter(message, progress)) {
          progress.processed++;
          continue;
        }
        yield message;
        progress.processed++;
      }
    }
  }

  /** Arrays of messages, for throughput: one await per batch instead of per message. */
  async *batches(options: BatchOptions = {}): AsyncGenerator<Message[], void, undefined> {
    // Capped at the consumer's maxBatchSize (the size of its native batch buffer).
    const maxMessages = Math.min(
      expectInteger('options.maxMessages', options.maxMessages ?? this.#maxBatchSize, 1),
      this.#maxBatchSize,
    );
    const maxWaitMs = expectInteger('options.maxWaitMs', options.maxWaitMs ?? 0, 0);
    for (;;) {
      const batch = await this.#pull(maxMessages, maxWaitMs);
      if (batch === undefined) return;
      const progress: BatchInProgress = { messages: batch, processed: 0, stored: 0, fetchedAtSeek: this.#seekCounter };
      this.#current = progress;
      yield batch;
      progress.processed = batch.length;
    }
  }

  /**
   * Commits and resolves when the broker has the offsets. Without offsets it
   * commits what this consumer has processed (the stored offsets).
   */
  async commit(offsets?: TopicPartitionOffset[]): Promise<TopicPartitionOffset[]> {
    const list = offsets === undefined ? null : toNativeList(offsets, 'offsets');
    if (list === null) this.#storeProcessed();
    const committed = (await this.#track(this.#usable().commit(list))) as TopicPartitionOffset[];
    if (list !== null && this.#storesOffsets && this.#state === 'connected') {
      this.#storeForward(committed.filter((entry) => !entry.error && entry.offset >= 0));
    }
    return committed;
  }

  /** Starts a commit and returns at once; the outcome arrives as a 'commit' event. */
  commitAsync(offsets?: TopicPartitionOffset[]): void {
    this.commit(offsets).then(
      (committed) => emitSafely(this, 'commit', null, committed),
      (error: KafkaError) => emitSafely(this, 'commit', error, []),
    );
  }

  /** The group's committed offsets (defaults to the current assignment). */
  async committed(partitions?: TopicPartition[], timeoutMs = 10_000): Promise<TopicPartitionOffset[]> {
    const list = partitions === undefined ? this.#usable().assignment() : toNativeList(partitions, 'partitions');
    expectInteger('timeoutMs', timeoutMs, 0);
    return (await this.#track(this.#usable().committed(list, timeoutMs))) as TopicPartitionOffset[];
  }

  /** The next offset this consumer will fetch per partition (-1001 when none yet). */
  position(partitions?: TopicPartition[]): TopicPartitionOffset[] {
    const list = partitions === undefined ? this.#usable().assignment() : toNativeList(partitions, 'partitions');
    return this.#usable().position(list) as TopicPartitionOffset[];
  }

  /** Stores offsets (the next offset to consume) for the next commit. */
  storeOffsets(offsets: TopicPartitionOffset[]): TopicPartitionOffset[] {
    return this.#usable().storeOffsets(toNativeList(offsets, 'offsets')) as TopicPartitionOffset[];
  }

  /** Moves the fetch position; messages already handed out are not taken back. */
  async seek(position: TopicPartitionOffset | TopicPartitionOffset[], timeoutMs = 10_000): Promise<void> {
    const list = toNativeList(Array.isArray(position) ? position : [position], 'position');
    for (const entry of list) if (entry.offset === undefined) throw invalid('position.offset', 'an offset', undefined);
    this.#storeProcessed();
    this.#seekCounter++;
    const sought = new Set<string>();
    for (const entry of list) {
      const key = partitionKey(entry.topic, entry.partition);
      sought.add(key);
      this.#soughtAt.set(key, this.#seekCounter);
      this.#storedUpTo.delete(key); // after a seek back, lower offsets are the new truth
    }
    this.#dropUnfinished(sought);
    const result = await this.#track(this.#usable().seek(list, timeoutMs));
    throwFirstPartitionError(result, 'seek');
  }

  pause(partitions: TopicPartition[]): void {
    const list = toNativeList(partitions, 'partitions');
    throwFirstPartitionError(this.#usable().pause(list), 'pause');
  }

  resume(partitions: TopicPartition[]): void {
    throwFirstPartitionError(this.#usable().resume(toNativeList(partitions, 'partitions')), 'resume');
  }

  /** Low and high watermarks (the log start and end offsets) from the partition leader. */
  async queryWatermarkOffsets(topic: string, partition: number, timeoutMs = 10_000): Promise<{ low: number; high: number }> {
    return this.#track(
      this.#usable().queryWatermarkOffsets(
        expectTopicName('topic', topic),
        expectInteger('partition', partition, 0),
        expectInteger('timeoutMs', timeoutMs, 0),
      ),
    );
  }

  /** For each {topic, partition, offset: timestampMs}, the earliest offset whose timestamp is at or after it. */
  async offsetsForTimes(partitions: TopicPartitionOffset[], timeoutMs = 10_000): Promise<TopicPartitionOffset[]> {
    return (await this.#track(
      this.#usable().offsetsForTimes(toNativeList(partitions, 'partitions'), timeoutMs),
    )) as TopicPartitionOffset[];
  }

  async getMetadata(options: { topic?: string; timeoutMs?: number } = {}): Promise<ClusterMetadata> {
    const topic = options.topic === undefined ? null : expectTopicName('options.topic', options.topic);
    const timeoutMs = expectInteger('options.timeoutMs', options.timeoutMs ?? 10_000, 1);
    return toClusterMetadata(await this.#track(this.#usable().getMetadata(topic, topic === null, timeoutMs)));
  }

  /**
   * Leaves the group and closes. A rebalance handler gets a final revocation
   * first (so it can commit); auto-commit commits what was processed.
   */
  disconnect(): Promise<void> {
    if (this.#state === 'created' || this.#state === 'closed') {
      this.#state = 'closed';
      return Promise.resolve();
    }
    this.#disconnecting ??= this.#close();
    return this.#disconnecting;
  }

  async #close(): Promise<void> {
    this.#storeProcessed();
    this.#state = 'disconnecting';
    this.#wakeReader();
    await Promise.allSettled([...this.#pendingCalls]);
    if (this.#rebalanceHandler) {
      const assigned = this.#native.assignment();
      if (assigned.length > 0) {
        await this.#runRebalanceHandler({
          type: 'revoke',
          protocol: this.#native.rebalanceProtocol(),
          lost: false,
          partitions: assigned.map(({ topic, partition }) => ({ topic, partition })),
        });
      }
    }
    try {
      await this.#native.close();
    } finally {
      this.#state = 'closed';
    }
  }

  // Takes what librdkafka has ready, waiting on its queue wakeup when empty.
  // Resolves undefined once the consumer is closing.
  async #pull(maxMessages: number, maxWaitMs: number): Promise<Message[] | undefined> {
    // One loop per consumer: a newer loop takes over and the older one ends.
    const owner = ++this.#pullOwner;
    while (this.#pullFinished !== undefined) {
      this.#wakeReader();
      await this.#pullFinished;
      if (owner !== this.#pullOwner) return undefined;
    }
    let finish!: () => void;
    this.#pullFinished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    try {
      if (performance.now() - this.#lastLoopTurn > LOOP_TURN_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.#lastLoopTurn = performance.now();
      }
      this.#storeProcessed();
      this.#keepUnfinishedTail();
      if (this.#unfinished.length > 0 && this.#state === 'connected' && owner === this.#pullOwner) {
        return this.#unfinished.splice(0, maxMessages);
      }
      let collected: Message[] | undefined;
      let deadline = 0;
      for (;;) {
        if (this.#fatalError) throw this.#fatalError;
        if (this.#state !== 'connected' || owner !== this.#pullOwner) return collected;
        const want = Math.min(maxMessages - (collected?.length ?? 0), this.#pollLimit);
        const pollStarted = performance.now();
        const [count, slab, headers, rebalancePending] = this.#native.poll(want);
        const messages = count > 0 ? this.#decode(count, slab!, headers) : [];
        if (count >= MIN_POLL_LIMIT) this.#adaptPollLimit(count, performance.now() - pollStarted);
        if (messages.length > 0) {
          if (collected === undefined) {
            collected = messages;
            deadline = maxWaitMs > 0 ? Date.now() + maxWaitMs : 0;
          } else {
            for (const message of messages) collected.push(message);
          }
        }
        // Messages before a rebalance are handed out first; the rebalance is
        // applied before anything fetched after it.
        if (collected !== undefined && (rebalancePending || collected.length >= maxMessages || deadline === 0)) {
          return collected;
        }
        if (rebalancePending) {
          await this.#handleRebalance();
          continue;
        }
        if (count > 0) continue; // only errors/EOFs came: look again
        const remaining = deadline === 0 ? -1 : deadline - Date.now();
        if (collected !== undefined && remaining <= 0) return collected;
        await this.#waitReadable(remaining);
      }
    } finally {
      this.#pullFinished = undefined;
      finish();
    }
  }

  // Sizes the next poll so that taking and decoding it fits POLL_BUDGET_MS
  // at the cost per message just seen: small while V8 has not optimized this
  // code yet (or the machine is busy), maxBatchSize once it is cheap. So no
  // single step holds the event loop long, and batches are as large as allowed.
  #adaptPollLimit(count: number, tookMs: number): void {
    const fitting = Math.floor((POLL_BUDGET_MS * count) / Math.max(tookMs, 0.001));
    this.#pollLimit = Math.min(this.#maxBatchSize, Math.max(MIN_POLL_LIMIT, fitting));
  }

  #decode(count: number, slab: Buffer, headersList: unknown[][] | undefined): Message[] {
    const meta = this.#meta;
    const messages: Message[] = [];
    for (let i = 0; i < count; i++) {
      const base = i * META_STRIDE;
      const topic = this.#topicName(meta[base + META.topicIndex]);
      const errno = meta[base + META.errno];
      const keyLength = meta[base + META.keyLength];
      const valueLength = meta[base + META.valueLength];
      const valueOffset = meta[base + META.valueOffset];
      if (errno !== 0) {
        const text = valueLength > 0 ? slab.toString('utf8', valueOffset, valueOffset + valueLength) : '';
        this.#onMessageError(errno, topic, meta[base + META.partition], meta[base + META.offset], text);
        continue;
      }
      const keyOffset = meta[base + META.keyOffset];
      const headersIndex = meta[base + META.headersIndex];
      const leaderEpoch = meta[base + META.leaderEpoch];
      const message: Message = {
        topic,
        partition: meta[base + META.partition],
        offset: meta[base + META.offset],
        key: keyLength < 0 ? null : slab.subarray(keyOffset, keyOffset + keyLength),
        value: valueLength < 0 ? null : slab.subarray(valueOffset, valueOffset + valueLength),
        headers: headersIndex < 0 ? [] : decodeHeaders(headersList![headersIndex]),
        timestamp: meta[base + META.timestamp],
        timestampType: TIMESTAMP_TYPES[meta[base + META.timestampType]] ?? 'not-available',
      };
      if (leaderEpoch >= 0) message.leaderEpoch = leaderEpoch;
      messages.push(message);
    }
    return messages;
  }

  #onMessageError(errno: number, topic: string, partition: number, offset: number, text: string): void {
    if (errno === ErrorCodes._PARTITION_EOF) {
      emitSafely(this, 'partition-eof', { topic, partition, offset });
      return;
    }
    const where = topic === undefined ? '' : partition >= 0 ? ` (${topic}[${partition}])` : ` (${topic})`;
    const error = KafkaError.fromCode(errno, `Consumer error${where}: ${text || KafkaError.fromCode(errno).message}`, {
      fatal: errno === ErrorCodes._FATAL,
    });
    if (error.fatal) {
      this.#fatalError = error;
      return;
    }
    reportError(this, error);
  }

  #topicName(index: number): string {
    let name = this.#topicNames[index];
    if (name === undefined && index >= 0) {
      name = this.#native.topicName(index) ?? '';
      this.#topicNames[index] = name;
    }
    return name;
  }

  async #handleRebalance(): Promise<void> {
    const pending = this.#native.takeRebalance();
    if (pending === undefined) return;
    const event: RebalanceEvent = {
      type: pending.kind,
      protocol: pending.protocol,
      lost: pending.lost,
      partitions: pending.partitions.map(({ topic, partition }) => ({ topic, partition })),
    };
    if (event.type === 'revoke') {
      this.#storeProcessed();
      this.#dropUnfinished(new Set(event.partitions.map(({ topic, partition }) => partitionKey(topic, partition))));
      await this.#runRebalanceHandler(event);
      this.#applyRebalance();
      for (const { topic, partition } of event.partitions) this.#storedUpTo.delete(partitionKey(topic, partition));
      emitSafely(this, 'rebalance', event);
    } else {
      this.#applyRebalance();
      emitSafely(this, 'rebalance', event);
      await this.#runRebalanceHandler(event);
    }
  }

  #applyRebalance(): void {
    try {
      this.#native.applyRebalance();
    } catch (error) {
      reportError(this, error as KafkaError);
    }
  }

  async #runRebalanceHandler(event: RebalanceEvent): Promise<void> {
    if (!this.#rebalanceHandler) return;
    try {
      await this.#rebalanceHandler(event, this);
    } catch (error) {
      const wrapped =
        error instanceof KafkaError
          ? error
          : KafkaError.fromCode(ErrorCodes._FAIL, `rebalance handler threw: ${(error as Error)?.message ?? error}`, {
              cause: error,
            });
      reportError(this, wrapped);
    }
  }

  // Stores, for the next commit, the offsets after the messages the loop body finished.
  #storeProcessed(): void {
    const current = this.#current;
    if (!this.#storesOffsets || current === undefined || current.processed <= current.stored) return;
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
      if (this.#seekCounter !== current.fetchedAtSeek && this.#soughtAfter(message, current)) continue;
      const entry: NativePartitionOffset = { topic: message.topic, partition: message.partition, offset: message.offset + 1 };
      if (message.leaderEpoch !== undefined) entry.leaderEpoch = message.leaderEpoch;
      next.push(entry);
    }
    current.stored = current.processed;
    if (next.length === 0 || (this.#state !== 'connected' && this.#state !== 'disconnecting')) return;
    this.#storeForward(next);
  }

  // Moves what the last loop left unfinished to the front of the queue served
  // next, without messages of partitions sought since they were fetched.
  #keepUnfinishedTail(): void {
    const current = this.#current;
    if (current === undefined) return;
    this.#current = undefined;
    if (current.processed >= current.messages.length) return;
    let tail = current.messages.slice(current.processed);
    if (this.#seekCounter !== current.fetchedAtSeek) tail = tail.filter((message) => !this.#soughtAfter(message, current));
    this.#unfinished = tail.concat(this.#unfinished);
  }

  #dropUnfinished(partitionKeys: Set<string>): void {
    if (this.#unfinished.length === 0) return;
    this.#unfinished = this.#unfinished.filter((message) => !partitionKeys.has(partitionKey(message.topic, message.partition)));
  }

  #storeForward(offsets: NativePartitionOffset[]): void {
    const forward = offsets.filter((entry) => {
      const key = partitionKey(entry.topic, entry.partition);
      return entry.offset! > (this.#storedUpTo.get(key) ?? -1);
    });
    if (forward.length === 0) return;
    try {
      // Partitions revoked meanwhile are refused per partition; that is fine.
      const results = this.#native.storeOffsets(forward);
      for (const entry of results) {
        if (!entry.error) this.#storedUpTo.set(partitionKey(entry.topic, entry.partition), entry.offset!);
      }
    } catch {
      // _STATE when nothing stored is assigned any more: nothing to keep.
    }
  }

  #soughtAfter(message: Message, batch: BatchInProgress): boolean {
    const soughtAt = this.#soughtAt.get(partitionKey(message.topic, message.partition));
    return soughtAt !== undefined && soughtAt > batch.fetchedAtSeek;
  }

  #onReadable(): void {
    if (this.#readableWaiter) this.#wakeReader();
    else this.#readableSignaled = true;
  }

  #wakeReader(): void {
    const wake = this.#readableWaiter;
    this.#readableWaiter = undefined;
    wake?.();
  }

  #waitReadable(timeoutMs: number): Promise<void> {
    if (this.#readableSignaled) {
      this.#readableSignaled = false;
      return Promise.resolve();
    }
    this.#native.setKeepAlive(true);
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.#readableWaiter = () => {
        if (timer) clearTimeout(timer);
        this.#readableSignaled = false;
        this.#lastLoopTurn = performance.now(); // woken from the event loop: it just had its turn
        if (this.#state === 'connected') this.#native.setKeepAlive(false);
        resolve();
      };
      if (timeoutMs >= 0) timer = setTimeout(() => this.#wakeReader(), timeoutMs);
    });
  }

  #onEvent(kind: string, payload: unknown[]): void {
    // _ALL_BROKERS_DOWN is a consequence; keep the cause (SSL, SASL, refused) for connect().
    if (kind === 'error' && (payload[0] as KafkaError).errno !== ErrorCodes._ALL_BROKERS_DOWN) {
      this.#lastClientError = payload[0] as KafkaError;
    }
    if (kind === 'error' && (payload[0] as KafkaError).fatal) {
      this.#fatalError = payload[0] as KafkaError;
      this.#wakeReader();
    }
    handleClientEvent(this, kind, payload);
  }

  #usable(): NativeConsumer {
    if (this.#state === 'connected') return this.#native;
    if (this.#fatalError) throw this.#fatalError;
    const hint =
      this.#state === 'created' ? 'call await consumer.connect() first' : 'the consumer is closed; create a new Consumer';
    throw new KafkaError(`Consumer is ${this.#state === 'created' ? 'not connected' : this.#state}: ${hint}`, {
      errno: ErrorCodes._STATE,
    });
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#pendingCalls.add(promise);
    const forget = (): void => {
      this.#pendingCalls.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }
}

function toSubscription(topic: unknown, parameter: string): string {
  if (topic instanceof RegExp) {
    if (topic.flags !== '') throw invalid(parameter, 'a RegExp without flags (librdkafka matches POSIX regex)', topic);
    return topic.source.startsWith('^') ? topic.source : `^${topic.source}`;
  }
  if (typeof topic === 'string' && topic.startsWith('^')) {
    try {
      new RegExp(topic);
    } catch (error) {
      throw new TypeError(`Invalid topic pattern for ${parameter}: ${(error as Error).message}`);
    }
    return topic;
  }
  return expectTopicName(parameter, topic);
}

function toNativeList(entries: unknown, parameter: string): NativePartitionOffset[] {
  if (!Array.isArray(entries)) throw invalid(parameter, 'an array of {topic, partition}', entries);
  return entries.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null) throw invalid(`${parameter}[${i}]`, '{topic, partition}', entry);
    const { topic, partition, offset, metadata, leaderEpoch } = entry as TopicPartitionOffset;
    const result: NativePartitionOffset = {
      topic: expectTopicName(`${parameter}[${i}].topic`, topic),
      partition: expectInteger(`${parameter}[${i}].partition`, partition, 0, 2 ** 31 - 1),
    };
    if (offset !== undefined) {
      result.offset = expectInteger(`${parameter}[${i}].offset`, offset, -2000, Number.MAX_SAFE_INTEGER);
    }
    if (metadata !== undefined) result.metadata = String(metadata);
    if (leaderEpoch !== undefined) result.leaderEpoch = expectInteger(`${parameter}[${i}].leaderEpoch`, leaderEpoch, -1);
    return result;
  });
}

function throwFirstPartitionError(result: NativePartitionOffset[], what: string): void {
  const failed = result.find((entry) => entry.error);
  if (failed) {
    const error = failed.error as KafkaError;
    throw KafkaError.fromCode(error.errno, `${what} ${failed.topic}[${failed.partition}] failed: ${error.message}`);
  }
}

/** Special offsets librdkafka understands. */
export const Offsets = {
  BEGINNING: -2,
  END: -1,
  STORED: -1000,
  INVALID: -1001,
} as const;
