// `produce`: lines of stdin (or files) to a topic, kcat -P style.
import { createReadStream, readFileSync } from 'node:fs';

import { Producer, type DeliveryReport } from '../../producer';
import { type ParsedArgs, flag, integerOption, keyValuePairs, listOption, requiredString, stringOption } from '../args';
import { CONNECTION_OPTIONS, connectTo, connectionFrom, quietTransientErrors } from '../client-options';
import type { Command } from '../command';
import { ExitCode, UsageError, errorLine } from '../errors';
import { readLines, splitKey } from '../lines';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
type Codec = (typeof CODECS)[number];

export const produce: Command = {
  name: 'produce',
  summary: 'send lines of stdin (or files) to a topic, like kcat -P',
  usage: '-b BROKERS -t TOPIC [options] [FILE...]',
  positionals: true,
  options: {
    ...CONNECTION_OPTIONS,
    topic: { type: 'string', short: 't', value: 'TOPIC', description: 'the topic to produce to (required)' },
    'key-delimiter': {
      type: 'string',
      short: 'K',
      value: 'DELIM',
      description: 'split each line into key DELIM value (lines without DELIM get no key)',
    },
    header: { type: 'string', short: 'H', value: 'NAME=VALUE', multiple: true, description: 'a header on every message' },
    partition: { type: 'string', short: 'p', value: 'N', description: 'the partition (default: the partitioner chooses)' },
    compression: { type: 'string', short: 'z', value: 'CODEC', description: `compression: ${CODECS.join(', ')}` },
    'null-empty': { type: 'boolean', short: 'Z', description: 'send an empty value (or key) as null' },
    lines: { type: 'boolean', short: 'l', description: 'read FILEs line by line (default: each FILE is one message)' },
  },
  details: [
    'Without FILEs, each line of stdin is one message. Keys, values and headers are sent byte for byte.',
    'Prints "produced N messages to TOPIC" on stderr once every message is delivered;',
    'exits 1 when any was not.',
    '',
    'Example:  printf "k1:hello\\nk2:world\\n" | rdkafka-napi produce -b 127.0.0.1:9092 -t greetings -K : -H source=cli',
  ].join('\n'),
  async run(args: ParsedArgs): Promise<number> {
    const topic = requiredString(args, 'topic', 'produce');
    const connection = connectionFrom(args, 'produce');
    const delimiterText = stringOption(args, 'key-delimiter');
    if (delimiterText === '') throw new UsageError('--key-delimiter must not be empty');
    const delimiter = delimiterText === undefined ? undefined : Buffer.from(unescapeControls(delimiterText));
    const headers = keyValuePairs(listOption(args, 'header'), '--header');
    const partition =
      stringOption(args, 'partition') === undefined ? undefined : integerOption(args, 'partition', 0, 0, 2 ** 31 - 1);
    const codecText = stringOption(args, 'compression');
    if (codecText !== undefined && !(CODECS as readonly string[]).includes(codecText)) {
      throw new UsageError(`--compression must be one of ${CODECS.join(', ')}, not "${codecText}"`);
    }
    const codec = codecText as Codec | undefined;
    const nullEmpty = flag(args, 'null-empty');
    const files = args.positionals;

    const producer = new Producer({
      ...connection.config,
      'linger.ms': 5,
      ...(codec !== undefined ? { 'compression.codec': codec } : {}),
    });
    quietTransientErrors(producer);
    let failed = 0;
    let firstFailure: DeliveryReport['error'];
    producer.on('delivery-report', (report) => {
      if (report.error) {
        failed++;
        firstFailure ??= report.error;
      }
    });
    await connectTo(producer, connection);
    let count = 0;
    try {
      const send = async (key: Buffer | null, value: Buffer): Promise<void> => {
        const message = {
          topic,
          key: nullEmpty && key !== null && key.length === 0 ? null : key,
          value: nullEmpty && value.length === 0 ? null : value,
          ...(partition !== undefined ? { partition } : {}),
          ...(headers.length > 0 ? { headers } : {}),
        };
        count++;
        try {
          producer.produce(message);
        } catch (error) {
          if ((error as { code?: string }).code !== '_QUEUE_FULL') throw error;
          await producer.produceOrWait(message);
        }
      };
      const sendLines = async (input: NodeJS.ReadableStream): Promise<void> => {
        for await (const line of readLines(input as never)) {
          if (delimiter === undefined) await send(null, line);
          else {
            const { key, value } = splitKey(line, delimiter);
            await send(key, value);
          }
        }
      };
      if (files.length === 0) await sendLines(process.stdin);
      for (const file of files) {
        if (flag(args, 'lines')) await sendLines(createReadStream(file));
        else await send(null, readFileSync(file));
      }
      await producer.flush(Math.max(connection.timeoutMs, 30_000));
    } finally {
      await producer.disconnect();
    }
    if (failed > 0) {
      throw new Error(`${failed} of ${count} messages were not delivered to ${topic}: ${errorLine(firstFailure)}`);
    }
    process.stderr.write(`produced ${count} message${count === 1 ? '' : 's'} to ${topic}\n`);
    return ExitCode.ok;
  },
};

// "\t" and "\n" as typed on a command line (kcat accepts them too).
function unescapeControls(text: string): string {
  return text.replace(/\\t/g, '\t').replace(/\\n/g, '\n').replace(/\\r/g, '\r');
}
