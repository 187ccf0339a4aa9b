// node:diagnostics_channel tracing channels: what the clients do (produce,
// consume, commit, rebalance, transactions, admin), published for APMs and
// OpenTelemetry instrumentations. Names and context objects are documented in
// docs/observability.md. When nobody subscribes, a call costs one check of
// the channels (`isTraced`) and builds nothing.
import diagnosticsChannel, { type TracingChannel } from 'node:diagnostics_channel';

import type { MessageHeader, MessageHeaders } from './headers';
import type { MessageBytes } from './validation';

/** The prefix of every channel name. */
export const CHANNEL_PREFIX = 'rdkafka-napi';

/**
 * Channel names; each is a TracingChannel, so its events are published on
 * `tracing:<name>:start|end|asyncStart|asyncEnd|error`.
 */
export const ChannelNames = {
  /** One message produced: start/end around the enqueue, asyncStart/asyncEnd at its delivery report, error when refused or failed. */
  produce: `${CHANNEL_PREFIX}:produce`,
  /** One message handed to a `for await` loop body: start when handed out, end when the body asks for the next one (or leaves the loop). */
  consume: `${CHANNEL_PREFIX}:consume`,
  /** One batch handed to a `consumer.batches()` loop body, start and end as for consume. */
  consumeBatch: `${CHANNEL_PREFIX}:consume.batch`,
  /** consumer.commit() (and commitAsync()): start, end, asyncStart/asyncEnd with the result, error. */
  commit: `${CHANNEL_PREFIX}:commit`,
  /** One rebalance handled (applied, event emitted, the user's handler run). */
  rebalance: `${CHANNEL_PREFIX}:rebalance`,
  /** initTransactions, beginTransaction, commitTransaction, abortTransaction, sendOffsetsToTransaction. */
  transaction: `${CHANNEL_PREFIX}:transaction`,
  /** Every AdminClient operation. */
  admin: `${CHANNEL_PREFIX}:admin`,
} as const;

/**
 * What the produce channel publishes. Subscribers on `start` may add
 * propagation headers (e.g. W3C `traceparent`) to `carrier`: they are sent
 * with the message, after its own headers. The caller's message object is
 * never changed.
 */
export interface ProduceTraceContext {
  client: unknown;
  /** The message as the caller passed it. */
  message: { topic: string; partition?: number; key?: MessageBytes; headers?: MessageHeaders };
  topic: string;
  /** The requested partition; -1 lets the partitioner choose. */
  partition: number;
  /** Headers to add to the message (name → value), e.g. by propagation.inject(). */
  carrier: Record<string, string>;
  /** Set at asyncStart: where the message was stored. */
  report?: { topic: string; partition: number; offset: number; timestamp: number };
  /** Set at error. */
  error?: unknown;
  /** Free for subscribers (a span, a start time). */
  [key: string]: unknown;
}

export interface ConsumeTraceContext {
  client: unknown;
  groupId: string;
  message: {
    topic: string;
    partition: number;
    offset: number;
    key: Buffer | null;
    headers: MessageHeader[];
  };
  [key: string]: unknown;
}

export interface ConsumeBatchTraceContext {
  client: unknown;
  groupId: string;
  messages: ConsumeTraceContext['message'][];
  [key: string]: unknown;
}

/** The context of commit, rebalance, transaction and admin operations. */
export interface OperationTraceContext {
  client: unknown;
  /** e.g. 'commit', 'commitTransaction', 'createTopics', 'assign'. */
  operation: string;
  /** The call's arguments (commit offsets, admin requests, the rebalance event). */
  arguments: unknown[];
  groupId?: string;
  transactionalId?: string;
  /** Set at asyncStart. */
  result?: unknown;
  /** Set at error. */
  error?: unknown;
  [key: string]: unknown;
}

type Context = object;

export const tracing = {
  produce: diagnosticsChannel.tracingChannel<string, ProduceTraceContext>(ChannelNames.produce),
  consume: diagnosticsChannel.tracingChannel<string, ConsumeTraceContext>(ChannelNames.consume),
  consumeBatch: diagnosticsChannel.tracingChannel<string, ConsumeBatchTraceContext>(ChannelNames.consumeBatch),
  commit: diagnosticsChannel.tracingChannel<string, OperationTraceContext>(ChannelNames.commit),
  rebalance: diagnosticsChannel.tracingChannel<string, OperationTraceContext>(ChannelNames.rebalance),
  transaction: diagnosticsChannel.tracingChannel<string, OperationTraceContext>(ChannelNames.transaction),
  admin: diagnosticsChannel.tracingChannel<string, OperationTraceContext>(ChannelNames.admin),
};

/**
 * True when any event of the channel has a subscriber. TracingChannel's own
 * hasSubscribers came in Node 20.13; the five sub-channels answer everywhere.
 */
export function isTraced(channel: TracingChannel<string, Context>): boolean {
  return (
    channel.start.hasSubscribers ||
    channel.end.hasSubscribers ||
    channel.asyncStart.hasSubscribers ||
    channel.asyncEnd.hasSubscribers ||
    channel.error.hasSubscribers
  );
}

/**
 * Runs an async operation inside a tracing channel when someone listens;
 * otherwise just runs it. `result` or `error` is set on the context.
 */
export function traceOperation<T>(
  channel: TracingChannel<string, OperationTraceContext>,
  context: () => OperationTraceContext,
  run: () => Promise<T>,
): Promise<T> {
  if (!isTraced(channel)) return run();
  return channel.tracePromise(run, context());
}

/** Like traceOperation, for a synchronous call. */
export function traceSyncOperation<T>(
  channel: TracingChannel<string, OperationTraceContext>,
  context: () => OperationTraceContext,
  run: () => T,
): T {
  if (!isTraced(channel)) return run();
  return channel.traceSync(run, context());
}

// --- produce -----------------------------------------------------------------

/** Publishes start (where subscribers fill the carrier); returns the headers to send. */
export function startProduceTrace(context: ProduceTraceContext): MessageHeaders | undefined {
  tracing.produce.start.publish(context);
  const headers = context.message.headers;
  const added = Object.entries(context.carrier);
  // Malformed headers go on unchanged, for flattenHeaders() to name the mistake.
  if (added.length === 0 || (headers !== undefined && (typeof headers !== 'object' || headers === null))) return headers;
  return [...headerPairs(headers), ...added];
}

/** Publishes end (the enqueue returned), or error then end when it threw or was refused. */
export function endProduceTrace(context: ProduceTraceContext, error?: unknown): void {
  if (error !== undefined) {
    context.error = error;
    tracing.produce.error.publish(context);
  }
  tracing.produce.end.publish(context);
}

/** The delivery report arrived: asyncStart/asyncEnd, after error when delivery failed. */
export function finishProduceTrace(
  context: ProduceTraceContext,
  report: { topic: string; partition: number; offset: number; timestamp: number; error?: unknown },
): void {
  context.report = { topic: report.topic, partition: report.partition, offset: report.offset, timestamp: report.timestamp };
  if (report.error !== undefined) {
    context.error = report.error;
    tracing.produce.error.publish(context);
  }
  tracing.produce.asyncStart.publish(context);
  tracing.produce.asyncEnd.publish(context);
}

function headerPairs(headers: MessageHeaders | undefined): Array<[string, MessageBytes]> {
  if (headers === undefined) return [];
  if (Array.isArray(headers)) return headers;
  const pairs: Array<[string, MessageBytes]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const item of value) pairs.push([name, item]);
    else pairs.push([name, value]);
  }
  return pairs;
}

/** The last value of a header as a string (the way propagators read `traceparent`), or undefined. */
export function headerValue(headers: MessageHeader[], name: string): string | undefined {
  for (let i = headers.length - 1; i >= 0; i--) {
    if (headers[i].key === name) return headers[i].value?.toString('utf8');
  }
  return undefined;
}

/**
 * Wraps async methods of a prototype so that each call runs inside `channel`
 * when someone subscribes (context: client, operation = the method's name,
 * arguments). Unsubscribed, a call costs one check.
 */
export function traceMethods<T extends object>(
  prototype: T,
  channel: TracingChannel<string, OperationTraceContext>,
  names: Array<keyof T & string>,
): void {
  for (const name of names) {
    const original = prototype[name] as unknown as (...args: unknown[]) => Promise<unknown>;
    if (typeof original !== 'function') throw new TypeError(`traceMethods: ${name} is not a method`);
    const traced = function (this: unknown, ...args: unknown[]): Promise<unknown> {
      if (!isTraced(channel)) return original.apply(this, args);
      return channel.tracePromise(() => original.apply(this, args), { client: this, operation: name, arguments: args });
    };
    Object.defineProperty(traced, 'name', { value: name });
    Object.defineProperty(prototype, name, { value: traced, writable: true, configurable: true });
  }
}
