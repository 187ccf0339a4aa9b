// Bounded random fuzzing of what crosses into native code: messages (topic,
// partition, key, value, headers, timestamp) and configs. Seeded, a fixed
// number of iterations, on the mock cluster: nothing crashes or hangs, every
// refusal is a TypeError or KafkaError, and every message accepted comes back
// byte for byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Consumer, KafkaError, MockCluster, Offsets, Producer, type ProducerMessage } from '../../src';
import { collect } from '../support/consume';
import { uniqueTopic } from '../support/mock';

const SEED = Number(process.env.RDKAFKA_NAPI_FUZZ_SEED ?? 0x5eed1234);
const MESSAGE_ITERATIONS = 10_000;
const CONFIG_ITERATIONS = 2000;
const CONNECTED_CONFIGS = 25;

// mulberry32: small, fast, reproducible.
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const below = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[below(items.length)];

function randomString(maxLength: number): string {
  const length = below(maxLength + 1);
  let text = '';
  for (let i = 0; i < length; i++) {
    const kind = below(4);
    if (kind === 0)
      text += String.fromCharCode(below(32)); // control characters
    else if (kind === 1)
      text += String.fromCodePoint(0x80 + below(0x10000 - 0x80)); // beyond ASCII, lone surrogates too
    else text += String.fromCharCode(32 + below(95));
  }
  return text;
}

function randomBytes(maxLength: number): Buffer {
  const bytes = Buffer.alloc(below(maxLength + 1));
  for (let i = 0; i < bytes.length; i++) bytes[i] = below(256);
  return bytes;
}

/** Any JavaScript value, biased towards the edges. */
function anyValue(depth = 0): unknown {
  switch (below(depth > 1 ? 14 : 16)) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
      return pick([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 31, 2 ** 53, -(2 ** 63)]);
    case 3:
      return below(1_000_000);
    case 4:
      return randomString(40);
    case 5:
      return randomBytes(512);
    case 6:
      return new Uint8Array(randomBytes(64));
    case 7:
      return random() < 0.5;
    case 8:
      return BigInt(below(1000));
    case 9:
      return Symbol('fuzz');
    case 10:
      return () => 1;
    case 11:
      return new Date(below(2) === 0 ? Number.NaN : below(2 ** 40));
    case 12:
      return new Float64Array(3);
    case 13:
      return '';
    case 14:
      return [anyValue(depth + 1), anyValue(depth + 1)];
    default:
      return { [randomString(5)]: anyValue(depth + 1) };
  }
}

function messageBytes(): unknown {
  const roll = below(10);
  if (roll < 4) return randomBytes(below(2) === 0 ? 64 : 4096);
  if (roll < 7) return randomString(100);
  if (roll < 8) return null;
  return anyValue();
}

function headers(): unknown {
  const roll = below(6);
  if (roll === 0) return anyValue();
  if (roll <= 2) {
    const pairs: unknown[] = [];
    for (let i = below(5); i > 0; i--) pairs.push(below(8) === 0 ? anyValue() : [randomString(10), messageBytes()]);
    return pairs;
  }
  const object: Record<string, unknown> = {};
  for (let i = below(5); i > 0; i--) {
    object[randomString(10)] = below(4) === 0 ? [messageBytes(), messageBytes()] : messageBytes();
  }
  return object;
}

const toBuffer = (value: unknown): Buffer | null =>
  value == null ? null : typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value as Uint8Array);

// Names travel as UTF-8: a lone surrogate comes back as U+FFFD, as in any UTF-8 encoding.
const asUtf8 = (name: string): string => Buffer.from(name, 'utf8').toString('utf8');

/** The headers a consumer sees for what was given (names in order, values as bytes). */
function expectedHeaders(given: unknown): Array<{ key: string; value: Buffer | null }> {
  if (given === undefined) return [];
  const flat: Array<{ key: string; value: Buffer | null }> = [];
  if (Array.isArray(given))
    for (const [key, value] of given as Array<[string, unknown]>) flat.push({ key: asUtf8(key), value: toBuffer(value) });
  else {
    for (const [key, value] of Object.entries(given as object)) {
      for (const item of Array.isArray(value) ? value : [value]) flat.push({ key: asUtf8(key), value: toBuffer(item) });
    }
  }
  return flat;
}

const isTyped = (error: unknown): boolean => error instanceof TypeError || error instanceof KafkaError;

describe(`conversion fuzzing (seed 0x${SEED.toString(16)})`, () => {
  let mock: MockCluster;
  let producer: Producer;
  const topic = uniqueTopic('fuzz');

  beforeAll(async () => {
    mock = new MockCluster();
    mock.createTopic(topic, { partitions: 3 });
    producer = new Producer({ 'bootstrap.servers': mock.bootstrapServers, 'linger.ms': 5 });
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await mock?.close();
  });

  it(`${MESSAGE_ITERATIONS} random messages: typed refusals only, and what is accepted comes back byte for byte`, async () => {
    const started = Date.now();
    // Timestamp 0 is refused (librdkafka would read it as "now"); the table covers it.
    const untyped: unknown[] = [];
    const accepted = new Map<string, { key: Buffer | null; value: Buffer | null; headers: unknown; timestamp?: number }>();
    let refused = 0;
    for (let i = 0; i < MESSAGE_ITERATIONS; i++) {
      const message: Record<string, unknown> = { topic: below(10) < 8 ? topic : anyValue() };
      if (below(2)) message.partition = below(4) === 0 ? anyValue() : below(3);
      if (below(5)) message.value = messageBytes();
      if (below(2)) message.key = messageBytes();
      if (below(3) === 0) message.headers = headers();
      if (below(4) === 0) message.timestamp = below(2) === 0 ? anyValue() : Date.now() - below(1_000_000);
      // Every message carries its id in a header so it can be found again.
      const id = `fuzz-${i}`;
      const given = message.headers;
      const withId =
        given === undefined
          ? { 'fuzz-id': id }
          : Array.isArray(given)
            ? [['fuzz-id', id], ...given]
            : typeof given === 'object' && given !== null && !(given instanceof Uint8Array)
              ? { 'fuzz-id': id, ...given }
              : given;
      try {
        producer.produce({ ...message, headers: withId } as ProducerMessage);
        if (message.topic === topic) {
          accepted.set(id, {
            key: toBuffer(message.key),
            value: toBuffer(message.value),
            headers: withId,
            timestamp:
              message.timestamp instanceof Date ? message.timestamp.getTime() : (message.timestamp as number | undefined),
          });
        }
      } catch (error) {
        refused++;
        if (!isTyped(error)) untyped.push(error);
        else expect((error as Error).message.length).toBeGreaterThan(10);
      }
    }
    expect(untyped).toEqual([]);
    await producer.flush(30_000);
    expect(producer.deliveryCounts.failed).toBe(0);

    const consumer = new Consumer({ 'bootstrap.servers': mock.bootstrapServers, 'group.id': uniqueTopic('fuzz') });
    await consumer.connect();
    consumer.assign([0, 1, 2].map((partition) => ({ topic, partition, offset: Offsets.BEGINNING })));
    const messages = await collect(consumer, accepted.size, 30_000);
    await consumer.disconnect();
    expect(messages).toHaveLength(accepted.size);
    // What differs, per message: the fields named, so a failure says where the bytes changed.
    const mismatched: string[] = [];
    for (const message of messages) {
      // Object keys that look like integers come first, so look the id up by name.
      const id = message.headers.find((header) => header.key === 'fuzz-id')?.value?.toString() ?? '?';
      const sent = accepted.get(id);
      const differs: string[] = [];
      if (sent === undefined) differs.push('unknown id');
      else {
        if (!(sent.key === null ? message.key === null : message.key?.equals(sent.key))) differs.push('key');
        if (!(sent.value === null ? message.value === null : message.value?.equals(sent.value))) differs.push('value');
        const want = JSON.stringify(expectedHeaders(sent.headers));
        const got = JSON.stringify(message.headers);
        if (got !== want) differs.push(`headers ${want.slice(0, 300)} != ${got.slice(0, 300)}`);
        if (sent.timestamp !== undefined && message.timestamp !== sent.timestamp) differs.push('timestamp');
      }
      if (differs.length > 0) mismatched.push(`${id}: ${differs.join(', ')}`);
    }
    expect(mismatched).toEqual([]);
    expect(refused).toBeGreaterThan(100);
    expect(accepted.size).toBeGreaterThan(500);
    expect(Date.now() - started).toBeLessThan(20_000);
    console.log(`fuzz: ${MESSAGE_ITERATIONS} messages, ${refused} refused (typed), ${accepted.size} round-tripped byte for byte`);
  });

  it(`${CONFIG_ITERATIONS} random configs: constructed or refused with a typed error; some connect`, async () => {
    const keys = [
      'linger.ms',
      'batch.num.messages',
      'compression.type',
      'acks',
      'client.id',
      'debug',
      'message.max.bytes',
      'socket.timeout.ms',
      'statistics.interval.ms',
      'enable.idempotence',
      'queue.buffering.max.messages',
      'retries',
      'security.protocol',
      'sasl.mechanisms',
      'partitioner',
      'topic.metadata.refresh.interval.ms',
    ];
    const untyped: unknown[] = [];
    let constructed = 0;
    let connected = 0;
    for (let i = 0; i < CONFIG_ITERATIONS; i++) {
      const config: Record<string, unknown> = { 'bootstrap.servers': mock.bootstrapServers };
      for (let n = below(4); n >= 0; n--) {
        const key = below(5) === 0 ? randomString(20) : pick(keys);
        config[key] =
          below(3) === 0 ? anyValue() : pick(['0', '1', 'all', 'none', 'gzip', 'true', '-1', '100000000', randomString(8)]);
      }
      let client: Producer | undefined;
      try {
        client = new Producer(config as never);
        constructed++;
        if (connected < CONNECTED_CONFIGS) {
          connected++;
          client.on('error', () => {});
          await client.connect({ timeoutMs: 2000 });
        }
      } catch (error) {
        if (!isTyped(error)) untyped.push(error);
      } finally {
        await client?.disconnect({ timeoutMs: 0 }).catch((error: unknown) => {
          if (!isTyped(error)) untyped.push(error);
        });
      }
    }
    expect(untyped).toEqual([]);
    expect(constructed).toBeGreaterThan(0);
    expect(constructed).toBeLessThan(CONFIG_ITERATIONS);
  });
});
