// Transactions across clients, on the real broker: confluent-kafka (Python,
// its own librdkafka) reads with read_committed exactly what our transactional
// producer committed, and we read exactly what its transactional producer did.
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Consumer, Offsets, Producer } from '../../src';
import type { ClusterTarget } from '../support/clusters';
import { collect } from '../support/consume';
import { uniqueTopic } from '../support/mock';
import { pythonDir, requireKafka, requirePython, run } from './support';

const END = 'end-of-test';
const COMMITTED = 25;
const ABORTED = 15;
const script = path.join(pythonDir, 'transactions.py');

function numbered(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

describe('transactions interop with confluent-kafka (Python)', () => {
  let cluster: ClusterTarget;
  let python: string;
  const clients: Array<Producer | Consumer> = [];

  beforeAll(async () => {
    cluster = await requireKafka();
    python = await requirePython();
  }, 300_000);
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.disconnect()));
    await cluster?.close();
  });

  async function pythonRead(topic: string, isolation: string): Promise<string[]> {
    const out = await run(python, [script, 'consume', cluster.bootstrapServers, topic, isolation, END], { timeoutMs: 60_000 });
    return (JSON.parse(out) as { values: string[] }).values;
  }

  async function ourRead(topic: string, isolation: string): Promise<string[]> {
    const reader = new Consumer({
      'bootstrap.servers': cluster.bootstrapServers,
      'group.id': uniqueTopic('interop-tx-reader'),
      'isolation.level': isolation,
    } as never);
    clients.push(reader);
    await reader.connect();
    reader.assign([{ topic, partition: 0, offset: Offsets.BEGINNING }]);
    const values: string[] = [];
    const deadline = Date.now() + 30_000;
    while (!values.includes(END) && Date.now() < deadline) {
      for (const message of await collect(reader, 1, 1000)) values.push(String(message.value));
    }
    await reader.disconnect();
    return values;
  }

  it('a Python read_committed consumer sees exactly the messages our transactions committed', async () => {
    const topic = uniqueTopic('tx-us-to-py');
    await cluster.createTopic(topic, 1);
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'transactional.id': uniqueTopic('tx-us') });
    clients.push(producer);
    await producer.connect();
    await producer.initTransactions();
    await producer.transaction((tx) => {
      for (const value of numbered('us-committed', COMMITTED)) tx.produce({ topic, partition: 0, value });
    });
    producer.beginTransaction();
    for (const value of numbered('us-aborted', ABORTED)) producer.produce({ topic, partition: 0, value });
    await producer.flush(10_000); // in the log, hidden only by the abort marker
    await producer.abortTransaction();
    await producer.transaction((tx) => tx.produce({ topic, partition: 0, value: END }));

    expect(await pythonRead(topic, 'read_committed')).toEqual([...numbered('us-committed', COMMITTED), END]);
    expect(await pythonRead(topic, 'read_uncommitted')).toEqual([
      ...numbered('us-committed', COMMITTED),
      ...numbered('us-aborted', ABORTED),
      END,
    ]);
  });

  it('our read_committed consumer sees exactly what a Python transactional producer committed', async () => {
    const topic = uniqueTopic('tx-py-to-us');
    await cluster.createTopic(topic, 1);
    const out = await run(
      python,
      [script, 'produce', cluster.bootstrapServers, topic, uniqueTopic('tx-py'), String(COMMITTED), String(ABORTED)],
      { timeoutMs: 90_000 },
    );
    expect(JSON.parse(out)).toEqual({ committed: COMMITTED, aborted: ABORTED });

    expect(await ourRead(topic, 'read_committed')).toEqual([...numbered('py-committed', COMMITTED), END]);
    expect(await ourRead(topic, 'read_uncommitted')).toEqual([
      ...numbered('py-committed', COMMITTED),
      ...numbered('py-aborted', ABORTED),
      END,
    ]);
  });
});
