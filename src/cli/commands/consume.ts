// `consume`: a topic to stdout, kcat -C style: from a chosen start, with a
// group or without, for a count or until the end, in a chosen format.
import { Consumer, type TopicPartition } from '../../consumer';
import type { Message } from '../../consumer-message';
import { type ParsedArgs, flag, integerOption, requiredString, stringOption } from '../args';
import { CONNECTION_OPTIONS, connectTo, connectionFrom, quietTransientErrors, unjoinedGroupId } from '../client-options';
import type { Command } from '../command';
import { ExitCode, UsageError } from '../errors';
import { type MessageFormatter, formatString, jsonLine, valueOnly } from '../format';
import { START_HELP, parseStart, resolveStart } from '../offsets';

export const consume: Command = {
  name: 'consume',
  summary: 'print a topic’s messages on stdout, like kcat -C',
  usage: '-b BROKERS -t TOPIC [options]',
  options: {
    ...CONNECTION_OPTIONS,
    topic: { type: 'string', short: 't', value: 'TOPIC', description: 'the topic to read (required)' },
    partition: { type: 'string', short: 'p', value: 'N', description: 'only this partition (not with --group)' },
    offset: { type: 'string', short: 'o', value: 'WHERE', description: `where to start: ${START_HELP}`, default: 'beginning' },
    group: {
      type: 'string',
      short: 'G',
      value: 'GROUP',
      description: 'read as a member of this consumer group, committing what was printed',
    },
    count: { type: 'string', short: 'c', value: 'N', description: 'stop after N messages' },
    'exit-at-end': { type: 'boolean', short: 'e', description: 'stop once every partition is read to its end' },
    json: {
      type: 'boolean',
      short: 'J',
      description: 'one JSON object a line, with topic, partition, offset, timestamp, key, headers',
    },
    format: { type: 'string', short: 'f', value: 'FORMAT', description: 'a format string (tokens below)' },
  },
  details: [
    'Default output: each value on its own line. Format tokens: %s value, %k key, %S value size, %K key size,',
    '%t topic, %p partition, %o offset, %T timestamp (ms), %h headers (name=value,...), %% a percent sign;',
    '\\n \\t \\r \\\\ are escapes.',
    '',
    'With --group the group’s committed offsets are used (--offset beginning/end only say where a group',
    'without them starts), and what was printed is committed. Ctrl-C stops cleanly.',
    '',
    "Example:  rdkafka-napi consume -b 127.0.0.1:9092 -t orders -o -10 -e -f '%p:%o %k=%s\\n'",
  ].join('\n'),
  async run(args: ParsedArgs): Promise<number> {
    const topic = requiredString(args, 'topic', 'consume');
    const connection = connectionFrom(args, 'consume');
    const group = stringOption(args, 'group');
    const onlyPartition =
      stringOption(args, 'partition') === undefined ? undefined : integerOption(args, 'partition', 0, 0, 2 ** 31 - 1);
    const start = parseStart(stringOption(args, 'offset') ?? 'beginning');
    const limit = stringOption(args, 'count') === undefined ? Number.POSITIVE_INFINITY : integerOption(args, 'count', 0, 1);
    const exitAtEnd = flag(args, 'exit-at-end');
    const formatText = stringOption(args, 'format');
    if (formatText !== undefined && flag(args, 'json')) throw new UsageError('--format and --json exclude each other');
    const format: MessageFormatter =
      formatText !== undefined ? formatString(formatText) : flag(args, 'json') ? jsonLine : valueOnly;
    if (group !== undefined) {
      if (onlyPartition !== undefined)
        throw new UsageError('--partition cannot be used with --group (the group assigns partitions)');
      if (start.kind !== 'beginning' && start.kind !== 'end') {
        throw new UsageError('with --group, --offset can only be beginning or end (where a group without commits starts)');
      }
    }

    const consumer = new Consumer({
      ...connection.config,
      ...(group !== undefined
        ? { 'group.id': group, 'auto.offset.reset': start.kind === 'end' ? 'latest' : 'earliest' }
        : { 'group.id': unjoinedGroupId(), 'enable.auto.commit': false }),
      ...(exitAtEnd ? { 'enable.partition.eof': true } : {}),
    });
    quietTransientErrors(consumer);
    await connectTo(consumer, connection);

    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      // From an event handler: let the current loop step finish first.
      setImmediate(() => void consumer.disconnect());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);

    // -e: every assigned partition has reported its end, and no message beyond
    // it came since. An end event is decoded with the batch it ends, so it can
    // arrive before that batch's messages are handed out: compare offsets.
    const atEnd = new Map<string, number>();
    const key = (topicName: string, partition: number): string => `${topicName}:${partition}`;
    const allAtEnd = (): boolean => {
      const assigned = consumer.isConnected ? consumer.assignment() : [];
      return assigned.length > 0 && assigned.every((p) => atEnd.has(key(p.topic, p.partition)));
    };
    if (exitAtEnd) {
      consumer.on('partition-eof', (position) => {
        atEnd.set(key(position.topic, position.partition), position.offset);
        if (allAtEnd()) stop();
      });
    }

    let printed = 0;
    const lastPrinted = new Map<string, TopicPartition & { offset: number }>();
    try {
      if (group !== undefined) {
        consumer.subscribe([topic]);
      } else {
        const partitions = await topicPartitions(consumer, topic, onlyPartition, connection.timeoutMs);
        consumer.assign(await resolveStart(consumer, partitions, start, connection.timeoutMs));
      }
      if (limit === 0) stop();
      for await (const message of consumer) {
        const endOffset = atEnd.get(key(message.topic, message.partition));
        if (endOffset !== undefined && message.offset >= endOffset) atEnd.delete(key(message.topic, message.partition));
        await write(format(message));
        printed++;
        lastPrinted.set(key(message.topic, message.partition), nextOffset(message));
        if (
          exitAtEnd &&
          message.offset + 1 >= (atEnd.get(key(message.topic, message.partition)) ?? Number.POSITIVE_INFINITY) &&
          allAtEnd()
        ) {
          stop();
        }
        if (printed >= limit) {
          // This message's loop step has not finished, so commit it explicitly.
          if (group !== undefined) await consumer.commit([...lastPrinted.values()]);
          break;
        }
      }
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      await consumer.disconnect();
    }
    process.stderr.write(`consumed ${printed} message${printed === 1 ? '' : 's'} from ${topic}\n`);
    return ExitCode.ok;
  },
};

function nextOffset(message: Message): TopicPartition & { offset: number } {
  return { topic: message.topic, partition: message.partition, offset: message.offset + 1 };
}

async function topicPartitions(
  consumer: Consumer,
  topic: string,
  only: number | undefined,
  timeoutMs: number,
): Promise<TopicPartition[]> {
  const metadata = await consumer.getMetadata({ timeoutMs });
  const found = metadata.topics.find((candidate) => candidate.name === topic);
  if (!found || found.error || found.partitions.length === 0) {
    throw new Error(`topic ${topic} does not exist${found?.error ? ` (${found.error.code})` : ''}`);
  }
  const ids = found.partitions.map((partition) => partition.id).sort((a, b) => a - b);
  if (only !== undefined && !ids.includes(only)) {
    throw new UsageError(`topic ${topic} has no partition ${only} (it has ${ids.length}: 0-${ids.length - 1})`);
  }
  return (only === undefined ? ids : [only]).map((partition) => ({ topic, partition }));
}

function write(chunk: Buffer | string): Promise<void> | void {
  if (process.stdout.write(chunk)) return;
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}
