#!/usr/bin/env bash
# Run a real Apache Kafka broker (or a 3-node cluster) locally, without Docker,
# in KRaft mode on 127.0.0.1. Kafka's jars come from Maven Central through
# Maven and are cached outside the clone, so only the first run needs network.
#
# Usage:
#   scripts/kafka-broker.sh fetch      [--version V]
#   scripts/kafka-broker.sh start      [--version V] [--dir RUN_DIR] [--port BASE]
#                                      [--brokers 1|3] [--security [--mtls]] [--authorizer] [--set KEY=VALUE]...
#                                      [--timeout SECONDS]
#                                      [--oauth] [--oauth-jwks-url URL [--oauth-audience AUD]
#                                       [--oauth-issuer ISS]]
#   scripts/kafka-broker.sh stop       --dir RUN_DIR
#   scripts/kafka-broker.sh stop-node  --dir RUN_DIR --node N
#   scripts/kafka-broker.sh start-node --dir RUN_DIR --node N [--timeout SECONDS]
#   scripts/kafka-broker.sh status     --dir RUN_DIR
#
# stdout carries only the result: `start` prints the bootstrap servers
# (e.g. 127.0.0.1:29092, comma-separated for 3 brokers), `start-node` the
# restarted node's address, `fetch` the libs directory. Progress and errors go
# to stderr.
#
# Ports, for node N (1-based) and base port B (default 29092; every fixed port
# of the tests and benchmarks sits below Linux's ephemeral range, 32768-60999,
# so a mock cluster's or a client's auto-assigned port never takes one):
#   PLAINTEXT      B+N-1   (the bootstrap servers)
#   CONTROLLER     B+10+N-1
#   SASL_PLAINTEXT B+20+N-1   (--security: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)
#   SSL            B+30+N-1   (--security: CA-signed cert, client cert optional)
#   OAUTH          B+40+N-1   (--oauth: SASL_PLAINTEXT, OAUTHBEARER, Kafka's unsecured-JWT validator)
#   OIDC           B+50+N-1   (--oauth-jwks-url: SASL_PLAINTEXT, OAUTHBEARER, RS256 JWTs checked
#                              against that JWKS, expected audience/issuer if given)
#   MTLS           B+60+N-1   (--mtls: SSL, a client certificate signed by the test CA required)
#   WRONGHOST      B+70+N-1   (--mtls: SSL, a CA-signed certificate for another host name only,
#                              wrong-host.rdkafka-napi.test, so endpoint identification refuses it)
#
# --authorizer enforces ACLs (StandardAuthorizer, KRaft): User:ANONYMOUS (the
# PLAINTEXT and CONTROLLER listeners, so the brokers and admin tools) is the
# super user; any other principal (e.g. the SASL users of --security) is
# allowed what no ACL restricts (allow.everyone.if.no.acl.found=true), so an
# ACL created at run time decides.
#
# RUN_DIR (default: a fresh mktemp dir) holds cluster.env (KEY=VALUE facts about
# the cluster), security.env with --security, and nodeN/{server.properties,
# server.log,kafka.pid,data/}; oauth.env with --oauth or --oauth-jwks-url.
#
# Environment: KAFKA_VERSION (default version), RDKAFKA_NAPI_CACHE (cache root,
# default ~/.cache/rdkafka-napi), JAVA_HOME, KAFKA_BROKER_HEAP (default
# "-Xms256m -Xmx512m"), KAFKA_BROKER_JVM_OPTS (extra JVM options for the
# brokers; "-XX:TieredStopAtLevel=1" starts a 3-node cluster ~30% sooner on 2
# cores at some cost in throughput), KAFKA_START_TIMEOUT (seconds, default 90).
set -euo pipefail

DEFAULT_KAFKA_VERSION=4.4.0
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
RELOAD4J_VERSION=1.2.25
INSTALL_HINT="apt-get install openjdk-17-jre-headless maven"

PROG=kafka-broker
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
}

# ---------------------------------------------------------------- options ----
CMD=${1:-}
[ $# -gt 0 ] && shift
VERSION=${KAFKA_VERSION:-$DEFAULT_KAFKA_VERSION}
RUN_DIR=
BASE_PORT=29092
BROKERS=1
NODE=
SECURITY=0
MTLS=0
AUTHORIZER=0
TIMEOUT=${KAFKA_START_TIMEOUT:-90}
EXTRA_SETTINGS=()
OAUTH=0
OAUTH_JWKS_URL=
OAUTH_AUDIENCE=
OAUTH_ISSUER=

while [ $# -gt 0 ]; do
  opt=$1
  case $opt in
    --*=*) set -- "${opt%%=*}" "${opt#*=}" "${@:2}"; continue ;;
  esac
  case $opt in
    --version|--dir|--port|--brokers|--node|--set|--timeout|--oauth-jwks-url|--oauth-audience|--oauth-issuer)
      [ $# -ge 2 ] || die "$opt needs a value"
      val=$2; shift 2
      case $opt in
        --version) VERSION=$val ;;
        --dir) RUN_DIR=$val ;;
        --port) BASE_PORT=$val ;;
        --brokers) BROKERS=$val ;;
        --node) NODE=$val ;;
        --set) EXTRA_SETTINGS+=("$val") ;;
        --timeout) TIMEOUT=$val ;;
        --oauth-jwks-url) OAUTH_JWKS_URL=$val ;;
        --oauth-audience) OAUTH_AUDIENCE=$val ;;
        --oauth-issuer) OAUTH_ISSUER=$val ;;
      esac ;;
    --security) SECURITY=1; shift ;;
    --mtls) MTLS=1; shift ;;
    --authorizer) AUTHORIZER=1; shift ;;
    --oauth) OAUTH=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $opt (try --help)" ;;
  esac
done

[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+([.-][A-Za-z0-9.-]+)?$ ]] || die "bad --version: $VERSION"
if ! [[ $BASE_PORT =~ ^[0-9]+$ ]] || [ "$BASE_PORT" -lt 1024 ] || [ "$BASE_PORT" -gt 65500 ]; then
  die "bad --port: $BASE_PORT"
fi
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "bad --timeout: $TIMEOUT"
if [ "$MTLS" = 1 ] && [ "$SECURITY" != 1 ]; then die "--mtls needs --security (it uses its certificates)"; fi
for kv in ${EXTRA_SETTINGS[@]+"${EXTRA_SETTINGS[@]}"}; do
  [[ $kv == ?*=* ]] || die "bad --set (want KEY=VALUE): $kv"
done
if [ -n "$OAUTH_JWKS_URL" ]; then
  [[ $OAUTH_JWKS_URL =~ ^https?://[^[:space:]\;\"]+$ ]] || die "bad --oauth-jwks-url (want an http(s) URL): $OAUTH_JWKS_URL"
fi

CACHE_ROOT=${RDKAFKA_NAPI_CACHE:-${HOME:-/tmp}/.cache/rdkafka-napi}
KAFKA_HOME_DIR=$CACHE_ROOT/kafka-$VERSION
LIBS=$KAFKA_HOME_DIR/libs
STAMP=$KAFKA_HOME_DIR/.complete
MAJOR=${VERSION%%.*}

# ------------------------------------------------------------------ fetch ----
need_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    JAVA=$JAVA_HOME/bin/java
  elif command -v java >/dev/null 2>&1; then
    JAVA=$(command -v java)
  else
    die "java not found; install it: $INSTALL_HINT"
  fi
  local v jmajor
  v=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)
  jmajor=${v%%.*}
  [ "$jmajor" = 1 ] && jmajor=$(printf '%s' "$v" | cut -d. -f2)
  if [[ $jmajor =~ ^[0-9]+$ ]]; then
    local want=11
    [ "$MAJOR" -ge 4 ] && want=17
    [ "$jmajor" -ge "$want" ] || die "Kafka $VERSION needs Java $want+, found $v ($JAVA); install it: $INSTALL_HINT"
  fi
}

write_pom() { # file, then "group:artifact:version" items
  local file=$1; shift
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<project xmlns="http://maven.apache.org/POM/4.0.0">'
    echo '  <modelVersion>4.0.0</modelVersion>'
    echo '  <groupId>rdkafka-napi.local</groupId>'
    echo '  <artifactId>kafka-runtime</artifactId>'
    echo '  <version>1</version>'
    echo '  <packaging>pom</packaging>'
    echo '  <dependencies>'
    local gav g a v
    for gav in "$@"; do
      IFS=: read -r g a v <<<"$gav"
      echo "    <dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"
    done
    echo '  </dependencies>'
    echo '</project>'
  } >"$file"
}

run_mvn() { # pom, output dir, extra args...
  local pom=$1 out=$2; shift 2
  if ! mvn -B -q -Dstyle.color=never -f "$pom" "$DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime \
      -DoutputDirectory="$out" "$@" >>"$KAFKA_HOME_DIR/work/mvn.log" 2>&1; then
    tail -n 25 "$KAFKA_HOME_DIR/work/mvn.log" >&2
    die "maven could not fetch Kafka $VERSION (log: $KAFKA_HOME_DIR/work/mvn.log)"
  fi
}

jar_version() { # dir, artifact prefix -> version of the first matching jar
  local f
  for f in "$1/$2"-[0-9]*.jar; do
    [ -e "$f" ] || continue
    f=${f##*/}; f=${f#"$2"-}; printf '%s\n' "${f%.jar}"; return 0
  done
  return 1
}

do_fetch() {
  if [ -f "$STAMP" ] && [ -f "$LIBS/kafka_2.13-$VERSION.jar" ]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once to fetch Kafka $VERSION); install it: $INSTALL_HINT"
  mkdir -p "$KAFKA_HOME_DIR"
  # One fetch at a time per version (parallel CI jobs share the cache).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$KAFKA_HOME_DIR/.lock"
    flock 9
    if [ -f "$STAMP" ] && [ -f "$LIBS/kafka_2.13-$VERSION.jar" ]; then
      exec 9>&-
      return 0
    fi
  fi
  log "fetching Kafka $VERSION and its runtime dependencies with maven into $LIBS"
  local work=$KAFKA_HOME_DIR/work
  rm -rf "$work"
  mkdir -p "$work/libs" "$work/extra"
  write_pom "$work/pom.xml" "org.apache.kafka:kafka_2.13:$VERSION"
  run_mvn "$work/pom.xml" "$work/libs"
  [ -f "$work/libs/kafka_2.13-$VERSION.jar" ] || die "maven did not deliver kafka_2.13-$VERSION.jar"

  # Kafka's published pom leaves the logging backend to the distribution:
  # add the slf4j binding its tarball ships (log4j2 for 4.x, reload4j before).
  local slf4j log4j extra=()
  slf4j=$(jar_version "$work/libs" slf4j-api) || die "no slf4j-api among Kafka $VERSION's dependencies"
  if log4j=$(jar_version "$work/libs" log4j-core); then
    if [ "${slf4j%%.*}" -ge 2 ]; then
      extra+=("org.apache.logging.log4j:log4j-slf4j2-impl:$log4j")
    else
      extra+=("org.apache.logging.log4j:log4j-slf4j-impl:$log4j")
    fi
  else
    extra+=("ch.qos.reload4j:reload4j:$RELOAD4J_VERSION" "org.slf4j:slf4j-reload4j:$slf4j")
  fi
  write_pom "$work/extra/pom.xml" "${extra[@]}"
  run_mvn "$work/extra/pom.xml" "$work/libs" -DexcludeTransitive=true

  rm -rf "$LIBS"
  mv "$work/libs" "$LIBS"
  printf 'kafka %s\nfetched %s\n' "$VERSION" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$STAMP"
  rm -rf "$work/extra"
  local jars=("$LIBS"/*.jar)
  log "fetched ${#jars[@]} jars"
  if command -v flock >/dev/null 2>&1; then exec 9>&-; fi
}

# ----------------------------------------------------------- run dir state ----
node_dir() { printf '%s/node%s' "$RUN_DIR" "$1"; }
port_plain() { echo $((BASE_PORT + $1 - 1)); }
port_ctrl() { echo $((BASE_PORT + 10 + $1 - 1)); }
port_sasl() { echo $((BASE_PORT + 20 + $1 - 1)); }
port_ssl() { echo $((BASE_PORT + 30 + $1 - 1)); }
port_oauth() { echo $((BASE_PORT + 40 + $1 - 1)); }
port_oidc() { echo $((BASE_PORT + 50 + $1 - 1)); }
port_mtls() { echo $((BASE_PORT + 60 + $1 - 1)); }
port_wrong_host() { echo $((BASE_PORT + 70 + $1 - 1)); }

# PID of node N if it is alive and really our broker for that node's config.
node_pid() {
  local pidfile pid
  pidfile=$(node_dir "$1")/kafka.pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -r "/proc/$pid/cmdline" ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -F "$(node_dir "$1")/server.properties" >/dev/null || return 1
  fi
  echo "$pid"
}

load_cluster() {
  [ -n "$RUN_DIR" ] || die "$CMD needs --dir RUN_DIR"
  [ -f "$RUN_DIR/cluster.env" ] || die "no cluster.env in $RUN_DIR (was it started with this script?)"
  RUN_DIR=$(cd "$RUN_DIR" && pwd)
  local k v
  while IFS='=' read -r k v; do
    case $k in
      KAFKA_VERSION) VERSION=$v ;;
      KAFKA_BASE_PORT) BASE_PORT=$v ;;
      KAFKA_BROKERS) BROKERS=$v ;;
      KAFKA_LIBS) LIBS=$v ;;
      KAFKA_SECURITY) SECURITY=$v ;;
      KAFKA_MTLS) MTLS=$v ;;
      KAFKA_OAUTH) OAUTH=$v ;;
      KAFKA_OAUTH_JWKS_URL) OAUTH_JWKS_URL=$v ;;
    esac
  done <"$RUN_DIR/cluster.env"
  MAJOR=${VERSION%%.*}
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

log_config_opts() {
  if [ -n "$(ls "$LIBS"/log4j-core-*.jar 2>/dev/null)" ]; then
    echo "-Dlog4j2.configurationFile=$RUN_DIR/log4j2.properties"
  else
    echo "-Dlog4j.configuration=file:$RUN_DIR/log4j.properties"
  fi
}

write_log_configs() {
  cat >"$RUN_DIR/log4j2.properties" <<'EOF'
status = warn
shutdownHook = disable
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
EOF
  cat >"$RUN_DIR/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
EOF
}

random_cluster_id() {
  # Kafka's Uuid: 16 random bytes, URL-safe base64 without padding, not starting with '-'.
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [ "${id:0:1}" != "-" ] && [ ${#id} -eq 22 ] && break
  done
  echo "$id"
}

# Test credentials for --security (a throwaway local broker).
SCRAM_USER=rdkafka-scram
SCRAM_PASSWORD=rdkafka-scram-secret
PLAIN_USER=rdkafka-plain
PLAIN_PASSWORD=rdkafka-plain-secret
STORE_PASSWORD=rdkafka-store-secret

make_certs() {
  command -v openssl >/dev/null 2>&1 || die "openssl not found (needed for --security); install it: apt-get install openssl"
  local keytool=
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/keytool" ]; then keytool=$JAVA_HOME/bin/keytool
  elif command -v keytool >/dev/null 2>&1; then keytool=$(command -v keytool)
  elif [ -x "$(dirname "$(readlink -f "$JAVA")")/keytool" ]; then keytool=$(dirname "$(readlink -f "$JAVA")")/keytool
  else die "keytool not found (needed for --security); install it: $INSTALL_HINT"; fi
  local d=$RUN_DIR/ssl
  mkdir -p "$d"
  cat >"$d/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = rdkafka-napi test CA
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
[client_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
[wrong_host_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong-host.rdkafka-napi.test
EOF
  {
    openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 \
      -config "$d/openssl.cnf" -extensions ca_ext -keyout "$d/ca.key" -out "$d/ca.pem"
    local who
    for who in broker client wrong-host; do
      openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/CN=${who}.rdkafka-napi.test" \
        -keyout "$d/$who.key" -out "$d/$who.csr"
      openssl x509 -req -sha256 -days 3650 -in "$d/$who.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
        -set_serial "0x$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
        -extfile "$d/openssl.cnf" -extensions "$(case $who in broker) echo server_ext ;; client) echo client_ext ;; *) echo wrong_host_ext ;; esac)" \
        -out "$d/$who.pem"
    done
    openssl pkcs12 -export -name broker -in "$d/broker.pem" -inkey "$d/broker.key" -certfile "$d/ca.pem" \
      -out "$d/broker.keystore.p12" -passout "pass:$STORE_PASSWORD"
    openssl pkcs12 -export -name broker -in "$d/wrong-host.pem" -inkey "$d/wrong-host.key" -certfile "$d/ca.pem" \
      -out "$d/wrong-host.keystore.p12" -passout "pass:$STORE_PASSWORD"
    "$keytool" -importcert -noprompt -alias ca -file "$d/ca.pem" -storetype PKCS12 \
      -keystore "$d/truststore.p12" -storepass "$STORE_PASSWORD"
  } >"$d/openssl.log" 2>&1 || { tail -n 20 "$d/openssl.log" >&2; die "could not make the test certificates"; }
  chmod 600 "$d"/*.key
}

# ------------------------------------------------------------ OAUTHBEARER ----
# The ports a node's OAUTHBEARER listeners use (none without --oauth/--oauth-jwks-url).
oauth_ports() { # node
  [ "$OAUTH" = 1 ] && port_oauth "$1"
  [ -n "$OAUTH_JWKS_URL" ] && port_oidc "$1"
  return 0
}

# Appends a node's OAUTHBEARER listeners to the named variables (listeners, advertised, protomap).
add_oauth_listeners() { # node listeners_var advertised_var protomap_var
  local n=$1 name port
  for name in OAUTH OIDC; do
    if [ "$name" = OAUTH ]; then [ "$OAUTH" = 1 ] || continue; port=$(port_oauth "$n"); fi
    if [ "$name" = OIDC ]; then [ -n "$OAUTH_JWKS_URL" ] || continue; port=$(port_oidc "$n"); fi
    printf -v "$2" '%s,%s://127.0.0.1:%s' "${!2}" "$name" "$port"
    printf -v "$3" '%s,%s://127.0.0.1:%s' "${!3}" "$name" "$port"
    printf -v "$4" '%s,%s:SASL_PLAINTEXT' "${!4}" "$name"
  done
}

# server.properties lines of the OAUTHBEARER listeners. The broker's own login
# module needs a subject even though no broker-to-broker traffic uses them.
oauth_properties() {
  local login='org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";'
  if [ "$OAUTH" = 1 ]; then
    # No server callback handler: Kafka then validates unsecured JWTs
    # (alg "none"; exp, iat and sub checked).
    echo "listener.name.oauth.sasl.enabled.mechanisms=OAUTHBEARER"
    echo "listener.name.oauth.oauthbearer.sasl.jaas.config=$login"
  fi
  if [ -n "$OAUTH_JWKS_URL" ]; then
    echo "listener.name.oidc.sasl.enabled.mechanisms=OAUTHBEARER"
    echo "listener.name.oidc.oauthbearer.sasl.jaas.config=$login"
    echo "listener.name.oidc.oauthbearer.sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler"
    echo "sasl.oauthbearer.jwks.endpoint.url=$OAUTH_JWKS_URL"
    # Refetch the keys soon after a miss (a test may rotate them); the default waits 10 s+.
    echo "sasl.oauthbearer.jwks.endpoint.refresh.ms=60000"
    [ -n "$OAUTH_AUDIENCE" ] && echo "sasl.oauthbearer.expected.audience=$OAUTH_AUDIENCE"
    [ -n "$OAUTH_ISSUER" ] && echo "sasl.oauthbearer.expected.issuer=$OAUTH_ISSUER"
  fi
  return 0
}

# Kafka 4 fetches only URLs listed in this system property (CVE-2025-27817).
oauth_jvm_opts() {
  [ -n "$OAUTH_JWKS_URL" ] && echo "-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=$OAUTH_JWKS_URL"
  return 0
}

write_oauth_env() { # nodes...
  [ "$OAUTH" = 1 ] || [ -n "$OAUTH_JWKS_URL" ] || return 0
  local n oauth="" oidc=""
  for n in "$@"; do
    [ "$OAUTH" = 1 ] && oauth+="${oauth:+,}127.0.0.1:$(port_oauth "$n")"
    [ -n "$OAUTH_JWKS_URL" ] && oidc+="${oidc:+,}127.0.0.1:$(port_oidc "$n")"
  done
  {
    [ -n "$oauth" ] && echo "KAFKA_OAUTH_BOOTSTRAP=$oauth"
    [ -n "$oidc" ] && echo "KAFKA_OIDC_BOOTSTRAP=$oidc"
    [ -n "$OAUTH_JWKS_URL" ] && echo "KAFKA_OIDC_JWKS_URL=$OAUTH_JWKS_URL"
    [ -n "$OAUTH_AUDIENCE" ] && echo "KAFKA_OIDC_AUDIENCE=$OAUTH_AUDIENCE"
    [ -n "$OAUTH_ISSUER" ] && echo "KAFKA_OIDC_ISSUER=$OAUTH_ISSUER"
    true
  } >"$RUN_DIR/oauth.env"
}

write_server_properties() { # node
  local n=$1 dir voters="" i rf=1 misr=1
  dir=$(node_dir "$n")
  for ((i = 1; i <= BROKERS; i++)); do
    voters+="${voters:+,}$i@127.0.0.1:$(port_ctrl "$i")"
  done
  if [ "$BROKERS" -ge 3 ]; then rf=3; misr=2; fi
  local listeners advertised
  listeners="PLAINTEXT://127.0.0.1:$(port_plain "$n"),CONTROLLER://127.0.0.1:$(port_ctrl "$n")"
  advertised="PLAINTEXT://127.0.0.1:$(port_plain "$n")"
  local protomap="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
  if [ "$SECURITY" = 1 ]; then
    listeners+=",SASL_PLAINTEXT://127.0.0.1:$(port_sasl "$n"),SSL://127.0.0.1:$(port_ssl "$n")"
    advertised+=",SASL_PLAINTEXT://127.0.0.1:$(port_sasl "$n"),SSL://127.0.0.1:$(port_ssl "$n")"
    protomap+=",SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL"
    if [ "$MTLS" = 1 ]; then
      listeners+=",MTLS://127.0.0.1:$(port_mtls "$n"),WRONGHOST://127.0.0.1:$(port_wrong_host "$n")"
      advertised+=",MTLS://127.0.0.1:$(port_mtls "$n"),WRONGHOST://127.0.0.1:$(port_wrong_host "$n")"
      protomap+=",MTLS:SSL,WRONGHOST:SSL"
    fi
  fi
  add_oauth_listeners "$n" listeners advertised protomap
  {
    echo "# Written by scripts/kafka-broker.sh for Kafka $VERSION"
    echo "process.roles=broker,controller"
    echo "node.id=$n"
    echo "controller.quorum.voters=$voters"
    echo "controller.listener.names=CONTROLLER"
    echo "listeners=$listeners"
    echo "advertised.listeners=$advertised"
    echo "listener.security.protocol.map=$protomap"
    echo "inter.broker.listener.name=PLAINTEXT"
    echo "log.dirs=$dir/data"
    echo "num.partitions=1"
    echo "default.replication.factor=$rf"
    echo "min.insync.replicas=$misr"
    echo "auto.create.topics.enable=true"
    echo "delete.topic.enable=true"
    echo "offsets.topic.replication.factor=$rf"
    echo "offsets.topic.num.partitions=5"
    echo "transaction.state.log.replication.factor=$rf"
    echo "transaction.state.log.min.isr=$misr"
    echo "transaction.state.log.num.partitions=5"
    # Look for transactions past their transaction.timeout.ms every second (default 10 s), so
    # tests of broker-side transaction timeouts wait seconds, not tens of them.
    echo "transaction.abort.timed.out.transaction.cleanup.interval.ms=1000"
    echo "group.initial.rebalance.delay.ms=0"
    echo "group.min.session.timeout.ms=1000"
    echo "num.network.threads=2"
    echo "num.io.threads=4"
    echo "num.recovery.threads.per.data.dir=1"
    if [ "$MAJOR" -ge 4 ]; then
      # KIP-848 (group.protocol=consumer) is on by default in 4.x (no need for the
      # deprecated group.coordinator.rebalance.protocols); shorten its heartbeat/session bounds for quick tests.
      echo "group.consumer.heartbeat.interval.ms=1000"
      echo "group.consumer.min.heartbeat.interval.ms=500"
      echo "group.consumer.session.timeout.ms=10000"
      echo "group.consumer.min.session.timeout.ms=6000"
      echo "share.coordinator.state.topic.replication.factor=$rf"
      echo "share.coordinator.state.topic.min.isr=$misr"
    fi
    if [ "$SECURITY" = 1 ]; then
      local ssl=$RUN_DIR/ssl
      echo "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512"
      echo "listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512"
      echo "listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$PLAIN_USER=\"$PLAIN_PASSWORD\";"
      echo "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;"
      echo "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;"
      echo "ssl.keystore.type=PKCS12"
      echo "ssl.keystore.location=$ssl/broker.keystore.p12"
      echo "ssl.keystore.password=$STORE_PASSWORD"
      echo "ssl.key.password=$STORE_PASSWORD"
      echo "ssl.truststore.type=PKCS12"
      echo "ssl.truststore.location=$ssl/truststore.p12"
      echo "ssl.truststore.password=$STORE_PASSWORD"
      echo "ssl.client.auth=requested"
      if [ "$MTLS" = 1 ]; then
        echo "listener.name.mtls.ssl.client.auth=required"
        echo "listener.name.wronghost.ssl.keystore.type=PKCS12"
        echo "listener.name.wronghost.ssl.keystore.location=$ssl/wrong-host.keystore.p12"
        echo "listener.name.wronghost.ssl.keystore.password=$STORE_PASSWORD"
        echo "listener.name.wronghost.ssl.key.password=$STORE_PASSWORD"
      fi
    fi
    if [ "$AUTHORIZER" = 1 ]; then
      echo "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer"
      echo "super.users=User:ANONYMOUS"
      echo "allow.everyone.if.no.acl.found=true"
    fi
    oauth_properties
    local kv
    for kv in ${EXTRA_SETTINGS[@]+"${EXTRA_SETTINGS[@]}"}; do echo "$kv"; done
  } >"$dir/server.properties"
}

format_node() { # node cluster_id
  local n=$1 dir scram=()
  dir=$(node_dir "$n")
  if [ "$SECURITY" = 1 ]; then
    scram=(--add-scram "SCRAM-SHA-256=[name=$SCRAM_USER,password=$SCRAM_PASSWORD]"
           --add-scram "SCRAM-SHA-512=[name=$SCRAM_USER,password=$SCRAM_PASSWORD]")
  fi
  # shellcheck disable=SC2046
  "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -Xshare:auto $(log_config_opts) -cp "$LIBS/*" \
    kafka.tools.StorageTool format -t "$2" -c "$dir/server.properties" \
    ${scram[@]+"${scram[@]}"} >"$dir/format.log" 2>&1
}

launch_node() { # node
  local n=$1 dir pid
  dir=$(node_dir "$n")
  # shellcheck disable=SC2086,SC2046
  setsid "$JAVA" ${KAFKA_BROKER_HEAP:--Xms256m -Xmx512m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true ${KAFKA_BROKER_JVM_OPTS:-} $(oauth_jvm_opts) $(log_config_opts) \
    -cp "$LIBS/*" kafka.Kafka "$dir/server.properties" </dev/null >>"$dir/server.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/kafka.pid"
  # The background job is bash until it execs java: wait for that (node_pid
  # checks the command line), so a fast check cannot mistake it for a crash.
  local i
  for ((i = 0; i < 100; i++)); do
    [ -r "/proc/$pid/cmdline" ] || break
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -F "$dir/server.properties" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
}

# Wait for nodes (given as args) to serve; LOG_OFFSET_<n> is where to search
# their logs from. Returns 1 (after printing the log tail) on failure.
wait_ready() {
  local deadline=$((SECONDS + TIMEOUT)) n dir pending
  while :; do
    pending=
    for n in "$@"; do
      dir=$(node_dir "$n")
      local off_var="LOG_OFFSET_$n"
      if ! node_pid "$n" >/dev/null; then
        log "node $n exited during startup; tail of $dir/server.log:"
        tail -n 40 "$dir/server.log" >&2 || true
        START_FAILURE="node $n exited during startup"
        return 1
      fi
      if port_in_use "$(port_plain "$n")" &&
         tail -c +"$(( ${!off_var:-0} + 1 ))" "$dir/server.log" | grep 'Kafka Server started' >/dev/null; then
        continue
      fi
      pending+=" $n"
    done
    [ -z "$pending" ] && return 0
    if [ $SECONDS -ge $deadline ]; then
      for n in $pending; do
        dir=$(node_dir "$n")
        log "node $n not ready after ${TIMEOUT}s; tail of $dir/server.log:"
        tail -n 40 "$dir/server.log" >&2 || true
      done
      START_FAILURE="not ready within ${TIMEOUT}s"
      return 1
    fi
    sleep 0.25
  done
}

stop_nodes() { # nodes...; SIGTERM, wait up to 30 s, then SIGKILL
  local n pid pids=() nodes=()
  for n in "$@"; do
    if pid=$(node_pid "$n"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); nodes+=("$n")
      log "stopping node $n (pid $pid)"
    fi
  done
  local deadline=$((SECONDS + 30)) alive
  while :; do
    alive=0
    for pid in ${pids[@]+"${pids[@]}"}; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    if [ $SECONDS -ge $deadline ]; then
      for pid in "${pids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
          log "pid $pid ignored SIGTERM for 30s; sending SIGKILL"
          kill -KILL "$pid" 2>/dev/null || true
        fi
      done
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  for n in ${nodes[@]+"${nodes[@]}"}; do rm -f "$(node_dir "$n")/kafka.pid"; done
}

bootstrap_of() { # nodes...
  local out="" n
  for n in "$@"; do out+="${out:+,}127.0.0.1:$(port_plain "$n")"; done
  echo "$out"
}

# --------------------------------------------------------------- commands ----
cmd_start() {
  case $BROKERS in 1|3) ;; *) die "--brokers must be 1 or 3" ;; esac
  need_java
  do_fetch
  if [ -z "$RUN_DIR" ]; then
    RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kafka-broker.XXXXXX")
  else
    mkdir -p "$RUN_DIR"
    RUN_DIR=$(cd "$RUN_DIR" && pwd)
  fi
  local n all=()
  for ((n = 1; n <= BROKERS; n++)); do all+=("$n"); done
  if [ -f "$RUN_DIR/cluster.env" ]; then
    for n in 1 2 3; do
      node_pid "$n" >/dev/null && die "a broker is still running in $RUN_DIR; run: $0 stop --dir $RUN_DIR"
    done
    log "reusing $RUN_DIR: discarding the previous cluster's state"
    rm -rf "$RUN_DIR"/node[0-9] "$RUN_DIR/ssl" "$RUN_DIR/cluster.env" "$RUN_DIR/security.env" "$RUN_DIR/oauth.env"
  fi
  for n in "${all[@]}"; do
    local p
    for p in "$(port_plain "$n")" "$(port_ctrl "$n")"; do
      port_in_use "$p" && die "port $p on 127.0.0.1 is in use (choose another --port)"
    done
    if [ "$SECURITY" = 1 ]; then
      for p in "$(port_sasl "$n")" "$(port_ssl "$n")" $([ "$MTLS" = 1 ] && echo "$(port_mtls "$n") $(port_wrong_host "$n")"); do
        port_in_use "$p" && die "port $p on 127.0.0.1 is in use (choose another --port)"
      done
    fi
    for p in $(oauth_ports "$n"); do
      port_in_use "$p" && die "port $p on 127.0.0.1 is in use (choose another --port)"
    done
    mkdir -p "$(node_dir "$n")/data"
  done
  local t0=$SECONDS
  write_log_configs
  [ "$SECURITY" = 1 ] && make_certs
  local cluster_id
  cluster_id=$(random_cluster_id)
  local fpids=()
  for n in "${all[@]}"; do
    write_server_properties "$n"
    format_node "$n" "$cluster_id" & fpids+=($!)
  done
  local i
  for i in "${!fpids[@]}"; do
    if ! wait "${fpids[$i]}"; then
      n=${all[$i]}
      tail -n 20 "$(node_dir "$n")/format.log" >&2
      die "formatting storage for node $n failed (see $(node_dir "$n")/format.log)"
    fi
  done
  log "starting Kafka $VERSION: $BROKERS node(s) in $RUN_DIR"
  for n in "${all[@]}"; do launch_node "$n"; done
  local bootstrap
  bootstrap=$(bootstrap_of "${all[@]}")
  {
    echo "KAFKA_VERSION=$VERSION"
    echo "KAFKA_BROKERS=$BROKERS"
    echo "KAFKA_BASE_PORT=$BASE_PORT"
    echo "KAFKA_BOOTSTRAP=$bootstrap"
    echo "KAFKA_CLUSTER_ID=$cluster_id"
    echo "KAFKA_LIBS=$LIBS"
    echo "KAFKA_SECURITY=$SECURITY"
    echo "KAFKA_MTLS=$MTLS"
    echo "KAFKA_RUN_DIR=$RUN_DIR"
    echo "KAFKA_OAUTH=$OAUTH"
    echo "KAFKA_OAUTH_JWKS_URL=$OAUTH_JWKS_URL"
  } >"$RUN_DIR/cluster.env"
  if ! wait_ready "${all[@]}"; then
    stop_nodes "${all[@]}"
    die "Kafka $VERSION failed to start: $START_FAILURE (run dir: $RUN_DIR)"
  fi
  if [ "$SECURITY" = 1 ]; then
    local sasl="" ssl="" mtls="" wrong_host=""
    for n in "${all[@]}"; do
      sasl+="${sasl:+,}127.0.0.1:$(port_sasl "$n")"
      ssl+="${ssl:+,}127.0.0.1:$(port_ssl "$n")"
      mtls+="${mtls:+,}127.0.0.1:$(port_mtls "$n")"
      wrong_host+="${wrong_host:+,}127.0.0.1:$(port_wrong_host "$n")"
    done
    {
      echo "KAFKA_BOOTSTRAP=$bootstrap"
      echo "KAFKA_SASL_PLAINTEXT_BOOTSTRAP=$sasl"
      echo "KAFKA_SSL_BOOTSTRAP=$ssl"
      echo "KAFKA_SASL_MECHANISMS=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512"
      echo "KAFKA_SCRAM_USERNAME=$SCRAM_USER"
      echo "KAFKA_SCRAM_PASSWORD=$SCRAM_PASSWORD"
      echo "KAFKA_PLAIN_USERNAME=$PLAIN_USER"
      echo "KAFKA_PLAIN_PASSWORD=$PLAIN_PASSWORD"
      echo "KAFKA_SSL_CA_PEM=$RUN_DIR/ssl/ca.pem"
      echo "KAFKA_SSL_CLIENT_CERT_PEM=$RUN_DIR/ssl/client.pem"
      echo "KAFKA_SSL_CLIENT_KEY_PEM=$RUN_DIR/ssl/client.key"
      if [ "$MTLS" = 1 ]; then
        echo "KAFKA_MTLS_BOOTSTRAP=$mtls"
        echo "KAFKA_WRONG_HOST_BOOTSTRAP=$wrong_host"
      fi
    } >"$RUN_DIR/security.env"
  fi
  write_oauth_env "${all[@]}"
  log "ready in $((SECONDS - t0))s: $bootstrap (stop with: $0 stop --dir $RUN_DIR)"
  echo "$bootstrap"
}

cmd_stop() {
  load_cluster
  local n nodes=()
  for n in 1 2 3 4 5 6 7 8 9; do [ -d "$(node_dir "$n")" ] && nodes+=("$n"); done
  stop_nodes ${nodes[@]+"${nodes[@]}"}
  log "stopped (run dir kept: $RUN_DIR)"
}

check_node_arg() {
  if ! [[ $NODE =~ ^[0-9]+$ ]] || [ "$NODE" -lt 1 ] || [ "$NODE" -gt "$BROKERS" ]; then
    die "--node must be between 1 and $BROKERS"
  fi
}

cmd_stop_node() {
  load_cluster
  check_node_arg
  node_pid "$NODE" >/dev/null || { log "node $NODE is not running"; return 0; }
  stop_nodes "$NODE"
}

cmd_start_node() {
  load_cluster
  check_node_arg
  need_java
  [ -d "$LIBS" ] || die "Kafka libs missing at $LIBS (run: $0 fetch --version $VERSION)"
  if node_pid "$NODE" >/dev/null; then
    log "node $NODE is already running"
    bootstrap_of "$NODE"
    return 0
  fi
  port_in_use "$(port_plain "$NODE")" && die "port $(port_plain "$NODE") is in use"
  local dir t0=$SECONDS
  dir=$(node_dir "$NODE")
  declare -g "LOG_OFFSET_$NODE=$(stat -c %s "$dir/server.log" 2>/dev/null || echo 0)"
  printf '\n===== restarted by kafka-broker.sh at %s =====\n' "$(date -u +%FT%TZ)" >>"$dir/server.log"
  launch_node "$NODE"
  if ! wait_ready "$NODE"; then
    stop_nodes "$NODE"
    die "node $NODE failed to start: $START_FAILURE"
  fi
  log "node $NODE ready in $((SECONDS - t0))s"
  bootstrap_of "$NODE"
}

cmd_status() {
  load_cluster
  local n pid rc=0
  for ((n = 1; n <= BROKERS; n++)); do
    if pid=$(node_pid "$n"); then
      echo "node $n: running pid $pid at $(bootstrap_of "$n")"
    else
      echo "node $n: stopped"; rc=3
    fi
  done
  return $rc
}

case $CMD in
  fetch) do_fetch; echo "$LIBS" ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  stop-node) cmd_stop_node ;;
  start-node) cmd_start_node ;;
  status) cmd_status ;;
  -h|--help|help) usage ;;
  "") usage; exit 2 ;;
  *) die "unknown command: $CMD (try --help)" ;;
esac
