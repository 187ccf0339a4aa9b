#!/usr/bin/env bash
# Checks the native addon for memory errors and leaks, end to end on the
# embedded MockCluster (test/native/memory-scenarios.js, groups main and
# teardown):
#
#   1. AddressSanitizer + LeakSanitizer + UBSan: the addon built with
#      -fsanitize=address,undefined against a librdkafka built with
#      -fsanitize=address (cached like deps/build-librdkafka.sh's own), node
#      run with the ASan runtime preloaded. Fails on any ASan/UBSan report and
#      on any leak that LSan still reports after test/native/lsan-node.supp
#      (Node/V8 internals only).
#   2. valgrind memcheck on the normal release build: fails on definite leaks
#      and on invalid reads/writes/frees (or uninitialised jumps) with a frame
#      in rdkafka_napi.node (the addon and the librdkafka, OpenSSL, zstd, lz4
#      and zlib linked into it); suppressions in test/native/valgrind-node.supp
#      cover Node/V8 internals only.
#
# Usage: bash scripts/check-native-memory.sh [--asan-only | --valgrind-only] [--sequential]
#
# Everything is built in a copy of the repository under $RDKAFKA_NAPI_MEMCHECK_DIR
# (default ${TMPDIR:-/tmp}/rdkafka-napi-memcheck); the checkout's own build/ is
# never touched. The instrumented librdkafka is cached in
# $RDKAFKA_NAPI_MEMCHECK_CACHE (default ~/.cache/rdkafka-napi-memcheck): the
# first run spends 1-4 minutes building it (2 cores), later runs none.
# Reports are kept in <dir>/reports. The last line is a one-line summary;
# the exit code is 0 only when both checks are clean.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
WORK="${RDKAFKA_NAPI_MEMCHECK_DIR:-${TMPDIR:-/tmp}/rdkafka-napi-memcheck}"
CACHE="${RDKAFKA_NAPI_MEMCHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rdkafka-napi-memcheck}"
REPORTS="$WORK/reports"
SCENARIOS=test/native/memory-scenarios.js
LSAN_SUPP="$ROOT/test/native/lsan-node.supp"
VALGRIND_SUPP="$ROOT/test/native/valgrind-node.supp"
SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -g -O1"

run_asan=1
run_valgrind=1
parallel=1
for arg in "$@"; do
  case "$arg" in
    --asan-only) run_valgrind=0 ;;
    --valgrind-only) run_asan=0 ;;
    --sequential) parallel=0 ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "check-native-memory: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

started=$SECONDS
log() { printf 'check-native-memory: %s\n' "$*" >&2; }
die() { printf 'check-native-memory: %s\n' "$*" >&2; echo "native memory check: ERROR ($*)"; exit 2; }
elapsed() { printf '%dm%02ds' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)); }

# ---------------------------------------------------------------- prerequisites
NODE="$(command -v node)" || die "node is not on PATH"
NODE="$(readlink -f "$NODE")"
NODEDIR="$(dirname "$(dirname "$NODE")")"
[[ -f "$NODEDIR/include/node/node_api.h" ]] || die "Node's headers are missing under $NODEDIR/include/node"
[[ -d "$ROOT/node_modules/node-gyp" && -d "$ROOT/node_modules/typescript" ]] || die "run npm install in $ROOT first"
command -v g++ >/dev/null || die "g++ is missing (apt-get install build-essential)"
LIBASAN="$(gcc -print-file-name=libasan.so)"
[[ "$LIBASAN" == /* && -e "$LIBASAN" ]] || die "gcc has no libasan.so (apt-get install libasan8 / gcc)"
LIBASAN="$(readlink -f "$LIBASAN")"
if ((run_valgrind)) && ! command -v valgrind >/dev/null; then
  log "valgrind is missing; installing it"
  sudo_cmd=()
  [[ "$(id -u)" == 0 ]] || sudo_cmd=(sudo -n)
  { "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind ||
    { "${sudo_cmd[@]}" apt-get update -q && "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind; }
  } >&2 || die "cannot install valgrind (apt-get install valgrind)"
fi

mkdir -p "$WORK" "$CACHE"
rm -rf "$REPORTS"
mkdir -p "$REPORTS"

# ---------------------------------------------------------------- copies
# A copy per variant (node-gyp builds into <root>/build). tar keeps mtimes, so
# make recompiles only what changed since the previous run.
stage() { # DIR
  local dir="$1"
  mkdir -p "$dir"
  rm -rf "$dir/native" "$dir/src" "$dir/test" "$dir/scripts" "$dir/deps" "$dir/dist"
  (cd "$ROOT" && tar --exclude=./node_modules --exclude=./build --exclude=./dist --exclude=./.git \
     --exclude=./prebuilds -cf - .) | tar -xf - -C "$dir"
  ln -sfn "$ROOT/node_modules" "$dir/node_modules"
}

# build_addon DIR PREFIX CFLAGS LDFLAGS: node-gyp into DIR/build, rebuilt
# from scratch only when the prefix or the flags changed.
build_addon() {
  local dir="$1" prefix="$2" cflags="$3" ldflags="$4" stamp action=build
  # The root too: the Makefile holds absolute include paths into its node_modules.
  stamp="root=$ROOT prefix=$prefix cflags=$cflags ldflags=$ldflags node=$NODE $("$NODE" --version) gyp=$(sha256sum <"$dir/binding.gyp")"
  if [[ ! -f "$dir/build/Makefile" || "$(cat "$dir/.memcheck-stamp" 2>/dev/null)" != "$stamp" ]]; then
    action=rebuild
  fi
  rm -f "$dir/.memcheck-stamp"
  (cd "$dir" && CFLAGS="$cflags" CXXFLAGS="$cflags" LDFLAGS="$ldflags" RDKAFKA_NAPI_LIBRDKAFKA_PREFIX="$prefix" \
     "$NODE" node_modules/node-gyp/bin/node-gyp.js "$action" --nodedir="$NODEDIR" --jobs=max) \
     >"$REPORTS/build-$(basename "$dir").log" 2>&1 ||
    { tail -n 30 "$REPORTS/build-$(basename "$dir").log" >&2; die "building the addon in $dir failed"; }
  printf '%s' "$stamp" >"$dir/.memcheck-stamp"
}

compile_ts() { # DIR
  (cd "$1" && "$NODE" node_modules/typescript/bin/tsc -p tsconfig.json) >"$REPORTS/tsc-$(basename "$1").log" 2>&1 ||
    { cat "$REPORTS/tsc-$(basename "$1").log" >&2; die "TypeScript compilation failed"; }
}

RDKAFKA_VERSION="$(sed -n 's/^RDKAFKA_VERSION=//p' "$ROOT/deps/build-librdkafka.sh")"
main_tarball="${XDG_CACHE_HOME:-$HOME/.cache}/rdkafka-napi/librdkafka-$RDKAFKA_VERSION.tar.gz"

asan_librdkafka() { # prints the prefix
  # The compiler's path is part of build-librdkafka.sh's cache key: keep it stable.
  mkdir -p "$CACHE/bin"
  printf '#!/bin/sh\nexec gcc -fsanitize=address -fno-omit-frame-pointer "$@"\n' >"$CACHE/bin/asan-cc"
  chmod +x "$CACHE/bin/asan-cc"
  local env=(CC="$CACHE/bin/asan-cc" RDKAFKA_NAPI_CACHE="$CACHE" RDKAFKA_NAPI_LIBRDKAFKA_CFLAGS="-g -O1"
             ASAN_OPTIONS=detect_leaks=0)
  if [[ ! -f "$CACHE/librdkafka-$RDKAFKA_VERSION.tar.gz" && -f "$main_tarball" ]]; then
    env+=(RDKAFKA_NAPI_LIBRDKAFKA_TARBALL="$main_tarball")
  fi
  env "${env[@]}" bash "$ROOT/deps/build-librdkafka.sh" 2>"$REPORTS/librdkafka-asan.log" | tail -n 1 ||
    { tail -n 20 "$REPORTS/librdkafka-asan.log" >&2; return 1; }
}

# ---------------------------------------------------------------- report parsing
# node parse-reports.js asan|valgrind FILE...  -> prints findings, exit 1 if any
PARSER="$WORK/parse-reports.js"
cat >"$PARSER" <<'EOF'
'use strict';
const fs = require('node:fs');
const [mode, ...files] = process.argv.slice(2);
const OURS = /rdkafka_napi\.node/;
const findings = [];
const notes = [];

function add(kind, block) {
  findings.push(`${kind}\n${block.trim()}`);
}

for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  if (mode === 'asan') {
    // ASan / UBSan logs (log_path=...). Frames carry their module in {...}.
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (/ERROR: AddressSanitizer|ERROR: LeakSanitizer/.test(line) && !/detected memory leaks/.test(line)) {
        const end = lines.findIndex((l, j) => j > i && /^SUMMARY:/.test(l));
        add(`AddressSanitizer report (${file})`, lines.slice(i, end < 0 ? undefined : end + 1).join('\n'));
        if (end > 0) i = end;
      } else if (/^(Direct|Indirect) leak of/.test(line)) {
        let j = i + 1;
        while (j < lines.length && lines[j].trim() !== '') j++;
        const block = lines.slice(i, j).join('\n');
        // LSan stacks of a leak nobody suppressed: ours when a frame is in the addon.
        if (OURS.test(block)) add(`leak (${file})`, block);
        else notes.push(`leak outside the addon (add to lsan-node.supp if it is Node/V8's own):\n${block}`);
        i = j;
      } else if (/runtime error:/.test(line)) {
        let j = i + 1;
        while (j < lines.length && /^\s+#\d/.test(lines[j])) j++;
        add(`UBSan report (${file})`, lines.slice(i, j).join('\n'));
        i = j - 1;
      }
    }
  } else {
    // valgrind log: error blocks are ==PID== lines separated by "==PID== " blank ones.
    const blocks = text.split(/\n==\d+== \n/).map((b) => b.replace(/^==\d+== ?/gm, ''));
    for (const block of blocks) {
      const head = block.split('\n')[0] ?? '';
      if (/definitely lost in loss record/.test(head)) add('definite leak', block);
      else if (/^(Invalid (read|write|free)|Mismatched free|Source and destination overlap|Use of uninitialised|Conditional jump|Syscall param|Invalid .*alignment)/.test(head)) {
        if (OURS.test(block) || /rdkafka_napi::|\brd_kafka_/.test(block)) add(head, block);
        else notes.push(`outside the addon: ${head}`);
      } else if (/^Process terminating/.test(head)) {
        add('process terminated by a signal', block);
      }
    }
    const summary = /definitely lost: ([\d,]+) bytes in ([\d,]+) blocks/.exec(text);
    if (summary && summary[1] !== '0' && !findings.some((f) => f.startsWith('definite leak'))) {
      add('definite leak', `LEAK SUMMARY: definitely lost: ${summary[1]} bytes in ${summary[2]} blocks (see ${file})`);
    }
  }
}
for (const note of notes) console.log(`note: ${note.split('\n').slice(0, 12).join('\n      ')}`);
for (const finding of findings) console.log(`FINDING: ${finding}\n`);
console.log(`findings=${findings.length}`);
process.exit(findings.length > 0 ? 1 : 0);
EOF

# ---------------------------------------------------------------- runners
# Teardown group only: a worker terminated while operations are pending leaves
# their napi_deferred unsettled (JS can no longer run), and node frees a
# deferred's handle only when it is settled. Allocation inside node's
# napi_create_promise, inherent to Node-API; normal runs get no such entry.
TEARDOWN_LSAN_SUPP="$WORK/lsan-teardown.supp"
{ cat "$LSAN_SUPP"; printf 'leak:napi_create_promise\n'; } >"$TEARDOWN_LSAN_SUPP"
TEARDOWN_VALGRIND_SUPP="$WORK/valgrind-teardown.supp"
cat >"$TEARDOWN_VALGRIND_SUPP" <<'EOF'
{
   node-api-deferred-never-settled-at-worker-teardown
   Memcheck:Leak
   match-leak-kinds: definite
   fun:_Znwm
   fun:napi_create_promise
}
EOF

run_asan_group() { # GROUP
  local group="$1" dir="$WORK/asan" supp="$LSAN_SUPP" rc=0
  [[ "$group" == teardown ]] && supp="$TEARDOWN_LSAN_SUPP"
  local out="$REPORTS/asan-$group.out"
  (cd "$dir" && timeout -k 10 600 env LD_PRELOAD="$LIBASAN" \
     ASAN_OPTIONS="detect_leaks=1:handle_abort=1:allow_user_segv_handler=1:log_path=$REPORTS/asan-$group:stack_trace_format='    #%n %p %F %L {%m}'" \
     LSAN_OPTIONS="suppressions=$supp:print_suppressions=0" \
     UBSAN_OPTIONS="print_stacktrace=1:log_path=$REPORTS/ubsan-$group:stack_trace_format='    #%n %p %F %L {%m}'" \
     RDKAFKA_NAPI_ADDON_PATH="$dir/build/Release/rdkafka_napi.node" MEMORY_SCENARIOS_SLOWDOWN=2 \
     "$NODE" --expose-gc "$SCENARIOS" "$group") >"$out" 2>&1 || rc=$?
  grep -v '^%' "$out" | grep '^memory-scenarios:' >&2 || true
  local verdict=0
  "$NODE" "$PARSER" asan $(ls "$REPORTS"/asan-"$group".* "$REPORTS"/ubsan-"$group".* 2>/dev/null) \
    >"$REPORTS/asan-$group.findings" || verdict=1
  grep -v '^findings=' "$REPORTS/asan-$group.findings" >&2 || true
  if ((rc != 0)) && ! grep -q "PASS \[$group\]" "$out"; then
    log "asan/$group: scenario process exited with status $rc (see $out)"
    grep -v '^%' "$out" | grep -v '^memory-scenarios: ok' | tail -n 25 >&2
    verdict=1
  fi
  echo "$verdict" >"$REPORTS/asan-$group.verdict"
}

run_valgrind_group() { # GROUP
  local group="$1" dir="$WORK/release" rc=0 supp=()
  supp=(--suppressions="$VALGRIND_SUPP")
  [[ "$group" == teardown ]] && supp+=(--suppressions="$TEARDOWN_VALGRIND_SUPP")
  local out="$REPORTS/valgrind-$group.out"
  (cd "$dir" && env RDKAFKA_NAPI_ADDON_PATH="$dir/build/Release/rdkafka_napi.node" MEMORY_SCENARIOS_SLOWDOWN=4 \
     timeout -k 10 900 valgrind --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
       --num-callers=40 --track-fds=no --child-silent-after-fork=yes "${supp[@]}" \
       --log-file="$REPORTS/valgrind-$group.%p.log" \
       "$NODE" --expose-gc "$SCENARIOS" "$group") >"$out" 2>&1 || rc=$?
  grep -v '^%' "$out" | grep '^memory-scenarios:' >&2 || true
  local verdict=0
  "$NODE" "$PARSER" valgrind "$REPORTS"/valgrind-"$group".*.log >"$REPORTS/valgrind-$group.findings" || verdict=1
  grep -v '^findings=' "$REPORTS/valgrind-$group.findings" >&2 || true
  if ((rc != 0)) && ! grep -q "PASS \[$group\]" "$out"; then
    log "valgrind/$group: scenario process exited with status $rc (see $out)"
    grep -v '^%' "$out" | grep -v '^memory-scenarios: ok' | tail -n 25 >&2
    verdict=1
  fi
  echo "$verdict" >"$REPORTS/valgrind-$group.verdict"
}

# ---------------------------------------------------------------- build
if ((run_asan)); then
  log "librdkafka with AddressSanitizer (cached in $CACHE)"
  asan_prefix="$(asan_librdkafka)" || die "building librdkafka with AddressSanitizer failed (see $REPORTS/librdkafka-asan.log)"
  [[ -f "$asan_prefix/lib/librdkafka.a" ]] || die "no instrumented librdkafka at '$asan_prefix'"
  stage "$WORK/asan"
  log "addon with -fsanitize=address,undefined in $WORK/asan"
  build_addon "$WORK/asan" "$asan_prefix" "$SANITIZE" "-fsanitize=address,undefined"
  compile_ts "$WORK/asan"
fi
if ((run_valgrind)); then
  release_prefix="$(bash "$ROOT/deps/build-librdkafka.sh" 2>"$REPORTS/librdkafka-release.log" | tail -n 1)" ||
    die "deps/build-librdkafka.sh failed (see $REPORTS/librdkafka-release.log)"
  stage "$WORK/release"
  log "release addon in $WORK/release"
  build_addon "$WORK/release" "$release_prefix" "" ""
  compile_ts "$WORK/release"
fi
log "built in $(elapsed)"

# ---------------------------------------------------------------- run
# The ASan runs mostly wait on the mock cluster; valgrind needs a core: side by side.
pids=()
if ((run_asan)); then
  if ((parallel && run_valgrind)); then
    (run_asan_group main; run_asan_group teardown) &
    pids+=($!)
  else
    log "AddressSanitizer run"
    run_asan_group main
    run_asan_group teardown
  fi
fi
if ((run_valgrind)); then
  log "valgrind run"
  run_valgrind_group main
  run_valgrind_group teardown
fi
for pid in "${pids[@]}"; do wait "$pid" || true; done

# ---------------------------------------------------------------- verdict
failed=()
checked=()
for check in asan-main asan-teardown valgrind-main valgrind-teardown; do
  [[ -f "$REPORTS/$check.verdict" ]] || continue
  checked+=("$check")
  [[ "$(cat "$REPORTS/$check.verdict")" == 0 ]] || failed+=("$check")
done
count_findings() { cat "$REPORTS"/*.findings 2>/dev/null | sed -n 's/^findings=//p' | awk '{s += $1} END {print s + 0}'; }
if ((${#checked[@]} == 0)); then
  echo "native memory check: ERROR (nothing ran) in $(elapsed)"
  exit 2
elif ((${#failed[@]} == 0)); then
  echo "native memory check: PASS (${checked[*]}: no leaks, no invalid accesses) in $(elapsed)"
else
  echo "native memory check: FAIL (${failed[*]}; $(count_findings) findings; reports in $REPORTS) in $(elapsed)"
  exit 1
fi
