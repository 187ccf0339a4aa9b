// Producer: a fast synchronous produce path, awaitable send(), and delivery
// reports that arrive in batches without the user polling.
import { type AbortOptions, expectSignal, withAbort } from './abort';
import { Client } from './client';
import { type ClientEvents, emitSafely, reportError } from './client-events';
import { type ProducerConfig, toNativeConfig } from './config';
import {
  endProduceTrace,
  finishProduceTrace,
  isTraced,
  type OperationTraceContext,
  type ProduceTraceContext,
  startProduceTrace,
  traceOperation,
  traceSyncOperation,
  tracing,
} from './diagnostics';
import { ErrorCodes } from './generated/error-codes';
import { DELIVERY_REPORT } from './generated/wire-layout';
import { KafkaError } from './kafka-error';
import { native, type NativeProducer } from './native';
import type { OAuthBearerOptions } from './oauthbearer';
import { type MessageHeaders, flattenHeaders } from './headers';
import { ProducerTransactions } from './producer-transactions';
import {
  type ConsumerGroupMetadata,
  type RunTransactionOptions,
  runTransaction,
  type TransactionOffset,
  type TransactionTimeoutOptions,
} from './transaction';
import { expectInteger, expectMessageBytes, expectObject, expectTopicName, invalid, type MessageBytes } from './validation';

export interface ProducerMessage {
  topic: string;
  /** null (or omitted) produces a tombstone. Strings are sent as UTF-8. */
  value?: MessageBytes;
  key?: MessageBytes;
  /** Omit to let the configured partitioner choose. */
  partition?: number;
  headers?: MessageHeaders;
  /** Milliseconds since the epoch, or a Date; omit for the time of produce. */
  timestamp?: number | Date;
  /** Returned untouched in this message's delivery report. */
  opaque?: unknown;
}

export interface DeliveryReport {
  topic: string;
  partition: number;
  /** -1 when the message was not stored. */
  offset: number;
  /** Milliseconds since the epoch; -1 when unknown. */
  timestamp: number;
  opaque?: unknown;
  /** Set when delivery failed; the message's key and value then come back too. */
  error?: KafkaError;
  key?: Buffer | null;
  value?: Buffer | null;
}

export interface ProducerEvents extends ClientEvents {
  'delivery-report': [report: DeliveryReport];
}

/** Options of a Producer beyond librdkafka's config. */
export type ProducerOptions = OAuthBearerOptions;

export interface DisconnectOptions {
  /** How long to wait for queued messages; those still undelivered then fail with _PURGE_* reports. */
  timeoutMs?: number;
}

/** The messages of one sendBatch(): settled together once each has its report. */
interface BatchTracker {
  serial: number;
  reports: DeliveryReport[];
  pending: number;
  error?: KafkaError;
  resolve: (reports: DeliveryReport[]) => void;
  reject: (error: unknown) => void;
}

interface TrackedMessage {
  resolve?: (report: DeliveryReport) => void;
  reject?: (error: KafkaError) => void;
  opaque?: unknown;
  /** Set while someone subscribes to the produce channel (src/diagnostics.ts). */
  trace?: ProduceTraceContext;
}

/** Options of Producer.send(). */
export type SendOptions = AbortOptions;

/** Options of Producer.flush() beyond its timeout. */
export type FlushOptions = AbortOptions;

// Delivery reports cross from C++ in one Float64Array (layout: native/wire_layout.h).
const REPORT = DELIVERY_REPORT;
const REPORT_CAPACITY = 16384;
const UNASSIGNED_PARTITION = -1;
// A sendBatch() message's id says its batch and its place there, so a batch
// costs one map entry instead of one per message: BATCH_IDS + serial * BATCH_SPAN
// + index (exact in a double below 2^53). Single sends count up from 1, far below.
const BATCH_IDS = 2 ** 52;
const BATCH_SPAN = 2 ** 20;
const MAX_BATCH_SERIAL = (2 ** 53 - BATCH_IDS) / BATCH_SPAN - 1;

export class Producer extends Client<ProducerEvents> {
  protected readonly native: NativeProducer;
  readonly #reports = new Float64Array(REPORT_CAPACITY * REPORT.stride);
  readonly #tracked = new Map<number, TrackedMessage>();
  readonly #batches = new Map<number, BatchTracker>();
  #lastBatchSerial = 0;
  readonly #topicIndexes = new Map<string, number>();
  readonly #topicNames: string[] = [];
  #roomWaiters: Array<() => void> = [];
  #drainWaiters: Array<() => void> = [];
  #nextMessageId = 0;
  #delivered = 0;
  #failed = 0;
  // With transactional.id (src/producer-transactions.ts).
  readonly #transactions: ProducerTransactions | undefined;
  readonly #transactionalId: string | undefined;

  constructor(config: ProducerConfig, options: ProducerOptions = {}) {
    super({ noun: 'producer', className: 'Producer' });
    const nativeConfig = toNativeConfig(config);
    this.native = new native.NativeProducer(
      nativeConfig,
      this.#reports,
      (count, failures) => this.#onReports(count, failures),
      (kind, ...payload) => this.handleNativeEvent(kind, payload),
    );
    this.attachTokenProvider(options.oauthBearerTokenProvider, nativeConfig);
    this.#transactionalId = nativeConfig['transactional.id'] || undefined;
    this.#transactions = ProducerTransactions.of(nativeConfig, {
      native: this.native,
      track: (promise) => this.track(promise),
      waitForDrain: () => this.#waitForDrain(),
    });
  }

  /**
   * Delivery outcomes so far, counted per batch at no cost per message: the
   * cheapest way to follow fire-and-forget produce() without listeners.
   */
  get deliveryCounts(): { delivered: number; failed: number } {
    return { delivered: this.#delivered, failed: this.#failed };
  }

  /** Messages produced whose delivery report has not been handled yet. */
  get inFlight(): number {
    return this.native.inFlight();
  }

  /**
   * Enqueues a message and returns at once; its outcome arrives as a
   * 'delivery-report' event. Throws a KafkaError when librdkafka refuses it,
   * e.g. `_QUEUE_FULL` (retriable: await produceOrWait() instead).
   */
  produce(message: ProducerMessage): void {
    if (isTraced(tracing.produce) && isObject(message)) {
      this.#produceTraced(message);
      return;
    }
    const errno = this.#enqueue(message, 0);
    if (errno !== 0) throw this.#produceError(errno, message);
  }

  /** Like produce(), but waits for room in librdkafka's queue instead of failing when it is full. */
  async produceOrWait(message: ProducerMessage): Promise<void> {
    if (isTraced(tracing.produce) && isObject(message)) return this.#produceOrWaitTraced(message);
    for (;;) {
      const errno = this.#enqueue(message, 0);
      if (errno === 0) return;
      if (errno !== ErrorCodes._QUEUE_FULL) throw this.#produceError(errno, message);
      await this.#waitForRoom();
    }
  }

  /** Produces a message and resolves with its delivery report, or rejects with a KafkaError. */
  send(message: ProducerMessage, options?: SendOptions): Promise<DeliveryReport> {
    let signal: AbortSignal | undefined;
    try {
      signal = expectSignal('send', options);
    } catch (error) {
      return Promise.reject(error);
    }
    const trace = isTraced(tracing.produce) && isObject(message) ? produceContext(this, message) : undefined;
    const outgoing = trace === undefined ? message : withTraceHeaders(message, trace);
    let syncPart = true;
    const sent = new Promise<DeliveryReport>((resolve, reject) => {
      const messageId = ++this.#nextMessageId;
      const fail = (error: unknown): void => {
        if (trace !== undefined && syncPart) endProduceTrace(trace, error);
        else if (trace !== undefined) finishProduceTrace(trace, { ...UNDELIVERED, topic: trace.topic, error });
        reject(error);
      };
      const attempt = (): void => {
        let errno: number;
        try {
          this.#tracked.set(messageId, { resolve, reject, opaque: message?.opaque, trace });
          errno = this.#enqueue(outgoing, messageId);
        } catch (error) {
          this.#tracked.delete(messageId);
          fail(error);
          return;
        }
        if (errno === 0) return;
        this.#tracked.delete(messageId);
        if (errno === ErrorCodes._QUEUE_FULL) this.#waitForRoom().then(attempt, fail);
        else fail(this.#produceError(errno, message));
      };
      attempt();
    });
    syncPart = false;
    if (trace !== undefined && trace.error === undefined) endProduceTrace(trace);
    // An abort drops the report, not the message: it may still be delivered.
    return withAbort('send', sent, signal);
  }

  /**
   * Produces every message (waiting for room when the queue is full) and
   * resolves with their delivery reports, in order, once all have one; or
   * rejects with the first failure once every enqueued message has its
   * report. A message librdkafka refuses at once (bad input) rejects at once;
   * those before it are still delivered. One promise for the batch: much
   * cheaper than a send() per message.
   */
  sendBatch(messages: ProducerMessage[], options?: SendOptions): Promise<DeliveryReport[]> {
    let signal: AbortSignal | undefined;
    try {
      signal = expectSignal('sendBatch', options);
      if (!Array.isArray(messages)) throw invalid('messages', 'an array of messages', messages);
    } catch (error) {
      return Promise.reject(error);
    }
    // Traced messages each get their own context: send() does that.
    if (isTraced(tracing.produce)) return withAbort('sendBatch', Promise.all(messages.map((m) => this.send(m))), signal);
    if (messages.length === 0) return Promise.resolve([]);
    if (messages.length > BATCH_SPAN) {
      const parts: Array<Promise<DeliveryReport[]>> = [];
      for (let i = 0; i < messages.length; i += BATCH_SPAN) parts.push(this.sendBatch(messages.slice(i, i + BATCH_SPAN)));
      return withAbort(
        'sendBatch',
        Promise.all(parts).then((reports) => reports.flat()),
        signal,
      );
    }
    const sent = new Promise<DeliveryReport[]>((resolve, reject) => {
      const serial = this.#nextBatchSerial();
      const firstId = BATCH_IDS + serial * BATCH_SPAN;
      const batch: BatchTracker = { serial, reports: new Array(messages.length), pending: messages.length, resolve, reject };
      this.#batches.set(serial, batch);
      // A message refused at enqueue rejects the batch; those after it never go.
      const refuse = (from: number, error: unknown): void => {
        batch.pending -= messages.length - from;
        if (batch.pending === 0) this.#batches.delete(serial);
        reject(error);
      };
      const enqueueFrom = (start: number): void => {
        for (let i = start; i < messages.length; i++) {
          let errno: number;
          try {
            errno = this.#enqueue(messages[i], firstId + i);
          } catch (error) {
            refuse(i, error);
            return;
          }
          if (errno === 0) continue;
          if (errno === ErrorCodes._QUEUE_FULL) {
            this.#waitForRoom().then(
              () => enqueueFrom(i),
              (error) => refuse(i, error),
            );
            return;
          }
          refuse(i, this.#produceError(errno, messages[i]));
          return;
        }
      };
      enqueueFrom(0);
    });
    return withAbort('sendBatch', sent, signal);
  }

  /** Waits until every queued message is delivered or failed; runs off the event loop. */
  async flush(timeoutMs = 30_000, options?: FlushOptions): Promise<void> {
    expectInteger('timeoutMs', timeoutMs, -1);
    const signal = expectSignal('flush', options);
    this.ensureUsable();
    await withAbort('flush', this.track(this.native.flush(timeoutMs)), signal);
  }

  /**
   * Transactional producers (transactional.id set): call once after
   * connect(). Fences older instances with the same transactional.id and
   * completes their open transaction. Default timeout 30 s.
   */
  async initTransactions(options: TransactionTimeoutOptions = {}): Promise<void> {
    await this.#traceTransaction('initTransactions', [options], options, (t) => t.init(options));
  }

  /** Opens a transaction: messages produced and offsets sent from now on commit or abort together. */
  beginTransaction(): void {
    traceSyncOperation(
      tracing.transaction,
      () => this.#transactionContext('beginTransaction', []),
      () => this.#transactional('beginTransaction').begin(),
    );
  }

  /**
   * Delivers what is queued, then commits the transaction. Errors carry
   * librdkafka's flags: `retriable` (call it again), `txnRequiresAbort` (call
   * abortTransaction()), `fatal` (replace the producer). Default timeout -1:
   * the time left of transaction.timeout.ms.
   */
  async commitTransaction(options: TransactionTimeoutOptions = {}): Promise<void> {
    await this.#traceTransaction('commitTransaction', [options], options, (t) => t.commit(options));
  }

  /** Aborts the transaction; its undelivered messages fail with _PURGE_* reports (no warnings). */
  async abortTransaction(options: TransactionTimeoutOptions = {}): Promise<void> {
    await this.#traceTransaction('abortTransaction', [options], options, (t) => t.abort(options));
  }

  /**
   * Commits consumer offsets (the next message to consume per partition)
   * with the transaction; `groupMetadata` from the consumer that read them,
   * `consumer.groupMetadata()`, taken for this transaction. Default timeout 30 s.
   */
  async sendOffsetsToTransaction(
    offsets: TransactionOffset[],
    groupMetadata: ConsumerGroupMetadata,
    options: TransactionTimeoutOptions = {},
  ): Promise<void> {
    await this.#traceTransaction('sendOffsetsToTransaction', [offsets, groupMetadata, options], options, (t) =>
      t.sendOffsets(offsets, groupMetadata, options),
    );
  }

  /**
   * Runs `work` inside a transaction: begin, work, commit (retried while
   * retriable); aborts on an abortable error or when `work` throws, and runs
   * it again while `options.retries` last; fatal errors are thrown. See
   * RunTransactionOptions.
   */
  transaction<T>(work: (producer: Producer) => T | Promise<T>, options: RunTransactionOptions = {}): Promise<T> {
    return runTransaction(this, work, options);
  }

  /**
   * Flushes and closes. Without a timeout it waits until every message is
   * delivered or failed (message.timeout.ms bounds that); with one, messages
   * still undelivered then are purged and each is reported as failed.
   */
  disconnect(options: DisconnectOptions = {}): Promise<void> {
    // Checked before the close starts: a refused timeout must leave the producer closable.
    let timeoutMs: number;
    try {
      timeoutMs = expectInteger('options.timeoutMs', options?.timeoutMs ?? -1, -1);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.disconnectOnce(() => this.#close(timeoutMs));
  }

  protected closeAfterFailedConnect(): Promise<void> {
    return this.disconnect({ timeoutMs: 0 });
  }

  async #close(timeoutMs: number): Promise<void> {
    await this.markDisconnecting();
    await this.#transactions?.close(timeoutMs, this.fatalError === undefined);
    try {
      if (this.native.inFlight() > 0) await this.native.flush(timeoutMs);
    } catch {
      this.native.purge();
      await this.#waitForDrain();
    }
    await this.native.close();
    this.#failAllTracked();
    for (const wake of this.#roomWaiters.splice(0)) wake();
  }

  // A transactional call inside the transaction tracing channel, raced with options.signal.
  #traceTransaction(
    operation: string,
    args: unknown[],
    options: TransactionTimeoutOptions & AbortOptions,
    run: (transactions: ProducerTransactions) => Promise<void>,
  ): Promise<void> {
    return traceOperation(
      tracing.transaction,
      () => this.#transactionContext(operation, args),
      () => {
        const signal = expectSignal(operation, options);
        return withAbort(operation, run(this.#transactional(operation)), signal);
      },
    );
  }

  #transactionContext(operation: string, args: unknown[]): OperationTraceContext {
    return { client: this, operation, arguments: args, transactionalId: this.#transactionalId };
  }

  #produceTraced(message: ProducerMessage): void {
    const trace = produceContext(this, message);
    const outgoing = withTraceHeaders(message, trace);
    let errno: number;
    try {
      errno = this.#enqueueTraced(outgoing, trace);
    } catch (error) {
      endProduceTrace(trace, error);
      throw error;
    }
    if (errno !== 0) {
      const error = this.#produceError(errno, message);
      endProduceTrace(trace, error);
      throw error;
    }
    endProduceTrace(trace);
  }

  async #produceOrWaitTraced(message: ProducerMessage): Promise<void> {
    const trace = produceContext(this, message);
    const outgoing = withTraceHeaders(message, trace);
    try {
      for (;;) {
        const errno = this.#enqueueTraced(outgoing, trace);
        if (errno === 0) break;
        if (errno !== ErrorCodes._QUEUE_FULL) throw this.#produceError(errno, message);
        await this.#waitForRoom();
      }
    } catch (error) {
      endProduceTrace(trace, error);
      throw error;
    }
    endProduceTrace(trace);
  }

  // Enqueues with a message id, so that the delivery report finishes the trace.
  #enqueueTraced(message: ProducerMessage, trace: ProduceTraceContext): number {
    const messageId = ++this.#nextMessageId;
    this.#tracked.set(messageId, { opaque: message.opaque, trace });
    let errno: number;
    try {
      errno = this.#enqueue(message, messageId);
    } catch (error) {
      this.#tracked.delete(messageId);
      throw error;
    }
    if (errno !== 0) this.#tracked.delete(messageId);
    return errno;
  }

  #transactional(operation: string): ProducerTransactions {
    this.ensureUsable();
    if (this.#transactions === undefined) throw ProducerTransactions.notConfigured(operation);
    return this.#transactions;
  }

  // Returns librdkafka's error number (0 on success); throws TypeError/KafkaError for misuse.
  #enqueue(message: ProducerMessage, messageId: number): number {
    if (this.state !== 'connected') this.ensureUsable();
    if (typeof message !== 'object' || message === null) expectObject('message', message);
    const topicIndex = this.#topicIndexes.get(message.topic) ?? this.#registerTopic(message.topic);
    const partition = message.partition ?? UNASSIGNED_PARTITION;
    if (partition !== UNASSIGNED_PARTITION) expectInteger('message.partition', partition, 0, 2 ** 31 - 1);
    let errno: number;
    if (message.headers === undefined && message.timestamp === undefined && message.opaque === undefined) {
      if (messageId !== 0) errno = this.native.produce(topicIndex, partition, message.value, message.key, messageId);
      else
        errno =
          message.key === undefined
            ? this.native.produce(topicIndex, partition, message.value)
            : this.native.produce(topicIndex, partition, message.value, message.key);
    } else {
      let opaqueId = messageId;
      if (opaqueId === 0 && message.opaque !== undefined) {
        opaqueId = ++this.#nextMessageId;
        this.#tracked.set(opaqueId, { opaque: message.opaque });
      }
      errno = this.native.produceWithExtras(
        topicIndex,
        partition,
        message.value,
        message.key,
        toTimestamp(message.timestamp),
        opaqueId,
        message.headers === undefined ? null : flattenHeaders(message.headers),
      );
      if (errno !== 0 && opaqueId !== messageId) this.#tracked.delete(opaqueId);
    }
    return errno;
  }

  #registerTopic(topic: unknown): number {
    const name = expectTopicName('message.topic', topic);
    const index = this.native.topicIndex(name);
    this.#topicIndexes.set(name, index);
    this.#topicNames[index] = name;
    return index;
  }

  #produceError(errno: number, message: ProducerMessage): Error {
    if (errno === ErrorCodes._INVALID_TYPE) {
      expectMessageBytes('message.value', message.value);
      expectMessageBytes('message.key', message.key);
      return invalid('message.headers values', 'Buffers, Uint8Arrays, strings or null', message.headers);
    }
    if (errno === ErrorCodes._QUEUE_FULL) {
      return KafkaError.fromCode(
        errno,
        "librdkafka's producer queue is full (queue.buffering.max.messages / .kbytes); " +
          'await producer.produceOrWait() or send(), which wait for room, or raise those limits',
        { retriable: true },
      );
    }
    if (errno === ErrorCodes.MSG_SIZE_TOO_LARGE) {
      return KafkaError.fromCode(
        errno,
        'Message is larger than message.max.bytes allows; send a smaller message or raise message.max.bytes ' +
          '(and the broker/topic max.message.bytes)',
        { retriable: false },
      );
    }
    if (errno === ErrorCodes._UNKNOWN_PARTITION) {
      return KafkaError.fromCode(errno, `Partition ${message.partition} does not exist in topic "${message.topic}"`);
    }
    if (errno === ErrorCodes._FATAL) {
      return this.fatalErrorBehind(
        KafkaError.fromCode(errno, `Cannot produce to "${message.topic}": the producer raised a fatal error`, { fatal: true }),
      );
    }
    if (errno === ErrorCodes._STATE && this.#transactions) return this.#transactions.produceError(message.topic);
    return KafkaError.fromCode(errno, `Cannot produce to "${message.topic}": ${KafkaError.fromCode(errno).message}`);
  }

  #onReports(count: number, failures: unknown[][] | undefined): void {
    const failed = failures?.length ?? 0;
    this.#delivered += count - failed;
    this.#failed += failed;
    const wantEvents = this.listenerCount('delivery-report') > 0;
    if (wantEvents || this.#tracked.size > 0 || this.#batches.size > 0 || failures !== undefined) {
      const failureByIndex = new Map<number, unknown[]>();
      if (failures) for (const failure of failures) failureByIndex.set(failure[0] as number, failure);
      const slab = this.#reports;
      for (let i = 0; i < count; i++) {
        const base = i * REPORT.stride;
        const messageId = slab[base + REPORT.messageId];
        const errno = slab[base + REPORT.errno];
        const batch = messageId >= BATCH_IDS ? this.#batches.get(Math.floor((messageId - BATCH_IDS) / BATCH_SPAN)) : undefined;
        const tracked = messageId === 0 || batch !== undefined ? undefined : this.#tracked.get(messageId);
        if (tracked === undefined && batch === undefined && errno === 0 && !wantEvents) continue;
        if (tracked !== undefined) this.#tracked.delete(messageId);
        const report: DeliveryReport = {
          topic: this.#topicNames[slab[base + REPORT.topicIndex]],
          partition: slab[base + REPORT.partition],
          offset: slab[base + REPORT.offset],
          timestamp: slab[base + REPORT.timestamp],
        };
        if (tracked?.opaque !== undefined) report.opaque = tracked.opaque;
        if (errno !== 0) {
          const failure = failureByIndex.get(i);
          report.key = (failure?.[1] as Buffer | null) ?? null;
          report.value = (failure?.[2] as Buffer | null) ?? null;
          report.error = KafkaError.fromCode(
            errno,
            `Delivery to ${report.topic}[${report.partition}] failed: ${String(failure?.[3] ?? '')}`,
          );
        }
        if (batch !== undefined) this.#settleInBatch(batch, (messageId - BATCH_IDS) % BATCH_SPAN, report);
        else this.#settle(report, tracked, wantEvents);
      }
    }
    for (const wake of this.#roomWaiters.splice(0)) wake();
    if (this.native.inFlight() === 0) for (const wake of this.#drainWaiters.splice(0)) wake();
  }

  // After a wrap, a serial still in flight is skipped: its ids are taken.
  #nextBatchSerial(): number {
    do {
      this.#lastBatchSerial = this.#lastBatchSerial === MAX_BATCH_SERIAL ? 1 : this.#lastBatchSerial + 1;
    } while (this.#batches.has(this.#lastBatchSerial));
    return this.#lastBatchSerial;
  }

  #settleInBatch(batch: BatchTracker, index: number, report: DeliveryReport): void {
    batch.reports[index] = report;
    if (report.error) batch.error ??= report.error;
    if (--batch.pending === 0) {
      this.#batches.delete(batch.serial);
      if (batch.error) batch.reject(batch.error);
      else batch.resolve(batch.reports);
    }
  }

  #settle(report: DeliveryReport, tracked: TrackedMessage | undefined, wantEvents: boolean): void {
    if (tracked?.trace !== undefined) finishProduceTrace(tracked.trace, report);
    if (tracked?.resolve) {
      if (report.error) tracked.reject!(report.error);
      else tracked.resolve(report);
      return;
    }
    if (wantEvents) emitSafely(this, 'delivery-report', report);
    else if (report.error && !(this.#transactions?.aborting && isPurged(report.error))) reportError(this, report.error);
  }

  #waitForRoom(): Promise<void> {
    try {
      this.ensureUsable();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  #waitForDrain(): Promise<void> {
    if (this.native.inFlight() === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #failAllTracked(): void {
    for (const [messageId, tracked] of this.#tracked) {
      this.#tracked.delete(messageId);
      const error = KafkaError.fromCode(ErrorCodes._DESTROY, 'Producer closed before the delivery report arrived');
      if (tracked.trace !== undefined) finishProduceTrace(tracked.trace, { ...UNDELIVERED, topic: tracked.trace.topic, error });
      tracked.reject?.(error);
    }
    for (const batch of this.#batches.values()) {
      batch.reject(KafkaError.fromCode(ErrorCodes._DESTROY, 'Producer closed before the delivery report arrived'));
    }
    this.#batches.clear();
  }
}

const UNDELIVERED = { partition: -1, offset: -1, timestamp: -1 };

function isObject(value: unknown): value is ProducerMessage {
  return typeof value === 'object' && value !== null;
}

// Publishes the trace's start; a copy of the message only when a subscriber added headers.
function withTraceHeaders(message: ProducerMessage, trace: ProduceTraceContext): ProducerMessage {
  const headers = startProduceTrace(trace);
  return headers === message.headers ? message : { ...message, headers };
}

function produceContext(producer: Producer, message: ProducerMessage): ProduceTraceContext {
  return {
    client: producer,
    message,
    topic: message.topic,
    partition: message.partition ?? UNASSIGNED_PARTITION,
    carrier: {},
  };
}

function isPurged(error: KafkaError): boolean {
  return error.errno === ErrorCodes._PURGE_QUEUE || error.errno === ErrorCodes._PURGE_INFLIGHT;
}

function toTimestamp(timestamp: number | Date | undefined): number {
  if (timestamp === undefined) return 0;
  const ms = timestamp instanceof Date ? timestamp.getTime() : timestamp;
  // librdkafka reads 0 as "now": a timestamp of 0 would silently become the time of produce.
  return expectInteger('message.timestamp', ms, 1);
}
