// Exactly-once consume-transform-produce under crashes, on the real broker: a
// worker process (test/support/transform-worker.js) is SIGKILLed at different
// points of its transactions and restarted; a read_committed reader of its
// output must then see every input exactly once.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Consumer, Producer } from '../../src';
import { type ClusterTarget, startKafkaTarget } from '../support/clusters';
import { collect } from '../support/consume';
import { uniqueTopic } from '../support/mock';

const INPUTS = 20_000;
const PARTITIONS = 4;
const TRANSACTION_SIZE = 500;
const worker = path.resolve(__dirname, '..', 'support', 'transform-worker.js');
const builtPackage = path.resolve(__dirname, '..', '..', 'dist', 'cjs', 'index.js');

// Where each run is killed: the step line after which the SIGKILL goes, and
// in which of that run's transactions. Together they cover a kill while
// producing, with the output written but uncommitted, and with the offsets
// sent but the commit not yet done.
const KILLS = [
  { after: 'flushed', transaction: 3 },
  { after: 'begun', transaction: 2 },
  { after: 'offsets-sent', transaction: 4 },
  { after: 'flushed', transaction: 2 },
] as const;

interface WorkerRun {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  committed: number;
  stderr: string[];
}

describe('Consume-transform-produce under SIGKILL, on the real broker', () => {
  let cluster: ClusterTarget;
  const clients: Array<Producer | Consumer> = [];
  const running = new Set<ChildProcess>();

  beforeAll(async () => {
    if (!existsSync(builtPackage)) throw new Error(`${builtPackage} is missing: run npm run build:ts first`);
    cluster = await startKafkaTarget();
  });
  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await Promise.all(clients.map((client) => client.disconnect()));
    await cluster?.close();
  });

  function startWorker(env: Record<string, string>, killAt?: (typeof KILLS)[number]): WorkerRun {
    const child = spawn(process.execPath, [worker], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    const run: WorkerRun = {
      child,
      committed: 0,
      stderr: [],
      exited: new Promise((resolve) =>
        child.on('exit', (code, signal) => {
          running.delete(child);
          resolve({ code, signal });
        }),
      ),
    };
    createInterface({ input: child.stderr! }).on('line', (line) => run.stderr.push(line));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [stepName, transaction, count] = line.split(' ');
      if (stepName === 'committed') run.committed += Number(count);
      if (killAt && stepName === killAt.after && Number(transaction) === killAt.transaction) child.kill('SIGKILL');
    });
    return run;
  }

  it(`${INPUTS} inputs, transactions of ${TRANSACTION_SIZE}, ${KILLS.length} SIGKILLs mid-transaction: no duplicates, none missing`, async () => {
    const input = uniqueTopic('crash-input');
    const output = uniqueTopic('crash-output');
    await cluster.createTopic(input, PARTITIONS);
    await cluster.createTopic(output, PARTITIONS);
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 5 });
    clients.push(producer);
    await producer.connect();
    for (let n = 0; n < INPUTS; n++) await producer.produceOrWait({ topic: input, key: String(n), value: String(n) });
    await producer.flush(30_000);

    const env = {
      BOOTSTRAP: cluster.bootstrapServers,
      INPUT_TOPIC: input,
      OUTPUT_TOPIC: output,
      GROUP_ID: uniqueTopic('crash-group'),
      TRANSACTIONAL_ID: uniqueTopic('crash-worker'),
      TRANSACTION_SIZE: String(TRANSACTION_SIZE),
      PAUSE_BEFORE_COMMIT_MS: '20',
    };
    let kills = 0;
    let committedByKilledRuns = 0;
    for (const killAt of KILLS) {
      const run = startWorker(env, killAt);
      const { code, signal } = await run.exited;
      expect(signal, `worker run ${kills + 1} was killed, not ended (code ${code}): ${run.stderr.join('\n')}`).toBe('SIGKILL');
      kills++;
      committedByKilledRuns += run.committed;
    }
    const last = startWorker({ ...env, EXIT_WHEN_IDLE_MS: '3000' });
    const ended = await last.exited;
    expect(ended, last.stderr.join('\n')).toEqual({ code: 0, signal: null });

    const reader = new Consumer({
      'bootstrap.servers': cluster.bootstrapServers,
      'group.id': uniqueTopic('crash-reader'),
      'auto.offset.reset': 'earliest',
      'isolation.level': 'read_committed',
    });
    clients.push(reader);
    await reader.connect();
    reader.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: output, partition, offset: -2 })));
    const seen = new Map<string, number>();
    // Everything is committed by now: read the expected count, then wait a
    // little for anything beyond it (which would be a duplicate).
    const messages = await collect(reader, INPUTS, 60_000);
    messages.push(...(await collect(reader, 1, 3_000)));
    const read = messages.length;
    for (const message of messages) {
      const value = String(message.value);
      seen.set(value, (seen.get(value) ?? 0) + 1);
    }
    let duplicates = 0;
    for (const count of seen.values()) duplicates += count - 1;
    let missing = 0;
    for (let n = 0; n < INPUTS; n++) if (!seen.has(`transformed-${n}`)) missing++;
    console.log(
      `crash test: inputs=${INPUTS} kills=${kills} duplicates=${duplicates} missing=${missing} ` +
        `read_committed=${read} committed before the last run=${committedByKilledRuns} by the last run=${last.committed}`,
    );
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(committedByKilledRuns, 'the killed runs made progress').toBeGreaterThan(0);
    expect(duplicates).toBe(0);
    expect(missing).toBe(0);
    expect(read).toBe(INPUTS);
  }, 180_000);
});
