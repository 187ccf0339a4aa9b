// `bench`: produce then consume throughput against a given cluster (or the
// embedded mock), with progress, on a fresh topic.
import { randomUUID } from 'node:crypto';

import { MockCluster } from '../../mock-cluster';
import { Producer } from '../../producer';
import { type ParsedArgs, integerOption, stringOption } from '../args';
import { CONNECTION_OPTIONS, quietAdminClient, connectTo, connectionFrom, quietTransientErrors } from '../client-options';
import type { Command } from '../command';
import { ExitCode } from '../errors';
import { formatBytesRate, formatCount, formatRate } from '../stats';
import { consumeAll, mockPartitionsFor, produceAll, type RunResult } from '../workload';

export const bench: Command = {
  name: 'bench',
  summary: 'measure produce and consume throughput on a cluster (default: the embedded mock)',
  usage: '[-b BROKERS] [--messages N] [--size BYTES] [--partitions N]',
  options: {
    ...CONNECTION_OPTIONS,
    brokers: { ...CONNECTION_OPTIONS.brokers, description: 'bootstrap servers (default: an embedded mock cluster)' },
    messages: { type: 'string', short: 'n', value: 'N', description: 'messages to produce and consume', default: '1000000' },
    size: { type: 'string', short: 's', value: 'BYTES', description: 'value size', default: '100' },
    partitions: {
      type: 'string',
      short: 'P',
      value: 'N',
      description: 'partitions of the benchmark topic (default 1; on the mock, enough to keep every message)',
    },
    'linger-ms': { type: 'string', value: 'MS', description: "the producer's linger.ms", default: '5' },
  },
  details: [
    'Creates a topic rdkafka-napi-bench-<random> (deleted afterwards), produces fire-and-forget and',
    'flushes, then reads it back from the beginning without a group.',
  ].join('\n'),
  async run(args: ParsedArgs): Promise<number> {
    const count = integerOption(args, 'messages', 1_000_000, 1);
    const size = integerOption(args, 'size', 100, 0, 1_000_000);
    const lingerMs = integerOption(args, 'linger-ms', 5, 0, 900_000);
    const useMock = stringOption(args, 'brokers') === undefined && !process.env.KAFKA_BOOTSTRAP;
    const partitions = integerOption(args, 'partitions', useMock ? mockPartitionsFor(count, size) : 1, 1, 10_000);
    const cluster = useMock ? new MockCluster({ brokers: 1 }) : undefined;
    const out = process.stdout;
    try {
      if (cluster) args.values.brokers = cluster.bootstrapServers;
      const connection = connectionFrom(args, 'bench');
      const topic = `rdkafka-napi-bench-${randomUUID().slice(0, 8)}`;
      // The mock has no CreateTopics/DeleteTopics: its topics are made directly.
      const admin = cluster ? undefined : await connectTo(quietAdminClient(connection), connection);
      try {
        if (cluster) cluster.createTopic(topic, { partitions });
        else await admin?.createTopics([{ topic, partitions }], { timeoutMs: connection.timeoutMs });
        out.write(
          `bench: ${formatCount(count)} messages of ${size} B to ${topic} (${partitions} partition${partitions === 1 ? '' : 's'}) ` +
            `on ${cluster ? `the embedded mock cluster at ${cluster.bootstrapServers}` : connection.config['bootstrap.servers']}\n`,
        );
        const producer = new Producer({ ...connection.config, 'linger.ms': lingerMs });
        quietTransientErrors(producer);
        await connectTo(producer, connection);
        let produced: RunResult;
        try {
          produced = await produceAll(producer, topic, partitions, count, size, out);
        } finally {
          await producer.disconnect();
        }
        const consumed = await consumeAll(connection, topic, partitions, count, out);
        out.write(
          [
            `produce: ${formatRate(produced.messages, produced.seconds)}, ${formatBytesRate(produced.messages * size, produced.seconds)} ` +
              `(${formatCount(produced.messages)} in ${produced.seconds.toFixed(2)} s)`,
            `consume: ${formatRate(consumed.messages, consumed.seconds)}, ${formatBytesRate(consumed.messages * size, consumed.seconds)} ` +
              `(${formatCount(consumed.messages)} in ${consumed.seconds.toFixed(2)} s)`,
            '',
          ].join('\n'),
        );
        return consumed.messages >= count ? ExitCode.ok : ExitCode.failed;
      } finally {
        await admin?.deleteTopics([topic], { timeoutMs: connection.timeoutMs }).catch(() => {});
        await admin?.disconnect();
      }
    } finally {
      await cluster?.close();
    }
  },
};
