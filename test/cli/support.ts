// Runs the built CLI (dist/cjs/cli/main.js) as a child process, as `npx
// rdkafka-napi` would, with a time limit; a stale or missing build fails the
// test instead of testing old code.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'cjs', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) {
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** Throws unless dist/ holds a build of the current src/. */
export function requireBuiltCli(): void {
  if (!fs.existsSync(cliPath)) throw new Error('dist/ has no CLI build: run `npm run build:ts` first');
  if (newestSource(path.join(repoRoot, 'src')) > fs.statSync(cliPath).mtimeMs) {
    throw new Error('dist/ is older than src/: run `npm run build:ts` first');
  }
}

/** Starts the CLI; the caller reads its streams and waits for it. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  const childEnv = { ...process.env, ...env };
  delete childEnv.KAFKA_BOOTSTRAP; // tests pass -b explicitly unless they set it
  if (env.KAFKA_BOOTSTRAP !== undefined) childEnv.KAFKA_BOOTSTRAP = env.KAFKA_BOOTSTRAP;
  return spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs the CLI to its end; kills it (and fails) after timeoutMs. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = startCli(args, options.env);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`rdkafka-napi ${args.join(' ')}: killed after ${timeoutMs} ms; stderr: ${Buffer.concat(stderr).toString()}`),
      );
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Resolves with the first line the child prints on stdout. */
export function firstLine(child: ChildProcessWithoutNullStreams, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no line on stdout within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const end = text.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(text.slice(0, end));
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited with ${code} before printing a line`)));
  });
}

/** Lines of a text without the last empty one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line, i, all) => !(line === '' && i === all.length - 1));
}

/** Asserts the shape of every failure: exactly one line on stderr, no stack trace. */
export function singleErrorLine(result: CliResult): string {
  const errorLines = lines(result.stderr);
  if (errorLines.length !== 1) throw new Error(`expected one line on stderr, got ${errorLines.length}:\n${result.stderr}`);
  if (/^\s+at /m.test(result.stderr)) throw new Error(`stack trace on stderr:\n${result.stderr}`);
  return errorLines[0];
}
