// Interop with kcat (Debian's, over its own librdkafka) on the real broker:
// what kcat produces we read exactly, and what we produce kcat prints exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Producer } from '../../src';
import type { ClusterTarget } from '../support/clusters';
import { uniqueTopic } from '../support/mock';
import { type Sample, expected, kcatConsume, readWithOurs, requireKafka, requireKcat, run } from './support';

describe('interop with kcat', () => {
  let cluster: ClusterTarget;
  let producer: Producer;

  beforeAll(async () => {
    cluster = await requireKafka();
    await requireKcat();
    producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 5 });
    await producer.connect();
  }, 120_000);
  afterAll(async () => {
    await producer?.disconnect();
    await cluster?.close();
  });

  it('reads exactly what `kcat -P -K: -H ...` produced: keys, values, repeated and empty headers, nulls with -Z', async () => {
    const topic = uniqueTopic('kcat-to-us');
    await cluster.createTopic(topic, 1);
    const lines: Array<[string, string | null, string | null]> = [
      // [input line, key, value]
      ['k1:plain value', 'k1', 'plain value'],
      ['k2:value: with the delimiter', 'k2', 'value: with the delimiter'],
      ['ünï-køy:ünïcødé välue ✓ 名前', 'ünï-køy', 'ünïcødé välue ✓ 名前'],
      ['line without key delimiter', null, 'line without key delimiter'],
      ['k5:', 'k5', null], // -Z: an empty value is sent as null
      ['k6:  spaces kept  ', 'k6', '  spaces kept  '],
      ...Array.from({ length: 24 }, (_, i): [string, string, string] => [`key-${i}:value-${i}`, `key-${i}`, `value-${i}`]),
    ];
    const headers: Array<[string, string]> = [
      ['trace', 'first'],
      ['trace', 'second'],
      ['empty', ''],
      ['grüße', 'wörld=with=equals'],
    ];
    const before = Date.now();
    await run(
      'kcat',
      ['-P', '-b', cluster.bootstrapServers, '-t', topic, '-K:', '-Z', ...headers.flatMap(([n, v]) => ['-H', `${n}=${v}`])],
      { input: lines.map(([line]) => `${line}\n`).join(''), timeoutMs: 30_000 },
    );
    const after = Date.now();

    const { messages } = await readWithOurs(cluster.bootstrapServers, topic, 1, lines.length);
    for (const message of messages) {
      expect(message.timestampType).toBe('create-time');
      expect(message.timestamp).toBeGreaterThanOrEqual(before - 1000);
      expect(message.timestamp).toBeLessThanOrEqual(after + 1000);
    }
    const samples: Sample[] = lines.map(([, key, value]) => ({
      key: key === null ? null : Buffer.from(key),
      value: value === null ? null : Buffer.from(value),
      headers: headers.map(([n, v]) => [n, Buffer.from(v)]),
    }));
    const want = expected(
      samples,
      samples.map((_, offset) => ({ partition: 0, offset })),
    );
    expect(messages.map((m) => ({ ...m, timestamp: -1 }))).toEqual(want);
  });

  it('kcat -C prints exactly what we produced, as JSON (-J) and with -f', async () => {
    const topic = uniqueTopic('us-to-kcat');
    await cluster.createTopic(topic, 2);
    const samples: Sample[] = Array.from({ length: 30 }, (_, i) => ({
      partition: i % 2,
      key: i === 3 ? null : Buffer.from(`key-${i}-ünï`),
      value: i === 4 ? null : Buffer.from(i === 5 ? '' : `value ${i} ✓ "quoted" \\ back\tslash`),
      headers:
        i % 3 === 2
          ? []
          : [
              ['trace', Buffer.from(`t-${i}`)],
              ['trace', Buffer.from('again')],
              ['empty', Buffer.alloc(0)],
              ['null', null],
              ['名前', Buffer.from('wert')],
            ],
      timestamp: 1_600_000_000_000 + i * 37,
    }));
    const reports = await Promise.all(
      samples.map((s) =>
        producer.send({ topic, partition: s.partition, key: s.key, value: s.value, headers: s.headers, timestamp: s.timestamp }),
      ),
    );
    const want = expected(samples, reports);

    const json = await kcatConsume(cluster.bootstrapServers, topic);
    expect(json.sort((a, b) => a.partition - b.partition || a.offset - b.offset)).toEqual(want);

    const text = (
      await run(
        'kcat',
        ['-C', '-b', cluster.bootstrapServers, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o|%k|%s|%h|%T\\n'],
        { timeoutMs: 30_000 },
      )
    ).split('\n');
    expect(text.pop()).toBe('');
    const str = (b: Buffer | null): string => (b === null ? '' : b.toString());
    expect(text).toEqual(
      samples
        .map((s, i) => ({ s, r: reports[i] }))
        .filter(({ r }) => r.partition === 0)
        .sort((a, b) => a.r.offset - b.r.offset)
        .map(
          ({ s, r }) =>
            `${r.offset}|${str(s.key)}|${str(s.value)}|${s.headers.map(([n, v]) => `${n}=${v === null ? 'NULL' : v.toString()}`).join(',')}|${s.timestamp}`,
        ),
    );
  });
});
