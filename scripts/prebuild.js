#!/usr/bin/env node
// Builds the Node-API prebuild of this machine's platform into
// prebuilds/<platform>-<arch>/ with prebuildify, links the bundled librdkafka
// statically, then checks the result (scripts/prebuild-report.js).
//
//   npm run prebuildify                    # this machine's platform and libc
//   npm run prebuildify -- --quiet         # extra arguments go to prebuildify
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

// librdkafka: RDKAFKA_NAPI_LIBRDKAFKA_PREFIX if given (e.g. a pipeline that
// built it separately), else deps/build-librdkafka.sh (cached).
function librdkafkaPrefix() {
  if (process.env.RDKAFKA_NAPI_LIBRDKAFKA_PREFIX) return process.env.RDKAFKA_NAPI_LIBRDKAFKA_PREFIX;
  const built = spawnSync('bash', [path.join(root, 'deps', 'build-librdkafka.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
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
