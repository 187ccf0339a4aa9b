// Compression interop on the real broker, for every codec: what we compress,
// confluent-kafka (Python) and kcat decompress, and the other way round. The
// byte counts of the clients' statistics show the batches really travelled
// compressed (the broker keeps them as the producer sent them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Producer } from '../../src';
import type { ClusterTarget } from '../support/clusters';
import { uniqueTopic } from '../support/mock';
import {
  type Sample,
  StatsTotals,
  expected,
  kcatConsume,
  pythonConsume,
  pythonProduce,
  readWithOurs,
  requireKafka,
  requireKcat,
  requirePython,
  run,
  sortSeen,
  until,
} from './support';

const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
const COUNT = 40;

/** Text that compresses well (every codec gets it below a fifth), ~4 KB a message. */
function compressible(codec: string, from: string): Sample[] {
  return Array.from({ length: COUNT }, (_, i) => ({
    partition: 0,
    key: Buffer.from(`${from}-${codec}-${i}`),
    value: Buffer.from(`${from} ${codec} message ${i}: ${'the quick brown fox jumps over the lazy dog. '.repeat(90)}`),
    headers: [
      ['codec', Buffer.from(codec)],
      ['from', Buffer.from(from)],
    ],
  }));
}

const payloadBytes = (samples: Sample[]): number =>
  samples.reduce((sum, s) => sum + (s.key?.length ?? 0) + (s.value?.length ?? 0), 0);

describe('compression interop', () => {
  let cluster: ClusterTarget;
  let python: string;

  beforeAll(async () => {
    cluster = await requireKafka();
    python = await requirePython();
    await requireKcat();
  }, 300_000);
  afterAll(async () => {
    await cluster?.close();
  });

  describe.each(CODECS)('%s', (codec) => {
    it('what our Producer compresses, the Python consumer and kcat read exactly', async () => {
      const topic = uniqueTopic(`zip-us-${codec}`);
      await cluster.createTopic(topic, 1);
      const samples = compressible(codec, 'us');
      const stats = new StatsTotals(topic);
      const producer = new Producer({
        'bootstrap.servers': cluster.bootstrapServers,
        'compression.codec': codec,
        'linger.ms': 20,
        'statistics.interval.ms': 100,
      });
      producer.on('stats', stats.add);
      let want;
      try {
        await producer.connect();
        const reports = await Promise.all(
          samples.map((s) => producer.send({ topic, partition: s.partition, key: s.key, value: s.value, headers: s.headers })),
        );
        // The reports' timestamps are the producer's create time: nothing to predict there.
        want = expected(samples, reports).map((m) => ({ ...m, timestamp: -1 }));
        await until(() => stats.partitionTotal('txmsgs') === COUNT, 5_000, 'a statistics report counting every message');
      } finally {
        await producer.disconnect();
      }
      // Batches as sent, against the keys and values they carry.
      expect(stats.partitionTotal('txbytes')).toBe(payloadBytes(samples));
      expect(stats.batchBytes).toBeGreaterThan(0);
      expect(stats.batchBytes).toBeLessThan(payloadBytes(samples) / 5);

      const py = await pythonConsume(python, cluster.bootstrapServers, topic, COUNT);
      expect(sortSeen(py.messages).map((m) => ({ ...m, timestamp: -1 }))).toEqual(want);
      const kcat = await kcatConsume(cluster.bootstrapServers, topic);
      expect(sortSeen(kcat).map((m) => ({ ...m, timestamp: -1 }))).toEqual(want);
    });

    it('what confluent-kafka (Python) compresses, we read exactly', async () => {
      const topic = uniqueTopic(`zip-py-${codec}`);
      await cluster.createTopic(topic, 1);
      const samples = compressible(codec, 'python').map((s, i) => ({ ...s, timestamp: 1_600_000_000_000 + i }));
      const produced = await pythonProduce(python, cluster.bootstrapServers, topic, samples, [`compression.type=${codec}`]);
      expect(produced.delivered.filter((d) => d.error !== null)).toEqual([]);
      expect(produced.stats.payload_bytes).toBe(payloadBytes(samples));
      expect(produced.stats.batch_bytes).toBeLessThan(payloadBytes(samples) / 5);

      const { messages, stats } = await readWithOurs(cluster.bootstrapServers, topic, 1, COUNT);
      expect(messages).toEqual(expected(samples, produced.delivered));
      // All we received from the broker, requests' answers included, is far less than the payload.
      expect(stats.brokerRxBytes()).toBeLessThan(payloadBytes(samples) / 4);
    });

    it('what `kcat -z` compresses, we read exactly', async () => {
      const topic = uniqueTopic(`zip-kcat-${codec}`);
      await cluster.createTopic(topic, 1);
      const samples = compressible(codec, 'kcat');
      const input = samples.map((s) => `${s.key}\t${s.value}\n`).join('');
      await run(
        'kcat',
        [
          '-P',
          '-b',
          cluster.bootstrapServers,
          '-t',
          topic,
          '-p',
          '0',
          '-z',
          codec,
          '-K',
          '\t',
          '-H',
          `codec=${codec}`,
          '-H',
          'from=kcat',
        ],
        { input, timeoutMs: 30_000 },
      );

      const { messages, stats } = await readWithOurs(cluster.bootstrapServers, topic, 1, COUNT);
      const want = expected(
        samples,
        samples.map((_, offset) => ({ partition: 0, offset })),
      );
      expect(messages.map((m) => ({ ...m, timestamp: -1 }))).toEqual(want);
      expect(stats.brokerRxBytes()).toBeLessThan(payloadBytes(samples) / 4);
    });
  });
});
