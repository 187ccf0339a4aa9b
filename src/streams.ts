// Node streams over the clients, for stream.pipeline(): a Readable of a
// consumer's messages (or batches) pulled from its async iterator only when
// the stream wants more, and a Writable that produces and waits for room in
// librdkafka's queue when it is full, then for delivery at the end.
import { Readable, Writable } from 'node:stream';

import type { BatchOptions, Consumer } from './consumer';
import type { Message } from './consumer-message';
import { ErrorCodes } from './generated/error-codes';
import { KafkaError } from './kafka-error';
import type { Producer, ProducerMessage } from './producer';
import { expectInteger, expectTopicName, invalid } from './validation';

export interface ConsumerStreamOptions {
  /** Push arrays of messages (consumer.batches()) instead of single messages. Default false. */
  batches?: boolean;
  /** With batches: the batch options (maxMessages, maxWaitMs). */
  batchOptions?: Omit<BatchOptions, 'signal'>;
  /** Messages (or batches) the stream buffers before it stops pulling. Default 16. */
  highWaterMark?: number;
  /** Ends the stream (no error) once aborted. */
  signal?: AbortSignal;
}

/**
 * A Readable in object mode of the consumer's messages. It pulls the next
 * message only when its buffer has room, so a slow pipeline slows fetching
 * (librdkafka's own queue bound, queued.max.messages.kbytes, then holds).
 * A message counts as processed (its offset is stored for the next commit)
 * once the stream has taken it into its buffer. The stream ends when the
 * consumer disconnects or the signal aborts; destroying it ends the loop.
 */
export function consumerStream(consumer: Consumer, options: ConsumerStreamOptions = {}): Readable {
  const highWaterMark = expectInteger('options.highWaterMark', options.highWaterMark ?? 16, 1);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw invalid('options.signal', 'an AbortSignal', options.signal);
  }
  // Ours, so that destroy() can wake a pull waiting for messages.
  const stop = new AbortController();
  const external = options.signal;
  const forward = (): void => stop.abort(external?.reason);
  if (external?.aborted) forward();
  else external?.addEventListener('abort', forward, { once: true });
  const iterator: AsyncIterator<Message | Message[]> = options.batches
    ? consumer.batches({ ...options.batchOptions, signal: stop.signal })
    : consumer.messages({ signal: stop.signal });
  let pulling = false;
  return new Readable({
    objectMode: true,
    highWaterMark,
    read() {
      if (pulling) return;
      pulling = true;
      const pullMore = (): void => {
        iterator.next().then(
          (result) => {
            if (result.done) {
              pulling = false;
              this.push(null);
            } else if (this.push(result.value)) {
              pullMore();
            } else {
              pulling = false;
            }
          },
          (error: unknown) => {
            pulling = false;
            this.destroy(error as Error);
          },
        );
      };
      pullMore();
    },
    destroy(error, callback) {
      external?.removeEventListener('abort', forward);
      stop.abort();
      iterator.return?.(undefined).then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
}

export interface ProducerStreamOptions {
  /** The topic of chunks that name none (Buffers, strings, or objects without `topic`). */
  topic?: string;
  /** Chunks the stream buffers before write() returns false. Default 16. */
  highWaterMark?: number;
}

/** What a producer stream takes: a message, or the value of one (with options.topic). */
export type ProducerStreamChunk = ProducerMessage | (Omit<ProducerMessage, 'topic'> & { topic?: string }) | Buffer | string;

/**
 * A Writable in object mode that produces each chunk. When librdkafka's
 * queue is full (queue.buffering.max.messages / .kbytes) the write waits for
 * room, so the stream's buffer fills and write() returns false: backpressure
 * down to the source. Finishing waits until every message is delivered and
 * fails when any delivery failed. The producer stays open (disconnect it
 * yourself).
 */
export function producerStream(producer: Producer, options: ProducerStreamOptions = {}): Writable {
  const topic = options.topic === undefined ? undefined : expectTopicName('options.topic', options.topic);
  const highWaterMark = expectInteger('options.highWaterMark', options.highWaterMark ?? 16, 1);
  const failedBefore = producer.deliveryCounts.failed;
  const toMessage = (chunk: ProducerStreamChunk): ProducerMessage => {
    if (Buffer.isBuffer(chunk) || typeof chunk === 'string') {
      if (topic === undefined) throw invalid('options.topic', 'a topic for chunks that are values', undefined);
      return { topic, value: chunk };
    }
    if (typeof chunk !== 'object' || chunk === null) throw invalid('chunk', 'a message object, Buffer or string', chunk);
    if (chunk.topic !== undefined) return chunk as ProducerMessage;
    if (topic === undefined) throw invalid('chunk.topic', 'a topic (or options.topic)', undefined);
    return { ...chunk, topic };
  };
  return new Writable({
    objectMode: true,
    highWaterMark,
    write(chunk: ProducerStreamChunk, _encoding, callback) {
      let message: ProducerMessage;
      try {
        message = toMessage(chunk);
        producer.produce(message);
      } catch (error) {
        if (error instanceof KafkaError && error.errno === ErrorCodes._QUEUE_FULL) {
          producer.produceOrWait(message!).then(() => callback(), callback);
          return;
        }
        callback(error as Error);
        return;
      }
      callback();
    },
    final(callback) {
      producer.flush(-1).then(() => {
        const failed = producer.deliveryCounts.failed - failedBefore;
        if (failed === 0) callback();
        else callback(KafkaError.fromCode(ErrorCodes._FAIL, `${failed} message(s) written to the stream failed delivery`));
      }, callback);
    },
  });
}
