#!/usr/bin/env bash
# Python environment of the interop tests (test/interop): a virtualenv with
# Confluent's Python client (confluent-kafka, over its own bundled librdkafka),
# made once and cached outside the clone, like Kafka's jars.
#
# Usage: scripts/python-interop-env.sh
#
# stdout carries only the result: the virtualenv's python, e.g.
# ~/.cache/rdkafka-napi/python-interop-2.16.1/bin/python. Progress and errors
# go to stderr.
#
# Environment: RDKAFKA_NAPI_CACHE (cache root, default ~/.cache/rdkafka-napi),
# PYTHON (interpreter to make the virtualenv with, default python3),
# PIP_TIMEOUT (seconds per network operation of pip, default 60).
set -euo pipefail

CONFLUENT_KAFKA_VERSION=2.16.1
INSTALL_HINT="apt-get install python3 python3-venv"

PROG=python-interop-env
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

CACHE_ROOT=${RDKAFKA_NAPI_CACHE:-${HOME:-/tmp}/.cache/rdkafka-napi}
VENV=$CACHE_ROOT/python-interop-$CONFLUENT_KAFKA_VERSION
STAMP=$VENV/.complete
PY=$VENV/bin/python

if [ -f "$STAMP" ] && [ -x "$PY" ]; then
  echo "$PY"
  exit 0
fi

PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found; install it: $INSTALL_HINT"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)' 2>/dev/null ||
  die "$PYTHON is older than 3.8; install a newer one: $INSTALL_HINT"
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null ||
  die "$PYTHON has no venv/ensurepip module; install it: $INSTALL_HINT"

mkdir -p "$CACHE_ROOT"
# One build at a time (parallel runs share the cache).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_ROOT/.python-interop.lock"
  flock 9
  if [ -f "$STAMP" ] && [ -x "$PY" ]; then
    echo "$PY"
    exit 0
  fi
fi

log "creating $VENV with confluent-kafka==$CONFLUENT_KAFKA_VERSION"
rm -rf "$VENV"
LOG=$CACHE_ROOT/python-interop-$CONFLUENT_KAFKA_VERSION.log
if ! "$PYTHON" -m venv "$VENV" >"$LOG" 2>&1; then
  tail -n 20 "$LOG" >&2
  rm -rf "$VENV"
  die "could not create a virtualenv with $PYTHON (log: $LOG); install it: $INSTALL_HINT"
fi
if ! "$PY" -m pip install --disable-pip-version-check --no-input --timeout "${PIP_TIMEOUT:-60}" \
    "confluent-kafka==$CONFLUENT_KAFKA_VERSION" >>"$LOG" 2>&1; then
  tail -n 20 "$LOG" >&2
  rm -rf "$VENV"
  die "pip could not install confluent-kafka==$CONFLUENT_KAFKA_VERSION (log: $LOG)"
fi
if ! librdkafka=$("$PY" -c 'import confluent_kafka as c; print(c.libversion()[0])' 2>>"$LOG"); then
  tail -n 20 "$LOG" >&2
  rm -rf "$VENV"
  die "confluent_kafka does not import (log: $LOG)"
fi
log "ready: confluent-kafka $CONFLUENT_KAFKA_VERSION over librdkafka $librdkafka"
touch "$STAMP"
echo "$PY"
