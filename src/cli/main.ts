#!/usr/bin/env node
// `npx rdkafka-napi <command>`: a Kafka tool box on this package's client.
// Every failure is one line on stderr and a non-zero exit (errors.ts). The
// commands (and the addon) load only after the handlers below are in place,
// so even an addon that cannot load is reported without a stack trace.
import { ExitCode, errorLine, exitCodeOf } from './errors';

// The same names as dispatch.ts's COMMANDS (test/cli/cli-usage.test.ts checks the prefixes).
const COMMAND_NAMES = ['demo', 'mock', 'produce', 'consume', 'topics', 'groups', 'bench'];
const argv = process.argv.slice(2);

function fail(error: unknown): void {
  const name = argv[0];
  const prefix = name && COMMAND_NAMES.includes(name) ? `rdkafka-napi ${name}` : 'rdkafka-napi';
  const text = error instanceof Error ? error.message : '';
  // The loader's own step-by-step help (src/load-failure-help.ts) is kept as written.
  if (text.startsWith('rdkafka-napi: could not load the native addon')) process.stderr.write(`${text}\n`);
  else process.stderr.write(`${prefix}: ${errorLine(error)}\n`);
  if (process.env.RDKAFKA_NAPI_CLI_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exitCode = exitCodeOf(error);
}

// Writing to a closed pipe (`... | head`) ends the command quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.ok);
  fail(error);
});
process.on('uncaughtException', (error) => {
  fail(error);
  process.exit();
});
process.on('unhandledRejection', (error) => {
  fail(error);
  process.exit();
});

import('./dispatch')
  .then(({ main }) => main(argv))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => fail(error),
  );
