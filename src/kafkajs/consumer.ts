// KafkaJS's consumer over our Consumer: subscribe, then run() feeds
// eachMessage or eachBatch per topic-partition from our batched pulls, with
// KafkaJS's offset rules (resolve, then commit after each batch unless
// autoCommit is off), pause/resume, seek and partitionsConsumedConcurrently.
import { Consumer, Offsets, type TopicPartitionOffset } from '../consumer';
import type { Message } from '../consumer-message';
import type { RebalanceEvent } from '../consumer-rebalance';
import { ErrorCodes } from '../generated/error-codes';
import { KafkaError } from '../kafka-error';
import type { ConsumerGroupMetadata } from '../transaction';
import { type ConsumerConfig, mapConsumerConfig } from './config-mapping';
import type { KafkaContext } from './context';
import { KafkaJSError, KafkaJSNonRetriableError, toKafkaJSError } from './errors';
import { ConsumerEvents, type InstrumentationEvent, Instrumentation } from './instrumentation';
import { forwardClientLogs, type Logger } from './logging';
import { type Batch, type KafkaMessage, newBatch, toKafkaMessages } from './consumer-batch';
import { GroupOffsets, type OffsetsByTopicPartition, toOffsetsByTopic } from './consumer-offsets';

export type { Batch, KafkaMessage } from './consumer-batch';
export type { OffsetsByTopicPartition, TopicOffsets } from './consumer-offsets';

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat(): Promise<void>;
  pause(): () => void;
}

export interface EachBatchPayload {
  batch: Batch;
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  pause(): () => void;
  commitOffsetsIfNecessary(offsets?: OffsetsByTopicPartition): Promise<void>;
  uncommittedOffsets(): OffsetsByTopicPartition;
  isRunning(): boolean;
  isStale(): boolean;
}

export interface ConsumerRunConfig {
  autoCommit?: boolean;
  autoCommitInterval?: number | null;
  autoCommitThreshold?: number | null;
  eachBatchAutoResolve?: boolean;
  partitionsConsumedConcurrently?: number;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
}

export interface ConsumerSubscribeTopics {
  topics: Array<string | RegExp>;
  fromBeginning?: boolean;
}

export interface ConsumerSubscribeTopic {
  topic: string | RegExp;
  fromBeginning?: boolean;
}

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface TopicPartitionOffsetAndMetadata {
  topic: string;
  partition: number;
  offset: string;
  metadata?: string | null;
}

// A handler that keeps failing on a partition is retried this often (with
// backoff from retry.initialRetryTime) before the consumer crashes, as KafkaJS's retrier does.
const DEFAULT_RETRIES = 5;
const DEFAULT_INITIAL_RETRY_MS = 300;
const DEFAULT_MAX_RETRY_MS = 30_000;

interface Running {
  config: Required<Pick<ConsumerRunConfig, 'autoCommit' | 'eachBatchAutoResolve' | 'partitionsConsumedConcurrently'>> &
    ConsumerRunConfig;
  loop: Promise<void>;
  /** The batch being processed: stop() waits for it. */
  processing: Promise<void> | undefined;
}

export class KafkaJSConsumer {
  readonly events = ConsumerEvents;
  readonly #context: KafkaContext;
  readonly #options: ConsumerConfig;
  readonly #mapped: ReturnType<typeof mapConsumerConfig>;
  readonly #logger: Logger;
  readonly #instrumentation = new Instrumentation('consumer', ConsumerEvents);
  readonly #groupId: string;
  #consumer: Consumer | undefined;
  #consumerFromBeginning = false;
  #connected = false;
  #subscriptions: Array<string | RegExp> = [];
  #fromBeginning: boolean | undefined;
  #running: Running | undefined;
  readonly #offsets = new GroupOffsets();
  readonly #paused = new Map<string, { topic: string; partition: number }>();
  // Seeks asked for before the partition was assigned: applied on assignment.
  readonly #pendingSeeks = new Map<string, { topic: string; partition: number; offset: number }>();
  // Bumped by each seek of a partition: a batch started before it is stale.
  readonly #seekGenerations = new Map<string, number>();
  // Seeks librdkafka has not applied yet: what is pulled meanwhile predates them.
  readonly #seeksInFlight = new Map<string, number>();
  // Seeks that became start offsets of an assignment, to commit once it is applied (autoCommit).
  readonly #soughtAtAssignment: Array<{ topic: string; partition: number; offset: number }> = [];
  readonly #failures = new Map<string, number>();
  readonly #highWatermarks = new Map<string, { value: number; at: number; asking: boolean }>();
  #commitInFlight: Promise<void> | undefined;
  #commitAgain = false;
  #removeMember: (() => void) | undefined;

  constructor(context: KafkaContext, options: ConsumerConfig) {
    if (typeof options?.groupId !== 'string' || options.groupId === '') {
      throw new KafkaJSNonRetriableError('Consumer groupId must be a non-empty string.');
    }
    this.#context = context;
    this.#options = options;
    this.#groupId = options.groupId;
    this.#mapped = mapConsumerConfig(options as ConsumerConfig & Record<string, unknown>);
    this.#logger = context.logger.namespace('Consumer');
    context.warnAtConstruction('consumer', this.#mapped);
  }

  async connect(): Promise<void> {
    if (this.#connected) return;
    this.#consumer = await this.#newConsumer(false);
    this.#connected = true;
    this.#removeMember = this.#context.addMember({
      groupId: this.#groupId,
      groupMetadata: () => this.#groupMetadata(),
    });
    this.#instrumentation.emit(ConsumerEvents.CONNECT);
  }

  async disconnect(): Promise<void> {
    const wasConnected = this.#connected;
    await this.stop();
    this.#connected = false;
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await consumer?.disconnect().catch((error: unknown) => this.#logger.error(String((error as Error)?.message)));
    this.#removeMember?.();
    if (wasConnected) this.#instrumentation.emit(ConsumerEvents.DISCONNECT);
  }

  logger(): Logger {
    return this.#logger;
  }

  on(eventName: string, listener: (event: InstrumentationEvent) => void): () => void {
    return this.#instrumentation.on(eventName, listener);
  }

  /** Adds topics to the subscription that run() will join the group with. */
  async subscribe(subscription: ConsumerSubscribeTopics | ConsumerSubscribeTopic): Promise<void> {
    if (this.#running) throw new KafkaJSNonRetriableError('Cannot subscribe to topic while consumer is running');
    if (!this.#connected) throw new KafkaJSNonRetriableError('Cannot subscribe: call await consumer.connect() first');
    const topics = 'topics' in subscription ? subscription.topics : [(subscription as ConsumerSubscribeTopic).topic];
    if (!Array.isArray(topics) || topics.length === 0 || topics.some((topic) => !topic)) {
      throw new KafkaJSNonRetriableError(`Invalid topics array ${JSON.stringify(topics)}`);
    }
    const fromBeginning = subscription.fromBeginning === true;
    if (this.#fromBeginning !== undefined && this.#fromBeginning !== fromBeginning) {
      this.#logger.warn(
        `fromBeginning: ${fromBeginning} for ${topics.join(', ')} differs from an earlier subscribe(): librdkafka applies one ` +
          `auto.offset.reset per consumer; every topic of this consumer starts from the ${this.#fromBeginning ? 'beginning' : 'end'}`,
      );
    } else {
      this.#fromBeginning = fromBeginning;
    }
    this.#subscriptions.push(...topics);
  }

  async run(config: ConsumerRunConfig = {}): Promise<void> {
    if (this.#running) throw new KafkaJSNonRetriableError('Consumer is already running');
    if (!this.#connected) throw new KafkaJSNonRetriableError('Cannot run: call await consumer.connect() first');
    if (this.#subscriptions.length === 0) throw new KafkaJSNonRetriableError('Cannot run: subscribe to at least one topic first');
    if (typeof config.eachMessage !== 'function' && typeof config.eachBatch !== 'function') {
      throw new KafkaJSNonRetriableError('Consumer run() needs an eachMessage or eachBatch function');
    }
    const concurrency = config.partitionsConsumedConcurrently ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new KafkaJSNonRetriableError(`partitionsConsumedConcurrently must be an integer >= 1, got ${concurrency}`);
    }
    // auto.offset.reset is fixed when our consumer is created: make one that
    // starts where the subscription asked (a consumer that never joined closes at once).
    const wantBeginning = this.#fromBeginning === true;
    if (this.#consumer === undefined || this.#consumerFromBeginning !== wantBeginning) {
      const previous = this.#consumer;
      this.#consumer = undefined;
      await previous?.disconnect();
      this.#consumer = await this.#newConsumer(wantBeginning);
    }
    const consumer = this.#consumer;
    this.#offsets.configure(config.autoCommitInterval ?? null, config.autoCommitThreshold ?? null);
    try {
      consumer.subscribe(this.#subscriptions);
    } catch (error) {
      throw toKafkaJSError(error);
    }
    const running: Running = {
      config: {
        ...config,
        autoCommit: config.autoCommit ?? true,
        eachBatchAutoResolve: config.eachBatchAutoResolve ?? true,
        partitionsConsumedConcurrently: concurrency,
      },
      loop: Promise.resolve(),
      processing: undefined,
    };
    this.#running = running;
    running.loop = this.#loop(consumer, running);
  }

  /** Stops fetching: the batch in progress finishes, resolved offsets are committed, the group is left. */
  async stop(): Promise<void> {
    const running = this.#running;
    if (running === undefined) return;
    this.#running = undefined;
    await running.processing;
    const consumer = this.#consumer;
    this.#consumer = undefined;
    if (consumer !== undefined) {
      if (running.config.autoCommit) await this.#commitResolved(consumer).catch(() => {});
      await consumer.disconnect().catch((error: unknown) => this.#logger.error(String((error as Error)?.message)));
    }
    await running.loop;
    this.#paused.clear();
    this.#offsets.clear();
    this.#instrumentation.emit(ConsumerEvents.STOP);
  }

  /** Commits these offsets (the next offset to consume, as strings) for the group. */
  async commitOffsets(offsets: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    const consumer = this.#usable('commitOffsets');
    const list = offsets.map(({ topic, partition, offset, metadata }) => ({
      topic,
      partition,
      offset: Number(offset),
      ...(metadata === undefined || metadata === null ? {} : { metadata }),
    }));
    await this.#commitList(consumer, list);
  }

  /**
   * Moves a partition's position; messages of it already fetched are dropped
   * (their batch becomes stale). With autoCommit the new offset is committed.
   * Before the partition is assigned, the seek waits for the assignment.
   */
  seek({ topic, partition, offset }: { topic: string; partition: number; offset: string }): void {
    if (!topic) throw new KafkaJSNonRetriableError(`Invalid topic ${topic}`);
    if (!Number.isInteger(partition))
      throw new KafkaJSNonRetriableError(`Invalid partition, expected a number received ${partition}`);
    const value = Number(offset);
    if (!Number.isSafeInteger(value)) throw new KafkaJSNonRetriableError(`Invalid offset, expected a long received ${offset}`);
    if (value < 0 && value !== -1 && value !== -2) throw new KafkaJSNonRetriableError('Offset must not be a negative number');
    if (this.#running === undefined || this.#consumer === undefined) {
      throw new KafkaJSNonRetriableError('Consumer group was not initialized, consumer#run must be called first');
    }
    const seek = { topic, partition, offset: value === -1 ? Offsets.END : value === -2 ? Offsets.BEGINNING : value };
    const key = partitionKey(topic, partition);
    this.#seekGenerations.set(key, (this.#seekGenerations.get(key) ?? 0) + 1);
    if (this.#isAssigned(this.#consumer, topic, partition)) void this.#applySeek(this.#consumer, seek);
    else this.#pendingSeeks.set(key, seek);
  }

  pause(topicPartitions: Array<{ topic: string; partitions?: number[] }>): void {
    const consumer = this.#usable('pause');
    const list = this.#expand(consumer, topicPartitions, 'pause');
    for (const entry of list) this.#paused.set(partitionKey(entry.topic, entry.partition), entry);
    const assigned = list.filter((entry) => this.#isAssigned(consumer, entry.topic, entry.partition));
    if (assigned.length > 0) {
      try {
        consumer.pause(assigned);
      } catch (error) {
        throw toKafkaJSError(error);
      }
    }
  }

  resume(topicPartitions: Array<{ topic: string; partitions?: number[] }>): void {
    const consumer = this.#usable('resume');
    const list = this.#expand(consumer, topicPartitions, 'resume');
    for (const entry of list) this.#paused.delete(partitionKey(entry.topic, entry.partition));
    const assigned = list.filter((entry) => this.#isAssigned(consumer, entry.topic, entry.partition));
    if (assigned.length > 0) {
      try {
        consumer.resume(assigned);
      } catch (error) {
        throw toKafkaJSError(error);
      }
    }
  }

  paused(): TopicPartitions[] {
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of this.#paused.values()) {
      const list = byTopic.get(topic) ?? [];
      list.push(partition);
      byTopic.set(topic, list);
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
  }

  /** The group as the coordinator describes it (through a short-lived admin client). */
  async describeGroup(): Promise<unknown> {
    const { describeGroupWithAdmin } = await import('./admin');
    return describeGroupWithAdmin(this.#context, this.#groupId);
  }

  async #newConsumer(fromBeginning: boolean): Promise<Consumer> {
    const config = await this.#context.clientConfig(this.#mapped, {
      'auto.offset.reset': fromBeginning ? 'earliest' : 'latest',
      // Commits are the facade's (KafkaJS's rules), of offsets it tracks itself.
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
    });
    const consumer: Consumer = new Consumer(config as never, {
      oauthBearerTokenProvider: this.#context.oauthBearerTokenProvider,
      rebalance: (event: RebalanceEvent): Promise<void> => this.#onRebalance(consumer, event),
      assignmentOffsets: (partitions) => this.#takePendingSeeks(partitions),
    });
    forwardClientLogs(consumer, this.#logger);
    consumer.on('error', (error) => this.#logger.error(error.message, { code: error.code }));
    try {
      await consumer.connect();
    } catch (error) {
      throw toKafkaJSError(error);
    }
    this.#consumerFromBeginning = fromBeginning;
    return consumer;
  }

  async #loop(consumer: Consumer, running: Running): Promise<void> {
    const fetchEvents = this.#instrumentation.listens(ConsumerEvents.FETCH);
    try {
      let fetchStarted = fetchEvents ? Date.now() : 0;
      for await (const messages of consumer.batches()) {
        if (this.#running !== running) break;
        if (fetchEvents) {
          this.#instrumentation.emit(ConsumerEvents.FETCH, { numberOfBatches: 1, duration: Date.now() - fetchStarted });
        }
        const processing = this.#process(consumer, running, messages);
        running.processing = processing;
        await processing;
        running.processing = undefined;
        if (fetchEvents) fetchStarted = Date.now();
      }
    } catch (error) {
      if (this.#running === running) await this.#crash(running, error);
    }
  }

  async #crash(running: Running, error: unknown): Promise<void> {
    const crash = toKafkaJSError(error);
    this.#logger.error(`Crash: ${crash.name}: ${crash.message}`, { groupId: this.#groupId });
    this.#instrumentation.emit(ConsumerEvents.CRASH, { error: crash, groupId: this.#groupId, restart: false });
    if (this.#running === running) {
      running.processing = undefined;
      await this.stop();
    }
  }

  // One pulled batch: per topic-partition, in order, up to
  // partitionsConsumedConcurrently partitions at a time.
  async #process(consumer: Consumer, running: Running, messages: Message[]): Promise<void> {
    const groups = groupByPartition(messages);
    const concurrency = running.config.partitionsConsumedConcurrently;
    if (concurrency === 1 || groups.length === 1) {
      for (const group of groups) await this.#processPartition(consumer, running, group);
    } else {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < groups.length) await this.#processPartition(consumer, running, groups[next++]);
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, worker));
    }
    if (running.config.autoCommit && this.#running === running) this.#commitInBackground(consumer);
  }

  async #processPartition(consumer: Consumer, running: Running, messages: Message[]): Promise<void> {
    if (this.#running !== running) return;
    const { topic, partition } = messages[0];
    const key = partitionKey(topic, partition);
    const generation = this.#seekGenerations.get(key) ?? 0;
    const isStale = (): boolean => (this.#seekGenerations.get(key) ?? 0) !== generation;
    // A seek waiting for its assignment (it becomes the assignment's start
    // offset) or in flight repositions the partition: what was fetched before it is void.
    if (isStale() || this.#seeksInFlight.has(key) || this.#pendingSeeks.has(key)) return;
    if (this.#paused.has(key)) {
      // Paused (from another partition's handler) after this pull: our
      // consumer's position already passed these, so fetch them again later.
      await this.#rewind(consumer, topic, partition, messages[0].offset);
      return;
    }
    const converted = toKafkaMessages(messages);
    const batch = newBatch(topic, partition, converted, this.#highWatermark(consumer, topic, partition, messages));
    const batchEvents =
      this.#instrumentation.listens(ConsumerEvents.START_BATCH_PROCESS) ||
      this.#instrumentation.listens(ConsumerEvents.END_BATCH_PROCESS);
    const started = batchEvents ? Date.now() : 0;
    if (batchEvents) this.#instrumentation.emit(ConsumerEvents.START_BATCH_PROCESS, batchPayload(batch));
    const pause = (): (() => void) => {
      this.pause([{ topic, partitions: [partition] }]);
      return () => this.resume([{ topic, partitions: [partition] }]);
    };
    let processedUpTo = -1; // index of the last message handled
    try {
      if (running.config.eachMessage) {
        const eachMessage = running.config.eachMessage;
        for (let i = 0; i < converted.length; i++) {
          if (this.#running !== running || isStale() || this.#paused.has(key)) break;
          await eachMessage({ topic, partition, message: converted[i], heartbeat, pause });
          this.#offsets.resolve(topic, partition, messages[i].offset);
          processedUpTo = i;
          if (this.#offsets.commitDue() && running.config.autoCommit) await this.#commitResolved(consumer);
        }
      } else {
        await running.config.eachBatch!({
          batch,
          resolveOffset: (offset) => this.#offsets.resolve(topic, partition, Number(offset)),
          heartbeat,
          pause,
          commitOffsetsIfNecessary: async (offsets) => {
            if (offsets !== undefined) await this.#commitList(consumer, fromOffsetsByTopic(offsets));
            else if (this.#offsets.commitDue()) await this.#commitResolved(consumer);
          },
          uncommittedOffsets: () => this.#offsets.uncommitted(),
          isRunning: () => this.#running === running,
          isStale,
        });
        processedUpTo = converted.length - 1;
        if (running.config.eachBatchAutoResolve && !isStale())
          this.#offsets.resolve(topic, partition, messages[messages.length - 1].offset);
      }
      this.#failures.delete(key);
    } catch (error) {
      await this.#handlerFailed(consumer, running, messages, processedUpTo, error);
      return;
    } finally {
      if (batchEvents)
        this.#instrumentation.emit(ConsumerEvents.END_BATCH_PROCESS, { ...batchPayload(batch), duration: Date.now() - started });
    }
    // Messages left because the partition was paused (or the run stopped) are
    // fetched again: our consumer's position already passed them.
    const rest = messages[processedUpTo + 1];
    if (rest !== undefined && !isStale() && running.config.eachMessage) {
      await this.#rewind(consumer, topic, partition, rest.offset);
    }
  }

  // KafkaJS's retry of a failing handler: commit what was resolved, fetch the
  // failed message again (after a backoff), and crash after `retries` failures in a row.
  async #handlerFailed(
    consumer: Consumer,
    running: Running,
    messages: Message[],
    processedUpTo: number,
    error: unknown,
  ): Promise<void> {
    const { topic, partition } = messages[0];
    const key = partitionKey(topic, partition);
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    if (!(error instanceof KafkaJSError)) {
      this.#logger.error(`Error when calling ${running.config.eachMessage ? 'eachMessage' : 'eachBatch'}`, {
        topic,
        partition,
        offset: String(messages[Math.max(0, processedUpTo + 1)].offset),
        error: String((error as Error)?.message ?? error),
      });
    }
    if (running.config.autoCommit) await this.#commitResolved(consumer).catch(() => {});
    const retry = this.#options.retry ?? {};
    if (failures > (retry.retries ?? DEFAULT_RETRIES) || this.#running !== running) {
      this.#failures.delete(key);
      if (this.#running === running) {
        // Crash outside of this batch: stop() waits for the batch in progress.
        setImmediate(() => void this.#crashFromHandler(running, error));
      }
      return;
    }
    const resolved = this.#offsets.resolvedOffset(topic, partition);
    const failedAt = running.config.eachMessage ? messages[processedUpTo + 1].offset : (resolved ?? messages[0].offset);
    const backoff = Math.min(
      retry.maxRetryTime ?? DEFAULT_MAX_RETRY_MS,
      (retry.initialRetryTime ?? DEFAULT_INITIAL_RETRY_MS) * 2 ** (failures - 1),
    );
    await this.#rewind(consumer, topic, partition, Math.max(failedAt, resolved ?? 0));
    await new Promise((resolve) => setTimeout(resolve, backoff));
  }

  async #crashFromHandler(running: Running, error: unknown): Promise<void> {
    if (this.#running !== running) return;
    await running.processing?.catch(() => {});
    running.processing = undefined;
    await this.#crash(running, error);
  }

  async #rewind(consumer: Consumer, topic: string, partition: number, offset: number): Promise<void> {
    if (!this.#isAssigned(consumer, topic, partition)) return;
    try {
      await consumer.seek({ topic, partition, offset });
    } catch (error) {
      this.#logger.warn(`Could not fetch ${topic}[${partition}] again from offset ${offset}: ${(error as Error).message}`);
    }
  }

  #applySeek(consumer: Consumer, seek: { topic: string; partition: number; offset: number }): Promise<void> {
    const { topic, partition, offset } = seek;
    const key = partitionKey(topic, partition);
    const autoCommit = this.#running?.config.autoCommit ?? true;
    this.#seeksInFlight.set(key, (this.#seeksInFlight.get(key) ?? 0) + 1);
    const applied = (): void => {
      const left = (this.#seeksInFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.#seeksInFlight.delete(key);
      else this.#seeksInFlight.set(key, left);
    };
    this.#resetTracking(seek, autoCommit);
    return consumer.seek({ topic, partition, offset }).then(
      () => {
        applied();
        if (autoCommit && offset >= 0) return this.#commitSought(consumer, [seek]);
      },
      (error: Error) => {
        applied();
        this.#logger.error(`seek ${topic}[${partition}] to ${offset} failed: ${error.message}`);
      },
    );
  }

  /** What was resolved before a seek no longer counts; without autoCommit the sought offset is the next to commit. */
  #resetTracking({ topic, partition, offset }: { topic: string; partition: number; offset: number }, autoCommit: boolean): void {
    if (offset < 0) return;
    if (autoCommit) this.#offsets.clearPartition(topic, partition);
    else this.#offsets.resolve(topic, partition, offset - 1, true);
  }

  /** With autoCommit, KafkaJS commits the offset a seek moved to. */
  #commitSought(consumer: Consumer, seeks: Array<{ topic: string; partition: number; offset: number }>): Promise<void> {
    if (this.#consumer !== consumer || seeks.length === 0) return Promise.resolve();
    return this.#commitList(consumer, seeks).catch((error: Error) =>
      this.#logger.warn(`Could not commit the offset sought to: ${error.message}`),
    );
  }

  /**
   * Seeks made before their partition was assigned become the assignment's
   * start offsets (a seek right after the assignment would lose to its
   * committed-offset fetch); with autoCommit they are committed once assigned.
   */
  #takePendingSeeks(
    partitions: Array<{ topic: string; partition: number }>,
  ): Array<{ topic: string; partition: number; offset: number }> {
    const autoCommit = this.#running?.config.autoCommit ?? true;
    const taken: Array<{ topic: string; partition: number; offset: number }> = [];
    for (const { topic, partition } of partitions) {
      const key = partitionKey(topic, partition);
      const seek = this.#pendingSeeks.get(key);
      if (seek === undefined) continue;
      this.#pendingSeeks.delete(key);
      this.#resetTracking(seek, autoCommit);
      taken.push(seek);
    }
    if (autoCommit) this.#soughtAtAssignment.push(...taken.filter((seek) => seek.offset >= 0));
    return taken;
  }

  async #onRebalance(consumer: Consumer, event: RebalanceEvent): Promise<void> {
    if (event.type === 'revoke') {
      this.#instrumentation.emit(ConsumerEvents.REBALANCING, { groupId: this.#groupId, memberId: safeMemberId(consumer) });
      // Commit what was resolved on the revoked partitions while they are still ours.
      if (!event.lost && (this.#running?.config.autoCommit ?? true)) {
        const offsets = this.#offsets.pendingFor(event.partitions);
        if (offsets.length > 0) await this.#commitList(consumer, offsets).catch(() => {});
      }
      this.#offsets.forget(event.partitions);
      return;
    }
    // Paused and sought partitions keep their state across a rebalance, as in KafkaJS.
    const paused = event.partitions.filter(({ topic, partition }) => this.#paused.has(partitionKey(topic, partition)));
    if (paused.length > 0) {
      try {
        consumer.pause(paused);
      } catch {
        // revoked meanwhile
      }
    }
    await this.#commitSought(consumer, this.#soughtAtAssignment.splice(0));
    if (this.#instrumentation.listens(ConsumerEvents.GROUP_JOIN)) {
      const memberAssignment: Record<string, number[]> = {};
      for (const { topic, partition } of consumer.assignment()) (memberAssignment[topic] ??= []).push(partition);
      this.#instrumentation.emit(ConsumerEvents.GROUP_JOIN, {
        groupId: this.#groupId,
        memberId: safeMemberId(consumer),
        leaderId: null,
        isLeader: null,
        memberAssignment,
        groupProtocol: event.protocol,
        duration: 0,
      });
    }
  }

  // After each batch, KafkaJS commits what was resolved; here the commit runs
  // while the next batch is processed (one at a time, the latest offsets each time).
  #commitInBackground(consumer: Consumer): void {
    if (!this.#offsets.hasPending()) return;
    if (this.#commitInFlight !== undefined) {
      this.#commitAgain = true;
      return;
    }
    this.#commitInFlight = this.#commitResolved(consumer)
      .catch((error: Error) => this.#logger.warn(`Offset commit failed (retried after the next batch): ${error.message}`))
      .finally(() => {
        this.#commitInFlight = undefined;
        if (this.#commitAgain && this.#consumer === consumer) {
          this.#commitAgain = false;
          this.#commitInBackground(consumer);
        }
      });
  }

  async #commitResolved(consumer: Consumer): Promise<void> {
    await this.#commitInFlight?.catch(() => {});
    const offsets = this.#offsets.pending();
    if (offsets.length === 0) return;
    await this.#commitList(consumer, offsets);
  }

  async #commitList(
    consumer: Consumer,
    offsets: Array<{ topic: string; partition: number; offset: number; metadata?: string }>,
  ): Promise<void> {
    if (offsets.length === 0) return;
    let committed: TopicPartitionOffset[];
    try {
      committed = await consumer.commit(offsets);
    } catch (error) {
      if (error instanceof KafkaError && error.errno === ErrorCodes._NO_OFFSET) return;
      throw toKafkaJSError(error);
    }
    const failed = committed.find((entry) => entry.error);
    if (failed?.error) throw toKafkaJSError(failed.error, failed);
    this.#offsets.noteCommitted(committed);
    if (this.#instrumentation.listens(ConsumerEvents.COMMIT_OFFSETS)) {
      this.#instrumentation.emit(ConsumerEvents.COMMIT_OFFSETS, {
        groupId: this.#groupId,
        memberId: safeMemberId(consumer),
        groupGenerationId: -1,
        topics: toOffsetsByTopic(committed).topics,
      });
    }
  }

  // Approximate high watermark: the partition's log end offset, asked in the
  // background at most once a second; until known, the offset after the batch.
  #highWatermark(consumer: Consumer, topic: string, partition: number, messages: Message[]): string {
    const key = partitionKey(topic, partition);
    const known = this.#highWatermarks.get(key) ?? { value: -1, at: 0, asking: false };
    this.#highWatermarks.set(key, known);
    const now = Date.now();
    if (!known.asking && now - known.at > 1000) {
      known.asking = true;
      consumer.queryWatermarkOffsets(topic, partition, 5000).then(
        ({ high }) => {
          known.value = high;
          known.at = Date.now();
          known.asking = false;
        },
        () => {
          known.at = Date.now();
          known.asking = false;
        },
      );
    }
    const after = messages[messages.length - 1].offset + 1;
    return String(Math.max(known.value, after));
  }

  #groupMetadata(): ConsumerGroupMetadata | undefined {
    if (this.#consumer === undefined || this.#running === undefined) return undefined;
    try {
      return this.#consumer.groupMetadata();
    } catch {
      return undefined;
    }
  }

  #usable(operation: string): Consumer {
    if (this.#consumer === undefined || !this.#connected) {
      throw new KafkaJSNonRetriableError(`Cannot ${operation}: the consumer is not connected (call connect() and run() first)`);
    }
    return this.#consumer;
  }

  #isAssigned(consumer: Consumer, topic: string, partition: number): boolean {
    try {
      return consumer.assignment().some((entry) => entry.topic === topic && entry.partition === partition);
    } catch {
      return false;
    }
  }

  #expand(consumer: Consumer, topicPartitions: Array<{ topic: string; partitions?: number[] }>, operation: string) {
    if (!Array.isArray(topicPartitions))
      throw new KafkaJSNonRetriableError(`${operation}() needs an array of { topic, partitions }`);
    const list: Array<{ topic: string; partition: number }> = [];
    for (const entry of topicPartitions) {
      if (!entry?.topic) throw new KafkaJSNonRetriableError(`Invalid topic ${entry?.topic ?? entry}`);
      if (entry.partitions !== undefined && !Array.isArray(entry.partitions)) {
        throw new KafkaJSNonRetriableError(`Array of partitions expected, got ${entry.partitions}`);
      }
      const partitions =
        entry.partitions ??
        consumer
          .assignment()
          .filter((assigned) => assigned.topic === entry.topic)
          .map((assigned) => assigned.partition);
      for (const partition of partitions) list.push({ topic: entry.topic, partition });
    }
    return list;
  }
}

// librdkafka's consumer heartbeats on its own thread; KafkaJS's heartbeat() has nothing left to do.
const heartbeat = (): Promise<void> => Promise.resolve();

function safeMemberId(consumer: Consumer): string | null {
  try {
    return consumer.memberId();
  } catch {
    return null;
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}

// Messages of one pulled batch split per topic-partition, order kept.
function groupByPartition(messages: Message[]): Message[][] {
  const first = messages[0];
  const last = messages[messages.length - 1];
  if (first.partition === last.partition && first.topic === last.topic) {
    let single = true;
    for (let i = 1; i < messages.length - 1; i++) {
      if (messages[i].partition !== first.partition || messages[i].topic !== first.topic) {
        single = false;
        break;
      }
    }
    if (single) return [messages];
  }
  // A fetch brings each partition's messages as one run: look the group up
  // where a run starts, not for every message.
  const groups = new Map<string, Message[]>();
  let group: Message[] | undefined;
  let topic = '';
  let partition = -1;
  for (const message of messages) {
    if (group === undefined || message.partition !== partition || message.topic !== topic) {
      topic = message.topic;
      partition = message.partition;
      const key = partitionKey(topic, partition);
      group = groups.get(key);
      if (group === undefined) {
        group = [];
        groups.set(key, group);
      }
    }
    group.push(message);
  }
  return [...groups.values()];
}

function batchPayload(batch: Batch) {
  return {
    topic: batch.topic,
    partition: batch.partition,
    highWatermark: batch.highWatermark,
    offsetLag: batch.offsetLag(),
    offsetLagLow: batch.offsetLagLow(),
    batchSize: batch.messages.length,
    firstOffset: batch.firstOffset(),
    lastOffset: batch.lastOffset(),
  };
}

function fromOffsetsByTopic(offsets: OffsetsByTopicPartition) {
  return offsets.topics.flatMap(({ topic, partitions }) =>
    partitions.map(({ partition, offset }) => ({ topic, partition, offset: Number(offset) })),
  );
}
