// The CLI on the real Kafka broker of the global setup: topics through the
// AdminClient (the mock has no CreateTopics/DeleteTopics), timestamp starts
// (the mock has no lookup by time) and bench against a given broker.
import { inject, beforeAll, describe, expect, it } from 'vitest';

import { AdminClient, Consumer, Producer } from '../../src';
import { uniqueTopic } from '../support/mock';
import { lines, requireBuiltCli, runCli, singleErrorLine } from './support';

let bootstrap: string;

beforeAll(() => {
  requireBuiltCli();
  bootstrap = inject('kafkaBootstrap');
  if (inject('kafkaVersion') === 'none' || !bootstrap) {
    throw new Error('these tests need the real Kafka broker: run without RDKAFKA_NAPI_TEST_BROKER=none');
  }
});

describe('rdkafka-napi topics on Kafka', () => {
  it('creates, lists, describes and deletes topics', async () => {
    const names = [uniqueTopic('cli-topic'), uniqueTopic('cli-topic')];
    const created = await runCli([
      'topics',
      'create',
      ...names,
      '-P',
      '3',
      '-r',
      '1',
      '-c',
      'cleanup.policy=compact',
      '-b',
      bootstrap,
    ]);
    expect(created.stderr).toBe('');
    expect(lines(created.stdout)).toEqual(names.map((name) => `created ${name}`));

    const listed = await runCli(['topics', 'list', '-b', bootstrap]);
    expect(listed.code).toBe(0);
    for (const name of names) expect(lines(listed.stdout)).toContain(`${name}\t3`);
    expect(listed.stdout).not.toMatch(/^__/m);

    const described = await runCli(['topics', 'describe', names[0], '-J', '-b', bootstrap]);
    const [topic] = JSON.parse(described.stdout) as Array<{
      name: string;
      partitions: Array<{ id: number; leader: number; isr: number[] }>;
    }>;
    expect(topic.name).toBe(names[0]);
    expect(topic.partitions.map((p) => p.id)).toEqual([0, 1, 2]);
    for (const partition of topic.partitions) expect(partition.isr).toEqual([partition.leader]);
    const text = await runCli(['topics', 'describe', names[1], '-b', bootstrap]);
    expect(lines(text.stdout)[0]).toBe(`topic ${names[1]}: 3 partitions`);
    expect(lines(text.stdout).slice(1)).toEqual(
      [0, 1, 2].map((id) => expect.stringMatching(new RegExp(`^  partition ${id}\\tleader \\d+\\treplicas \\d+\\tisr \\d+$`))),
    );

    const again = await runCli(['topics', 'create', names[0], '-b', bootstrap]);
    expect(singleErrorLine(again)).toMatch(/^rdkafka-napi topics: .*TOPIC_ALREADY_EXISTS|already exists/i);
    expect(again.code).toBe(1);
    const tolerated = await runCli(['topics', 'create', names[0], '--if-not-exists', '-b', bootstrap]);
    expect(tolerated.code).toBe(0);

    const deleted = await runCli(['topics', 'delete', ...names, '-b', bootstrap]);
    expect(lines(deleted.stdout)).toEqual(names.map((name) => `deleted ${name}`));
    const gone = await runCli(['topics', 'describe', names[0], '-b', bootstrap]);
    expect(singleErrorLine(gone)).toBe(`rdkafka-napi topics: topic ${names[0]} does not exist`);
    expect(gone.code).toBe(1);
  });
});

describe('rdkafka-napi consume on Kafka', () => {
  it('starts at the first message at or after a time (-o s@MS)', async () => {
    const topic = uniqueTopic('cli-time');
    const created = await runCli(['topics', 'create', topic, '-P', '1', '-b', bootstrap]);
    expect(created.code).toBe(0);
    const producer = new Producer({ 'bootstrap.servers': bootstrap });
    await producer.connect();
    const base = Date.now() - 60_000;
    for (let i = 0; i < 6; i++) await producer.send({ topic, value: `t${i}`, timestamp: base + i * 1000 });
    await producer.disconnect();
    const result = await runCli(['consume', '-b', bootstrap, '-t', topic, '-e', '-o', `s@${base + 3500}`]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual(['t4', 't5']);
    const future = await runCli(['consume', '-b', bootstrap, '-t', topic, '-e', '-o', `s@${Date.now() + 3_600_000}`]);
    expect(lines(future.stdout)).toEqual([]);
    await runCli(['topics', 'delete', topic, '-b', bootstrap]);
  });
});

describe('rdkafka-napi bench on Kafka', () => {
  it('produces and consumes against the given broker, and deletes its topic', async () => {
    const result = await runCli(['bench', '-b', bootstrap, '-n', '50000', '-P', '2'], { timeoutMs: 120_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = lines(result.stdout);
    const topic = /to (rdkafka-napi-bench-\w+) \(2 partitions\) on 127\.0\.0\.1:\d+$/.exec(out[0])?.[1];
    expect(topic, out[0]).toBeDefined();
    expect(out).toContainEqual(expect.stringMatching(/^consume: .*\(50,000 in [\d.]+ s\)$/));
    const listed = await runCli(['topics', 'list', '-b', bootstrap]);
    expect(listed.stdout).not.toContain(topic!);
  });
});

describe('rdkafka-napi groups on Kafka', () => {
  it('lists the consumer groups and describes one with its members and partitions', async () => {
    const topic = uniqueTopic('cli-groups');
    const group = uniqueTopic('cli-group');
    const admin = new AdminClient({ 'bootstrap.servers': bootstrap });
    await admin.connect();
    await admin.createTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
    await admin.disconnect();
    const producer = new Producer({ 'bootstrap.servers': bootstrap });
    await producer.connect();
    await producer.send({ topic, value: 'v' });
    await producer.disconnect();
    const member = new Consumer({
      'bootstrap.servers': bootstrap,
      'group.id': group,
      'auto.offset.reset': 'earliest',
      'client.id': 'cli-groups-member',
    });
    await member.connect();
    try {
      member.subscribe(topic);
      for await (const _ of member) break; // joined and assigned
      const listed = await runCli(['groups', 'list', '-b', bootstrap]);
      expect(listed.code).toBe(0);
      expect(lines(listed.stdout)).toContain(`${group}\tstable`);
      const described = await runCli(['groups', 'describe', group, '-b', bootstrap]);
      expect(described.code).toBe(0);
      const [head, ...members] = lines(described.stdout);
      expect(head).toMatch(
        new RegExp(`^group ${group}: state stable, assignor \\S+, coordinator 127\\.0\\.0\\.1:\\d+, 1 member\\(s\\)$`),
      );
      expect(members).toEqual([expect.stringMatching(new RegExp(`\\tcli-groups-member\\t.*\\t${topic}\\[0\\]$`))]);
      const json = JSON.parse((await runCli(['groups', 'describe', group, '-J', '-b', bootstrap])).stdout);
      expect(json.groupId).toBe(group);
      expect(json.members).toHaveLength(1);
    } finally {
      await member.disconnect();
    }
  });
});
