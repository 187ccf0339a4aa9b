#!/usr/bin/env bash
# Provide librdkafka as a static, position-independent library for the addon.
#
# Usage: bash deps/build-librdkafka.sh [--print-flags]
#
# stdout: exactly one line, the absolute path of the install prefix
#         (with --print-flags: the content of <prefix>/link-flags.txt).
# stderr: everything else.
#
# Cross builds: RDKAFKA_NAPI_CROSS_HOST=aarch64-linux-gnu builds for that GNU
# triplet with its Debian cross toolchain (${triplet}-gcc, -ar, -ranlib) and the
# multiarch -dev packages of that architecture (e.g. libssl-dev:arm64); the
# check program then runs under qemu user-mode emulation (qemu-user-static).
#
# The prefix is cached outside the clone (see deps/README.md) and contains
#   include/librdkafka/rdkafka.h, include/librdkafka/rdkafka_mock.h
#   lib/librdkafka.a          static, compiled with -fPIC
#   curl/lib/libcurl.a        libcurl, static and -fPIC, HTTP(S) only (OIDC token requests)
#   link-flags.txt            linker arguments to put after lib/librdkafka.a
#   builtin-features.txt      value of the "builtin.features" property
#   .complete                 stamp, written last
set -euo pipefail

RDKAFKA_VERSION=2.14.2
# SHA-256 of Debian's orig tarball librdkafka_2.14.2.orig.tar.gz
# (source package librdkafka 2.14.2-1; it is GitHub's tag tarball, whose
# top-level directory is confluentinc-librdkafka-6516057/).
RDKAFKA_PINNED_SHA256=4d53568c13717b167d12c7b2a0fe12aeb5d6bfe02de53df5b68f86d870a81b33
# libcurl for librdkafka's HTTP client (sasl.oauthbearer.method=oidc), built
# static and minimal (HTTP and HTTPS over the same OpenSSL, no other libraries)
# so the addon gains no runtime dependency. Source: Debian's orig tarball
# curl_8.22.0.orig.tar.gz (source package curl 8.22.0-1, upstream's release tarball).
CURL_VERSION=8.22.0
CURL_PINNED_SHA256=d54dd598bf05927a726deb38df31c6a255ba83ff1de57c5d1464dac3ed8f44a1
CURL_CONFIGURE_FLAGS=(
  --disable-shared --enable-static --with-pic --with-openssl
  --without-zlib --without-brotli --without-zstd --without-libpsl --without-libidn2
  --without-nghttp2 --without-nghttp3 --without-ngtcp2 --without-quiche
  --without-libssh2 --without-libssh --without-librtmp --without-libgsasl --without-gssapi
  --without-ca-bundle --without-ca-path --without-ca-embed --disable-ares
  --disable-ldap --disable-ldaps --disable-rtsp --disable-dict --disable-telnet --disable-tftp
  --disable-pop3 --disable-imap --disable-smb --disable-smtp --disable-gopher --disable-mqtt
  --disable-ftp --disable-file --disable-ipfs --disable-websockets --disable-manual --disable-docs
  --disable-libcurl-option --disable-ntlm --disable-kerberos-auth --disable-negotiate-auth
  --disable-cookies --disable-alt-svc --disable-aws --disable-httpsig --disable-unix-sockets
)
# Bump when the recipe below changes in a way that affects the output.
RECIPE_REVISION=4

UPSTREAM_URL="https://api.github.com/repos/confluentinc/librdkafka/tarball/refs/tags/v${RDKAFKA_VERSION}"
DEBIAN_SOURCE_PACKAGE=librdkafka
DEBIAN_SUITES=(unstable testing)

log() { printf 'rdkafka-napi: %s\n' "$*" >&2; }
die() { printf 'rdkafka-napi: cannot build librdkafka: %s\n' "$*" >&2; exit 1; }

mode=build
case "${1:-}" in
  "") ;;
  --print-flags) mode=print-flags ;;
  -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
  *) die "unknown argument '$1' (usage: bash deps/build-librdkafka.sh [--print-flags])" ;;
esac

CROSS_HOST="${RDKAFKA_NAPI_CROSS_HOST:-}"
if [[ -n "$CROSS_HOST" ]]; then
  [[ "$CROSS_HOST" =~ ^[a-z0-9_]+-[a-z0-9_]+-[a-z0-9_]+$ ]] \
    || die "RDKAFKA_NAPI_CROSS_HOST=$CROSS_HOST is not a GNU triplet such as aarch64-linux-gnu"
  CC="${CC:-$CROSS_HOST-gcc}"
  export AR="${AR:-$CROSS_HOST-ar}" RANLIB="${RANLIB:-$CROSS_HOST-ranlib}" CXX="${CXX:-$CROSS_HOST-g++}"
  # pkg-config must see only the target architecture's .pc files.
  export PKG_CONFIG_LIBDIR="/usr/lib/$CROSS_HOST/pkgconfig:/usr/share/pkgconfig"
  # What runs the check program: the emulator of the triplet's CPU.
  CROSS_RUNNER="${RDKAFKA_NAPI_CROSS_RUNNER:-qemu-${CROSS_HOST%%-*}-static}"
fi
CC="${CC:-cc}"
# Our changes to librdkafka, applied in name order (each says why at its top).
PATCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/patches"
EXPECTED_SHA256="${RDKAFKA_NAPI_LIBRDKAFKA_SHA256:-$RDKAFKA_PINNED_SHA256}"
EXPECTED_CURL_SHA256="${RDKAFKA_NAPI_CURL_SHA256:-$CURL_PINNED_SHA256}"
CACHE_DIR="${RDKAFKA_NAPI_CACHE:-$HOME/.cache/rdkafka-napi}"
# OpenSSL is linked statically (link-flags.txt), so its compiled-in CA paths are
# the build machine's (Debian: /usr/lib/ssl). Telling librdkafka so makes it
# probe the well-known CA bundle locations when ssl.ca.location is unset, as
# its own static builds do; a prebuild then verifies brokers on RHEL/Alpine too.
BUILD_CFLAGS="-O2 -fPIC -DWITH_STATIC_LIB_libcrypto=1${RDKAFKA_NAPI_LIBRDKAFKA_CFLAGS:+ $RDKAFKA_NAPI_LIBRDKAFKA_CFLAGS}"
CONFIGURE_FLAGS=(
  --no-download --no-cache
  --enable-ssl --enable-gssapi --enable-zstd --enable-zlib --enable-lz4-ext
  --enable-curl --disable-debug-symbols
)

# ---------------------------------------------------------------- prerequisites
check_prerequisites() {
  local missing=() pkgs=() cross_arch=""
  [[ -z "$CROSS_HOST" ]] || cross_arch="$(dpkg-architecture -t"$CROSS_HOST" -qDEB_HOST_ARCH 2>/dev/null || echo "${CROSS_HOST%%-*}")"
  add() { missing+=("$1"); pkgs+=("$2"); }

  if [[ -n "$CROSS_HOST" ]]; then
    command -v "$CC" >/dev/null 2>&1 || add "the cross compiler $CC" "gcc-$CROSS_HOST"
    command -v "$AR" >/dev/null 2>&1 || add "the cross binutils ($AR)" "binutils-$CROSS_HOST"
    command -v "${CROSS_RUNNER%% *}" >/dev/null 2>&1 || add "an emulator to run $CROSS_HOST programs ($CROSS_RUNNER)" qemu-user-static
  else
    command -v "$CC" >/dev/null 2>&1 || add "a C compiler ($CC)" gcc
  fi
  command -v make >/dev/null 2>&1 || add "make" make
  command -v pkg-config >/dev/null 2>&1 || add "pkg-config" pkg-config
  command -v ar >/dev/null 2>&1 || add "ar (binutils)" binutils
  command -v tar >/dev/null 2>&1 || add "tar" tar
  command -v gzip >/dev/null 2>&1 || add "gzip" gzip
  command -v sha256sum >/dev/null 2>&1 || add "sha256sum (coreutils)" coreutils
  command -v patch >/dev/null 2>&1 || add "patch" patch

  if command -v "$CC" >/dev/null 2>&1; then
    local spec header pkg what
    for spec in "openssl/ssl.h:libssl-dev:OpenSSL headers" \
                "zstd.h:libzstd-dev:zstd headers" \
                "lz4frame.h:liblz4-dev:lz4 headers" \
                "zlib.h:zlib1g-dev:zlib headers" \
                "sasl/sasl.h:libsasl2-dev:Cyrus SASL headers"; do
      IFS=: read -r header pkg what <<<"$spec"
      printf '#include <%s>\n' "$header" | "$CC" -E -x c - >/dev/null 2>&1 \
        || add "$pkg ($what)" "$pkg${cross_arch:+:$cross_arch}"
    done
    # The target's shared SASL library (its -dev package is not co-installable
    # across architectures on Debian 12, but its headers are the same).
    if [[ -n "$CROSS_HOST" && ! -e "/usr/lib/$CROSS_HOST/libsasl2.so.2" ]]; then
      add "libsasl2-2:$cross_arch (the target's Cyrus SASL library)" "libsasl2-2:$cross_arch"
    fi
  fi

  if ((${#missing[@]})); then
    local list="${missing[0]}" i
    for ((i = 1; i < ${#missing[@]}; i++)); do list+=", ${missing[i]}"; done
    printf 'rdkafka-napi: cannot build librdkafka: missing %s — install: apt-get install %s\n' \
      "$list" "${pkgs[*]}" >&2
    exit 1
  fi
}

check_prerequisites
[[ -d "$PATCH_DIR" ]] || die "$PATCH_DIR is missing (an incomplete copy of rdkafka-napi: it holds our changes to librdkafka)"

# ---------------------------------------------------------------- cache key
compiler_id="$("$CC" --version 2>/dev/null | head -n1) / $("$CC" -dumpmachine 2>/dev/null || true)"
key_input="librdkafka=$RDKAFKA_VERSION
sha256=$EXPECTED_SHA256
recipe=$RECIPE_REVISION
configure=${CONFIGURE_FLAGS[*]}
cflags=$BUILD_CFLAGS
cc=$CC
compiler=$compiler_id
patches=$({ cat "$PATCH_DIR"/*.patch 2>/dev/null || true; } | sha256sum | cut -c1-16)
curl=$CURL_VERSION
curl_sha256=$EXPECTED_CURL_SHA256
curl_configure=${CURL_CONFIGURE_FLAGS[*]}"
key="$(printf '%s' "$key_input" | sha256sum | cut -c1-12)"
mkdir -p "$CACHE_DIR"
CACHE_DIR="$(cd "$CACHE_DIR" && pwd -P)"
PREFIX="$CACHE_DIR/librdkafka-$RDKAFKA_VERSION-$key"
STAMP="$PREFIX/.complete"
CACHED_TARBALL="$CACHE_DIR/librdkafka-$RDKAFKA_VERSION.tar.gz"
CACHED_CURL_TARBALL="$CACHE_DIR/curl-$CURL_VERSION.tar.gz"

prefix_is_complete() {
  [[ -f "$STAMP" && -f "$PREFIX/lib/librdkafka.a" && -f "$PREFIX/link-flags.txt" && -f "$PREFIX/curl/lib/libcurl.a" \
     && -f "$PREFIX/include/librdkafka/rdkafka.h" ]] || return 1
  # The link flags name system archives; if one vanished, rebuild.
  local arg args
  read -r -a args <"$PREFIX/link-flags.txt"
  for arg in "${args[@]}"; do
    [[ "$arg" != /* || -f "$arg" ]] || { log "cached $PREFIX refers to missing $arg; rebuilding"; return 1; }
  done
}

if [[ $mode == print-flags ]]; then
  prefix_is_complete || die "no complete prefix at $PREFIX (run without --print-flags first)"
  cat "$PREFIX/link-flags.txt"
  exit 0
fi

if prefix_is_complete; then
  log "using cached librdkafka $RDKAFKA_VERSION at $PREFIX"
  printf '%s\n' "$PREFIX"
  exit 0
fi

# Serialise concurrent builds of the same cache (parallel installs).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_DIR/.lock"
  flock 9
  if prefix_is_complete; then
    log "using cached librdkafka $RDKAFKA_VERSION at $PREFIX"
    printf '%s\n' "$PREFIX"
    exit 0
  fi
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/rdkafka-napi-build.XXXXXX")"
STAGE="$PREFIX.tmp.$$"
cleanup() { rm -rf "$WORK" "$STAGE"; }
trap cleanup EXIT

# ---------------------------------------------------------------- source tarball
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# verify FILE LABEL [EXPECTED] -> 0 if the hash matches, else prints why and returns 1
verify() {
  local got expected="${3:-$EXPECTED_SHA256}"
  got="$(sha256_of "$1")"
  if [[ "$got" == "$expected" ]]; then return 0; fi
  log "$2: SHA-256 mismatch (got $got, expected $expected)"
  return 1
}

# Base URIs of the main Debian archive configured on this machine
# (deb822 .sources files and one-line .list files; -security is skipped).
debian_mirrors() {
  {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
      [[ -f "$f" ]] || continue
      awk '
        function flush() {
          if (uris != "" && enabled != "no" && suites !~ /-security/) {
            n = split(uris, u, /[ \t]+/)
            for (i = 1; i <= n; i++) if (u[i] != "") print u[i]
          }
          uris = ""; suites = ""; enabled = ""
        }
        /^[ \t]*$/ { flush(); next }
        /^[ \t]*#/ { next }
        tolower($1) == "uris:"    { sub(/^[^:]*:[ \t]*/, ""); uris = $0; next }
        tolower($1) == "suites:"  { sub(/^[^:]*:[ \t]*/, ""); suites = $0; next }
        tolower($1) == "enabled:" { enabled = tolower($2); next }
        END { flush() }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [[ -f "$f" ]] || continue
      awk '$1 == "deb" || $1 == "deb-src" {
             i = 2
             if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
             if ($(i + 1) !~ /-security/) print $i
           }' "$f"
    done
  } | sed 's:/*$::' | grep -E '^https?://' | grep -v -- '-security' \
    | grep -E '/debian$' | awk '!seen[$0]++'
}

fetch_from_debian() { # OUT [SOURCE_PACKAGE UPSTREAM_VERSION]
  local out="$1" package="${2:-$DEBIAN_SOURCE_PACKAGE}" upstream="${3:-$RDKAFKA_VERSION}"
  command -v apt-get >/dev/null 2>&1 || { log "apt-get not available; skipping Debian source archive"; return 1; }
  local mirrors
  mirrors="$(debian_mirrors || true)"
  [[ -n "$mirrors" ]] || { log "no Debian archive found in the apt sources; skipping"; return 1; }

  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg signed=""
  [[ -f "$keyring" ]] && signed="[signed-by=$keyring] "

  local mirror suite apt_dir version
  while read -r mirror; do
    for suite in "${DEBIAN_SUITES[@]}"; do
      apt_dir="$WORK/apt-$package-$suite"
      rm -rf "$apt_dir"
      mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" \
               "$apt_dir/sources.list.d" "$apt_dir/dl"
      # Let the unprivileged _apt download sandbox reach these directories.
      chmod 0755 "$WORK" "$apt_dir" "$apt_dir/dl"
      printf 'deb-src %s%s %s main\n' "$signed" "$mirror" "$suite" >"$apt_dir/sources.list"
      # A private configuration: read first via APT_CONFIG, it redirects the
      # main config file (read last) to one that copies the system's apt.conf,
      # drops the update hooks and points every state/cache dir at $apt_dir,
      # so nothing outside $apt_dir is written.
      {
        [[ -n "${APT_CONFIG:-}" && -f "${APT_CONFIG:-}" ]] && cat "$APT_CONFIG"
        printf 'Dir::Etc::main "%s/main.conf";\n' "$apt_dir"
      } >"$apt_dir/first.conf"
      {
        [[ -f /etc/apt/apt.conf ]] && cat /etc/apt/apt.conf
        printf '\n#clear APT::Update::Pre-Invoke;\n'
        printf '#clear APT::Update::Post-Invoke;\n'
        printf '#clear APT::Update::Post-Invoke-Success;\n'
        printf 'Dir::Etc::sourcelist "%s/sources.list";\n' "$apt_dir"
        printf 'Dir::Etc::sourceparts "%s/sources.list.d";\n' "$apt_dir"
        printf 'Dir::State::Lists "%s/lists";\n' "$apt_dir"
        printf 'Dir::Cache "%s/cache";\n' "$apt_dir"
        printf 'Dir::Cache::archives "%s/cache/archives";\n' "$apt_dir"
      } >"$apt_dir/main.conf"

      log "trying Debian source archive ($suite)"
      if ! APT_CONFIG="$apt_dir/first.conf" apt-get -q update >"$apt_dir/update.log" 2>&1; then
        log "apt-get update for $suite failed (see below); trying next"
        tail -n 3 "$apt_dir/update.log" | sed 's/^/    /' >&2
        continue
      fi
      version="$(APT_CONFIG="$apt_dir/first.conf" apt-cache showsrc "$package" 2>/dev/null \
                 | awk -v v="$upstream" '$1 == "Version:" && index($2, v "-") == 1 { print $2; exit }')"
      if [[ -z "$version" ]]; then
        log "$suite does not carry $package $upstream"
        continue
      fi
      if ! (cd "$apt_dir/dl" && APT_CONFIG="$apt_dir/first.conf" \
              apt-get -q source --download-only "$package=$version") \
              >"$apt_dir/source.log" 2>&1; then
        log "apt-get source $package=$version failed:"
        tail -n 3 "$apt_dir/source.log" | sed 's/^/    /' >&2
        continue
      fi
      local orig
      for orig in "$apt_dir/dl/${package}_${upstream}.orig.tar".*; do break; done
      if [[ -f "$orig" ]]; then
        mv "$orig" "$out"
        log "downloaded $(basename "$orig") (Debian $version, $suite)"
        return 0
      fi
      log "no orig tarball in what apt downloaded for $version"
    done
  done <<<"$mirrors"
  return 1
}

obtain_tarball() {
  local out="$WORK/librdkafka.tar.gz"

  # (1) a tarball the user provides
  if [[ -n "${RDKAFKA_NAPI_LIBRDKAFKA_TARBALL:-}" ]]; then
    local given="$RDKAFKA_NAPI_LIBRDKAFKA_TARBALL"
    [[ -f "$given" ]] || die "RDKAFKA_NAPI_LIBRDKAFKA_TARBALL=$given does not exist"
    local got
    got="$(sha256_of "$given")"
    [[ "$got" == "$EXPECTED_SHA256" ]] \
      || die "$given is not the expected librdkafka $RDKAFKA_VERSION tarball (SHA-256 $got, expected $EXPECTED_SHA256); set RDKAFKA_NAPI_LIBRDKAFKA_SHA256=$got to use it anyway"
    cp "$given" "$out"
    log "using $given"
    return 0
  fi

  # (2) the cache
  if [[ -f "$CACHED_TARBALL" ]]; then
    if verify "$CACHED_TARBALL" "cached $CACHED_TARBALL"; then
      cp "$CACHED_TARBALL" "$out"
      log "using cached $CACHED_TARBALL"
      return 0
    fi
    rm -f "$CACHED_TARBALL"
  fi

  # (3) upstream (GitHub tag tarball)
  if command -v curl >/dev/null 2>&1; then
    log "trying upstream tarball"
    if curl -fsSL --connect-timeout 10 --max-time 300 -o "$out.part" "$UPSTREAM_URL" 2>/dev/null; then
      if verify "$out.part" "upstream tarball"; then
        mv "$out.part" "$out"
        return 0
      fi
    else
      log "upstream not reachable"
    fi
    rm -f "$out.part"
  fi

  # (4) Debian's source archive (orig tarball)
  if fetch_from_debian "$out.part"; then
    if verify "$out.part" "Debian orig tarball"; then
      mv "$out.part" "$out"
      return 0
    fi
    rm -f "$out.part"
  fi

  die "could not obtain the librdkafka $RDKAFKA_VERSION source tarball; download it and set RDKAFKA_NAPI_LIBRDKAFKA_TARBALL=/path/to/it (expected SHA-256 $EXPECTED_SHA256)"
}

obtain_curl_tarball() { # OUT
  local out="$1"
  # (1) a tarball the user provides
  if [[ -n "${RDKAFKA_NAPI_CURL_TARBALL:-}" ]]; then
    local given="$RDKAFKA_NAPI_CURL_TARBALL"
    [[ -f "$given" ]] || die "RDKAFKA_NAPI_CURL_TARBALL=$given does not exist"
    verify "$given" "$given" "$EXPECTED_CURL_SHA256" \
      || die "$given is not the expected curl $CURL_VERSION tarball; set RDKAFKA_NAPI_CURL_SHA256 to its SHA-256 to use it anyway"
    cp "$given" "$out"
    return 0
  fi
  # (2) the cache
  if [[ -f "$CACHED_CURL_TARBALL" ]]; then
    if verify "$CACHED_CURL_TARBALL" "cached $CACHED_CURL_TARBALL" "$EXPECTED_CURL_SHA256"; then
      cp "$CACHED_CURL_TARBALL" "$out"
      log "using cached $CACHED_CURL_TARBALL"
      return 0
    fi
    rm -f "$CACHED_CURL_TARBALL"
  fi
  # (3) Debian's source archive (orig tarball, Debian patches ignored)
  if fetch_from_debian "$out.part" curl "$CURL_VERSION"; then
    if verify "$out.part" "Debian orig tarball of curl" "$EXPECTED_CURL_SHA256"; then
      mv "$out.part" "$out"
      cp "$out" "$CACHED_CURL_TARBALL.tmp.$$" && mv -f "$CACHED_CURL_TARBALL.tmp.$$" "$CACHED_CURL_TARBALL"
      return 0
    fi
    rm -f "$out.part"
  fi
  die "could not obtain the curl $CURL_VERSION source tarball; download it and set RDKAFKA_NAPI_CURL_TARBALL=/path/to/it (expected SHA-256 $EXPECTED_CURL_SHA256)"
}

# Builds libcurl into DEST (include/, lib/libcurl.a, lib/pkgconfig/libcurl.pc).
build_curl() { # DEST
  local dest="$1" tarball="$WORK/curl.tar.gz" csrc="$WORK/curl-src"
  obtain_curl_tarball "$tarball"
  mkdir -p "$csrc"
  tar -xf "$tarball" -C "$csrc" --strip-components=1
  [[ -x "$csrc/configure" ]] || die "unexpected curl tarball layout (no configure)"
  log "curl $CURL_VERSION configure: ${CURL_CONFIGURE_FLAGS[*]}"
  if ! (cd "$csrc" && CC="$CC" CFLAGS="-O2 -fPIC" ./configure --prefix="$dest" ${CROSS_HOST:+--host="$CROSS_HOST"} \
          "${CURL_CONFIGURE_FLAGS[@]}") \
       >"$WORK/curl-configure.log" 2>&1; then
    tail -n 40 "$WORK/curl-configure.log" >&2
    die "curl's configure failed (log above)"
  fi
  if ! make -j"$jobs" -C "$csrc/lib" >"$WORK/curl-make.log" 2>&1 \
       || ! make -C "$csrc/lib" install >>"$WORK/curl-make.log" 2>&1 \
       || ! make -C "$csrc/include" install >>"$WORK/curl-make.log" 2>&1; then
    tail -n 40 "$WORK/curl-make.log" >&2
    die "building curl failed (log above)"
  fi
  mkdir -p "$dest/lib/pkgconfig"
  cp "$csrc/libcurl.pc" "$dest/lib/pkgconfig/"
  cp "$csrc/COPYING" "$dest/LICENSE-curl.txt" 2>/dev/null || true
  rm -f "$dest/lib/libcurl.la"
}

# ---------------------------------------------------------------- link flags
multiarch="$("$CC" -print-multiarch 2>/dev/null || true)"
[[ -n "$multiarch" ]] || multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || true)"
[[ -n "$multiarch" ]] || multiarch="$("$CC" -dumpmachine 2>/dev/null || true)"

static_or_dynamic() { # NAME -> absolute path of libNAME.a, else -lNAME
  local d
  for d in ${multiarch:+/usr/lib/$multiarch /lib/$multiarch} /usr/lib /usr/lib64; do
    if [[ -f "$d/lib$1.a" ]]; then printf '%s\n' "$d/lib$1.a"; return; fi
  done
  printf -- '-l%s\n' "$1"
}

compute_link_flags() { # SRC CURL_PREFIX
  local flags=("$2/lib/libcurl.a") name
  # Order matters for static archives: users before the libraries they use.
  for name in ssl crypto zstd lz4 z; do flags+=("$(static_or_dynamic "$name")"); done
  # Cyrus SASL loads its mechanisms as plugins linked against the shared
  # libsasl2, so it is always linked dynamically. A cross build names the
  # runtime library itself: the target's -dev package (libsasl2.so) is absent.
  if [[ -n "$CROSS_HOST" ]]; then flags+=(-l:libsasl2.so.2); else flags+=(-lsasl2); fi
  flags+=(-lpthread -ldl -lm)
  if grep -q -- '-lrt' "$1/Makefile.config" 2>/dev/null; then flags+=(-lrt); fi
  printf '%s\n' "${flags[*]}"
}

# ---------------------------------------------------------------- verification
write_probe() {
  cat >"$1" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <librdkafka/rdkafka.h>

static int set(rd_kafka_conf_t *conf, const char *name, const char *value) {
  char err[512];
  if (rd_kafka_conf_set(conf, name, value, err, sizeof err) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "probe: %s=%s rejected: %s\n", name, value, err);
    return 1;
  }
  return 0;
}

int rdkafka_napi_probe(void) {
  static const char *codecs[] = {"zstd", "lz4", "snappy", "gzip"};
  char err[512], features[512];
  size_t features_size = sizeof features;
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_t *rk;
  size_t i;
  int bad = 0;

  printf("version=%s\n", rd_kafka_version_str());
  if (rd_kafka_conf_get(conf, "builtin.features", features, &features_size) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "probe: cannot read builtin.features\n");
    return 1;
  }
  printf("features=%s\n", features);

  for (i = 0; i < sizeof codecs / sizeof codecs[0]; i++)
    bad |= set(conf, "compression.codec", codecs[i]);
  bad |= set(conf, "security.protocol", "sasl_ssl");
  bad |= set(conf, "sasl.mechanisms", "SCRAM-SHA-512");
  bad |= set(conf, "sasl.username", "probe");
  bad |= set(conf, "sasl.password", "probe");
  bad |= set(conf, "log_level", "3");
  if (bad) { rd_kafka_conf_destroy(conf); return 1; }

  rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    fprintf(stderr, "probe: rd_kafka_new failed: %s\n", err);
    return 1;
  }
  rd_kafka_destroy(rk);
  return 0;
}

#ifndef PROBE_NO_MAIN
int main(void) { return rdkafka_napi_probe(); }
#endif
EOF
}

verify_prefix() { # PREFIX LINK_FLAGS_FILE
  local p="$1" dir="$WORK/probe" flags out features f
  mkdir -p "$dir"
  write_probe "$dir/probe.c"
  read -r -a flags <"$2"

  # (a) an executable
  if ! "$CC" -O2 -I"$p/include" -o "$dir/probe" "$dir/probe.c" "$p/lib/librdkafka.a" "${flags[@]}" \
       >"$dir/link.log" 2>&1; then
    cat "$dir/link.log" >&2
    die "test program does not link against librdkafka.a + link-flags.txt"
  fi
  if ! out="$(${CROSS_RUNNER:-} "$dir/probe" 2>"$dir/run.log")"; then
    cat "$dir/run.log" >&2
    die "test program failed"
  fi
  [[ "$out" == *"version=$RDKAFKA_VERSION"* ]] || die "test program reports '$out', expected version $RDKAFKA_VERSION"
  features="$(sed -n 's/^features=//p' <<<"$out")"
  log "builtin.features: $features"
  for f in ssl sasl_scram sasl_oauthbearer http oidc zstd lz4 snappy gzip; do
    [[ ",$features," == *",$f,"* ]] || die "builtin.features lacks '$f' ($features)"
  done

  # (b) a shared object linked the way the addon is (hidden static deps,
  #     no undefined symbols), which also catches non-PIC code.
  if ! "$CC" -O2 -fPIC -shared -DPROBE_NO_MAIN -I"$p/include" -o "$dir/probe.so" "$dir/probe.c" \
       -Wl,--exclude-libs,ALL -Wl,-z,defs "$p/lib/librdkafka.a" "${flags[@]}" >"$dir/link-so.log" 2>&1; then
    cat "$dir/link-so.log" >&2
    die "librdkafka.a + link-flags.txt do not link into a shared object"
  fi
  if command -v readelf >/dev/null 2>&1 && readelf -d "$dir/probe.so" | grep -q TEXTREL; then
    die "shared object linked from librdkafka.a has text relocations (non-PIC code)"
  fi
  printf '%s\n' "$features" >"$p/builtin-features.txt"
}

# ---------------------------------------------------------------- build
start=$SECONDS
log "building librdkafka $RDKAFKA_VERSION into $PREFIX (takes about a minute)"
obtain_tarball
tarball="$WORK/librdkafka.tar.gz"
if [[ ! -f "$CACHED_TARBALL" || "$(sha256_of "$CACHED_TARBALL")" != "$EXPECTED_SHA256" ]]; then
  cp "$tarball" "$CACHED_TARBALL.tmp.$$" && mv -f "$CACHED_TARBALL.tmp.$$" "$CACHED_TARBALL"
fi

src="$WORK/src"
mkdir -p "$src"
tar -xf "$tarball" -C "$src" --strip-components=1
[[ -x "$src/configure" && -f "$src/src/rdkafka.h" ]] || die "unexpected tarball layout (no configure / src/rdkafka.h)"
for patch_file in "$PATCH_DIR"/*.patch; do
  [[ -f "$patch_file" ]] || continue
  log "applying $(basename "$patch_file")"
  if ! patch -d "$src" -p1 --forward --batch --quiet <"$patch_file" >"$WORK/patch.log" 2>&1; then
    cat "$WORK/patch.log" >&2
    die "$(basename "$patch_file") does not apply to librdkafka $RDKAFKA_VERSION"
  fi
done

jobs="$(nproc 2>/dev/null || echo 2)"
rm -rf "$STAGE"
# libcurl goes into the prefix itself; link-flags.txt names it by its final path.
build_curl "$STAGE/curl"
curl_stage="$STAGE/curl"

# A cross build's configure links its checks with -lsasl2: give it the
# target's runtime library under the linker name its -dev package would add.
link_dirs="-L$curl_stage/lib"
if [[ -n "$CROSS_HOST" ]]; then
  mkdir -p "$WORK/cross-lib"
  ln -s "/usr/lib/$CROSS_HOST/libsasl2.so.2" "$WORK/cross-lib/libsasl2.so"
  link_dirs+=" -L$WORK/cross-lib"
fi

log "configure: ${CONFIGURE_FLAGS[*]} CFLAGS='$BUILD_CFLAGS'${CROSS_HOST:+ for $CROSS_HOST}"
if ! (cd "$src" && CC="$CC" CFLAGS="$BUILD_CFLAGS" CPPFLAGS="-I$curl_stage/include" LDFLAGS="$link_dirs" \
        PKG_CONFIG_PATH="$curl_stage/lib/pkgconfig" ./configure --prefix="$PREFIX" "${CONFIGURE_FLAGS[@]}") \
     >"$WORK/configure.log" 2>&1; then
  tail -n 40 "$WORK/configure.log" >&2
  die "librdkafka's configure failed (log above)"
fi

log "make -j$jobs -C src librdkafka.a"
if ! make -j"$jobs" -C "$src/src" librdkafka.a >"$WORK/make.log" 2>&1; then
  tail -n 40 "$WORK/make.log" >&2
  die "make failed (log above)"
fi

mkdir -p "$STAGE/include/librdkafka" "$STAGE/lib"
cp "$src/src/rdkafka.h" "$src/src/rdkafka_mock.h" "$STAGE/include/librdkafka/"
cp "$src/src/librdkafka.a" "$STAGE/lib/"
cp "$src/LICENSES.txt" "$STAGE/" 2>/dev/null || true
compute_link_flags "$src" "$PREFIX/curl" >"$STAGE/link-flags.txt"
log "link flags: $(cat "$STAGE/link-flags.txt")"

# The flags name the final prefix; verify the stage with its own path.
compute_link_flags "$src" "$curl_stage" >"$WORK/stage-link-flags.txt"
verify_prefix "$STAGE" "$WORK/stage-link-flags.txt"

printf '%s\n' "$key_input" >"$STAGE/build-key.txt"
date -u +%Y-%m-%dT%H:%M:%SZ >"$STAGE/.complete"
rm -rf "$PREFIX"
mv -T "$STAGE" "$PREFIX"
log "librdkafka $RDKAFKA_VERSION ready in $((SECONDS - start)) s"
printf '%s\n' "$PREFIX"
