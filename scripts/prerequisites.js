#!/usr/bin/env node
// The system packages a clone needs for `npm install && npm run demo` and
// `npm test`. The list itself is written once, in README.md's Quick start
// (the `apt-get install` line after the "prerequisites" marker); .ci/run
// installs exactly that list and `npm test` (pretest) checks it here.
//
// Usage:
//   node scripts/prerequisites.js             checks every package; one line and exit 1 when some are missing
//   node scripts/prerequisites.js --packages  prints the README's list, one package a line
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const MARKER = '<!-- prerequisites';

// How to tell each package is there without asking dpkg (so the check also
// works on other distributions where the same programs come from elsewhere),
// and what needs it. Every package of the README's line must have an entry.
const PROBES = {
  'build-essential': { what: 'a C/C++ toolchain (g++, make)', commands: ['g++', 'make'] },
  patch: { what: 'patch (our librdkafka patches)', commands: ['patch'] },
  python3: { what: 'python3 (node-gyp, the Python interop tests)', commands: ['python3'] },
  'python3-venv': { what: "python3's venv module (the Python interop tests)", python: 'import venv, ensurepip' },
  'pkg-config': { what: 'pkg-config (librdkafka build)', commands: ['pkg-config'] },
  curl: { what: "curl (fetches librdkafka's source once)", commands: ['curl'] },
  'ca-certificates': { what: 'CA certificates (HTTPS downloads)', files: ['/etc/ssl/certs/ca-certificates.crt'] },
  openssl: { what: 'openssl (certificates of the security tests)', commands: ['openssl'] },
  'libssl-dev': { what: 'OpenSSL headers', files: ['/usr/include/openssl/ssl.h'] },
  'libsasl2-dev': { what: 'SASL headers', files: ['/usr/include/sasl/sasl.h'] },
  'libzstd-dev': { what: 'zstd headers', files: ['/usr/include/zstd.h'] },
  'liblz4-dev': { what: 'lz4 headers', files: ['/usr/include/lz4.h'] },
  'zlib1g-dev': { what: 'zlib headers', files: ['/usr/include/zlib.h'] },
  'openjdk-17-jre-headless': { what: 'a Java 17+ runtime (the real Kafka broker of the tests)', java: true },
  maven: { what: "Maven (fetches Kafka's jars once)", commands: ['mvn'] },
  kcat: { what: 'kcat (the kcat interop tests)', commands: ['kcat'] },
};

/** The packages of README.md's prerequisites line, in its order. */
function readmePackages(readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')) {
  const start = readme.indexOf(MARKER);
  if (start < 0) throw new Error(`README.md has no "${MARKER}" marker before the apt-get line`);
  const line = readme
    .slice(start)
    .split('\n')
    .find((text) => /^\s*(sudo )?apt-get install /.test(text));
  if (!line) throw new Error('README.md has no `apt-get install ...` line after its prerequisites marker');
  return line
    .replace(/^\s*(sudo )?apt-get install /, '')
    .split(/\s+/)
    .filter((word) => word !== '' && !word.startsWith('-'));
}

function onPath(command, env) {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function javaMajor(env) {
  const java = env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java';
  const result = spawnSync(java, ['-version'], { encoding: 'utf8', env, timeout: 20_000 });
  if (result.status !== 0) return 0;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return 0;
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}

function isPresent(probe, env) {
  if (probe.commands && !probe.commands.every((command) => onPath(command, env))) return false;
  if (probe.files && !probe.files.every((file) => fs.existsSync(file))) return false;
  if (probe.python) {
    if (!onPath('python3', env)) return false;
    const result = spawnSync('python3', ['-c', probe.python], { env, stdio: 'ignore', timeout: 20_000 });
    if (result.status !== 0) return false;
  }
  if (probe.java && javaMajor(env) < 17) return false;
  return true;
}

/** Packages of the list that are missing, each with what it provides. */
function missingPackages(packages = readmePackages(), env = process.env) {
  const unknown = packages.filter((name) => !(name in PROBES));
  if (unknown.length > 0) {
    throw new Error(`scripts/prerequisites.js has no probe for ${unknown.join(', ')} (listed in README.md): add one`);
  }
  return packages.filter((name) => !isPresent(PROBES[name], env)).map((name) => ({ name, what: PROBES[name].what }));
}

/** The one line naming every missing piece and the command that installs them. */
function missingLine(missing) {
  return (
    `rdkafka-napi: missing prerequisites: ${missing.map((entry) => entry.what).join('; ')}. ` +
    `Install them: apt-get install ${missing.map((entry) => entry.name).join(' ')}`
  );
}

module.exports = { PROBES, readmePackages, missingPackages, missingLine };

if (require.main === module) {
  try {
    if (process.argv.includes('--packages')) {
      process.stdout.write(`${readmePackages().join('\n')}\n`);
    } else {
      const missing = missingPackages();
      if (missing.length > 0) {
        process.stderr.write(`${missingLine(missing)}\n`);
        process.exit(1);
      }
    }
  } catch (error) {
    process.stderr.write(`rdkafka-napi: ${error.message}\n`);
    process.exit(1);
  }
}
