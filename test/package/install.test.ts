// Installs the packed tarball the way a user does, on a PATH without any
// compiler, and uses it: produce and consume on the mock cluster from an ES
// module and a CommonJS file, type-check against the shipped declarations.
// Fails (never skips) when there is no prebuild to ship.
import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  cleanEnv,
  installedVersion,
  newProject,
  noCompilerBin,
  npm,
  platformDir,
  repoRoot,
  requirePrebuilds,
  run,
  npmAsync,
  runOk,
  tempDir,
  tscCli,
} from './support';

const scratch: string[] = [];
let tarball: string;
let bin: string;
let userEnv: NodeJS.ProcessEnv;

function scratchDir(name: string): string {
  const dir = tempDir(name);
  scratch.push(dir);
  return dir;
}

/** npm install of the tarball (and @types/node for tsc) from npm's cache only. */
function install(project: string, { scripts, env = userEnv }: { scripts: boolean; env?: NodeJS.ProcessEnv }): string {
  const args = ['install', '--offline', '--no-audit', '--no-fund', '--no-save'];
  if (!scripts) args.push('--ignore-scripts');
  args.push(tarball, `@types/node@${installedVersion('@types/node')}`);
  return npm(args, { cwd: project, env }).output;
}

interface AppResult {
  format: string;
  resolved: string;
  addon: string[];
  librdkafkaVersion: string;
  delivered: { partition: number; offset: number };
  received: { key: string; value: string; offset: number };
}

function runApp(project: string, file: string, env = userEnv): AppResult {
  const result = runOk('node', [file], { cwd: project, env, timeoutMs: 90_000 });
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as AppResult;
}

/** The installed package's prebuild, with the name of one needed library changed so the loader cannot find it. */
function breakLibrary(packageDir: string, from: string, to: string): void {
  const file = path.join(
    packageDir,
    'prebuilds',
    platformDir,
    fs.readdirSync(path.join(packageDir, 'prebuilds', platformDir))[0],
  );
  const bytes = fs.readFileSync(file);
  const needle = Buffer.from(`${from}\0`);
  const at = bytes.indexOf(needle);
  if (at < 0) throw new Error(`${file} does not name ${from}`);
  Buffer.from(`${to}\0`).copy(bytes, at);
  fs.writeFileSync(file, bytes);
}

beforeAll(() => {
  requirePrebuilds();
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'cjs', 'index.js')))
    throw new Error('dist/ is not built: run `npm run build:ts`');
  tarball = (() => {
    const dir = scratchDir('tarball');
    const result = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: repoRoot });
    return path.join(dir, (JSON.parse(result.stdout) as Array<{ filename: string }>)[0].filename);
  })();
  bin = noCompilerBin(scratchDir('path'));
  userEnv = cleanEnv({ PATH: bin });
});

afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the packed tarball, installed with no compiler on PATH', () => {
  let project: string;

  beforeAll(() => {
    project = newProject('ignore-scripts');
    scratch.push(project);
    install(project, { scripts: false });
  });

  it('really has no compiler, make or python on PATH', () => {
    for (const tool of ['cc', 'gcc', 'c++', 'g++', 'make', 'python3', 'ld']) {
      expect(run('sh', ['-c', `command -v ${tool}`], { cwd: project, env: userEnv }).status, tool).not.toBe(0);
    }
  });

  it('installs only the runtime dependencies: node-gyp-build and node-addon-api, not node-gyp', () => {
    const installed = fs.readdirSync(path.join(project, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(installed.sort()).toEqual(['@types', 'node-addon-api', 'node-gyp-build', 'rdkafka-napi', 'undici-types']);
    expect(fs.existsSync(path.join(project, 'node_modules', 'rdkafka-napi', 'build'))).toBe(false);
  });

  it('produces and consumes on the mock cluster from an ES module, with the prebuild', () => {
    const result = runApp(project, 'app.mjs');
    expect(result.resolved).toBe(`file://${fs.realpathSync(project)}/node_modules/rdkafka-napi/dist/esm/index.mjs`);
    expect(result.addon).toHaveLength(1);
    expect(result.addon[0]).toMatch(
      new RegExp(`/node_modules/rdkafka-napi/prebuilds/${platformDir}/rdkafka-napi[.a-z]*\\.node$`),
    );
    expect(result.librdkafkaVersion).toBe('2.14.2');
    expect(result.received).toEqual({ key: 'k', value: 'hello from ESM', offset: result.delivered.offset });
  });

  it('produces and consumes on the mock cluster from a CommonJS file, with the prebuild', () => {
    const result = runApp(project, 'app.cjs');
    expect(result.resolved).toBe(path.join(fs.realpathSync(project), 'node_modules/rdkafka-napi/dist/cjs/index.js'));
    expect(result.addon[0]).toContain(`/node_modules/rdkafka-napi/prebuilds/${platformDir}/`);
    expect(result.received).toEqual({ key: 'k', value: 'hello from CommonJS', offset: result.delivered.offset });
  });

  it('links the rdkafka-napi command, which runs its demo on the mock cluster', () => {
    const command = path.join(project, 'node_modules', '.bin', 'rdkafka-napi');
    const help = run(command, ['--help'], { cwd: project, env: userEnv, timeoutMs: 30_000 });
    expect(help.status, help.output).toBe(0);
    expect(help.stdout).toContain('Usage: rdkafka-napi <command>');
    const demo = run(command, ['demo', '--messages', '20000', '--latency-rate', '1000'], {
      cwd: project,
      env: userEnv,
      timeoutMs: 60_000,
    });
    expect(demo.status, demo.output).toBe(0);
    expect(demo.stdout).toMatch(/^consume: +20,000 messages in /m);
  });

  it('type-checks ESM and CommonJS TypeScript against the shipped declarations (typos rejected)', () => {
    // check.mts/check.cts hold @ts-expect-error lines: declarations that were
    // `any` or missing would fail them too.
    const result = run('node', [tscCli, '-p', 'tsconfig.json'], { cwd: project, env: userEnv });
    expect(result.status, result.output).toBe(0);
  });

  it('explains a missing libsasl2 when the addon loads, instead of crashing', () => {
    const copy = scratchDir('no-libsasl2');
    fs.cpSync(project, copy, { recursive: true, verbatimSymlinks: true });
    // Same length: libsasl2.so.9 exists nowhere, as libsasl2.so.2 on a system without Cyrus SASL.
    breakLibrary(path.join(copy, 'node_modules', 'rdkafka-napi'), 'libsasl2.so.2', 'libsasl2.so.9');
    for (const app of ['app.cjs', 'app.mjs']) {
      const result = run('node', [app], { cwd: copy, env: userEnv, timeoutMs: 30_000 });
      expect(result.status, result.output).toBe(1);
      expect(result.signal).toBeNull();
      expect(result.stderr).toContain(`rdkafka-napi: could not load the native addon for ${platformDir}`);
      expect(result.stderr).toContain('libsasl2.so.9: cannot open shared object file');
      expect(result.stderr).toContain('libsasl2-2');
    }
    // The install hook says the same, and that it cannot build instead.
    const hook = run('node', ['scripts/install.js'], {
      cwd: path.join(copy, 'node_modules', 'rdkafka-napi'),
      env: userEnv,
    });
    expect(hook.status, hook.output).toBe(1);
    expect(hook.stderr).toMatch(/does not load here \(the Cyrus SASL library libsasl2\.so\.9 is not installed/);
    expect(hook.stderr).toContain('cannot build from source: missing a C++ compiler');
  });
});

describe('the packed tarball, installed with install scripts', () => {
  it('compiles nothing when the prebuild loads (no compiler on PATH)', () => {
    const project = newProject('with-scripts');
    scratch.push(project);
    const output = install(project, { scripts: true });
    expect(output).not.toMatch(/gyp info|CXX\(target\)/);
    expect(fs.existsSync(path.join(project, 'node_modules', 'rdkafka-napi', 'build'))).toBe(false);
    expect(runApp(project, 'app.cjs').received.value).toBe('hello from CommonJS');
  });

  it('builds from source when no prebuild matches, with npm’s own node-gyp', async () => {
    // The same tarball without prebuilds/, installed with the full PATH (a compiler).
    const unpacked = scratchDir('source-tarball');
    runOk('tar', ['-xzf', tarball, '-C', unpacked], { cwd: unpacked });
    fs.rmSync(path.join(unpacked, 'package', 'prebuilds'), { recursive: true });
    const packed = JSON.parse(
      npm(['pack', '--json', '--ignore-scripts', '--pack-destination', unpacked], { cwd: path.join(unpacked, 'package') }).stdout,
    ) as Array<{ filename: string }>;
    const project = newProject('source-build');
    scratch.push(project);
    const env = cleanEnv();
    const { output } = await npmAsync(
      ['install', '--offline', '--no-audit', '--no-fund', '--foreground-scripts', path.join(unpacked, packed[0].filename)],
      { cwd: project, env },
    );
    // node-gyp is not a dependency of the package: npm's bundled one built it.
    expect(fs.existsSync(path.join(project, 'node_modules', 'node-gyp'))).toBe(false);
    expect(output).toMatch(/gyp info using node-gyp@/);
    expect(output).toMatch(/SOLINK_MODULE\(target\) Release\/obj\.target\/rdkafka_napi\.node/);
    const release = path.join(project, 'node_modules', 'rdkafka-napi', 'build', 'Release', 'rdkafka_napi.node');
    expect(fs.existsSync(release)).toBe(true);
    const result = runApp(project, 'app.cjs', env);
    expect(result.addon).toEqual([fs.realpathSync(release)]);
    expect(result.received.value).toBe('hello from CommonJS');
  });
});
