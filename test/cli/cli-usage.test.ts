// The CLI's contract for mistakes: --help for every command, and an unknown
// command or option, a bad value or an unreachable broker is one line on
// stderr with a non-zero exit code, never a stack trace.
import { beforeAll, describe, expect, it } from 'vitest';

import { lines, requireBuiltCli, runCli, singleErrorLine } from './support';

const COMMANDS = ['demo', 'mock', 'produce', 'consume', 'topics', 'groups', 'bench'];

beforeAll(() => requireBuiltCli());

describe('rdkafka-napi usage', () => {
  it('lists every command with --help (exit 0) and without arguments (exit 2)', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('Usage: rdkafka-napi <command>');
  });

  it.each(COMMANDS)('%s --help prints its usage and options, exit 0', async (command) => {
    const result = await runCli([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`Usage: rdkafka-napi ${command} `);
    expect(result.stdout).toMatch(/^ {2}-h, --help +show this help$/m);
  });

  it('prints its version and librdkafka', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^rdkafka-napi \d+\.\d+\.\d+ \(librdkafka \d+\.\d+\.\d+\)\n$/);
  });

  it.each([
    [['frobnicate'], /^rdkafka-napi: unknown command "frobnicate"; commands: demo, mock/],
    [['produce', '--nope'], /^rdkafka-napi produce: unknown option --nope \(see rdkafka-napi produce --help\)$/],
    [['consume', '-t'], /^rdkafka-napi consume: option -t, --topic <value> needs a value/],
    [['consume', '-b', '127.0.0.1:9', '-t', 'x', '-o', 'yesterday'], /^rdkafka-napi consume: --offset must be beginning \| end/],
    [['consume', '-b', '127.0.0.1:9', '-t', 'x', '-f', '%q'], /^rdkafka-napi consume: unknown token %q in --format/],
    [['consume', '-b', '127.0.0.1:9', '-t', 'x', '-G', 'g', '-o', '5'], /with --group, --offset can only be beginning or end/],
    [['produce', '-t', 'x'], /^rdkafka-napi produce: --brokers is required, or set KAFKA_BOOTSTRAP/],
    [
      ['produce', '-b', '127.0.0.1:9', '-t', 'x', '-z', 'brotli'],
      /--compression must be one of none, gzip, snappy, lz4, zstd, not "brotli"/,
    ],
    [['produce', '-b', '127.0.0.1:9', '-t', 'x', '-H', 'novalue'], /--header must be key=value, not "novalue"/],
    [['mock', '--brokers', 'two'], /^rdkafka-napi mock: --brokers must be an integer from 1 to 64, not "two"$/],
    [['mock', '--topic', 'bad name:3'], /^rdkafka-napi mock: Expected a topic name/],
    [['topics'], /^rdkafka-napi topics: topics needs an action: list, describe, create, delete/],
    [['topics', 'create', '-b', '127.0.0.1:9'], /topics create needs at least one TOPIC/],
    [['demo', 'extra'], /^rdkafka-napi demo: unexpected argument "extra"/],
  ])('%j: one line, exit 2', async (args, message) => {
    const result = await runCli(args);
    expect(singleErrorLine(result)).toMatch(message);
    expect(result.code).toBe(2);
  });

  it.each([
    ['produce', ['produce', '-t', 'x'], 'k:v\n'],
    ['consume', ['consume', '-t', 'x', '-e'], ''],
    ['topics list', ['topics', 'list'], ''],
    ['groups lag', ['groups', 'lag', 'g'], ''],
    ['bench', ['bench', '-n', '10'], ''],
  ])('%s on an unreachable broker: one line naming it, exit 1', async (_name, args, input) => {
    // Port 9 (discard) on loopback: nothing listens, connections are refused.
    const started = Date.now();
    const result = await runCli([...args, '-b', '127.0.0.1:9', '--timeout', '1500'], { input });
    const line = singleErrorLine(result);
    expect(line).toMatch(/^rdkafka-napi [a-z]+: Could not reach the cluster at 127\.0\.0\.1:9/);
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(lines(result.stdout).filter((l) => !l.startsWith('bench:'))).toEqual([]);
  });

  it('takes the bootstrap servers from KAFKA_BOOTSTRAP when -b is not given', async () => {
    const result = await runCli(['topics', 'list', '--timeout', '1000'], { env: { KAFKA_BOOTSTRAP: '127.0.0.1:9' } });
    expect(singleErrorLine(result)).toMatch(/^rdkafka-napi topics: Could not reach the cluster at 127\.0\.0\.1:9/);
    expect(result.code).toBe(1);
  });
});
