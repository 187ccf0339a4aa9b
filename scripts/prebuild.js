#!/usr/bin/env node
// Builds the Node-API prebuild of this machine's platform into
// prebuilds/<platform>-<arch>/ with prebuildify, links the bundled librdkafka
// statically, then checks the result (scripts/prebuild-report.js).
//
//   npm run prebuildify                    # this machine's platform and libc
//   npm run prebuildify -- --quiet         # extra arguments go to prebuildify
//   npm run prebuildify -- --arch arm64    # cross-compiled for linux-arm64 (glibc)
//
// Headers: node-gyp gets --nodedir (npm_config_nodedir, else the running
// Node's own include/node) and downloads nothing (RDKAFKA_NAPI_DOWNLOAD_HEADERS=1
// lets it). librdkafka: RDKAFKA_NAPI_LIBRDKAFKA_PREFIX, else
// deps/build-librdkafka.sh. See docs/prebuilds.md for the other platforms.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { inspectPrebuild, formatReport } = require('./prebuild-report');

const root = path.resolve(__dirname, '..');

function fail(line) {
  console.error(`prebuild: ${line}`);
  process.exit(1);
}

if (process.env.RDKAFKA_NAPI_SYSTEM_LIBRDKAFKA === '1') {
  fail('RDKAFKA_NAPI_SYSTEM_LIBRDKAFKA=1 links the system librdkafka dynamically; a prebuild must bundle it — unset it');
}

// Node's headers: never downloaded, unless RDKAFKA_NAPI_DOWNLOAD_HEADERS=1
// (a release job on Windows, whose Node has no headers or node.lib).
function nodeDir() {
  if (process.env.RDKAFKA_NAPI_DOWNLOAD_HEADERS === '1') return undefined;
  const candidates = [process.env.npm_config_nodedir, path.dirname(path.dirname(process.execPath))].filter(Boolean);
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, 'include', 'node', 'node_api.h'))) return path.resolve(dir);
  }
  return fail(
    `Node's headers are not under ${candidates.map((dir) => `${dir}/include/node`).join(' or ')}; ` +
      'set npm_config_nodedir to a Node source or headers directory (e.g. an unpacked node-vX.Y.Z-headers.tar.gz)',
  );
}

// Another CPU than this machine's: Debian's cross toolchain of that GNU
// triplet builds librdkafka and the addon (multiarch -dev packages of the
// target architecture provide the static OpenSSL, zstd, lz4 and zlib).
const CROSS_TRIPLETS = { arm64: 'aarch64-linux-gnu' };

function targetArch(args) {
  const index = args.findIndex((arg) => arg === '--arch' || arg.startsWith('--arch='));
  if (index === -1) return process.arch;
  return args[index].includes('=') ? args[index].slice('--arch='.length) : args[index + 1];
}

function crossEnvironment(arch) {
  if (arch === process.arch) return {};
  const triplet = CROSS_TRIPLETS[arch];
  if (process.platform !== 'linux' || process.arch !== 'x64' || !triplet) {
    const known = Object.keys(CROSS_TRIPLETS).map((name) => `linux-${name}`);
    fail(
      `cannot cross-compile for ${process.platform}-${arch} from ${process.platform}-${process.arch}; known: linux-x64 -> ${known.join(', ')}`,
    );
  }
  // node-gyp's Makefile takes its tools from these; --arch only names the target.
  return {
    RDKAFKA_NAPI_CROSS_HOST: triplet,
    CC: `${triplet}-gcc`,
    CXX: `${triplet}-g++`,
    LINK: `${triplet}-g++`,
    AR: `${triplet}-ar`,
  };
}

// A cross build runs in a copy of the sources (build/cross-<arch>/) so that
// build/Release keeps this machine's addon, which checkouts and tests load.
function crossBuildDirectory(arch) {
  const dir = path.join(root, 'build', `cross-${arch}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of ['binding.gyp', 'package.json', 'native']) {
    fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  }
  return dir;
}

const arch = targetArch(process.argv.slice(2));
const crossEnv = crossEnvironment(arch);

// librdkafka: RDKAFKA_NAPI_LIBRDKAFKA_PREFIX if given (e.g. a pipeline that
// built it separately), else deps/build-librdkafka.sh (cached).
function librdkafkaPrefix() {
  if (process.env.RDKAFKA_NAPI_LIBRDKAFKA_PREFIX) return process.env.RDKAFKA_NAPI_LIBRDKAFKA_PREFIX;
  const built = spawnSync('bash', [path.join(root, 'deps', 'build-librdkafka.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    env: { ...process.env, ...crossEnv },
  });
  if (built.error) fail(`cannot run deps/build-librdkafka.sh: ${built.error.message}`);
  if (built.status !== 0) process.exit(built.status ?? 1);
  return built.stdout.trim().split('\n').pop();
}

const started = Date.now();
const prefix = librdkafkaPrefix();
const nodedir = nodeDir();
const platform = process.env.PREBUILD_PLATFORM || process.platform;

// Node-API: one binary serves every Node >= 18.17 (NAPI_VERSION=8). The
// target only names the headers; they come from --nodedir.
const args = [
  require.resolve('prebuildify/bin.js'),
  '--napi',
  '--strip',
  // linux-x64 holds both a glibc and a musl binary; node-gyp-build picks by tag.
  ...(platform === 'linux' ? ['--tag-libc'] : []),
  '--target',
  `node@${process.versions.node}`,
  ...(crossEnv.RDKAFKA_NAPI_CROSS_HOST
    ? ['--cwd', crossBuildDirectory(arch), '--out', root, '--strip-bin', `${crossEnv.RDKAFKA_NAPI_CROSS_HOST}-strip`]
    : []),
  ...process.argv.slice(2),
];
console.error(
  `prebuild: prebuildify ${args.slice(1).join(' ')} (${nodedir ? `nodedir ${nodedir}` : 'headers downloaded by node-gyp'}, librdkafka ${prefix})`,
);
const result = spawnSync(process.execPath, args, {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    ...crossEnv,
    RDKAFKA_NAPI_LIBRDKAFKA_PREFIX: prefix,
    // node-gyp reads npm_config_* like its own flags: build against these
    // headers, no download.
    ...(nodedir ? { npm_config_nodedir: nodedir } : {}),
  },
});
if (result.error) fail(`cannot run prebuildify: ${result.error.message}`);
if (result.status !== 0) fail(`prebuildify exited with ${result.status}`);

// What this run wrote (prebuildify renames the fresh build into place).
const prebuilds = path.join(root, 'prebuilds');
const built = (fs.existsSync(prebuilds) ? fs.readdirSync(prebuilds) : [])
  .flatMap((dir) => fs.readdirSync(path.join(prebuilds, dir)).map((name) => path.join(prebuilds, dir, name)))
  .filter((file) => file.endsWith('.node') && fs.statSync(file).mtimeMs >= started - 1000);
if (built.length === 0) fail('prebuildify wrote no .node file under prebuilds/');

let problems = 0;
for (const file of built) {
  const report = inspectPrebuild(file);
  console.log(formatReport(report, root));
  problems += report.problems.length;
}
console.log(`prebuild: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (problems > 0) fail(`${problems} problem(s) above: this binary must not be published`);
