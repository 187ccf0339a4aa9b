// Helpers of the interop suites: our client against confluent-kafka (Python)
// and kcat on the real broker. Every external process has a time limit, and a
// missing broker, Python environment or kcat fails the suite: it never skips.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';

import { inject } from 'vitest';

import { Consumer, Offsets, type Message } from '../../src';
import { type ClusterTarget, startKafkaTarget } from '../support/clusters';
import { BoundedReader } from '../support/consume';

const root = path.resolve(__dirname, '..', '..');
export const pythonDir = path.join(__dirname, 'python');

export interface RunOptions {
  input?: string | Buffer;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a program to completion; rejects on a non-zero exit or when it outlives timeoutMs (then it is killed). */
export function run(command: string, args: string[], options: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const err = Buffer.concat(stderr).toString().trim().split('\n').slice(-15).join('\n');
      const line = `${path.basename(command)} ${args.map((a) => (a.length > 60 ? `${a.slice(0, 60)}…` : a)).join(' ')}`;
      if (timedOut) reject(new Error(`${line}: killed after ${options.timeoutMs} ms\n${err}`));
      else if (code !== 0) reject(new Error(`${line}: exited with ${code ?? signal}\n${err}`));
      else resolve(Buffer.concat(stdout).toString());
    });
    child.stdin.on('error', () => {}); // a program that exits early closes its stdin
    child.stdin.end(options.input ?? '');
  });
}

/** The real broker of the global setup; throws (never skips) when the run has none. */
export async function requireKafka(): Promise<ClusterTarget> {
  if (inject('kafkaVersion') === 'none') {
    throw new Error('the interop tests need the real Kafka broker: run without RDKAFKA_NAPI_TEST_BROKER=none');
  }
  return startKafkaTarget();
}

/** The Python of the interop virtualenv (made once by scripts/python-interop-env.sh). */
export async function requirePython(): Promise<string> {
  const out = await run('bash', [path.join(root, 'scripts', 'python-interop-env.sh')], { timeoutMs: 240_000 });
  const python = out.trim();
  if (python === '' || python.includes('\n'))
    throw new Error(`python-interop-env.sh printed no single path: ${JSON.stringify(out)}`);
  return python;
}

/** Checks kcat runs; throws with the install hint when it does not. */
export async function requireKcat(): Promise<void> {
  try {
    await run('kcat', ['-V'], { timeoutMs: 10_000 });
  } catch (error) {
    throw new Error(`kcat is needed by the interop tests (apt-get install kcat): ${(error as Error).message}`);
  }
}

/** A message as the tests write it and expect to read it back. */
export interface Sample {
  partition?: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
  timestamp?: number;
}

/** A consumed message, in a form that compares byte for byte and prints readably. */
export interface Seen {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
  timestamp: number;
  timestampType: string;
}

export const b64 = (data: Buffer | null): string | null => (data === null ? null : data.toString('base64'));
const unb64 = (text: string | null): Buffer | null => (text === null ? null : Buffer.from(text, 'base64'));

/** Bytes in a form that compares exactly and keeps failure diffs short: base64, or length and SHA-256 when long. */
export function show(data: Buffer | null): string | null {
  if (data === null) return null;
  if (data.length <= 48) return `b64:${data.toString('base64')}`;
  return `${data.length} bytes, sha256 ${createHash('sha256').update(data).digest('hex')}`;
}

export function fromOurs(message: Message): Seen {
  return {
    partition: message.partition,
    offset: message.offset,
    key: show(message.key),
    value: show(message.value),
    headers: message.headers.map((h) => [h.key, show(h.value)]),
    timestamp: message.timestamp,
    timestampType: message.timestampType,
  };
}

interface PythonMessage {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
  timestamp: [number, number];
}

const PYTHON_TIMESTAMP_TYPES = ['not-available', 'create-time', 'log-append-time'];

export function fromPython(message: PythonMessage): Seen {
  return {
    partition: message.partition,
    offset: message.offset,
    key: show(unb64(message.key)),
    value: show(unb64(message.value)),
    headers: message.headers.map(([name, value]) => [name, show(unb64(value))]),
    timestamp: message.timestamp[1],
    timestampType: PYTHON_TIMESTAMP_TYPES[message.timestamp[0]],
  };
}

/** What reading `samples` should give, given the offsets they were written at. */
export function expected(samples: Sample[], offsets: Array<{ partition: number; offset: number }>): Seen[] {
  return sortSeen(
    samples.map((sample, i) => ({
      partition: offsets[i].partition,
      offset: offsets[i].offset,
      key: show(sample.key),
      value: show(sample.value),
      headers: sample.headers.map(([name, value]) => [name, show(value)]),
      timestamp: sample.timestamp ?? -1,
      timestampType: 'create-time',
    })),
  );
}

export function sortSeen(list: Seen[]): Seen[] {
  return [...list].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

export interface PythonProduced {
  delivered: Array<{ partition: number; offset: number; error: string | null }>;
  stats: { txmsgs: number; payload_bytes: number; batch_bytes: number };
}

/** Produces with test/interop/python/produce.py; `settings` are extra librdkafka properties. */
export async function pythonProduce(
  python: string,
  bootstrap: string,
  topic: string,
  samples: Sample[],
  settings: string[] = [],
): Promise<PythonProduced> {
  const input = JSON.stringify({
    messages: samples.map((s) => ({
      ...(s.partition === undefined ? {} : { partition: s.partition }),
      ...(s.timestamp === undefined ? {} : { timestamp: s.timestamp }),
      key: b64(s.key),
      value: b64(s.value),
      headers: s.headers.map(([name, value]) => [name, b64(value)]),
    })),
  });
  const out = await run(python, [path.join(pythonDir, 'produce.py'), bootstrap, topic, ...settings], {
    input,
    timeoutMs: 60_000,
  });
  return JSON.parse(out) as PythonProduced;
}

export interface PythonConsumed {
  messages: Seen[];
  committed: Array<{ partition: number; offset: number }>;
}

/** Consumes with test/interop/python/consume.py (see its usage). */
export async function pythonConsume(
  python: string,
  bootstrap: string,
  topic: string,
  count: number,
  options: { group?: string; commitAfter?: number; settings?: string[] } = {},
): Promise<PythonConsumed> {
  const args = [path.join(pythonDir, 'consume.py'), bootstrap, topic, String(count), '--timeout', '30'];
  if (options.group !== undefined) args.push('--group', options.group);
  if (options.commitAfter !== undefined) args.push('--commit-after', String(options.commitAfter));
  args.push(...(options.settings ?? []));
  const out = await run(python, args, { timeoutMs: 60_000 });
  const parsed = JSON.parse(out) as { messages: PythonMessage[]; committed: PythonConsumed['committed'] };
  return { messages: parsed.messages.map(fromPython), committed: parsed.committed };
}

interface KcatJson {
  partition: number;
  offset: number;
  tstype: string;
  ts: number;
  headers?: Array<string | null>;
  key: string | null;
  payload: string | null;
}

const KCAT_TIMESTAMP_TYPES: Record<string, string> = { create: 'create-time', logappend: 'log-append-time' };

/** Reads every message of a topic with `kcat -C -e -J` (text keys, values and headers only). */
export async function kcatConsume(bootstrap: string, topic: string, extra: string[] = []): Promise<Seen[]> {
  const out = await run('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-J', '-q', ...extra], {
    timeoutMs: 30_000,
  });
  const text = (s: string | null | undefined): string | null => (s === null || s === undefined ? null : show(Buffer.from(s)));
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const m = JSON.parse(line) as KcatJson;
      const headers: Array<[string, string | null]> = [];
      for (let i = 0; i < (m.headers?.length ?? 0); i += 2) headers.push([m.headers![i]!, text(m.headers![i + 1])]);
      return {
        partition: m.partition,
        offset: m.offset,
        key: text(m.key),
        value: text(m.payload),
        headers,
        timestamp: m.ts,
        timestampType: KCAT_TIMESTAMP_TYPES[m.tstype] ?? m.tstype,
      };
    });
}

/** Adds up a statistics field over the reports a client emits (windows reset at each report). */
export class StatsTotals {
  reports = 0;
  last: Record<string, any> | undefined;
  batchBytes = 0;

  constructor(private readonly topic: string) {}

  add = (stats: Record<string, any>): void => {
    this.reports++;
    this.last = stats;
    const topic = stats.topics?.[this.topic];
    if (topic) this.batchBytes += topic.batchsize.sum;
  };

  /** Cumulative counters of this topic's partitions in the last report. */
  partitionTotal(field: 'txmsgs' | 'txbytes' | 'rxmsgs' | 'rxbytes'): number {
    const partitions = Object.values<Record<string, number>>(this.last?.topics?.[this.topic]?.partitions ?? {});
    return partitions.filter((p) => p.partition >= 0).reduce((sum, p) => sum + p[field], 0);
  }

  /** Bytes received from every broker connection, as on the wire. */
  brokerRxBytes(): number {
    return Object.values<Record<string, number>>(this.last?.brokers ?? {}).reduce((sum, b) => sum + b.rxbytes, 0);
  }
}

/** Waits until `condition` holds, checking every 20 ms; throws after timeoutMs. */
export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Samples that exercise what a client may get wrong: binary and empty keys
 * and values, a null key, a null value, a large value, repeated header names,
 * binary, empty and null header values, a non-ASCII header name, explicit
 * timestamps (one of them 1 ms after the epoch).
 */
export function richSamples(count: number, partitions: number, tag: string): Sample[] {
  const base = 1_600_000_000_000;
  return Array.from({ length: count }, (_, i) => {
    let key: Buffer | null = Buffer.from(`${tag}-key-${i}`);
    if (i % 7 === 3) key = randomBytes(16);
    if (i === 1) key = null;
    if (i === 2) key = Buffer.alloc(0);
    let value: Buffer | null = randomBytes(1 + ((i * 97) % 1500));
    if (i === 4) value = null;
    if (i === 5) value = Buffer.alloc(0);
    if (i === 6) value = randomBytes(100_000);
    const headers: Array<[string, Buffer | null]> =
      i % 4 === 3
        ? []
        : [
            ['trace', Buffer.from(`${tag}-${i}`)],
            ['binary', Buffer.from([0, 255, 10, 13, 0x80, i & 0xff])],
            ['trace', Buffer.from('second value, same name')],
            ['empty', Buffer.alloc(0)],
            ['null', null],
            ['grüße-名前', Buffer.from('ünïcødé ✓')],
          ];
    return { partition: i % partitions, key, value, headers, timestamp: i === 7 ? 1 : base + i * 1001 };
  });
}

/**
 * Reads every partition of `topic` from the beginning with our Consumer
 * (assigned, no group) until `count` messages came and a statistics report
 * made after them arrived (a consumer's reports are served while it is being
 * read, so reading goes on until then: a message more than expected would show).
 */
export async function readWithOurs(
  bootstrap: string,
  topic: string,
  partitions: number,
  count: number,
): Promise<{ messages: Seen[]; stats: StatsTotals }> {
  const stats = new StatsTotals(topic);
  const consumer = new Consumer({
    'bootstrap.servers': bootstrap,
    'group.id': `interop-assign-${topic}`,
    'statistics.interval.ms': 100,
  });
  consumer.on('stats', stats.add);
  try {
    await consumer.connect();
    consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: Offsets.BEGINNING })));
    const reader = new BoundedReader(consumer.batches({ maxWaitMs: 0 })[Symbol.asyncIterator]());
    const messages: Seen[] = [];
    const deadline = Date.now() + 30_000;
    while ((messages.length < count || stats.partitionTotal('rxmsgs') < count) && Date.now() < deadline) {
      const batch = await reader.next(Math.min(100, deadline - Date.now()));
      if (batch) messages.push(...batch.map(fromOurs));
    }
    reader.stop();
    if (stats.partitionTotal('rxmsgs') < count && messages.length >= count) {
      throw new Error(`no statistics report counted the ${count} messages read within 30 s`);
    }
    return { messages: sortSeen(messages), stats };
  } finally {
    await consumer.disconnect();
  }
}
