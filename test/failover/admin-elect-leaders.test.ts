// ElectLeaders on a 3-broker KRaft cluster: after its preferred leader was
// stopped and restarted, a partition stays led by another broker (automatic
// rebalancing is off here) until AdminClient.electLeaders moves it back.
// The broker stopped is the one the AdminClient knows as controller, so the
// calls made while it is down also prove that admin requests find a live
// controller (librdkafka alone would wait for the dead one: see
// src/admin/controller-refresh.ts).
import { afterAll, beforeAll, expect, it } from 'vitest';

import { AdminClient, type TopicPartitionDescription } from '../../src';
import { BrokerRun } from '../support/broker-run';
import { uniqueTopic } from '../support/mock';

const cluster = new BrokerRun('elect');
let admin: AdminClient;

beforeAll(async () => {
  const bootstrap = await cluster.start(
    '--brokers',
    '3',
    '--port',
    process.env.KAFKA_ELECT_TEST_PORT ?? '29900',
    '--set',
    'auto.leader.rebalance.enable=false',
  );
  admin = new AdminClient({ 'bootstrap.servers': bootstrap });
  admin.on('error', () => {}); // the stopped broker's refused connections are expected here
  await admin.connect();
}, 180_000);

afterAll(async () => {
  await admin?.disconnect();
  await cluster.stop();
}, 120_000);

async function partitionUntil(
  topic: string,
  partition: number,
  done: (description: TopicPartitionDescription) => boolean,
  what: string,
): Promise<TopicPartitionDescription> {
  const deadline = Date.now() + 60_000;
  let last: unknown;
  for (;;) {
    try {
      const [described] = await admin.describeTopics([topic], { timeoutMs: 5000 });
      const found = described.partitions.find((p) => p.partition === partition);
      if (found && done(found)) return found;
      last = found ?? described.error;
    } catch (error) {
      last = String(error);
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within 60 s (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

it('electLeaders gives a partition back to its restarted preferred leader; PREFERRED_LEADER_NOT_AVAILABLE while it is down, ELECTION_NOT_NEEDED where it leads', async () => {
  const controller = (await admin.describeCluster()).controller?.id;
  expect([1, 2, 3]).toContain(controller);
  const victim = controller as number;
  const others = [1, 2, 3].filter((id) => id !== victim);
  const topic = uniqueTopic('elect');
  // Partition 0 prefers the controller, partition 1 another broker.
  const [created] = await admin.createTopicsWithResults([
    {
      topic,
      replicaAssignment: [
        [victim, ...others],
        [others[0], victim, others[1]],
      ],
    },
  ]);
  expect(created.error).toBeNull();
  await partitionUntil(topic, 0, (p) => p.leader?.id === victim && p.isr.length === 3, `partition 0 led by broker ${victim}`);

  await cluster.stopNode(victim);
  const stoppedAt = Date.now();
  const moved = await partitionUntil(
    topic,
    0,
    (p) => p.leader !== null && p.leader.id !== victim,
    `leadership moving off broker ${victim}`,
  );
  expect(others).toContain(moved.leader?.id);
  // Without the controller refresh every call here timed out until the 5-minute metadata refresh.
  expect(Date.now() - stoppedAt).toBeLessThan(30_000);

  const whileDown = await admin.electLeaders({ electionType: 'preferred', partitions: [{ topic, partition: 0 }] });
  expect(whileDown).toHaveLength(1);
  expect(whileDown[0].error?.code).toBe('PREFERRED_LEADER_NOT_AVAILABLE');

  await cluster.startNode(victim);
  const rejoined = await partitionUntil(
    topic,
    0,
    (p) => p.isr.some((node) => node.id === victim),
    `broker ${victim} back in the ISR`,
  );
  expect(rejoined.leader?.id).not.toBe(victim); // nothing moved it back by itself

  const elected = await admin.electLeaders({
    electionType: 'preferred',
    partitions: [
      { topic, partition: 0 },
      { topic, partition: 1 },
    ],
  });
  expect(elected.find((r) => r.partition === 0)?.error).toBeNull();
  expect(elected.find((r) => r.partition === 1)?.error?.code).toBe('ELECTION_NOT_NEEDED');
  const back = await partitionUntil(topic, 0, (p) => p.leader?.id === victim, `partition 0 led by broker ${victim} again`);
  expect(back.leader?.id).toBe(victim);

  const described = await admin.describeCluster();
  expect(described.nodes.map((node) => node.id).sort()).toEqual([1, 2, 3]);
}, 240_000);
