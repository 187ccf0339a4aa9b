// Every example in examples/ is type-checked against the package's own
// declarations and run as a child process against an embedded mock cluster,
// with its output and its effect on the cluster checked, so none rots.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Consumer, MockCluster, Offsets, Producer } from '../../src';
import { uniqueTopic } from '../support/mock';

const root = path.resolve(__dirname, '..', '..');
const examplesDir = path.join(root, 'examples');

let cluster: MockCluster;
let producer: Producer;

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, 'dist', 'cjs', 'index.d.ts')))
    throw new Error('dist/ is not built: run `npm run build:ts` first');
  cluster = new MockCluster();
  producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 1 });
  await producer.connect();
});
afterAll(async () => {
  await producer?.disconnect();
  await cluster?.close();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an example (it imports 'rdkafka-napi', which resolves to this package) with env, to its end. */
function runExample(name: string, env: Record<string, string>, options: { signalAfter?: RegExp } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(examplesDir, name)], {
      cwd: root,
      env: { ...process.env, KAFKA_BOOTSTRAP: cluster.bootstrapServers, ...env },
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not exit within 60 s; stdout: ${stdout}; stderr: ${stderr}`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.signalAfter && !signalled && options.signalAfter.test(stdout)) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function committed(group: string, topic: string, partitions = 1): Promise<number[]> {
  const consumer = new Consumer({ 'bootstrap.servers': cluster.bootstrapServers, 'group.id': group });
  await consumer.connect();
  try {
    const offsets = await consumer.committed(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
    return offsets.map((entry) => entry.offset);
  } finally {
    await consumer.disconnect();
  }
}

async function readValues(topic: string, count: number): Promise<string[]> {
  const consumer = new Consumer({ 'bootstrap.servers': cluster.bootstrapServers, 'group.id': uniqueTopic('check') });
  await consumer.connect();
  const values: string[] = [];
  try {
    consumer.assign([{ topic, partition: 0, offset: Offsets.BEGINNING }]);
    for await (const message of consumer) {
      values.push(message.value?.toString() ?? '');
      if (values.length === count) break;
    }
  } finally {
    await consumer.disconnect();
  }
  return values;
}

describe('examples', () => {
  it('type-check against the package declarations (examples/tsconfig.json)', () => {
    const examples = fs.readdirSync(examplesDir).filter((file) => file.endsWith('.mjs'));
    expect(examples.sort()).toEqual(['batch-processing.mjs', 'consumer.mjs', 'graceful-shutdown.mjs', 'producer.mjs']);
    const result = spawnSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', path.join(examplesDir, 'tsconfig.json')],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('producer.mjs: produces its events, prints a delivery report for each, flushes', async () => {
    const topic = uniqueTopic('purchases');
    cluster.createTopic(topic, { partitions: 1 });
    const run = await runExample('producer.mjs', { TOPIC: topic, MESSAGES: '8' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(
      Array.from({ length: 8 }, (_, i) => `Produced event to topic ${topic} partition 0 offset ${i}`),
    );
    expect(await readValues(topic, 8)).toEqual([
      'book',
      'alarm clock',
      't-shirts',
      'gift card',
      'batteries',
      'book',
      'alarm clock',
      't-shirts',
    ]);
  });

  it('consumer.mjs: prints each event as a group member and commits what it processed', async () => {
    const topic = uniqueTopic('purchases');
    const group = uniqueTopic('getting-started');
    cluster.createTopic(topic, { partitions: 1 });
    for (let i = 0; i < 12; i++) await producer.send({ topic, key: `user${i}`, value: `item${i}` });
    const run = await runExample('consumer.mjs', { TOPIC: topic, GROUP: group, MAX_MESSAGES: '7' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(
      Array.from({ length: 7 }, (_, i) => `Consumed event from topic ${topic}: key = user${i} value = item${i}`),
    );
    expect(await committed(group, topic)).toEqual([7]);
  });

  it('graceful-shutdown.mjs: on SIGTERM finishes, flushes, commits, exits 0', async () => {
    const input = uniqueTopic('orders');
    const output = uniqueTopic('confirmations');
    const group = uniqueTopic('confirmers');
    cluster.createTopic(input, { partitions: 1 });
    cluster.createTopic(output, { partitions: 1 });
    for (let i = 0; i < 5; i++) await producer.send({ topic: input, value: `order-${i}` });
    const run = await runExample(
      'graceful-shutdown.mjs',
      { TOPIC: input, OUTPUT_TOPIC: output, GROUP: group },
      // Signalled once it has processed all five and waits for more.
      { signalAfter: /processed \S+@4\n/ },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SIGTERM: finishing the current message, then shutting down');
    expect(run.stdout).toMatch(/stopped cleanly after 5 messages\n$/);
    expect(await committed(group, input)).toEqual([5]);
    expect(await readValues(output, 5)).toEqual([0, 1, 2, 3, 4].map((i) => `confirmed order-${i}`));
  });

  it('batch-processing.mjs: processes batches and commits each batch end', async () => {
    const topic = uniqueTopic('meter-readings');
    const group = uniqueTopic('meter-totals');
    cluster.createTopic(topic, { partitions: 2 });
    for (let i = 1; i <= 40; i++) producer.produce({ topic, partition: i % 2, value: String(i) });
    await producer.flush();
    const run = await runExample('batch-processing.mjs', { TOPIC: topic, GROUP: group, MAX_MESSAGES: '40' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^batch of \d+: sum \d+, committed /m);
    expect(run.stdout).toMatch(/total 820 over 40 readings\n$/);
    expect(await committed(group, topic, 2)).toEqual([20, 20]);
  });
});
