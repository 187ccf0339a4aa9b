// `demo`: the whole client in a minute on the embedded mock cluster: produce,
// then consume, a million messages, then end-to-end latency at a fixed rate.
import { librdkafkaVersion } from '../../index';
import { MockCluster } from '../../mock-cluster';
import { Producer } from '../../producer';
import { integerOption, type ParsedArgs } from '../args';
import { quietTransientErrors } from '../client-options';
import type { Command } from '../command';
import { ExitCode } from '../errors';
import { formatBytesRate, formatCount, formatRate, latencySummary } from '../stats';
import { consumeAll, measureLatency, mockPartitionsFor, produceAll, type RunResult } from '../workload';

const TOPIC = 'demo';
const LATENCY_TOPIC = 'demo-latency';
const MESSAGE_SIZE = 100;
// The mock answers a fetch that finds nothing only after fetch.wait.max.ms
// (500 by default), even when messages arrive meanwhile; a real broker answers
// as soon as they do. A short wait keeps the latency run about the client.
const MOCK_FETCH_WAIT_MS = 2;

export const demo: Command = {
  name: 'demo',
  summary: 'produce and consume 1,000,000 messages on the embedded mock cluster and print the figures',
  usage: '[--messages N] [--latency-rate N]',
  options: {
    messages: { type: 'string', short: 'n', value: 'N', description: 'messages to produce and consume', default: '1000000' },
    'latency-rate': { type: 'string', value: 'N', description: 'messages per second of the latency run (2 s)', default: '10000' },
  },
  details: 'Nothing to install or configure: the cluster runs inside this process, on 127.0.0.1.',
  async run(args: ParsedArgs): Promise<number> {
    const count = integerOption(args, 'messages', 1_000_000, 1);
    const latencyRate = integerOption(args, 'latency-rate', 10_000, 1, 1_000_000);
    const out = process.stdout;
    const cluster = new MockCluster({ brokers: 1 });
    try {
      const partitions = mockPartitionsFor(count, MESSAGE_SIZE);
      cluster.createTopic(TOPIC, { partitions });
      cluster.createTopic(LATENCY_TOPIC, { partitions: 1 });
      const config = { 'bootstrap.servers': cluster.bootstrapServers };
      out.write(
        `rdkafka-napi demo: librdkafka ${librdkafkaVersion}, embedded mock cluster at ${cluster.bootstrapServers}, ` +
          `${formatCount(count)} messages of ${MESSAGE_SIZE} B, ${partitions} partition${partitions === 1 ? '' : 's'}\n`,
      );

      const producer = new Producer({ ...config, 'linger.ms': 5 });
      quietTransientErrors(producer);
      await producer.connect();
      let produced: RunResult;
      try {
        produced = await produceAll(producer, TOPIC, partitions, count, MESSAGE_SIZE, out);
      } finally {
        await producer.disconnect();
      }
      const consumed = await consumeAll({ config, timeoutMs: 10_000 }, TOPIC, partitions, count, out);
      const latencyCount = Math.max(1, latencyRate * 2);
      out.write(`latency: ${formatCount(latencyCount)} messages at ${formatCount(latencyRate)} msg/s ...\n`);
      const samples = await measureLatency(config, LATENCY_TOPIC, latencyRate, latencyCount, 30_000, {
        'fetch.wait.max.ms': MOCK_FETCH_WAIT_MS,
      });

      out.write(
        [
          '',
          `produce:   ${formatCount(produced.messages)} messages in ${produced.seconds.toFixed(2)} s = ` +
            `${formatRate(produced.messages, produced.seconds)} (${formatBytesRate(produced.messages * MESSAGE_SIZE, produced.seconds)})`,
          `consume:   ${formatCount(consumed.messages)} messages in ${consumed.seconds.toFixed(2)} s = ` +
            `${formatRate(consumed.messages, consumed.seconds)} (${formatBytesRate(consumed.messages * MESSAGE_SIZE, consumed.seconds)})`,
          `latency:   end to end at ${formatCount(latencyRate)} msg/s: ${latencySummary(samples)} ` +
            `(consumer fetch.wait.max.ms ${MOCK_FETCH_WAIT_MS})`,
          '',
          'The mock cluster is far faster than a real broker: see docs/benchmarks.md for figures on Kafka.',
          '',
        ].join('\n'),
      );
      return consumed.messages === count ? ExitCode.ok : ExitCode.failed;
    } finally {
      await cluster.close();
    }
  },
};
