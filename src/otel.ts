// OpenTelemetry tracing for rdkafka-napi, built on the diagnostics_channel
// tracing channels (src/diagnostics.ts): a PRODUCER span per produced message
// whose context travels in the message's headers (the globally configured
// propagator, W3C traceparent by default in the SDKs), and a CONSUMER span
// per message (or per batch, linked to each message) handed to a loop body,
// a child of the producer's span. Attributes follow the OpenTelemetry
// messaging semantic conventions.
//
// Import it as 'rdkafka-napi/otel'. It needs @opentelemetry/api, an optional
// peer dependency: the main entry point never loads it.
import diagnosticsChannel from 'node:diagnostics_channel';

import {
  type Attributes,
  type Context,
  context as otelContext,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';

import {
  ChannelNames,
  type ConsumeBatchTraceContext,
  type ConsumeTraceContext,
  headerValue,
  type ProduceTraceContext,
} from './diagnostics';
import type { MessageHeader } from './headers';

export interface KafkaInstrumentationOptions {
  /** Default: the global tracer provider. */
  tracerProvider?: TracerProvider;
  /** Record message keys (messaging.kafka.message.key) as text. Default true. */
  recordKeys?: boolean;
}

/** Attribute names of the messaging semantic conventions used here. */
export const MessagingAttributes = {
  system: 'messaging.system',
  operationName: 'messaging.operation.name',
  operationType: 'messaging.operation.type',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  offset: 'messaging.kafka.offset',
  key: 'messaging.kafka.message.key',
  tombstone: 'messaging.kafka.message.tombstone',
  consumerGroup: 'messaging.consumer.group.name',
  batchCount: 'messaging.batch.message_count',
} as const;

// The span of each published context, for its later events.
const spans = new WeakMap<object, Span>();
const TRACER_NAME = 'rdkafka-napi';

type Handlers<C> = {
  start?(context: C): void;
  end?(context: C): void;
  asyncStart?(context: C): void;
  asyncEnd?(context: C): void;
  error?(context: C): void;
};

/** Reads propagation headers from a consumed message's headers. */
export const headerGetter: TextMapGetter<MessageHeader[]> = {
  keys: (headers) => headers.map((header) => header.key),
  get: (headers, key) => headerValue(headers, key),
};

export class KafkaInstrumentation {
  readonly #options: KafkaInstrumentationOptions;
  #tracer: Tracer | undefined;
  #subscriptions: Array<() => void> = [];

  constructor(options: KafkaInstrumentationOptions = {}) {
    this.#options = options;
  }

  /** Subscribes to the tracing channels. */
  enable(): this {
    if (this.#subscriptions.length > 0) return this;
    const provider = this.#options.tracerProvider ?? trace.getTracerProvider();
    this.#tracer = provider.getTracer(TRACER_NAME);
    this.#subscribe<ProduceTraceContext>(ChannelNames.produce, {
      start: (context) => this.#startProduce(context),
      error: (context) => {
        const span = spanOf(context);
        if (context.error instanceof Error) span?.recordException(context.error);
        span?.setStatus({ code: SpanStatusCode.ERROR, message: errorText(context.error) });
      },
      // A refused message ends at `end`; one enqueued ends with its delivery report.
      end: (context) => {
        if (context.error !== undefined && context.report === undefined) spanOf(context)?.end();
      },
      asyncEnd: (context) => {
        const span = spanOf(context);
        if (span === undefined) return;
        if (context.report !== undefined && context.report.offset >= 0) {
          span.setAttribute(MessagingAttributes.partition, String(context.report.partition));
          span.setAttribute(MessagingAttributes.offset, context.report.offset);
        }
        span.end();
      },
    });
    this.#subscribe<ConsumeTraceContext>(ChannelNames.consume, {
      start: (context) => this.#startConsume(context),
      end: (context) => spanOf(context)?.end(),
    });
    this.#subscribe<ConsumeBatchTraceContext>(ChannelNames.consumeBatch, {
      start: (context) => this.#startBatch(context),
      end: (context) => spanOf(context)?.end(),
    });
    return this;
  }

  /** Unsubscribes: the clients go back to publishing nothing. */
  disable(): void {
    for (const unsubscribe of this.#subscriptions.splice(0)) unsubscribe();
  }

  #subscribe<C extends object>(name: string, handlers: Handlers<C>): void {
    const channel = diagnosticsChannel.tracingChannel<string, C>(name);
    channel.subscribe(handlers as Parameters<typeof channel.subscribe>[0]);
    this.#subscriptions.push(() => channel.unsubscribe(handlers as Parameters<typeof channel.unsubscribe>[0]));
  }

  #startProduce(context: ProduceTraceContext): void {
    const attributes: Attributes = {
      [MessagingAttributes.system]: 'kafka',
      [MessagingAttributes.operationName]: 'send',
      [MessagingAttributes.operationType]: 'send',
      [MessagingAttributes.destination]: context.topic,
    };
    if (context.partition >= 0) attributes[MessagingAttributes.partition] = String(context.partition);
    const key = context.message.key;
    if (this.#options.recordKeys !== false && key !== undefined && key !== null)
      attributes[MessagingAttributes.key] = String(key);
    if ((context.message as { value?: unknown }).value == null) attributes[MessagingAttributes.tombstone] = true;
    const parent = otelContext.active();
    const span = this.#tracer!.startSpan(`send ${context.topic}`, { kind: SpanKind.PRODUCER, attributes }, parent);
    propagation.inject(trace.setSpan(parent, span), context.carrier);
    spans.set(context, span);
  }

  #startConsume(context: ConsumeTraceContext): void {
    const { message } = context;
    const attributes = this.#consumeAttributes(message.topic, context.groupId);
    attributes[MessagingAttributes.partition] = String(message.partition);
    attributes[MessagingAttributes.offset] = message.offset;
    if (this.#options.recordKeys !== false && message.key !== null) attributes[MessagingAttributes.key] = message.key.toString();
    const parent: Context = propagation.extract(ROOT_CONTEXT, message.headers, headerGetter);
    const span = this.#tracer!.startSpan(`process ${message.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent);
    spans.set(context, span);
  }

  #startBatch(context: ConsumeBatchTraceContext): void {
    const topics = new Set(context.messages.map((message) => message.topic));
    const topic = topics.size === 1 ? [...topics][0] : 'multiple';
    const attributes = this.#consumeAttributes(topic, context.groupId);
    attributes[MessagingAttributes.batchCount] = context.messages.length;
    const links: Link[] = [];
    for (const message of context.messages) {
      const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, message.headers, headerGetter));
      if (spanContext !== undefined) links.push({ context: spanContext });
    }
    const span = this.#tracer!.startSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, attributes, links }, ROOT_CONTEXT);
    spans.set(context, span);
  }

  #consumeAttributes(topic: string, groupId: string): Attributes {
    return {
      [MessagingAttributes.system]: 'kafka',
      [MessagingAttributes.operationName]: 'process',
      [MessagingAttributes.operationType]: 'process',
      [MessagingAttributes.destination]: topic,
      [MessagingAttributes.consumerGroup]: groupId,
    };
  }
}

function spanOf(context: object): Span | undefined {
  return spans.get(context);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
