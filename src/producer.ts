// Producer: a fast synchronous produce path, awaitable send(), and delivery
// reports that arrive in batches without the user polling.
import { EventEmitter } from 'node:events';

import { type ClientEvents, connectFailure, emitSafely, handleClientEvent, reportError } from './client-events';
import { type ProducerConfig, toNativeConfig } from './config';
import { ErrorCodes } from './generated/error-codes';
import { KafkaError } from './kafka-error';
import { type ClusterMetadata, toClusterMetadata } from './metadata';
import { native, type NativeProducer } from './native';
import { type MessageHeaders, flattenHeaders } from './headers';
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

export interface DisconnectOptions {
  /** How long to wait for queued messages; those still undelivered then fail with _PURGE_* reports. */
  timeoutMs?: number;
}

interface TrackedMessage {
  resolve?: (report: DeliveryReport) => void;
  reject?: (error: KafkaError) => void;
  opaque?: unknown;
}

// Delivery reports cross from C++ in one Float64Array, this many numbers each:
// messageId, topicIndex, partition, offset, timestamp, errno.
const REPORT_STRIDE = 6;
const REPORT_CAPACITY = 16384;
const UNASSIGNED_PARTITION = -1;

type ProducerState = 'created' | 'connected' | 'disconnecting' | 'closed';

export class Producer extends EventEmitter<ProducerEvents> {
  readonly #native: NativeProducer;
  readonly #reports = new Float64Array(REPORT_CAPACITY * REPORT_STRIDE);
  readonly #tracked = new Map<number, TrackedMessage>();
  readonly #topicIndexes = new Map<string, number>();
  readonly #topicNames: string[] = [];
  readonly #pendingCalls = new Set<Promise<unknown>>();
  #roomWaiters: Array<() => void> = [];
  #drainWaiters: Array<() => void> = [];
  #nextMessageId = 0;
  #delivered = 0;
  #failed = 0;
  #state: ProducerState = 'created';
  #disconnecting: Promise<void> | undefined;
  #fatalError: KafkaError | undefined;
  #lastClientError: KafkaError | undefined;

  constructor(config: ProducerConfig) {
    super();
    this.#native = new native.NativeProducer(
      toNativeConfig(config),
      this.#reports,
      (count, failures) => this.#onReports(count, failures),
      (kind, ...payload) => this.#onEvent(kind, payload),
    );
  }

  /** Starts the client and checks that the cluster answers within timeoutMs. */
  async connect(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#state !== 'created') {
      throw new KafkaError(`Cannot connect a producer that is ${this.#state}; create a new Producer`, {
        errno: ErrorCodes._STATE,
      });
    }
    const timeoutMs = expectInteger('options.timeoutMs', options.timeoutMs ?? 10_000, 1);
    this.#native.connect();
    this.#state = 'connected';
    try {
      await this.#track(this.#native.getMetadata(null, false, timeoutMs));
    } catch (error) {
      await this.disconnect({ timeoutMs: 0 });
      throw connectFailure(error as KafkaError, this.#lastClientError, timeoutMs);
    }
  }

  get isConnected(): boolean {
    return this.#state === 'connected';
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
    return this.#native.inFlight();
  }

  /**
   * Enqueues a message and returns at once; its outcome arrives as a
   * 'delivery-report' event. Throws a KafkaError when librdkafka refuses it,
   * e.g. `_QUEUE_FULL` (retriable: await produceOrWait() instead).
   */
  produce(message: ProducerMessage): void {
    const errno = this.#enqueue(message, 0);
    if (errno !== 0) throw this.#produceError(errno, message);
  }

  /** Like produce(), but waits for room in librdkafka's queue instead of failing when it is full. */
  async produceOrWait(message: ProducerMessage): Promise<void> {
    for (;;) {
      const errno = this.#enqueue(message, 0);
      if (errno === 0) return;
      if (errno !== ErrorCodes._QUEUE_FULL) throw this.#produceError(errno, message);
      await this.#waitForRoom();
    }
  }

  /** Produces a message and resolves with its delivery report, or rejects with a KafkaError. */
  send(message: ProducerMessage): Promise<DeliveryReport> {
    return new Promise<DeliveryReport>((resolve, reject) => {
      const messageId = ++this.#nextMessageId;
      const attempt = (): void => {
        let errno: number;
        try {
          this.#tracked.set(messageId, { resolve, reject, opaque: message?.opaque });
          errno = this.#enqueue(message, messageId);
        } catch (error) {
          this.#tracked.delete(messageId);
          reject(error);
          return;
        }
        if (errno === 0) return;
        this.#tracked.delete(messageId);
        if (errno === ErrorCodes._QUEUE_FULL) this.#waitForRoom().then(attempt, reject);
        else reject(this.#produceError(errno, message));
      };
      attempt();
    });
  }

  /** Waits until every queued message is delivered or failed; runs off the event loop. */
  async flush(timeoutMs = 30_000): Promise<void> {
    expectInteger('timeoutMs', timeoutMs, -1);
    this.#ensureUsable();
    await this.#track(this.#native.flush(timeoutMs));
  }

  async getMetadata(options: { topic?: string; timeoutMs?: number } = {}): Promise<ClusterMetadata> {
    const topic = options.topic === undefined ? null : expectTopicName('options.topic', options.topic);
    const timeoutMs = expectInteger('options.timeoutMs', options.timeoutMs ?? 10_000, 1);
    this.#ensureUsable();
    return toClusterMetadata(await this.#track(this.#native.getMetadata(topic, topic === null, timeoutMs)));
  }

  /**
   * Flushes and closes. Without a timeout it waits until every message is
   * delivered or failed (message.timeout.ms bounds that); with one, messages
   * still undelivered then are purged and each is reported as failed.
   */
  disconnect(options: DisconnectOptions = {}): Promise<void> {
    if (this.#state === 'created' || this.#state === 'closed') {
      this.#state = 'closed';
      return Promise.resolve();
    }
    this.#disconnecting ??= this.#close(options.timeoutMs ?? -1);
    return this.#disconnecting;
  }

  async #close(timeoutMs: number): Promise<void> {
    expectInteger('options.timeoutMs', timeoutMs, -1);
    this.#state = 'disconnecting';
    await Promise.allSettled([...this.#pendingCalls]);
    try {
      if (this.#native.inFlight() > 0) await this.#native.flush(timeoutMs);
    } catch {
      this.#native.purge();
      await this.#waitForDrain();
    }
    await this.#native.close();
    this.#state = 'closed';
    this.#failAllTracked();
    for (const wake of this.#roomWaiters.splice(0)) wake();
  }

  #ensureUsable(): void {
    if (this.#state === 'connected') return;
    const hint =
      this.#state === 'created'
        ? 'call await producer.connect() first'
        : 'the producer is closed; create a new Producer';
    throw new KafkaError(`Producer is ${this.#state === 'created' ? 'not connected' : this.#state}: ${hint}`, {
      errno: ErrorCodes._STATE,
    });
  }

  // Returns librdkafka's error number (0 on success); throws TypeError/KafkaError for misuse.
  #enqueue(message: ProducerMessage, messageId: number): number {
    if (this.#state !== 'connected') {
      if (this.#fatalError) throw this.#fatalError;
      this.#ensureUsable();
    }
    if (typeof message !== 'object' || message === null) expectObject('message', message);
    const topicIndex = this.#topicIndexes.get(message.topic) ?? this.#registerTopic(message.topic);
    const partition = message.partition ?? UNASSIGNED_PARTITION;
    if (partition !== UNASSIGNED_PARTITION) expectInteger('message.partition', partition, 0, 2 ** 31 - 1);
    let errno: number;
    if (message.headers === undefined && message.timestamp === undefined && message.opaque === undefined && messageId === 0) {
      errno =
        message.key === undefined
          ? this.#native.produce(topicIndex, partition, message.value)
          : this.#native.produce(topicIndex, partition, message.value, message.key);
    } else {
      let opaqueId = messageId;
      if (opaqueId === 0 && message.opaque !== undefined) {
        opaqueId = ++this.#nextMessageId;
        this.#tracked.set(opaqueId, { opaque: message.opaque });
      }
      errno = this.#native.produceWithExtras(
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
    const index = this.#native.topicIndex(name);
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
    if (errno === ErrorCodes._FATAL && this.#fatalError) return this.#fatalError;
    return KafkaError.fromCode(errno, `Cannot produce to "${message.topic}": ${KafkaError.fromCode(errno).message}`);
  }

  #onReports(count: number, failures: unknown[][] | undefined): void {
    const failed = failures?.length ?? 0;
    this.#delivered += count - failed;
    this.#failed += failed;
    const wantEvents = this.listenerCount('delivery-report') > 0;
    if (wantEvents || this.#tracked.size > 0 || failures !== undefined) {
      const failureByIndex = new Map<number, unknown[]>();
      if (failures) for (const failure of failures) failureByIndex.set(failure[0] as number, failure);
      const slab = this.#reports;
      for (let i = 0; i < count; i++) {
        const base = i * REPORT_STRIDE;
        const messageId = slab[base];
        const errno = slab[base + 5];
        const tracked = messageId === 0 ? undefined : this.#tracked.get(messageId);
        if (tracked === undefined && errno === 0 && !wantEvents) continue;
        if (tracked !== undefined) this.#tracked.delete(messageId);
        const report: DeliveryReport = {
          topic: this.#topicNames[slab[base + 1]],
          partition: slab[base + 2],
          offset: slab[base + 3],
          timestamp: slab[base + 4],
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
        this.#settle(report, tracked, wantEvents);
      }
    }
    for (const wake of this.#roomWaiters.splice(0)) wake();
    if (this.#native.inFlight() === 0) for (const wake of this.#drainWaiters.splice(0)) wake();
  }

  #settle(report: DeliveryReport, tracked: TrackedMessage | undefined, wantEvents: boolean): void {
    if (tracked?.resolve) {
      if (report.error) tracked.reject!(report.error);
      else tracked.resolve(report);
      return;
    }
    if (wantEvents) emitSafely(this, 'delivery-report', report);
    else if (report.error) reportError(this, report.error);
  }

  #onEvent(kind: string, payload: unknown[]): void {
    // _ALL_BROKERS_DOWN is a consequence; keep the cause (SSL, SASL, refused) for connect().
    if (kind === 'error' && (payload[0] as KafkaError).errno !== ErrorCodes._ALL_BROKERS_DOWN) {
      this.#lastClientError = payload[0] as KafkaError;
    }
    if (kind === 'error' && (payload[0] as KafkaError).fatal) this.#fatalError = payload[0] as KafkaError;
    handleClientEvent(this, kind, payload);
  }

  #waitForRoom(): Promise<void> {
    try {
      this.#ensureUsable();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  #waitForDrain(): Promise<void> {
    if (this.#native.inFlight() === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #failAllTracked(): void {
    for (const [messageId, tracked] of this.#tracked) {
      this.#tracked.delete(messageId);
      tracked.reject?.(KafkaError.fromCode(ErrorCodes._DESTROY, 'Producer closed before the delivery report arrived'));
    }
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

function toTimestamp(timestamp: number | Date | undefined): number {
  if (timestamp === undefined) return 0;
  const ms = timestamp instanceof Date ? timestamp.getTime() : timestamp;
  return expectInteger('message.timestamp', ms, 0);
}
