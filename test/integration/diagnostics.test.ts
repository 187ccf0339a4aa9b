import diagnosticsChannel from 'node:diagnostics_channel';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { AdminClient, ChannelNames, Consumer, headerValue, Producer } from '../../src';
import { type ClusterTarget, targets } from '../support/clusters';
import { collect } from '../support/consume';
import { uniqueTopic, waitFor } from '../support/mock';

type Event = { kind: string; context: Record<string, unknown> };
const KINDS = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;

// Subscribes to every event of one tracing channel; returns what was seen and how to stop.
function record(name: string, onStart?: (context: Record<string, unknown>) => void) {
  const events: Event[] = [];
  const handlers = Object.fromEntries(
    KINDS.map((kind) => [
      kind,
      (context: Record<string, unknown>) => {
        if (kind === 'start') onStart?.(context);
        events.push({ kind, context });
      },
    ]),
  );
  const channel = diagnosticsChannel.tracingChannel(name);
  channel.subscribe(handlers as never);
  return { events, stop: () => channel.unsubscribe(handlers as never) };
}

describe.each(targets())('diagnostics_channel tracing on $name', ({ start }) => {
  let cluster: ClusterTarget;
  const stops: Array<() => void> = [];
  const clients: Array<{ disconnect(): Promise<void> }> = [];

  beforeAll(async () => {
    cluster = await start();
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    await Promise.all(clients.splice(0).map((client) => client.disconnect()));
  });
  afterAll(async () => {
    await cluster?.close();
  });

  async function producer(extra: Record<string, unknown> = {}): Promise<Producer> {
    const client = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 1, ...extra });
    clients.push(client);
    await client.connect();
    return client;
  }

  async function consumer(topic: string, groupId: string): Promise<Consumer> {
    const client = new Consumer({
      'bootstrap.servers': cluster.bootstrapServers,
      'group.id': groupId,
      'auto.offset.reset': 'earliest',
    });
    clients.push(client);
    await client.connect();
    client.subscribe(topic);
    return client;
  }

  it('produce: start lets a subscriber add a traceparent header, asyncEnd carries the delivery, the caller message is untouched', async () => {
    const topic = uniqueTopic('trace-produce');
    await cluster.createTopic(topic, 1);
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const produced = record(ChannelNames.produce, (context) => {
      (context.carrier as Record<string, string>).traceparent = traceparent;
    });
    stops.push(produced.stop);
    const client = await producer();
    const message = { topic, value: 'fire-and-forget', headers: { own: 'kept' } };
    client.produce(message);
    const report = await client.send({ topic, value: 'awaited', key: 'k1' });
    await waitFor(() => produced.events.filter((event) => event.kind === 'asyncEnd').length === 2, 10_000, 'two deliveries');

    expect(message.headers).toEqual({ own: 'kept' });
    expect(produced.events.map((event) => event.kind)).toEqual(
      expect.arrayContaining(['start', 'end', 'start', 'end', 'asyncStart', 'asyncEnd', 'asyncStart', 'asyncEnd']),
    );
    expect(produced.events.filter((event) => event.kind === 'error')).toEqual([]);
    const sent = produced.events.find((event) => event.kind === 'asyncEnd' && (event.context.message as { key?: string }).key);
    expect(sent?.context).toMatchObject({ client, topic, partition: -1, report: { topic, partition: 0, offset: report.offset } });

    const reader = await consumer(topic, uniqueTopic('trace-produce-group'));
    const messages = await collect(reader, 2, 20_000);
    expect(messages.map((m) => m.value?.toString())).toEqual(['fire-and-forget', 'awaited']);
    expect(messages.map((m) => headerValue(m.headers, 'traceparent'))).toEqual([traceparent, traceparent]);
    expect(headerValue(messages[0].headers, 'own')).toBe('kept');
  });

  it('produce: a refused message publishes error then end, and the call still throws', async () => {
    const topic = uniqueTopic('trace-refused');
    await cluster.createTopic(topic, 1);
    const client = await producer();
    await client.getMetadata({ topic });
    const produced = record(ChannelNames.produce);
    stops.push(produced.stop);
    expect(() => client.produce({ topic, value: 'x', partition: 7 })).toThrowError(/Partition 7 does not exist/);
    expect(produced.events.map((event) => event.kind)).toEqual(['start', 'error', 'end']);
    expect((produced.events[1].context.error as Error).message).toMatch(/Partition 7/);
  });

  it('consume: start and end enclose each loop body; batch channel encloses each batch body; commit is traced', async () => {
    const topic = uniqueTopic('trace-consume');
    await cluster.createTopic(topic, 1);
    const client = await producer();
    for (let i = 0; i < 3; i++) await client.send({ topic, value: `m${i}` });

    const order: string[] = [];
    const consumed = record(ChannelNames.consume, (context) => {
      order.push(`start ${(context.message as { offset: number }).offset}`);
    });
    stops.push(consumed.stop);
    const commits = record(ChannelNames.commit);
    stops.push(commits.stop);
    const groupId = uniqueTopic('trace-consume-group');
    const reader = await consumer(topic, groupId);
    for await (const message of reader) {
      order.push(`body ${message.offset}`);
      if (message.offset === 2) break;
    }
    order.push(
      ...consumed.events
        .filter((event) => event.kind === 'end')
        .map((e) => `end ${(e.context.message as { offset: number }).offset}`),
    );
    expect(order.slice(0, 6)).toEqual(['start 0', 'body 0', 'start 1', 'body 1', 'start 2', 'body 2']);
    expect(order.slice(6)).toEqual(['end 0', 'end 1', 'end 2']);
    expect(consumed.events[0].context).toMatchObject({ client: reader, groupId, message: { topic, partition: 0, offset: 0 } });

    const committed = await reader.commit();
    // The loop left inside message 2's body: 0 and 1 were processed, so 2 is next.
    expect(committed).toEqual([expect.objectContaining({ topic, partition: 0, offset: 2 })]);
    expect(commits.events.map((event) => event.kind)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(commits.events[3].context).toMatchObject({ client: reader, operation: 'commit', groupId, result: committed });

    await client.send({ topic, value: 'm3' });
    const batches = record(ChannelNames.consumeBatch);
    stops.push(batches.stop);
    for await (const batch of reader.batches()) {
      expect(batches.events.map((event) => event.kind)).toEqual(['start']);
      expect((batches.events[0].context.messages as unknown[]).length).toBe(batch.length);
      break;
    }
    expect(batches.events.map((event) => event.kind)).toEqual(['start', 'end']);
  });

  it('rebalance: the assignment is traced with its event', async () => {
    const topic = uniqueTopic('trace-rebalance');
    await cluster.createTopic(topic, 2);
    const rebalances = record(ChannelNames.rebalance);
    stops.push(rebalances.stop);
    const reader = await consumer(topic, uniqueTopic('trace-rebalance-group'));
    const client = await producer();
    await client.send({ topic, value: 'wake', partition: 0 });
    await collect(reader, 1, 20_000);
    const assigned = rebalances.events.find((event) => event.kind === 'asyncEnd');
    expect(assigned?.context).toMatchObject({ client: reader, operation: 'assign' });
    const [event] = assigned!.context.arguments as Array<{ type: string; partitions: unknown[] }>;
    expect(event.type).toBe('assign');
    expect(event.partitions).toHaveLength(2);
  });

  it('transactions: each transactional call is traced with its operation and transactional.id', async () => {
    const topic = uniqueTopic('trace-txn');
    await cluster.createTopic(topic, 1);
    const transactionalId = uniqueTopic('trace-txn-id');
    const traced = record(ChannelNames.transaction);
    stops.push(traced.stop);
    const client = await producer({ 'transactional.id': transactionalId });
    await client.initTransactions();
    client.beginTransaction();
    await client.send({ topic, value: 'in a transaction' });
    await client.commitTransaction();
    const operations = traced.events.filter((event) => event.kind === 'start').map((event) => event.context.operation);
    expect(operations).toEqual(['initTransactions', 'beginTransaction', 'commitTransaction']);
    expect(traced.events.find((event) => event.kind === 'start')?.context.transactionalId).toBe(transactionalId);
    expect(traced.events.filter((event) => event.kind === 'error')).toEqual([]);
  });

  it('admin: operations are traced; a failed one publishes error with the cause', async () => {
    const admin = new AdminClient({ 'bootstrap.servers': cluster.bootstrapServers });
    clients.push(admin);
    await admin.connect();
    const traced = record(ChannelNames.admin);
    stops.push(traced.stop);
    const topic = uniqueTopic('trace-admin');
    await cluster.createTopic(topic, 1);
    traced.events.length = 0; // the real broker's createTopic used an AdminClient too
    const request = [{ topic, partition: 0, spec: 'latest' as const }];
    const results = await admin.listOffsets(request);
    expect(results).toEqual([expect.objectContaining({ topic, partition: 0, offset: 0, error: null })]);
    const starts = traced.events.filter((event) => event.kind === 'start');
    expect(starts.map((event) => event.context.operation)).toEqual(['listOffsets']);
    expect(starts[0].context.arguments).toEqual([request]);
    expect(traced.events.find((event) => event.kind === 'asyncEnd')?.context.result).toBe(results);
    await expect(admin.describeTopics([''])).rejects.toThrow(TypeError);
    const error = traced.events.find((event) => event.kind === 'error');
    expect(error?.context).toMatchObject({ operation: 'describeTopics' });
    expect(error?.context.error).toBeInstanceOf(TypeError);
  });

  it('publishes nothing once unsubscribed: no header is added and no event arrives', async () => {
    const topic = uniqueTopic('trace-off');
    await cluster.createTopic(topic, 1);
    const produced = record(ChannelNames.produce, (context) => {
      (context.carrier as Record<string, string>).traceparent = 'x';
    });
    produced.stop();
    const client = await producer();
    await client.send({ topic, value: 'plain' });
    expect(produced.events).toEqual([]);
    const reader = await consumer(topic, uniqueTopic('trace-off-group'));
    const [message] = await collect(reader, 1, 20_000);
    expect(message.headers).toEqual([]);
  });
});
