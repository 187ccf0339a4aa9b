// KafkaJS's producer over our Producer: send / sendBatch (acks, compression,
// headers, keys, timestamps), transactions, and KafkaJS's partitioners run in
// JavaScript with the partition passed explicitly to our produce.
import { type DeliveryReport, Producer, type ProducerMessage } from '../producer';
import type { MessageHeaders } from '../headers';
import { type ProducerConfig, mapProducerConfig, warnUnsupported } from './config-mapping';
import type { KafkaContext } from './context';
import { KafkaJSError, KafkaJSNonRetriableError, KafkaJSProtocolError, asKafkaJS, toKafkaJSError } from './errors';
import { type InstrumentationEvent, Instrumentation, ProducerEvents } from './instrumentation';
import type { Logger } from './logging';
import { forwardClientLogs } from './logging';
import { DefaultPartitioner, type ICustomPartitioner, type PartitionMetadata } from './partitioners';
import { Transaction, type SendOffsetsRequest } from './transaction';
import { KafkaError } from '../kafka-error';
import { ErrorCodes } from '../generated/error-codes';

export type IHeaders = Record<string, Buffer | string | Array<Buffer | string> | undefined>;

export interface Message {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  headers?: IHeaders;
  /** Milliseconds since the epoch, as a string (or a number). */
  timestamp?: string | number;
}

export interface ProducerRecord {
  topic: string;
  messages: Message[];
  /** -1 (all, the default), 0 or 1. */
  acks?: number;
  timeout?: number;
  compression?: number;
}

export interface TopicMessages {
  topic: string;
  messages: Message[];
}

export interface ProducerBatch {
  acks?: number;
  timeout?: number;
  compression?: number;
  topicMessages?: TopicMessages[];
}

export interface RecordMetadata {
  topicName: string;
  partition: number;
  errorCode: number;
  baseOffset?: string;
  logAppendTime?: string;
  logStartOffset?: string;
}

/** KafkaJS's codec numbers and the librdkafka names they map to. */
export const CompressionTypes = { None: 0, GZIP: 1, Snappy: 2, LZ4: 3, ZSTD: 4 } as const;
const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
/** KafkaJS lets codecs be plugged in; librdkafka has them all built in, so this stays empty. */
export const CompressionCodecs: Record<number, unknown> = {};

const DEFAULT_METADATA_MAX_AGE = 300_000;
const METADATA_WAIT_MS = 10_000;

interface TopicPartitions {
  partitions: PartitionMetadata[];
  fetchedAt: number;
  refreshing?: Promise<unknown>;
}

export class KafkaJSProducer {
  readonly events = ProducerEvents;
  readonly #context: KafkaContext;
  readonly #options: ProducerConfig;
  readonly #mapped: ReturnType<typeof mapProducerConfig>;
  readonly #logger: Logger;
  #timeoutNoted = false;
  readonly #instrumentation = new Instrumentation('producer', ProducerEvents);
  readonly #partitioner: ReturnType<ICustomPartitioner>;
  readonly #metadataMaxAge: number;
  readonly #topics = new Map<string, TopicPartitions>();
  // One of our producers per (acks, compression) pair a send asked for:
  // librdkafka sets both per producer, KafkaJS per send.
  readonly #clients = new Map<string, Promise<Producer>>();
  #primary: Producer | undefined;
  #connected = false;
  #transaction: Transaction | undefined;

  constructor(context: KafkaContext, options: ProducerConfig = {}) {
    this.#context = context;
    this.#options = options;
    this.#mapped = mapProducerConfig(options as ProducerConfig & Record<string, unknown>);
    this.#logger = context.logger.namespace('Producer');
    const create = options.createPartitioner ?? DefaultPartitioner;
    if (typeof create !== 'function') throw new TypeError('createPartitioner must be a function returning a partitioner');
    this.#partitioner = (create as ICustomPartitioner)();
    this.#metadataMaxAge = options.metadataMaxAge ?? DEFAULT_METADATA_MAX_AGE;
    context.warnAtConstruction('producer', this.#mapped);
  }

  async connect(): Promise<void> {
    if (this.#connected) return;
    const key = this.#clientKey(-1, CompressionTypes.None);
    const primary = this.#newClient(-1, CompressionTypes.None);
    this.#clients.set(key, primary);
    try {
      this.#primary = await primary;
    } catch (error) {
      this.#clients.delete(key);
      throw error;
    }
    this.#connected = true;
    this.#instrumentation.emit(ProducerEvents.CONNECT);
  }

  async disconnect(): Promise<void> {
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    this.#primary = undefined;
    const wasConnected = this.#connected;
    this.#connected = false;
    this.#transaction = undefined;
    await Promise.all(clients.map((client) => client.then((producer) => producer.disconnect()).catch(() => {})));
    if (wasConnected) this.#instrumentation.emit(ProducerEvents.DISCONNECT);
  }

  isIdempotent(): boolean {
    return Boolean(this.#options.idempotent || this.#options.transactionalId !== undefined);
  }

  logger(): Logger {
    return this.#logger;
  }

  on(eventName: string, listener: (event: InstrumentationEvent) => void): () => void {
    return this.#instrumentation.on(eventName, listener);
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    if (this.#options.transactionalId !== undefined && this.#transaction === undefined) {
      throw new KafkaJSNonRetriableError(
        'Cannot send without a transaction: this producer has a transactionalId; use producer.transaction()',
      );
    }
    return this.sendRecord(record);
  }

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    if (this.#options.transactionalId !== undefined && this.#transaction === undefined) {
      throw new KafkaJSNonRetriableError(
        'Cannot send without a transaction: this producer has a transactionalId; use producer.transaction()',
      );
    }
    return this.sendBatchRecords(batch);
  }

  /** send() without the transaction check (a Transaction's own send). */
  async sendRecord(record: ProducerRecord): Promise<RecordMetadata[]> {
    if (typeof record !== 'object' || record === null) throw new KafkaJSNonRetriableError('send() needs { topic, messages }');
    const { topic, messages } = record;
    if (typeof topic !== 'string' || topic === '') throw new KafkaJSNonRetriableError(`Invalid topic ${JSON.stringify(topic)}`);
    if (!Array.isArray(messages)) {
      throw new KafkaJSNonRetriableError(`Invalid messages array [${String(messages)}] for topic "${topic}"`);
    }
    this.#noteTimeout(record.timeout);
    const producer = await this.#producerFor(record.acks, record.compression);
    const reports = await this.#produceAll(producer, topic, messages);
    return toRecordMetadata(reports);
  }

  async sendBatchRecords(batch: ProducerBatch): Promise<RecordMetadata[]> {
    const topicMessages = batch?.topicMessages ?? [];
    if (!Array.isArray(topicMessages))
      throw new KafkaJSNonRetriableError('sendBatch() needs topicMessages: an array of { topic, messages }');
    this.#noteTimeout(batch.timeout);
    const producer = await this.#producerFor(batch.acks, batch.compression);
    const all = await Promise.all(
      topicMessages.map(({ topic, messages }) => {
        if (typeof topic !== 'string' || topic === '')
          throw new KafkaJSNonRetriableError(`Invalid topic ${JSON.stringify(topic)}`);
        if (!Array.isArray(messages)) throw new KafkaJSNonRetriableError(`Invalid messages array for topic "${topic}"`);
        return this.#produceAll(producer, topic, messages);
      }),
    );
    return toRecordMetadata(all.flat());
  }

  /** Starts a transaction (transactionalId required); KafkaJS allows one at a time per producer. */
  async transaction(): Promise<Transaction> {
    if (this.#options.transactionalId === undefined) {
      throw new KafkaJSNonRetriableError('Must provide transactional id for transactional producer');
    }
    const producer = this.#connectedPrimary();
    if (this.#transaction?.isActive()) {
      throw new KafkaJSNonRetriableError(
        'There is already an ongoing transaction for this producer. Please end the transaction before beginning another.',
      );
    }
    await asKafkaJS(() => (this.#transactionsReady ??= producer.initTransactions()));
    await asKafkaJS(() => producer.beginTransaction());
    const transaction = new Transaction({
      producer,
      send: (record) => this.sendRecord(record),
      sendBatch: (batch) => this.sendBatchRecords(batch),
      groupMetadataFor: (request: SendOffsetsRequest) => this.#context.groupMetadataFor(request.consumerGroupId),
      onEnd: () => {
        if (this.#transaction === transaction) this.#transaction = undefined;
      },
    });
    this.#transaction = transaction;
    return transaction;
  }

  #transactionsReady: Promise<void> | undefined;

  #connectedPrimary(): Producer {
    if (!this.#connected || this.#primary === undefined) {
      throw new KafkaJSError('The producer is disconnected: call await producer.connect() first', { retriable: true });
    }
    return this.#primary;
  }

  /** A send's `timeout` has no per-request equivalent: said once, never ignored silently. */
  #noteTimeout(timeout: unknown): void {
    if (timeout === undefined || this.#timeoutNoted) return;
    this.#timeoutNoted = true;
    warnUnsupported('producer', [
      "send timeout: librdkafka bounds each message by the producer's message.timeout.ms (default 300 s), not per request",
    ]);
  }

  #clientKey(acks: number, compression: number): string {
    return `${acks}/${compression}`;
  }

  async #producerFor(acksOption: number | undefined, compressionOption: number | undefined): Promise<Producer> {
    const primary = this.#connectedPrimary();
    const acks = acksOption ?? -1;
    const compression = compressionOption ?? CompressionTypes.None;
    if (acks !== -1 && acks !== 0 && acks !== 1) throw new KafkaJSNonRetriableError(`Invalid acks ${acks}: use -1 (all), 0 or 1`);
    if (CODEC_NAMES[compression] === undefined) {
      throw new KafkaJSNonRetriableError(
        `Unknown compression ${compression}: use CompressionTypes (None, GZIP, Snappy, LZ4, ZSTD)`,
      );
    }
    if (acks === -1 && compression === CompressionTypes.None) return primary;
    if (this.isIdempotent() && acks !== -1) {
      throw new KafkaJSNonRetriableError(
        "Not requiring ack for all messages invalidates the idempotent producer's EoS guarantees",
      );
    }
    if (this.#options.transactionalId !== undefined) {
      throw new KafkaJSNonRetriableError(
        'A transactional producer sends without compression: librdkafka sets compression per producer, and a transaction ' +
          'belongs to one producer (send with compression from a non-transactional producer)',
      );
    }
    const key = this.#clientKey(acks, compression);
    let client = this.#clients.get(key);
    if (client === undefined) {
      client = this.#newClient(acks, compression);
      this.#clients.set(key, client);
      client.catch(() => this.#clients.delete(key));
    }
    return asKafkaJS(() => client);
  }

  async #newClient(acks: number, compression: number): Promise<Producer> {
    const config = await this.#context.clientConfig(this.#mapped, {
      acks,
      'compression.codec': CODEC_NAMES[compression],
      // KafkaJS sends each send() at once; batching still happens within a send.
      'linger.ms': 0,
    });
    if (acks === -1 && this.#options.idempotent === undefined && keepsOrderIdempotently(config)) {
      config['enable.idempotence'] = true;
    }
    const producer = new Producer(config as never, { oauthBearerTokenProvider: this.#context.oauthBearerTokenProvider });
    forwardClientLogs(producer, this.#logger);
    producer.on('error', (error) => this.#logger.error(error.message, { code: error.code }));
    await asKafkaJS(() => producer.connect());
    return producer;
  }

  async #produceAll(producer: Producer, topic: string, messages: Message[]): Promise<DeliveryReport[]> {
    const needsMetadata = messages.some((message) => message?.partition === undefined || message.partition === null);
    const partitions = needsMetadata ? await this.#partitionsOf(producer, topic) : [];
    const produced = new Array<ProducerMessage>(messages.length);
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i];
      if (typeof message !== 'object' || message === null) {
        throw new KafkaJSNonRetriableError(`Invalid message without value for topic "${topic}": ${JSON.stringify(message)}`);
      }
      let partition = message.partition;
      if (partition === undefined || partition === null) {
        partition = this.#partitioner({ topic, partitionMetadata: partitions, message: message as never });
      }
      const outgoing: ProducerMessage = { topic, value: message.value, partition };
      if (message.key !== undefined && message.key !== null) outgoing.key = message.key;
      if (message.headers !== undefined) outgoing.headers = toHeaders(message.headers);
      if (message.timestamp !== undefined && message.timestamp !== null) outgoing.timestamp = Number(message.timestamp);
      produced[i] = outgoing;
    }
    try {
      // One promise for the whole send, as KafkaJS answers one per request.
      return await producer.sendBatch(produced);
    } catch (error) {
      if (error instanceof KafkaError && error.errno === ErrorCodes._UNKNOWN_PARTITION) this.#topics.delete(topic);
      throw toKafkaJSError(error, { topic });
    }
  }

  async #partitionsOf(producer: Producer, topic: string): Promise<PartitionMetadata[]> {
    const cached = this.#topics.get(topic);
    if (cached !== undefined) {
      if (Date.now() - cached.fetchedAt > this.#metadataMaxAge && cached.refreshing === undefined) {
        cached.refreshing = this.#fetchPartitions(producer, topic).then(
          (partitions) => this.#topics.set(topic, { partitions, fetchedAt: Date.now() }),
          () => {
            cached.refreshing = undefined;
          },
        );
      }
      return cached.partitions;
    }
    const partitions = await this.#fetchPartitions(producer, topic);
    this.#topics.set(topic, { partitions, fetchedAt: Date.now() });
    return partitions;
  }

  // The topic's partitions from the cluster; a topic being auto-created gets
  // a few tries until it has partitions.
  async #fetchPartitions(producer: Producer, topic: string): Promise<PartitionMetadata[]> {
    const deadline = Date.now() + METADATA_WAIT_MS;
    for (;;) {
      const metadata = await asKafkaJS(() => producer.getMetadata({ topic }), { topic });
      const found = metadata.topics.find((entry) => entry.name === topic);
      if (found && !found.error && found.partitions.length > 0) {
        return found.partitions
          .map((partition) => ({
            partitionId: partition.id,
            leader: partition.leader,
            replicas: partition.replicas,
            isr: partition.isr,
            partitionErrorCode: partition.error?.errno ?? 0,
          }))
          .sort((a, b) => a.partitionId - b.partitionId);
      }
      const error = found?.error ?? KafkaError.fromCode(ErrorCodes.UNKNOWN_TOPIC_OR_PART);
      if (this.#options.allowAutoTopicCreation === false || Date.now() > deadline) {
        throw new KafkaJSProtocolError(KafkaError.fromCode(error.errno, `Cannot send to topic "${topic}": ${error.message}`));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function toHeaders(headers: IHeaders): MessageHeaders {
  const pairs: Array<[string, Buffer | string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) pairs.push([name, item]);
    else pairs.push([name, value]);
  }
  return pairs;
}

// One entry per topic-partition, with the first offset this send wrote there.
// (Keyed by topic, then partition: no string built per message.)
/**
 * One RecordMetadata per topic and partition, its baseOffset the lowest offset
 * of the send's messages there. librdkafka reports a message it learns was
 * already written (a retry answered DUPLICATE_SEQUENCE_NUMBER) without an
 * offset. That happens only to idempotent producers, whose messages keep their
 * order, so the base is then read back from a later message's offset and its
 * place in the send; with no offset known at all it is '-1'.
 */
export function toRecordMetadata(reports: DeliveryReport[]): RecordMetadata[] {
  interface Entry extends RecordMetadata {
    lowest: number;
    readBack: number;
    seen: number;
    unknown: boolean;
  }
  const byTopic = new Map<string, Map<number, Entry>>();
  const entries: Entry[] = [];
  for (const report of reports) {
    let partitions = byTopic.get(report.topic);
    if (partitions === undefined) byTopic.set(report.topic, (partitions = new Map()));
    let entry = partitions.get(report.partition);
    if (entry === undefined) {
      entry = {
        topicName: report.topic,
        partition: report.partition,
        errorCode: 0,
        logAppendTime: '-1',
        logStartOffset: '-1',
        lowest: Number.POSITIVE_INFINITY,
        readBack: Number.POSITIVE_INFINITY,
        seen: 0,
        unknown: false,
      };
      partitions.set(report.partition, entry);
      entries.push(entry);
    }
    if (report.offset >= 0) {
      entry.lowest = Math.min(entry.lowest, report.offset);
      entry.readBack = Math.min(entry.readBack, report.offset - entry.seen);
    } else entry.unknown = true;
    entry.seen++;
  }
  return entries.map(({ lowest, readBack, seen, unknown, ...entry }) => {
    const base = unknown ? readBack : lowest;
    return { ...entry, baseOffset: Number.isFinite(base) ? String(base) : '-1' };
  });
}

// KafkaJS writes one send() as one request per broker, so a retry keeps the
// send's order within a partition. librdkafka may put the messages of one send
// into several requests (linger.ms 0), and without idempotence a retried
// request lands after a later one that succeeded. An acks=-1 producer whose
// user said nothing about idempotence is therefore made idempotent (the Java
// client's default since Kafka 3.0), unless its settings rule that out.
function keepsOrderIdempotently(config: Record<string, unknown>): boolean {
  const inFlight = config['max.in.flight.requests.per.connection'];
  const retries = config['message.send.max.retries'];
  return (inFlight === undefined || Number(inFlight) <= 5) && (retries === undefined || Number(retries) > 0);
}
