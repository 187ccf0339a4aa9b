#!/usr/bin/env bash
# Installs the other Node.js Kafka clients into bench/peers/node_modules, only
# so that bench/run.js can measure them side by side with rdkafka-napi. They
# are never part of the package.
#
# Usage: bash bench/install-peers.sh [--force]
#
# Works with no network but the npm registry:
#  - node-rdkafka compiles the librdkafka bundled in its tarball (~75 s).
#  - @confluentinc/kafka-javascript would download a prebuilt binary from
#    GitHub; it is built from source instead, linked dynamically against the
#    system librdkafka (CKJS_LINKING=dynamic; apt-get install librdkafka-dev).
#  - @platformatic/kafka: the 1.x line, the newest that supports Node 20 (two
#    of its helpers declare Node >= 22 but work on 20; npm only warns).
# The two native ones are optionalDependencies: one that fails to build does
# not stop the others (the pure-JS ones are plain dependencies, because npm
# drops an optional one whose dependencies merely warn about the Node version). The outcome, per peer, goes to node_modules/.bench-peers.json, which
# bench/run.js reads to report a missing peer with the reason.
set -uo pipefail

cd "$(dirname "$0")/peers"
STATUS=node_modules/.bench-peers.json
LOG=node_modules/.bench-install.log

if [ "${1:-}" != "--force" ] && [ -f "$STATUS" ] && [ "$STATUS" -nt package.json ]; then
  echo "bench peers already installed ($(cd node_modules && pwd)); --force to reinstall" >&2
  exit 0
fi

mkdir -p node_modules
tmp_log=$(mktemp)
echo "installing bench peers into $(pwd)/node_modules (log: $(pwd)/$LOG)" >&2
started=$SECONDS
CKJS_LINKING=dynamic npm_config_build_from_source=true \
  npm install --no-audit --no-fund --no-package-lock --foreground-scripts >"$tmp_log" 2>&1
npm_rc=$?
mkdir -p node_modules
mv "$tmp_log" "$LOG"
echo "npm install exited $npm_rc after $((SECONDS - started)) s" >&2

# Which peers load, and why not for those that don't.
node - "$LOG" "$STATUS" <<'EOF'
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const [log, out] = process.argv.slice(2);
const text = fs.readFileSync(log, 'utf8');
const pkg = require(path.resolve('package.json'));
const status = {};
const wanted = { ...pkg.optionalDependencies, ...pkg.dependencies };
for (const name of Object.keys(wanted)) {
  const entry = { wanted: wanted[name] };
  try {
    entry.version = require(path.resolve('node_modules', name, 'package.json')).version.replace(/^v/, '');
    require(require.resolve(name, { paths: [process.cwd()] }));
    entry.ok = true;
  } catch (error) {
    entry.ok = false;
    // The first error line npm printed about this package, else the load error.
    const lines = text.split('\n').filter((l) => l.includes(name) && /err|fail|EBADENGINE/i.test(l));
    entry.reason = (lines[0] || String(error.message).split('\n')[0]).trim().slice(0, 200);
  }
  status[name] = entry;
}
fs.writeFileSync(out, JSON.stringify(status, null, 2) + '\n');
for (const [name, entry] of Object.entries(status)) {
  console.error(`  ${name.padEnd(32)} ${entry.ok ? `ok ${entry.version}` : `NOT INSTALLED: ${entry.reason}`}`);
}
EOF
