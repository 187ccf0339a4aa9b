// `mock`, `demo`, `bench` and `groups` as child processes, on the embedded
// mock cluster: the mock command serves real clients until a signal, the demo
// moves its million messages, bench measures, groups reports lag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AdminClient, Consumer, MockCluster, Producer } from '../../src';
import { uniqueTopic } from '../support/mock';
import { firstLine, lines, requireBuiltCli, runCli, singleErrorLine, startCli } from './support';

beforeAll(() => requireBuiltCli());

describe('rdkafka-napi mock', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('serves its brokers and topics to clients until %s, then exits 0', async (signal) => {
    const child = startCli(['mock', '--brokers', '3', '--topic', 'orders:6', '--topic', 'audit']);
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    try {
      const bootstrap = await firstLine(child, 15_000);
      expect(bootstrap).toMatch(/^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+){2}$/);
      const admin = new AdminClient({ 'bootstrap.servers': bootstrap });
      await admin.connect();
      const metadata = await admin.getMetadata();
      await admin.disconnect();
      expect(metadata.brokers.map((b) => b.id).sort()).toEqual([1, 2, 3]);
      const partitions = Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]));
      expect(partitions).toMatchObject({ orders: 6, audit: 1 });
      // A message goes through it and back.
      const producer = new Producer({ 'bootstrap.servers': bootstrap });
      await producer.connect();
      const report = await producer.send({ topic: 'orders', partition: 4, value: 'through the mock' });
      await producer.disconnect();
      expect(report).toMatchObject({ partition: 4, offset: 0 });
    } finally {
      child.kill(signal);
    }
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const text = Buffer.concat(stderr).toString();
    expect(text).toMatch(
      /^mock cluster of 3 brokers at 127\.0\.0\.1:\d+.*, topics orders \(6 partitions\), audit \(1 partition\); Ctrl-C stops it\n/,
    );
    expect(text).toContain(`mock cluster stopped (${signal})\n`);
  });
});

describe('rdkafka-napi demo', () => {
  it('produces and consumes 1,000,000 messages, prints throughput and latency percentiles, plain progress lines off a TTY', async () => {
    const result = await runCli(['demo'], { timeoutMs: 240_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = lines(result.stdout);
    expect(out[0]).toMatch(
      /^rdkafka-napi demo: librdkafka \d+\.\d+\.\d+, embedded mock cluster at 127\.0\.0\.1:\d+, 1,000,000 messages of 100 B/,
    );
    // Off a terminal: no carriage returns, a line every tenth of the way.
    expect(result.stdout).not.toContain('\r');
    expect(out.filter((line) => line.startsWith('produce: ')).length).toBeGreaterThanOrEqual(2);
    expect(out).toContainEqual(expect.stringMatching(/^consume: 100% 1,000,000\/1,000,000 /));
    const figure = (label: string): RegExpMatchArray => {
      const match = out
        .map((line) => new RegExp(`^${label}: +1,000,000 messages in ([\\d.]+) s = ([\\d.,]+ M? ?msg/s)`).exec(line))
        .find(Boolean);
      if (!match) throw new Error(`no ${label} figure in:\n${result.stdout}`);
      return match;
    };
    expect(Number(figure('produce')[1])).toBeGreaterThan(0);
    expect(Number(figure('consume')[1])).toBeGreaterThan(0);
    const latency = out.find((line) => line.startsWith('latency:   end to end'));
    expect(latency).toMatch(/p50 [\d.]+ ms, p90 [\d.]+ ms, p99 [\d.]+ ms, p99\.9 [\d.]+ ms, max [\d.]+ ms/);
  });
});

describe('rdkafka-napi bench', () => {
  it('on the embedded mock by default', async () => {
    const result = await runCli(['bench', '-n', '20000', '-s', '200'], { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    const out = lines(result.stdout);
    expect(out[0]).toMatch(
      /^bench: 20,000 messages of 200 B to rdkafka-napi-bench-\w+ \(\d+ partitions?\) on the embedded mock cluster/,
    );
    expect(out).toContainEqual(expect.stringMatching(/^produce: [\d.,]+ M? ?msg\/s, [\d.]+ MB\/s \(20,000 in [\d.]+ s\)$/));
    expect(out).toContainEqual(expect.stringMatching(/^consume: [\d.,]+ M? ?msg\/s, [\d.]+ MB\/s \(20,000 in [\d.]+ s\)$/));
  });
});

describe('rdkafka-napi groups', () => {
  let cluster: MockCluster;
  beforeAll(() => {
    cluster = new MockCluster();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('lag: per partition the committed offset, the end and the lag', async () => {
    const topic = uniqueTopic('cli-lag');
    const group = uniqueTopic('cli-lag-group');
    cluster.createTopic(topic, { partitions: 2 });
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers });
    await producer.connect();
    for (let i = 0; i < 5; i++) await producer.send({ topic, partition: 0, value: `a${i}` });
    for (let i = 0; i < 3; i++) await producer.send({ topic, partition: 1, value: `b${i}` });
    await producer.disconnect();
    const committer = new Consumer({ 'bootstrap.servers': cluster.bootstrapServers, 'group.id': group });
    await committer.connect();
    await committer.commit([
      { topic, partition: 0, offset: 2 },
      { topic, partition: 1, offset: 3 },
    ]);
    await committer.disconnect();

    const table = await runCli(['groups', 'lag', group, '-b', cluster.bootstrapServers]);
    expect(table.code).toBe(0);
    expect(lines(table.stdout)).toEqual([
      `group ${group}: total lag 3`,
      'TOPIC\tPARTITION\tCOMMITTED\tEND\tLAG',
      `${topic}\t0\t2\t5\t3`,
      `${topic}\t1\t3\t3\t0`,
    ]);
    const json = await runCli(['groups', 'lag', group, '-t', topic, '-J', '-b', cluster.bootstrapServers]);
    expect(JSON.parse(json.stdout)).toEqual({
      group,
      partitions: [
        { topic, partition: 0, committed: 2, end: 5, lag: 3 },
        { topic, partition: 1, committed: 3, end: 3, lag: 0 },
      ],
    });
    const none = await runCli(['groups', 'lag', uniqueTopic('idle'), '-t', topic, '-b', cluster.bootstrapServers]);
    expect(none.stdout).toMatch(/^group idle-\w+ has no committed offsets on cli-lag-\w+\n$/);
  });

  it('groups list takes no GROUP and describe exactly one: one line, exit 2', async () => {
    const list = await runCli(['groups', 'list', 'g', '-b', cluster.bootstrapServers]);
    expect(singleErrorLine(list)).toMatch(/^rdkafka-napi groups: groups list takes no GROUP/);
    expect(list.code).toBe(2);
    const describe = await runCli(['groups', 'describe', '-b', cluster.bootstrapServers]);
    expect(singleErrorLine(describe)).toMatch(/^rdkafka-napi groups: groups describe needs exactly one GROUP/);
    expect(describe.code).toBe(2);
  });
});
