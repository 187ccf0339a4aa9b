#!/usr/bin/env node
// npm install hook: use a matching prebuilt binary when one ships, otherwise
// build librdkafka (deps/) and the addon against the running Node's headers.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const force = process.argv.includes('--force');

function fail(line) {
  console.error(`rdkafka-napi: ${line}`);
  process.exit(1);
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function prebuiltLoads() {
  try {
    require('node-gyp-build')(root);
    return true;
  } catch {
    return false;
  }
}

function checkToolchain() {
  const missing = [];
  if (!has('c++') && !has('g++')) missing.push('a C++ compiler (g++)');
  if (!has('make')) missing.push('make');
  if (!has('python3')) missing.push('python3');
  if (missing.length > 0) {
    fail(
      `no prebuilt binary for ${process.platform}-${process.arch} and cannot build from source: missing ` +
        `${missing.join(', ')} — install them (Debian/Ubuntu: apt-get install build-essential python3)`,
    );
  }
}

function librdkafkaEnv() {
  if (process.env.RDKAFKA_NAPI_SYSTEM_LIBRDKAFKA === '1') {
    if (!has('pkg-config') || spawnSync('pkg-config', ['--exists', 'rdkafka']).status !== 0) {
      fail('RDKAFKA_NAPI_SYSTEM_LIBRDKAFKA=1 but pkg-config cannot find rdkafka — install librdkafka-dev and pkg-config');
    }
    return {};
  }
  const built = spawnSync('bash', [path.join(root, 'deps', 'build-librdkafka.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const prefix = built.stdout.trim().split('\n').pop();
  return { RDKAFKA_NAPI_LIBRDKAFKA_PREFIX: prefix };
}

function buildAddon(extraEnv) {
  // Never download headers: build against the Node that runs this script.
  const nodeDir = path.dirname(path.dirname(process.execPath));
  if (!fs.existsSync(path.join(nodeDir, 'include', 'node', 'node_api.h'))) {
    fail(`Node's headers are missing under ${nodeDir}/include/node — install your distribution's nodejs dev headers`);
  }
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  const result = spawnSync(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`, '--jobs=max'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...extraEnv },
  });
  if (result.status !== 0) fail('native build failed (see the compiler output above)');
}

if (!force && prebuiltLoads()) process.exit(0);
checkToolchain();
buildAddon(librdkafkaEnv());
