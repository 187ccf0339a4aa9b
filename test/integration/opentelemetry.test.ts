import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Consumer, headerValue, Producer } from '../../src';
import { KafkaInstrumentation } from '../../src/otel';
import { type ClusterTarget, targets } from '../support/clusters';
import { uniqueTopic, waitFor } from '../support/mock';

describe.each(targets())('OpenTelemetry instrumentation on $name', ({ start }) => {
  let cluster: ClusterTarget;
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let instrumentation: KafkaInstrumentation;

  beforeAll(async () => {
    cluster = await start();
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    instrumentation = new KafkaInstrumentation({ tracerProvider: provider }).enable();
  });
  afterAll(async () => {
    instrumentation?.disable();
    propagation.disable();
    await cluster?.close();
  });

  it("a produced message's span is the parent of the consumer's span, across Kafka, with messaging attributes", async () => {
    exporter.reset();
    const topic = uniqueTopic('otel');
    await cluster.createTopic(topic, 2);
    const groupId = uniqueTopic('otel-group');
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
    await producer.connect();
    const report = await producer.send({ topic, key: 'order-42', value: 'hello', partition: 1 });
    await producer.disconnect();

    const consumer = new Consumer({
      'bootstrap.servers': cluster.bootstrapServers,
      'group.id': groupId,
      'auto.offset.reset': 'earliest',
    });
    await consumer.connect();
    consumer.subscribe(topic);
    let traceparent: string | undefined;
    for await (const message of consumer) {
      traceparent = headerValue(message.headers, 'traceparent');
      break;
    }
    await consumer.disconnect();
    await waitFor(() => exporter.getFinishedSpans().length >= 2, 5000, 'two finished spans');

    const spans = exporter.getFinishedSpans();
    const producerSpan = spans.find((span) => span.kind === SpanKind.PRODUCER)!;
    const consumerSpan = spans.find((span) => span.kind === SpanKind.CONSUMER)!;
    expect(producerSpan.name).toBe(`send ${topic}`);
    expect(consumerSpan.name).toBe(`process ${topic}`);
    // Parent and child across Kafka: same trace, the consumer's parent is the producer's span.
    expect(consumerSpan.spanContext().traceId).toBe(producerSpan.spanContext().traceId);
    expect(consumerSpan.parentSpanContext?.spanId).toBe(producerSpan.spanContext().spanId);
    expect(traceparent).toBe(`00-${producerSpan.spanContext().traceId}-${producerSpan.spanContext().spanId}-01`);
    expect(producerSpan.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': '1',
      'messaging.kafka.offset': report.offset,
      'messaging.kafka.message.key': 'order-42',
    });
    expect(consumerSpan.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': '1',
      'messaging.kafka.offset': report.offset,
      'messaging.kafka.message.key': 'order-42',
      'messaging.consumer.group.name': groupId,
    });
  });

  it('an active span becomes the parent of the producer span; batches link to each message; failures mark the span', async () => {
    exporter.reset();
    const topic = uniqueTopic('otel-batch');
    await cluster.createTopic(topic, 1);
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
    await producer.connect();
    const tracer = provider.getTracer('test');
    const outer = tracer.startSpan('request');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      await context.with(trace.setSpan(context.active(), outer), () =>
        Promise.all([producer.send({ topic, value: 'a' }), producer.send({ topic, value: 'b' })]),
      );
    } finally {
      context.disable();
    }
    outer.end();
    expect(() => producer.produce({ topic, value: 'x', partition: 9 })).toThrow(/Partition 9/);
    await producer.disconnect();

    const consumer = new Consumer({
      'bootstrap.servers': cluster.bootstrapServers,
      'group.id': uniqueTopic('otel-batch-group'),
      'auto.offset.reset': 'earliest',
    });
    await consumer.connect();
    consumer.subscribe(topic);
    let batchSize = 0;
    for await (const batch of consumer.batches({ maxWaitMs: 1000, maxMessages: 2 })) {
      batchSize = batch.length;
      break;
    }
    await consumer.disconnect();

    const spans = exporter.getFinishedSpans();
    const sends = spans.filter((span) => span.kind === SpanKind.PRODUCER && span.status.code !== 2);
    expect(sends).toHaveLength(2);
    for (const span of sends) expect(span.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    const refused = spans.find((span) => span.kind === SpanKind.PRODUCER && span.status.code === 2);
    expect(refused?.status.message).toMatch(/Partition 9/);
    const batchSpan = spans.find((span) => span.kind === SpanKind.CONSUMER)!;
    expect(batchSpan.attributes['messaging.batch.message_count']).toBe(batchSize);
    expect(batchSpan.links).toHaveLength(batchSize);
    const sendIds = sends.map((span) => span.spanContext().spanId);
    for (const link of batchSpan.links) expect(sendIds).toContain(link.context.spanId);
  });
});
