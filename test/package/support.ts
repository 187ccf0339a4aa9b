// Helpers of the packaging suite: npm pack/install in clean environments.
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const fixtures = path.join(__dirname, 'fixtures');
export const npmCli = fs.realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
export const tscCli = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/** The platform directory node-gyp-build looks in, e.g. linux-x64. */
export const platformDir = `${process.platform}-${process.arch}`;

/** Prebuilt binaries for this machine; throws (never skips) when there are none. */
export function requirePrebuilds(): string[] {
  const dir = path.join(repoRoot, 'prebuilds', platformDir);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.node')) : [];
  if (files.length === 0) {
    throw new Error(
      `no prebuilt binary in prebuilds/${platformDir}/: run \`npm run prebuildify\` first — ` +
        'the packaging tests check the tarball users get, which must contain it',
    );
  }
  return files.map((name) => path.join(dir, name));
}

/** The environment of a user's shell: none of the npm_* variables of the `npm run` that started vitest. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'INIT_CWD' || key === 'NODE_OPTIONS' || key.startsWith('VITEST')) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * A directory for PATH with node, npm, npx and sh only: no cc, gcc, g++,
 * make or python3, as on a machine without build tools.
 */
export function noCompilerBin(parent: string): string {
  const bin = path.join(parent, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const link = (name: string, target: string) => fs.symlinkSync(target, path.join(bin, name));
  link('node', process.execPath);
  link('npm', npmCli);
  link('npx', path.join(path.dirname(npmCli), 'npx-cli.js'));
  link('sh', fs.realpathSync('/bin/sh'));
  return bin;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rdkafka-napi-${prefix}-`));
}

export interface Run extends SpawnSyncReturns<string> {
  output: string;
}

export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Run {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 240_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `$ ${command} ${args.join(' ')}\n${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}`;
  return Object.assign(result, { output });
}

/** Runs and throws with the whole output unless the exit status is 0. */
export function runOk(command: string, args: string[], options: Parameters<typeof run>[2]): Run {
  const result = run(command, args, options);
  if (result.status !== 0) throw new Error(`exit status ${result.status ?? result.signal}\n${result.output}`);
  return result;
}

export function npm(args: string[], options: Parameters<typeof run>[2]): Run {
  return runOk(process.execPath, [npmCli, ...args], options);
}

/**
 * npm() without blocking the test worker: a source build takes about a
 * minute, longer than a worker may go without answering vitest.
 */
export function npmAsync(args: string[], options: Parameters<typeof run>[2]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [npmCli, ...args], { cwd: options.cwd, env: options.env ?? cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const output = `$ npm ${args.join(' ')}\n${stdout}${stderr}`;
      const result = { pid: child.pid ?? 0, stdout, stderr, status, signal, output } as unknown as Run;
      if (status !== 0) reject(new Error(`exit status ${status ?? signal}\n${output}`));
      else resolve(result);
    });
  });
}

export interface PackedFile {
  path: string;
  size: number;
  mode: number;
}

/** `npm pack --dry-run --json` of the repository: what the tarball would hold. */
export function packDryRun(): { files: PackedFile[]; size: number; unpackedSize: number } {
  const result = npm(['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot });
  const [entry] = JSON.parse(result.stdout) as Array<{ files: PackedFile[]; size: number; unpackedSize: number }>;
  return entry;
}

/** Packs the repository into `dir`; returns the tarball's path. */
export function packTarball(dir: string): string {
  const result = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: repoRoot });
  const [entry] = JSON.parse(result.stdout) as Array<{ filename: string }>;
  return path.join(dir, entry.filename);
}

/** A fresh project directory with the fixtures copied in. */
export function newProject(name: string, packageJson: object = {}): string {
  const dir = tempDir(name);
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: `package-test-${name}`, version: '1.0.0', private: true, ...packageJson }, null, 2),
  );
  for (const file of fs.readdirSync(fixtures)) fs.copyFileSync(path.join(fixtures, file), path.join(dir, file));
  return dir;
}

/** Exact version of a package installed in the repository (so an offline install finds it in npm's cache). */
export function installedVersion(name: string): string {
  return (JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;
}
