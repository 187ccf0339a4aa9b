// Events every client emits (error, log, stats, throttle) and how native
// event callbacks become them.
import type { EventEmitter } from 'node:events';

import { KafkaError } from './kafka-error';

export interface LogEntry {
  /** syslog level: 0 emergency … 7 debug. */
  level: number;
  facility: string;
  message: string;
}

export interface ThrottleNotice {
  brokerName: string;
  brokerId: number;
  throttleTimeMs: number;
}

/** librdkafka's statistics (see its STATISTICS.md), parsed. */
export type ClientStatistics = Record<string, unknown> & { name?: string; type?: string; ts?: number };

export interface ClientEvents {
  error: [error: KafkaError];
  log: [entry: LogEntry];
  stats: [stats: ClientStatistics];
  throttle: [notice: ThrottleNotice];
}

/**
 * Emits an error where it can be seen without crashing: to 'error' listeners,
 * or as a process warning when there are none.
 */
export function reportError(emitter: EventEmitter, error: KafkaError): void {
  if (emitter.listenerCount('error') > 0) emitter.emit('error', error);
  else process.emitWarning(error.message, { type: 'KafkaWarning', code: error.code });
}

/** Listener errors must not unwind into native code: rethrow them on a clean stack. */
export function emitSafely(emitter: EventEmitter, event: string, ...args: unknown[]): void {
  try {
    emitter.emit(event, ...args);
  } catch (error) {
    process.nextTick(() => {
      throw error;
    });
  }
}

export function handleClientEvent(emitter: EventEmitter, kind: string, payload: unknown[]): void {
  switch (kind) {
    case 'error':
      try {
        reportError(emitter, payload[0] as KafkaError);
      } catch (error) {
        process.nextTick(() => {
          throw error;
        });
      }
      break;
    case 'log':
      if (emitter.listenerCount('log') > 0) {
        emitSafely(emitter, 'log', { level: payload[0], facility: payload[1], message: payload[2] } as LogEntry);
      }
      break;
    case 'stats':
      if (emitter.listenerCount('stats') > 0) emitSafely(emitter, 'stats', JSON.parse(payload[0] as string));
      break;
    case 'throttle':
      emitSafely(emitter, 'throttle', {
        brokerName: payload[0],
        brokerId: payload[1],
        throttleTimeMs: payload[2],
      } as ThrottleNotice);
      break;
    default:
      break;
  }
}

/**
 * The error connect() rejects with: the client's own last error (e.g. an SSL
 * handshake or SASL failure) says more than the timeout that followed it.
 */
export function connectFailure(cause: KafkaError, lastError: KafkaError | undefined, timeoutMs: number): KafkaError {
  const reason = lastError ?? cause;
  return new KafkaError(
    `Could not reach the cluster within ${timeoutMs} ms: ${reason.message}; ` +
      'check bootstrap.servers, that the brokers are up, and the security settings',
    {
      errno: reason.errno ?? cause.errno,
      retriable: reason.retriable,
      fatal: reason.fatal,
      librdkafkaMessage: reason.librdkafkaMessage,
      cause,
    },
  );
}
