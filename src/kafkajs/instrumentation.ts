// KafkaJS's instrumentation events: `client.on(client.events.X, listener)`
// returns a function that removes the listener; each event carries
// { id, type, timestamp, payload }. Events librdkafka gives no information
// for (network request details) exist as names so code that subscribes to
// them keeps working, and never fire (see docs/kafkajs-migration.md).
import { EventEmitter } from 'node:events';

import { KafkaJSError } from './errors';

export interface InstrumentationEvent<T = unknown> {
  id: number;
  type: string;
  timestamp: number;
  payload: T;
}

export const ProducerEvents = {
  CONNECT: 'producer.connect',
  DISCONNECT: 'producer.disconnect',
  REQUEST: 'producer.network.request',
  REQUEST_TIMEOUT: 'producer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'producer.network.request_queue_size',
} as const;

export const ConsumerEvents = {
  HEARTBEAT: 'consumer.heartbeat',
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  GROUP_JOIN: 'consumer.group_join',
  FETCH_START: 'consumer.fetch_start',
  FETCH: 'consumer.fetch',
  START_BATCH_PROCESS: 'consumer.start_batch_process',
  END_BATCH_PROCESS: 'consumer.end_batch_process',
  CONNECT: 'consumer.connect',
  DISCONNECT: 'consumer.disconnect',
  STOP: 'consumer.stop',
  CRASH: 'consumer.crash',
  REBALANCING: 'consumer.rebalancing',
  RECEIVED_UNSUBSCRIBED_TOPICS: 'consumer.received_unsubscribed_topics',
  REQUEST: 'consumer.network.request',
  REQUEST_TIMEOUT: 'consumer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'consumer.network.request_queue_size',
} as const;

export const AdminEvents = {
  CONNECT: 'admin.connect',
  DISCONNECT: 'admin.disconnect',
  REQUEST: 'admin.network.request',
  REQUEST_TIMEOUT: 'admin.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'admin.network.request_queue_size',
} as const;

let nextEventId = 0;

/** One client's instrumentation emitter, limited to its own event names. */
export class Instrumentation {
  readonly #emitter = new EventEmitter();
  readonly #names: Set<string>;
  readonly #client: string;

  constructor(client: string, events: Record<string, string>) {
    this.#client = client;
    this.#names = new Set(Object.values(events));
  }

  on(eventName: string, listener: (event: InstrumentationEvent) => void): () => void {
    if (!this.#names.has(eventName)) {
      throw new KafkaJSError(
        `Event name should be one of ${[...this.#names].join(', ')}; got "${eventName}" for the ${this.#client}`,
        {
          retriable: false,
        },
      );
    }
    this.#emitter.on(eventName, listener);
    return () => {
      this.#emitter.off(eventName, listener);
    };
  }

  /** Whether anyone listens: lets hot paths skip building payloads. */
  listens(eventName: string): boolean {
    return this.#emitter.listenerCount(eventName) > 0;
  }

  emit(eventName: string, payload: unknown = null): void {
    if (this.#emitter.listenerCount(eventName) === 0) return;
    const event: InstrumentationEvent = { id: ++nextEventId, type: eventName, timestamp: Date.now(), payload };
    try {
      this.#emitter.emit(eventName, event);
    } catch (error) {
      process.nextTick(() => {
        throw error;
      });
    }
  }
}
