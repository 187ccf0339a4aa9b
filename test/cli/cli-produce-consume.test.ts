// `produce` and `consume` as child processes on an embedded mock cluster in
// this process: what the CLI produces our library reads byte for byte, and
// what the library produced the CLI prints in each format and from each start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Consumer, MockCluster, Offsets, Producer, type Message } from '../../src';
import { uniqueTopic } from '../support/mock';
import { lines, requireBuiltCli, runCli } from './support';

let cluster: MockCluster;
let bootstrap: string;
let producer: Producer;

beforeAll(async () => {
  requireBuiltCli();
  cluster = new MockCluster({ brokers: 1 });
  bootstrap = cluster.bootstrapServers;
  producer = new Producer({ 'bootstrap.servers': bootstrap, 'linger.ms': 1 });
  await producer.connect();
});
afterAll(async () => {
  await producer?.disconnect();
  await cluster?.close();
});

/** Reads `count` messages of a topic from the beginning with the library. */
async function readAll(topic: string, partitions: number, count: number): Promise<Message[]> {
  const consumer = new Consumer({
    'bootstrap.servers': bootstrap,
    'group.id': uniqueTopic('reader'),
    'enable.auto.commit': false,
  });
  await consumer.connect();
  const seen: Message[] = [];
  const timer = setTimeout(() => void consumer.disconnect(), 20_000);
  try {
    consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: Offsets.BEGINNING })));
    for await (const message of consumer) {
      seen.push({ ...message, key: message.key && Buffer.from(message.key), value: message.value && Buffer.from(message.value) });
      if (seen.length === count) break;
    }
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  if (seen.length < count) throw new Error(`read ${seen.length} of ${count} messages of ${topic}`);
  return seen;
}

/** Produces with the library, one message after the other; resolves with their reports' timestamps. */
async function fill(
  topic: string,
  messages: Array<{ key?: string; value: string; partition?: number; timestamp?: number }>,
): Promise<void> {
  for (const message of messages) {
    await producer.send({ topic, partition: 0, ...message, headers: { n: message.value } });
  }
}

describe('rdkafka-napi produce', () => {
  it('sends stdin lines with -K key delimiter, -H headers and -p partition, byte for byte', async () => {
    const topic = uniqueTopic('cli-produce');
    cluster.createTopic(topic, { partitions: 3 });
    const input = ['k1:v1', 'k2:value: with delimiter', 'no key here', 'ünï:ç✓ 名前', 'k5:', ''].join('\n');
    const result = await runCli(
      ['produce', '-b', bootstrap, '-t', topic, '-K', ':', '-H', 'trace=a', '-H', 'trace=b', '-H', 'eq=x=y', '-p', '2'],
      {
        input: `${input}\n`,
      },
    );
    expect(result.stderr).toBe(`produced 6 messages to ${topic}\n`);
    expect(result.code).toBe(0);
    const read = await readAll(topic, 3, 6);
    expect(read.map((m) => [m.partition, m.key?.toString() ?? null, m.value?.toString() ?? null])).toEqual([
      [2, 'k1', 'v1'],
      [2, 'k2', 'value: with delimiter'],
      [2, null, 'no key here'],
      [2, 'ünï', 'ç✓ 名前'],
      [2, 'k5', ''],
      [2, null, ''],
    ]);
    for (const message of read) {
      expect(message.headers.map((h) => [h.key, h.value?.toString()])).toEqual([
        ['trace', 'a'],
        ['trace', 'b'],
        ['eq', 'x=y'],
      ]);
    }
  });

  it('-Z sends empty values and keys as null; -z compresses; a tab delimiter may be written \\t', async () => {
    const topic = uniqueTopic('cli-produce-z');
    cluster.createTopic(topic, { partitions: 1 });
    const result = await runCli(['produce', '-b', bootstrap, '-t', topic, '-K', '\\t', '-Z', '-z', 'zstd'], {
      input: 'key\tvalue\n\tno key\ntombstone\t\n',
    });
    expect(result.code).toBe(0);
    const read = await readAll(topic, 1, 3);
    expect(read.map((m) => [m.key?.toString() ?? null, m.value?.toString() ?? null])).toEqual([
      ['key', 'value'],
      [null, 'no key'],
      ['tombstone', null],
    ]);
  });

  it('sends each FILE as one message, or its lines with -l', async () => {
    const topic = uniqueTopic('cli-produce-files');
    cluster.createTopic(topic, { partitions: 1 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdkafka-napi-cli-'));
    const binary = Buffer.from([0, 1, 2, 0xff, 0x0a, 0x0d, 0x80]);
    fs.writeFileSync(path.join(dir, 'a.bin'), binary);
    fs.writeFileSync(path.join(dir, 'b.txt'), 'line 1\nline 2\n');
    try {
      const whole = await runCli(['produce', '-b', bootstrap, '-t', topic, path.join(dir, 'a.bin')]);
      expect(whole.code).toBe(0);
      const byLine = await runCli(['produce', '-b', bootstrap, '-t', topic, '-l', path.join(dir, 'b.txt')]);
      expect(byLine.code).toBe(0);
      const missing = await runCli(['produce', '-b', bootstrap, '-t', topic, path.join(dir, 'nope.txt')]);
      expect(missing.code).toBe(1);
      expect(lines(missing.stderr)).toEqual([
        expect.stringMatching(/^rdkafka-napi produce: ENOENT: no such file or directory.*nope\.txt/),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const read = await readAll(topic, 1, 3);
    expect(read[0].value).toEqual(binary);
    expect(read.slice(1).map((m) => m.value?.toString())).toEqual(['line 1', 'line 2']);
  });

  it('a partition the topic lacks: one line, exit 1', async () => {
    const topic = uniqueTopic('cli-produce-bad-partition');
    cluster.createTopic(topic, { partitions: 1 });
    const result = await runCli(['produce', '-b', bootstrap, '-t', topic, '-p', '7'], { input: 'x\n' });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^rdkafka-napi produce: .*(UNKNOWN_PARTITION|partition)/i)]);
  });
});

describe('rdkafka-napi consume', () => {
  let topic: string;
  let timestamps: number[];
  const COUNT = 10;

  beforeAll(async () => {
    topic = uniqueTopic('cli-consume');
    cluster.createTopic(topic, { partitions: 1 });
    const base = Date.now() - 100_000;
    timestamps = Array.from({ length: COUNT }, (_, i) => base + i * 1000);
    await fill(
      topic,
      timestamps.map((timestamp, i) => ({ key: `k${i}`, value: `v${i}`, timestamp })),
    );
  });

  it('prints values only by default, one a line, and stops at the end with -e', async () => {
    const result = await runCli(['consume', '-b', bootstrap, '-t', topic, '-e']);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual(Array.from({ length: COUNT }, (_, i) => `v${i}`));
    expect(result.stderr).toBe(`consumed ${COUNT} messages from ${topic}\n`);
  });

  it('prints JSON lines with the metadata (-J)', async () => {
    const result = await runCli(['consume', '-b', bootstrap, '-t', topic, '-e', '-J', '-c', '2']);
    expect(result.code).toBe(0);
    expect(lines(result.stdout).map((line) => JSON.parse(line))).toEqual(
      [0, 1].map((i) => ({
        topic,
        partition: 0,
        offset: i,
        timestamp: timestamps[i],
        timestampType: 'create-time',
        key: `k${i}`,
        value: `v${i}`,
        headers: [{ key: 'n', value: `v${i}` }],
      })),
    );
  });

  it('prints a kcat-style format string (-f)', async () => {
    const result = await runCli([
      'consume',
      '-b',
      bootstrap,
      '-t',
      topic,
      '-e',
      '-c',
      '3',
      '-f',
      '%t|%p|%o|%k|%s|%S|%K|%T|%h|%%\\n',
    ]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([0, 1, 2].map((i) => `${topic}|0|${i}|k${i}|v${i}|2|2|${timestamps[i]}|n=v${i}|%`));
  });

  it.each([
    ['an absolute offset', ['-o', '7'], ['v7', 'v8', 'v9']],
    ['N before the end', ['-o', '-2'], ['v8', 'v9']],
    ['the end', ['-o', 'end'], []],
  ])('starts at %s', async (_what, offsetArgs, expected) => {
    const result = await runCli(['consume', '-b', bootstrap, '-t', topic, '-e', ...offsetArgs]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual(expected);
  });

  it('reads one partition with -p, and -c stops after N', async () => {
    const multi = uniqueTopic('cli-consume-p');
    cluster.createTopic(multi, { partitions: 3 });
    for (let p = 0; p < 3; p++) {
      for (let i = 0; i < 4; i++) await producer.send({ topic: multi, partition: p, value: `p${p}-${i}` });
    }
    const one = await runCli(['consume', '-b', bootstrap, '-t', multi, '-p', '1', '-e']);
    expect(lines(one.stdout)).toEqual(['p1-0', 'p1-1', 'p1-2', 'p1-3']);
    const all = await runCli(['consume', '-b', bootstrap, '-t', multi, '-e']);
    expect(lines(all.stdout).sort()).toEqual([0, 1, 2].flatMap((p) => [0, 1, 2, 3].map((i) => `p${p}-${i}`)));
    const counted = await runCli(['consume', '-b', bootstrap, '-t', multi, '-c', '5']);
    expect(counted.code).toBe(0);
    expect(lines(counted.stdout)).toHaveLength(5);
    const missing = await runCli(['consume', '-b', bootstrap, '-t', multi, '-p', '9', '-e']);
    expect(missing.code).toBe(2);
    expect(lines(missing.stderr)).toEqual([`rdkafka-napi consume: topic ${multi} has no partition 9 (it has 3: 0-2)`]);
  });

  it('with a group (-G) commits what it printed, so the next run goes on from there', async () => {
    const group = uniqueTopic('cli-group');
    // The mock finishes a rejoin only once the member that left has timed
    // out (LeaveGroup does not end it; kcat sees the same): keep that short.
    const session = ['-X', 'session.timeout.ms=6000'];
    const first = await runCli(['consume', '-b', bootstrap, '-t', topic, '-G', group, '-c', '4', ...session]);
    expect(first.code).toBe(0);
    expect(lines(first.stdout)).toEqual(['v0', 'v1', 'v2', 'v3']);
    const second = await runCli(['consume', '-b', bootstrap, '-t', topic, '-G', group, '-e', ...session]);
    expect(second.code).toBe(0);
    expect(lines(second.stdout)).toEqual(['v4', 'v5', 'v6', 'v7', 'v8', 'v9']);
    const checker = new Consumer({ 'bootstrap.servers': bootstrap, 'group.id': group });
    await checker.connect();
    try {
      expect((await checker.committed([{ topic, partition: 0 }]))[0].offset).toBe(COUNT);
    } finally {
      await checker.disconnect();
    }
  });

  it('a topic that does not exist: one line, exit 1', async () => {
    const result = await runCli(['consume', '-b', bootstrap, '-t', uniqueTopic('absent'), '-e']);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^rdkafka-napi consume: topic absent-\w+ does not exist/)]);
  });

  it('stops cleanly on SIGTERM while waiting for messages (exit 0)', async () => {
    const { startCli } = await import('./support');
    const child = startCli(['consume', '-b', bootstrap, '-t', topic, '-o', 'end']);
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(Buffer.concat(stderr).toString()).toBe(`consumed 0 messages from ${topic}\n`);
  });
});
