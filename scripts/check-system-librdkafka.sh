#!/usr/bin/env bash
# Builds the addon against the system's librdkafka (pkg-config,
# RDKAFKA_NAPI_SYSTEM_LIBRDKAFKA=1) in a scratch copy of the repository, so
# build/ and prebuilds/ here stay untouched, and runs the producer, consumer
# and admin-versions suites there: on the mock cluster and on a real broker that
# vitest's global setup starts on KAFKA_TEST_PORT (default 29500).
#
# Usage: bash scripts/check-system-librdkafka.sh [extra vitest arguments]
# Environment: KAFKA_TEST_PORT, KAFKA_VERSION (scripts/kafka-broker.sh),
#              KEEP=1 keeps the scratch copy (its path is printed).
# Needs: librdkafka-dev and pkg-config (Debian: apt-get install librdkafka-dev pkg-config),
#        the build tools of a source build, and node_modules (npm ci) here.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd -P)"
log() { printf 'system-librdkafka: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

command -v pkg-config >/dev/null 2>&1 || die "pkg-config is missing (apt-get install pkg-config)"
pkg-config --exists rdkafka || die "pkg-config finds no rdkafka (apt-get install librdkafka-dev)"
[[ -d "$root/node_modules" ]] || die "no node_modules in $root: run npm ci first"
version="$(pkg-config --modversion rdkafka)"
log "system librdkafka $version ($(pkg-config --libs rdkafka))"

work="$(mktemp -d "${TMPDIR:-/tmp}/rdkafka-napi-system.XXXXXX")"
cleanup() {
  if [[ "${KEEP:-}" == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# The sources without build output, prebuilds or VCS data; dependencies shared.
tar -C "$root" --exclude=./node_modules --exclude=./build --exclude=./prebuilds --exclude=./dist \
  --exclude=./.git --exclude='./*.tgz' -cf - . | tar -C "$work" -xf -
ln -s "$root/node_modules" "$work/node_modules"

start=$SECONDS
log "building the addon against it in $work"
(cd "$work" && RDKAFKA_NAPI_SYSTEM_LIBRDKAFKA=1 node scripts/install.js --force) >"$work/build.log" 2>&1 \
  || { tail -n 40 "$work/build.log" >&2; die "build failed (log above)"; }
log "built in $((SECONDS - start)) s"

# The addon must really use the shared system library, at the version pkg-config named.
addon="$work/build/Release/rdkafka_napi.node"
ldd_output="$(ldd "$addon")"
grep -q 'librdkafka\.so' <<<"$ldd_output" || die "$addon does not link a shared librdkafka: $(tr '\n' ' ' <<<"$ldd_output")"
loaded="$(node -e "const m={exports:{}};process.dlopen(m,process.argv[1]);console.log(m.exports.librdkafkaVersion)" "$addon")"
[[ "$loaded" == "$version" ]] || die "the addon reports librdkafka $loaded, pkg-config says $version"
log "the addon loads librdkafka $loaded from $(ldd "$addon" | awk '/librdkafka\.so/ { print $3 }')"

start=$SECONDS
status=0
(cd "$work" && KAFKA_TEST_PORT="${KAFKA_TEST_PORT:-29500}" \
  node node_modules/vitest/vitest.mjs run test/integration/producer.test.ts test/integration/consumer.test.ts \
    test/integration/admin-versions.test.ts "$@") \
  || status=$?
log "suites ran in $((SECONDS - start)) s (exit status $status) against librdkafka $version"
exit "$status"
