// The commands of `npx rdkafka-napi` and how a command line picks one of them.
import { helpText, parseCommandLine } from './args';
import type { Command } from './command';
import { bench } from './commands/bench';
import { consume } from './commands/consume';
import { demo } from './commands/demo';
import { groups } from './commands/groups';
import { mock } from './commands/mock';
import { produce } from './commands/produce';
import { topics } from './commands/topics';
import { librdkafkaVersion } from '../index';
import { ExitCode, UsageError } from './errors';

export const COMMANDS: Command[] = [demo, mock, produce, consume, topics, groups, bench];

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length)) + 2;
  return [
    'rdkafka-napi: a Kafka client for Node.js (librdkafka), and this tool box over it',
    '',
    'Usage: rdkafka-napi <command> [options]      rdkafka-napi <command> --help',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    '',
    'Commands that talk to a cluster take -b HOST:PORT (or $KAFKA_BOOTSTRAP); try `rdkafka-napi mock` for one.',
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(overview());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`rdkafka-napi ${require('../../../package.json').version} (librdkafka ${librdkafkaVersion})\n`);
    return ExitCode.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    throw new UsageError(
      `unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')} (see rdkafka-napi --help)`,
    );
  }
  const parsed = parseCommandLine(command, rest);
  if (parsed === 'help') {
    process.stdout.write(helpText(command));
    return ExitCode.ok;
  }
  return command.run(parsed);
}
