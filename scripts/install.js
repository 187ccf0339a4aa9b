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

// What a binary that exists but does not load is missing, in words a user can act on.
function loadFailureHint(message) {
  const library = /([\w.+-]+\.so[.\d]*): cannot open shared object file/.exec(message);
  if (library && /^libsasl2\./.test(library[1])) {
    return (
      `the Cyrus SASL library ${library[1]} is not installed — install it (Debian/Ubuntu: apt-get install libsasl2-2; ` +
      'Fedora/RHEL: dnf install cyrus-sasl-lib; Alpine: apk add libsasl; Arch: pacman -S libsasl)'
    );
  }
  if (library) return `the shared library ${library[1]} is not installed`;
  const version = /version `((?:GLIBC|GLIBCXX|CXXABI)_[\d.]+)' not found/.exec(message);
  if (version) return `this system's C/C++ runtime is older than the prebuilt binary needs (${version[1]})`;
  return undefined;
}

// The binary node-gyp-build would load (build/Release, else a matching
// prebuild) and whether it loads here.
function tryExistingBinary() {
  let file;
  try {
    file = require('node-gyp-build').resolve(root);
  } catch {
    return { found: false };
  }
  try {
    require(file);
    return { found: true, loaded: true, file };
  } catch (error) {
    return { found: true, loaded: false, file, error };
  }
}

function checkToolchain(why) {
  const missing = [];
  if (!has('c++') && !has('g++')) missing.push('a C++ compiler (g++)');
  if (!has('make')) missing.push('make');
  if (!has('python3')) missing.push('python3');
  if (missing.length > 0) {
    fail(
      `${why} and cannot build from source: missing ` +
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

// node-gyp is not a dependency (installs that use a prebuild never need it):
// a local one (this repository's devDependency, or the user's), else the one
// npm (>= 7) and pnpm bundle and name in npm_config_node_gyp, else PATH.
function nodeGypCommand() {
  try {
    return [process.execPath, require.resolve('node-gyp/bin/node-gyp.js')];
  } catch {
    // not installed locally
  }
  const bundled = process.env.npm_config_node_gyp;
  if (bundled && fs.existsSync(bundled)) return /\.c?js$/.test(bundled) ? [process.execPath, bundled] : [bundled];
  if (has('node-gyp')) return ['node-gyp'];
  return fail(
    'cannot find node-gyp to build from source — install it (npm install -g node-gyp) or install with npm >= 7, which bundles it',
  );
}

function buildAddon(extraEnv) {
  // Never download headers: build against the Node that runs this script.
  const nodeDir = path.dirname(path.dirname(process.execPath));
  if (!fs.existsSync(path.join(nodeDir, 'include', 'node', 'node_api.h'))) {
    fail(`Node's headers are missing under ${nodeDir}/include/node — install your distribution's nodejs dev headers`);
  }
  const nodeGyp = nodeGypCommand();
  const result = spawnSync(nodeGyp[0], [...nodeGyp.slice(1), 'rebuild', `--nodedir=${nodeDir}`, '--jobs=max'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...extraEnv },
  });
  if (result.status !== 0) fail('native build failed (see the compiler output above)');
}

let why = `no prebuilt binary for ${process.platform}-${process.arch}`;
let unloadable = false;
if (!force) {
  const existing = tryExistingBinary();
  if (existing.loaded) process.exit(0); // a prebuild (or an earlier build) works: compile nothing
  if (existing.found) {
    const cause = String(existing.error.message).split('\n')[0];
    why = `${path.relative(root, existing.file)} does not load here (${loadFailureHint(cause) ?? cause})`;
    unloadable = true;
  }
}
checkToolchain(why);
if (unloadable) console.error(`rdkafka-napi: ${why}; building from source instead`);
buildAddon(librdkafkaEnv());
