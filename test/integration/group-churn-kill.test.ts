// A consumer group of three on the real broker, one member a child process
// SIGKILLed mid-stream (no close, no leave), a new member joining after: once
// the broker's session timeout hands the dead member's partitions on, every
// message is processed at least once, and the group's committed offsets never
// pass a message nobody processed (sampled throughout and at the end).
// Duplicates are counted and reported.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Consumer, Producer, type TopicPartition } from '../../src';
import { type ClusterTarget, startKafkaTarget } from '../support/clusters';
import { BoundedReader } from '../support/consume';
import { uniqueTopic, waitFor } from '../support/mock';

const worker = path.resolve(__dirname, '..', 'support', 'group-member-worker.js');
const PARTITIONS = 6;
const MESSAGES = 6000;

let cluster: ClusterTarget;
let producer: Producer;
const consumers: Consumer[] = [];
let child: ChildProcess | undefined;

beforeAll(async () => {
  cluster = await startKafkaTarget();
  producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 2 });
  await producer.connect();
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await Promise.allSettled(consumers.map((consumer) => consumer.disconnect()));
  await producer?.disconnect();
  await cluster?.close();
});

describe('consumer group churn with a member SIGKILLed', () => {
  it('processes every message at least once; committed offsets never pass an unprocessed one', async () => {
    const topic = uniqueTopic('churn-kill');
    const group = uniqueTopic('churn-kill');
    await cluster.createTopic(topic, PARTITIONS);
    // How often each partition:offset was processed, by anyone.
    const processed = new Map<string, number>();
    const note = (partition: number, offset: number): void => {
      const key = `${partition}:${offset}`;
      processed.set(key, (processed.get(key) ?? 0) + 1);
    };
    const config = {
      'bootstrap.servers': cluster.bootstrapServers,
      'group.id': group,
      'auto.offset.reset': 'earliest' as const,
      'session.timeout.ms': 6000,
      'heartbeat.interval.ms': 500,
      'auto.commit.interval.ms': 100,
      'partition.assignment.strategy': 'cooperative-sticky',
    };
    let stopping = false;
    const member = async (): Promise<void> => {
      const consumer = new Consumer(config);
      consumers.push(consumer);
      await consumer.connect();
      consumer.subscribe(topic);
      const reader = new BoundedReader(consumer[Symbol.asyncIterator]());
      while (!stopping) {
        const message = await reader.next(100);
        if (message === undefined) continue;
        await new Promise((resolve) => setTimeout(resolve, 1)); // the work
        note(message.partition, message.offset);
      }
      reader.stop();
      await consumer.disconnect(); // commits what was processed
    };

    // Member three: a child process.
    let childProcessed = 0;
    child = spawn(process.execPath, [worker], {
      env: { ...process.env, BOOTSTRAP: cluster.bootstrapServers, TOPIC: topic, GROUP_ID: group, PROCESS_MS: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const childErrors: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => childErrors.push(chunk.toString()));
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const [partition, offset] = line.split(' ').map(Number);
        if (line !== 'ready' && Number.isInteger(offset)) {
          note(partition, offset);
          childProcessed++;
        }
      }
    });
    const members = [member(), member()];

    // The committed offsets, sampled: each must sit above processed messages only.
    const checker = new Consumer({ ...config, 'enable.auto.commit': false });
    consumers.push(checker);
    await checker.connect();
    const partitions: TopicPartition[] = [...Array(PARTITIONS).keys()].map((partition) => ({ topic, partition }));
    const violations: string[] = [];
    let samples = 0;
    const checkCommitted = async (): Promise<void> => {
      const committed = await checker.committed(partitions, 5000);
      samples++;
      const unprocessed = (): string[] =>
        committed.flatMap(({ partition, offset }) => {
          const missing: string[] = [];
          for (let o = 0; o < offset; o++) if (!processed.has(`${partition}:${o}`)) missing.push(`${partition}:${o}`);
          return missing.length > 0 ? [`committed ${partition}:${offset} passes ${missing.length} (${missing[0]}...)`] : [];
        });
      if (unprocessed().length === 0) return;
      // The child's last lines may still be in the pipe: look again shortly.
      await new Promise((resolve) => setTimeout(resolve, 500));
      violations.push(...unprocessed());
    };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await checkCommitted().catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
    })();

    // Produce over a few seconds, so the kill lands mid-stream.
    const producing = (async () => {
      for (let i = 0; i < MESSAGES; i++) {
        await producer.produceOrWait({ topic, partition: i % PARTITIONS, value: `m${i}` });
        if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 80));
      }
      await producer.flush(30_000);
    })();

    await waitFor(() => childProcessed >= 200, 60_000, 'the child member to process 200 messages');
    child.kill('SIGKILL');
    const killedAfter = childProcessed;
    await new Promise((resolve) => child!.once('exit', resolve));
    expect(child.signalCode).toBe('SIGKILL');
    const joined = member(); // a new member joins after the kill
    await producing;
    await waitFor(() => processed.size >= MESSAGES, 90_000, `all ${MESSAGES} messages processed`).catch(() => {});
    sampling = false;
    await sampler;
    stopping = true;
    await Promise.all([...members, joined]);
    await checkCommitted();

    const missing = MESSAGES - processed.size;
    const duplicates = [...processed.values()].reduce((sum, count) => sum + count - 1, 0);
    console.log(
      `group churn: ${MESSAGES} messages, child SIGKILLed after ${killedAfter}, a member joined; ` +
        `missing ${missing}, duplicates ${duplicates}, committed offsets sampled ${samples} times, violations ${violations.length}`,
    );
    expect(missing).toBe(0);
    expect(violations).toEqual([]);
    expect(samples).toBeGreaterThan(5);
    // Final: each partition's committed offset is its end (6000 / 6 each), all processed.
    expect((await checker.committed(partitions, 5000)).map((entry) => entry.offset)).toEqual(
      Array(PARTITIONS).fill(MESSAGES / PARTITIONS),
    );
    expect(childErrors.join('')).not.toMatch(/Error:/);
  }, 180_000);
});
