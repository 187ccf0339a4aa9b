// Consumer: pull-based async iteration over librdkafka's KafkaConsumer, with
// rebalances handled for every protocol and offsets stored only after the
// loop body is done with a message (at-least-once by default).
import { type AbortOptions, expectSignal, onAbort, withAbort } from './abort';
import { Client } from './client';
import { type ClientEvents, emitSafely, reportError } from './client-events';
import { type ConsumerConfig, toNativeConfig } from './config';
import { retryWhileCoordinatorMoves } from './coordinator-retry';
import { decodeHeaders, type Message, TIMESTAMP_TYPES } from './consumer-message';
import { OffsetTracker, partitionKey } from './consumer-offsets';
import { type RebalanceEvent, RebalanceFlow, type StartOffset } from './consumer-rebalance';
import { isTraced, type OperationTraceContext, traceOperation, tracing } from './diagnostics';
import { noteLoopTurn, yieldToLoopIfDue } from './event-loop-turns';
import { ErrorCodes } from './generated/error-codes';
import { CONSUMED_MESSAGE as META } from './generated/wire-layout';
import { KafkaError } from './kafka-error';
import { native, type NativeConsumer, type NativePartitionOffset } from './native';
import type { OAuthBearerOptions } from './oauthbearer';
import type { ConsumerGroupMetadata } from './transaction';
import { expectInteger, expectTopicName, invalid } from './validation';

export type { RebalanceEvent } from './consumer-rebalance';

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

export interface ConsumerOptions extends OAuthBearerOptions {
  /**
   * Called on every rebalance. Revocations run it before the partitions are
   * taken away, so it may `await consumer.commit()`; assignments after.
   * Assignment itself is always done for you, for every protocol.
   */
  rebalance?: (event: RebalanceEvent, consumer: Consumer) => void | Promise<void>;
  /**
   * Where newly assigned partitions start, decided as the assignment is
   * applied: return `{ topic, partition, offset }` for those that should not
   * start at their committed offset (or `auto.offset.reset`). A `seek()` made
   * after the assignment can lose to the committed-offset fetch it starts;
   * this cannot. Must answer synchronously.
   */
  assignmentOffsets?: (partitions: TopicPartition[]) => Array<TopicPartition & { offset: number }> | undefined;
  /** Most messages taken from librdkafka per pull. Default 1000. */
  maxBatchSize?: number;
}

/** Options of consumer.messages(). */
export interface MessagesOptions {
  /** Ends the loop (no error) once aborted; the message being handled is finished first. */
  signal?: AbortSignal;
}

export interface BatchOptions extends MessagesOptions {
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

// How long a pull without a deadline waits for a wakeup before polling again anyway.
const IDLE_REPOLL_MS = 1000;
// One poll (taking and decoding a batch) should stay under this; a new
// consumer starts with small polls and sizes them by what they cost (see
// #adaptPollLimit).
const POLL_BUDGET_MS = 1;
const MIN_POLL_LIMIT = 32;
// librdkafka 2.1.0 introduced fetch.queue.backoff.ms (0x020100ff).
const FETCH_QUEUE_BACKOFF_SINCE = 0x02010000;

export class Consumer extends Client<ConsumerEvents> {
  protected readonly native: NativeConsumer;
  readonly #meta: Float64Array;
  readonly #maxBatchSize: number;
  readonly #rebalanceHandler: ConsumerOptions['rebalance'];
  readonly #storesOffsets: boolean;
  readonly #groupId: string;
  readonly #topicNames: string[] = [];
  readonly #offsets = new OffsetTracker();
  readonly #rebalances: RebalanceFlow;
  #readableWaiter: (() => void) | undefined;
  #readableSignaled = false;
  #pullOwner = 0;
  #pullFinished: Promise<void> | undefined;
  // While messages are always ready, a loop would run on promise jobs alone
  // and starve timers and I/O: every pull after this long yields once.
  #pollLimit = MIN_POLL_LIMIT;
  // disconnect() is running the rebalance handler's final revocation.
  #inFinalRevocation = false;

  constructor(config: ConsumerConfig, options: ConsumerOptions = {}) {
    super({ noun: 'consumer', className: 'Consumer' });
    const nativeConfig = toNativeConfig(config);
    // librdkafka's consumer refuses subscribe, assign and commits without a
    // group ("Unknown group", first seen at close): say so here instead.
    if ((nativeConfig['group.id'] ?? '') === '') {
      throw new KafkaError(
        "A Consumer needs 'group.id' in its config: librdkafka's consumer cannot subscribe, assign or commit without one " +
          '(any name will do when you only assign partitions and never commit)',
        { errno: ErrorCodes._INVALID_ARG, retriable: false },
      );
    }
    this.#groupId = nativeConfig['group.id'];
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
    if (options.assignmentOffsets !== undefined && typeof options.assignmentOffsets !== 'function') {
      throw invalid('options.assignmentOffsets', 'a function', options.assignmentOffsets);
    }
    const assignmentOffsets = options.assignmentOffsets;
    this.#meta = new Float64Array(this.#maxBatchSize * META.stride);
    this.native = new native.NativeConsumer(
      nativeConfig,
      this.#meta,
      () => this.#onReadable(),
      (kind, ...payload) => this.handleNativeEvent(kind, payload),
    );
    this.attachTokenProvider(options.oauthBearerTokenProvider, nativeConfig);
    this.#rebalances = new RebalanceFlow({
      native: this.native,
      beforeRevoke: (event) => {
        this.#storeProcessed();
        this.#offsets.dropUnfinished(new Set(event.partitions.map(({ topic, partition }) => partitionKey(topic, partition))));
      },
      afterRevoke: (event) => this.#offsets.forgetStored(event.partitions),
      emitRebalance: (event) => emitSafely(this, 'rebalance', event),
      reportError: (error) => reportError(this, error as KafkaError),
      runHandler: (event) => this.#runRebalanceHandler(event),
      startOffsets: assignmentOffsets && ((event) => this.#startOffsets(assignmentOffsets, event)),
      trace: (event, handle) => traceOperation(tracing.rebalance, () => this.#traceContext(event.type, [event]), handle),
    });
  }

  /** Joins the group for these topics; a RegExp (or a string starting with ^) matches topic names. */
  subscribe(topics: string | RegExp | Array<string | RegExp>): void {
    const list = Array.isArray(topics) ? topics : [topics];
    if (list.length === 0) throw invalid('topics', 'at least one topic or pattern', topics);
    const names = list.map((topic, i) => toSubscription(topic, `topics[${i}]`));
    this.#usable().subscribe(names);
  }

  unsubscribe(): void {
    const usable = this.#usable();
    this.#dropUnfinishedOf(usable.assignment());
    usable.unsubscribe();
  }

  subscription(): string[] {
    return this.#usable().subscription();
  }

  /** Replaces the assignment (manual assignment, no group management). */
  assign(partitions: Array<TopicPartition & { offset?: number }>): void {
    this.#usable().assign(toNativeList(partitions, 'partitions'));
  }

  unassign(): void {
    const usable = this.#usable();
    this.#dropUnfinishedOf(usable.assignment());
    usable.assign(null);
  }

  incrementalAssign(partitions: Array<TopicPartition & { offset?: number }>): void {
    this.#usable().incrementalAssign(toNativeList(partitions, 'partitions'));
  }

  incrementalUnassign(partitions: TopicPartition[]): void {
    const list = toNativeList(partitions, 'partitions');
    this.#usable().incrementalUnassign(list);
    this.#dropUnfinishedOf(list);
  }

  assignment(): TopicPartition[] {
    return this.#usable()
      .assignment()
      .map(({ topic, partition }) => ({ topic, partition }));
  }

  /**
   * This consumer's group metadata (group, generation, member) as an opaque
   * Buffer for producer.sendOffsetsToTransaction(). A snapshot: take it for
   * each transaction, since a rebalance changes the generation.
   */
  groupMetadata(): ConsumerGroupMetadata {
    return this.#usable().groupMetadata();
  }

  /** The member id the group coordinator gave this consumer; null before it joined. */
  memberId(): string | null {
    return this.#usable().memberId();
  }

  /** The rebalance protocol in use: EAGER, COOPERATIVE or NONE (not yet joined). */
  rebalanceProtocol(): string {
    return this.#usable().rebalanceProtocol();
  }

  /** Messages one by one; breaking out of the loop stops pulling (call disconnect() when done). */
  [Symbol.asyncIterator](): AsyncGenerator<Message, void, undefined> {
    return this.messages();
  }

  /** Like `for await (const message of consumer)`, with an AbortSignal that ends the loop. */
  async *messages(options: MessagesOptions = {}): AsyncGenerator<Message, void, undefined> {
    const signal = optionalSignal(options);
    const stopListening = onAbort(signal, () => this.#wakeReader());
    try {
      for (;;) {
        if (signal?.aborted) return;
        const batch = await this.#pull(this.#maxBatchSize, 0, signal);
        if (batch === undefined) return;
        const progress = this.#offsets.startBatch(batch);
        const traced = isTraced(tracing.consume);
        for (const message of batch) {
          if (!this.#offsets.isCurrent(progress)) return; // a newer loop took over the rest
          if (this.#offsets.voidedBySeek(message, progress)) {
            progress.processed++;
            continue;
          }
          if (traced) {
            // start when the body gets the message, end when it asks for the next (or leaves).
            const context = { client: this, groupId: this.#groupId, message };
            tracing.consume.start.publish(context);
            try {
              yield message;
            } finally {
              tracing.consume.end.publish(context);
            }
          } else {
            yield message;
          }
          progress.processed++;
          if (signal?.aborted) return;
        }
      }
    } finally {
      stopListening();
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
    const signal = optionalSignal(options);
    const stopListening = onAbort(signal, () => this.#wakeReader());
    try {
      for (;;) {
        if (signal?.aborted) return;
        const batch = await this.#pull(maxMessages, maxWaitMs, signal);
        if (batch === undefined) return;
        const progress = this.#offsets.startBatch(batch);
        if (isTraced(tracing.consumeBatch)) {
          const context = { client: this, groupId: this.#groupId, messages: batch };
          tracing.consumeBatch.start.publish(context);
          try {
            yield batch;
          } finally {
            tracing.consumeBatch.end.publish(context);
          }
        } else {
          yield batch;
        }
        progress.processed = batch.length;
        if (signal?.aborted) return;
      }
    } finally {
      stopListening();
    }
  }

  /**
   * Commits and resolves when the broker has the offsets. Without offsets it
   * commits what this consumer has processed (the stored offsets). A group
   * coordinator that is loading or moving is retried for up to 10 s.
   */
  commit(offsets?: TopicPartitionOffset[], options?: AbortOptions): Promise<TopicPartitionOffset[]> {
    return traceOperation(
      tracing.commit,
      () => this.#traceContext('commit', [offsets]),
      () => this.#commit(offsets, options),
    );
  }

  async #commit(offsets: TopicPartitionOffset[] | undefined, options: AbortOptions | undefined): Promise<TopicPartitionOffset[]> {
    const signal = expectSignal('commit', options);
    const list = offsets === undefined ? null : toNativeList(offsets, 'offsets');
    if (list === null) this.#storeProcessed();
    let committed: TopicPartitionOffset[];
    try {
      committed = (await withAbort(
        'commit',
        retryWhileCoordinatorMoves(
          () => this.track(this.#usable().commit(list)),
          () => this.state === 'connected' && !signal?.aborted,
        ),
        signal,
      )) as TopicPartitionOffset[];
    } catch (error) {
      // librdkafka refuses commits after a fatal error with _FATAL (e.g. in a
      // final revocation's handler): the fatal error itself is the answer.
      if (error instanceof KafkaError && error.errno === ErrorCodes._FATAL) throw this.fatalErrorBehind(error);
      throw error;
    }
    if (list !== null && this.#storesOffsets && this.state === 'connected') {
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
  async committed(partitions?: TopicPartition[], timeoutMs = 10_000, options?: AbortOptions): Promise<TopicPartitionOffset[]> {
    const list = partitions === undefined ? this.#usable().assignment() : toNativeList(partitions, 'partitions');
    expectInteger('timeoutMs', timeoutMs, 0);
    const signal = expectSignal('committed', options);
    return (await withAbort(
      'committed',
      this.track(this.#usable().committed(list, timeoutMs)),
      signal,
    )) as TopicPartitionOffset[];
  }

  /** The next offset this consumer will fetch per partition (-1001 when none yet). */
  position(partitions?: TopicPartition[]): TopicPartitionOffset[] {
    const list = partitions === undefined ? this.#usable().assignment() : toNativeList(partitions, 'partitions');
    return this.#usable().position(list) as TopicPartitionOffset[];
  }

  /**
   * Stores offsets (the next offset to consume) for the next commit. Stores
   * only move forward, as commit(offsets) does: an offset at or below the one
   * stored for its partition is left out (a seek() back resets that).
   */
  storeOffsets(offsets: TopicPartitionOffset[]): TopicPartitionOffset[] {
    const list = toNativeList(offsets, 'offsets');
    const usable = this.#usable();
    const forward = this.#offsets.forwardOnly(list);
    if (forward.length === 0) return [];
    const stored = usable.storeOffsets(forward) as TopicPartitionOffset[];
    this.#offsets.noteStored(stored);
    return stored;
  }

  /** Moves the fetch position; messages already handed out are not taken back. */
  async seek(position: TopicPartitionOffset | TopicPartitionOffset[], timeoutMs = 10_000, options?: AbortOptions): Promise<void> {
    const list = toNativeList(Array.isArray(position) ? position : [position], 'position');
    for (const entry of list) if (entry.offset === undefined) throw invalid('position.offset', 'an offset', undefined);
    const signal = expectSignal('seek', options);
    this.#storeProcessed();
    this.#offsets.noteSeek(list);
    const result = await withAbort('seek', this.track(this.#usable().seek(list, timeoutMs)), signal);
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
  async queryWatermarkOffsets(
    topic: string,
    partition: number,
    timeoutMs = 10_000,
    options?: AbortOptions,
  ): Promise<{ low: number; high: number }> {
    const query = this.#usable().queryWatermarkOffsets(
      expectTopicName('topic', topic),
      expectInteger('partition', partition, 0),
      expectInteger('timeoutMs', timeoutMs, 0),
    );
    return withAbort('queryWatermarkOffsets', this.track(query), expectSignal('queryWatermarkOffsets', options));
  }

  /** For each {topic, partition, offset: timestampMs}, the earliest offset whose timestamp is at or after it. */
  async offsetsForTimes(
    partitions: TopicPartitionOffset[],
    timeoutMs = 10_000,
    options?: AbortOptions,
  ): Promise<TopicPartitionOffset[]> {
    const signal = expectSignal('offsetsForTimes', options);
    const query = this.track(this.#usable().offsetsForTimes(toNativeList(partitions, 'partitions'), timeoutMs));
    return (await withAbort('offsetsForTimes', query, signal)) as TopicPartitionOffset[];
  }

  /**
   * Leaves the group and closes. A rebalance handler gets a final revocation
   * first (so it can commit); auto-commit commits what was processed.
   */
  disconnect(): Promise<void> {
    return this.disconnectOnce(() => this.#close());
  }

  protected closeAfterFailedConnect(): Promise<void> {
    return this.disconnect();
  }

  // A consumer's errors arrive through callbacks served inside its polls.
  // Before subscribe() or assign() there is nothing to fetch, so a poll only
  // serves those.
  protected override collectEventsAfterFailedConnect(): void {
    try {
      this.native.poll(1);
    } catch {
      // closed meanwhile: nothing to collect
    }
  }

  protected override noteFatalError(error: KafkaError): void {
    super.noteFatalError(error);
    this.#wakeReader(); // a waiting loop ends by throwing it
  }

  async #close(): Promise<void> {
    this.#storeProcessed();
    const settled = this.markDisconnecting();
    this.#wakeReader();
    await settled;
    if (this.#rebalanceHandler) {
      // The handler may still commit (or query) what it owns, as in any revocation.
      this.#inFinalRevocation = true;
      try {
        await this.#rebalances.finalRevocation();
      } finally {
        this.#inFinalRevocation = false;
      }
    }
    try {
      await this.native.close();
    } catch (error) {
      // After a fatal error librdkafka's close reports it again; the close itself is done.
      if (!(this.fatalError && (error as KafkaError).errno === ErrorCodes._FATAL)) throw error;
    }
  }

  // Takes what librdkafka has ready, waiting on its queue wakeup when empty.
  // Resolves undefined once the consumer is closing.
  async #pull(maxMessages: number, maxWaitMs: number, signal: AbortSignal | undefined): Promise<Message[] | undefined> {
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
      // Again after a turn when other consumers used the time since it.
      for (let turn = yieldToLoopIfDue(); turn !== undefined; turn = yieldToLoopIfDue()) await turn;
      this.#storeProcessed();
      this.#offsets.keepUnfinishedTail();
      if (this.fatalError) throw this.fatalError;
      if (this.state === 'connected' && owner === this.#pullOwner) {
        const unfinished = this.#offsets.takeUnfinished(maxMessages);
        if (unfinished !== undefined) return unfinished;
      }
      let collected: Message[] | undefined;
      let deadline = 0;
      for (;;) {
        if (this.fatalError) throw this.fatalError;
        if (this.state !== 'connected' || owner !== this.#pullOwner || signal?.aborted) return collected;
        const want = Math.min(maxMessages - (collected?.length ?? 0), this.#pollLimit);
        const pollStarted = performance.now();
        const [count, slab, headers, rebalancePending] = this.native.poll(want);
        const messages = count > 0 ? this.#decode(count, slab!, headers) : [];
        // Nothing more is handed out after a fatal error (none of it could be committed).
        if (this.fatalError) throw this.fatalError;
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
          await this.#rebalances.handlePending();
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
    // Views made from the batch's ArrayBuffer directly: Buffer.from(arrayBuffer,
    // offset, length) skips the per-call buffer/byteOffset lookups of subarray().
    const bytes = slab.buffer;
    const start = slab.byteOffset;
    for (let i = 0; i < count; i++) {
      const base = i * META.stride;
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
      const partition = meta[base + META.partition];
      const offset = meta[base + META.offset];
      const key = keyLength < 0 ? null : Buffer.from(bytes, start + keyOffset, keyLength);
      const value = valueLength < 0 ? null : Buffer.from(bytes, start + valueOffset, valueLength);
      const headers = headersIndex < 0 ? [] : decodeHeaders(headersList![headersIndex]);
      const timestamp = meta[base + META.timestamp];
      const timestampType = TIMESTAMP_TYPES[meta[base + META.timestampType]] ?? 'not-available';
      // Two literals, not one and a property added afterwards: adding it would
      // give each message a second shape and an out-of-object property store.
      messages.push(
        leaderEpoch >= 0
          ? { topic, partition, offset, key, value, headers, timestamp, timestampType, leaderEpoch }
          : { topic, partition, offset, key, value, headers, timestamp, timestampType },
      );
    }
    return messages;
  }

  #onMessageError(errno: number, topic: string, partition: number, offset: number, text: string): void {
    if (errno === ErrorCodes._PARTITION_EOF) {
      emitSafely(this, 'partition-eof', { topic, partition, offset });
      return;
    }
    const where = topic === undefined ? '' : partition >= 0 ? ` (${topic}[${partition}])` : ` (${topic})`;
    const message = `Consumer error${where}: ${text || KafkaError.fromCode(errno).message}`;
    if (errno === ErrorCodes._FATAL) {
      // The loop throws the error behind _FATAL (its own code), as librdkafka keeps it.
      this.fatalErrorBehind(KafkaError.fromCode(errno, message, { fatal: true }));
      return;
    }
    reportError(this, KafkaError.fromCode(errno, message));
  }

  #topicName(index: number): string {
    let name = this.#topicNames[index];
    if (name === undefined && index >= 0) {
      name = this.native.topicName(index) ?? '';
      this.#topicNames[index] = name;
    }
    return name;
  }

  /** The answer of the assignmentOffsets option, checked; a throw or a bad answer is reported and the assignment starts as usual. */
  #startOffsets(
    assignmentOffsets: NonNullable<ConsumerOptions['assignmentOffsets']>,
    event: RebalanceEvent,
  ): StartOffset[] | undefined {
    try {
      const answer = assignmentOffsets(event.partitions.map(({ topic, partition }) => ({ topic, partition })));
      if (answer === undefined) return undefined;
      return toNativeList(answer, 'the answer of options.assignmentOffsets').filter(
        (entry): entry is StartOffset => entry.offset !== undefined,
      );
    } catch (error) {
      reportError(this, callbackError(error, ErrorCodes._INVALID_ARG, 'options.assignmentOffsets failed'));
      return undefined;
    }
  }

  async #runRebalanceHandler(event: RebalanceEvent): Promise<void> {
    if (!this.#rebalanceHandler) return;
    try {
      await this.#rebalanceHandler(event, this);
    } catch (error) {
      reportError(this, callbackError(error, ErrorCodes._FAIL, 'rebalance handler threw'));
    }
  }

  // Partitions given up: messages fetched for them that no loop finished are
  // never handed out (they were not stored, so their next owner reads them).
  // As after a seek, what was fetched before is void for them.
  #dropUnfinishedOf(partitions: Array<{ topic: string; partition: number }>): void {
    if (partitions.length === 0) return;
    this.#storeProcessed();
    this.#offsets.noteSeek(partitions);
  }

  // Stores, for the next commit, the offsets after the messages the loop body finished.
  #storeProcessed(): void {
    if (!this.#storesOffsets) return;
    const next = this.#offsets.takeProcessed();
    if (next.length === 0 || (this.state !== 'connected' && this.state !== 'disconnecting')) return;
    this.#storeForward(next);
  }

  #storeForward(offsets: NativePartitionOffset[]): void {
    const forward = this.#offsets.forwardOnly(offsets);
    if (forward.length === 0) return;
    try {
      // Partitions revoked meanwhile are refused per partition; that is fine.
      this.#offsets.noteStored(this.native.storeOffsets(forward));
    } catch {
      // _STATE when nothing stored is assigned any more: nothing to keep.
    }
  }

  #onReadable(): void {
    // Before the first subscribe/assign the queue holds only events (errors,
    // logs, stats): serving them while connecting lets connect() see why the
    // cluster does not answer (a refused token, an SSL failure) as it happens.
    if (this.connecting && this.state === 'connected') this.native.poll(1);
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
    this.native.setKeepAlive(true);
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.#readableWaiter = () => {
        if (timer) clearTimeout(timer);
        this.#readableSignaled = false;
        noteLoopTurn(); // woken from the event loop: it just had its turn
        if (this.state === 'connected') this.native.setKeepAlive(false);
        resolve();
      };
      // Without a deadline, still look again now and then: a lost wakeup then
      // costs a second, not a consumer that stops reading (and stops serving
      // its error events) for good.
      timer = setTimeout(() => this.#wakeReader(), timeoutMs >= 0 ? timeoutMs : IDLE_REPOLL_MS);
      if (timeoutMs < 0) timer.unref();
    });
  }

  #traceContext(operation: string, args: unknown[]): OperationTraceContext {
    return { client: this, operation, arguments: args, groupId: this.#groupId };
  }

  #usable(): NativeConsumer {
    if (!this.#inFinalRevocation) this.ensureUsable();
    return this.native;
  }
}

// An aborted signal ends a loop without an error, so no AbortError here.
function optionalSignal(options: MessagesOptions): AbortSignal | undefined {
  const signal = options?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid('options.signal', 'an AbortSignal', signal);
  return signal;
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

// Offsets a partition entry may carry: a real one (>= 0) or one of the
// logical ones of Offsets; anything else below 0 is a mistake.
const LOGICAL_OFFSETS = new Set<number>([-1, -2, -1000, -1001]);

function expectOffset(parameter: string, offset: unknown): number {
  if (typeof offset === 'number' && Number.isSafeInteger(offset) && (offset >= 0 || LOGICAL_OFFSETS.has(offset))) {
    return offset;
  }
  throw invalid(parameter, 'an offset >= 0, or Offsets.BEGINNING (-2), END (-1), STORED (-1000) or INVALID (-1001)', offset);
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
      result.offset = expectOffset(`${parameter}[${i}].offset`, offset);
    }
    if (metadata !== undefined) result.metadata = String(metadata);
    if (leaderEpoch !== undefined) result.leaderEpoch = expectInteger(`${parameter}[${i}].leaderEpoch`, leaderEpoch, -1);
    return result;
  });
}

/** What an application callback threw, as the KafkaError its 'error' listeners get. */
function callbackError(error: unknown, errno: number, what: string): KafkaError {
  if (error instanceof KafkaError) return error;
  return KafkaError.fromCode(errno, `${what}: ${(error as Error)?.message ?? error}`, { cause: error });
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
