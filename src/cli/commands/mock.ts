// `mock`: a Kafka cluster in this process (librdkafka's mock cluster) until
// Ctrl-C, for trying any Kafka tool with nothing installed.
import { MockCluster } from '../../mock-cluster';
import { integerOption, listOption, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { ExitCode, UsageError } from '../errors';

export const mock: Command = {
  name: 'mock',
  summary: 'run an embedded mock Kafka cluster until Ctrl-C and print its bootstrap servers',
  usage: '[--brokers N] [--topic NAME[:PARTITIONS]]...',
  options: {
    brokers: { type: 'string', value: 'N', description: 'number of brokers', default: '1' },
    topic: { type: 'string', short: 't', value: 'NAME[:PARTITIONS]', multiple: true, description: 'a topic to create' },
    'replication-factor': { type: 'string', value: 'N', description: 'replicas of each topic created', default: '1' },
  },
  details: [
    'Prints the bootstrap servers alone on the first line of stdout; the rest goes to stderr.',
    'Topics that are not created here are created on first use, with 4 partitions.',
    '',
    'Example:  rdkafka-napi mock --brokers 3 --topic orders:8',
  ].join('\n'),
  async run(args: ParsedArgs): Promise<number> {
    const brokers = integerOption(args, 'brokers', 1, 1, 64);
    const replicationFactor = integerOption(args, 'replication-factor', 1, 1, brokers);
    const topics = listOption(args, 'topic').map(parseTopic);
    const cluster = new MockCluster({ brokers });
    for (const topic of topics) cluster.createTopic(topic.name, { partitions: topic.partitions, replicationFactor });
    process.stdout.write(`${cluster.bootstrapServers}\n`);
    const created = topics.map((topic) => `${topic.name} (${topic.partitions} partition${topic.partitions === 1 ? '' : 's'})`);
    process.stderr.write(
      `mock cluster of ${brokers} broker${brokers === 1 ? '' : 's'} at ${cluster.bootstrapServers}` +
        `${created.length > 0 ? `, topics ${created.join(', ')}` : ''}; Ctrl-C stops it\n`,
    );
    // The mock's brokers run on librdkafka threads; this keeps the process up.
    const keepAlive = setInterval(() => {}, 1 << 30);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    clearInterval(keepAlive);
    await cluster.close();
    process.stderr.write(`mock cluster stopped (${signal})\n`);
    return ExitCode.ok;
  },
};

function parseTopic(text: string): { name: string; partitions: number } {
  const [name, partitionsText, ...rest] = text.split(':');
  const partitions = partitionsText === undefined ? 1 : Number(partitionsText);
  if (rest.length > 0 || name === '' || !Number.isInteger(partitions) || partitions < 1) {
    throw new UsageError(`--topic must be NAME or NAME:PARTITIONS (a positive integer), not "${text}"`);
  }
  return { name, partitions };
}
