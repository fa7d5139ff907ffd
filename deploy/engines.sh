#!/usr/bin/env bash
# The real engines Plaza's tests and benchmarks run against, on loopback:
# Redis (Debian's redis-server), an S3 server (versitygw, Apache-2.0, from
# the Go module proxy) and an Elasticsearch-API stand-in (zincsearch,
# Apache-2.0, built from the Go module proxy). Production uses MinIO or S3,
# Redis and Elasticsearch; these are the servers that can run on a machine
# without Docker.
#
#   deploy/engines.sh install         install or build what is missing (idempotent)
#   deploy/engines.sh start RUNDIR    start all three with data in RUNDIR; prints
#                                     the PLAZA_TEST_*_URL lines to eval
#   deploy/engines.sh stop RUNDIR     stop what start started
#
# Binaries go to $PLAZA_ENGINES_BIN (default .plaza/bin in the checkout).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${PLAZA_ENGINES_BIN:-$ROOT/.plaza/bin}
VERSITYGW=v1.8.0
ZINC=v0.4.10
S3_KEY=plazatest
S3_SECRET=plazatest-secret
ZINC_USER=admin
ZINC_PASSWORD='Complexpass#123'

log() { echo "engines: $*" >&2; }

install_redis() {
  command -v redis-server >/dev/null && return
  log "installing redis-server from Debian's packages"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >&2
}

install_versitygw() {
  [ -x "$BIN/versitygw" ] && return
  log "building versitygw $VERSITYGW (about 1.5 min the first time)"
  mkdir -p "$BIN"
  GOBIN=$BIN CGO_ENABLED=0 go install -trimpath -ldflags='-s -w' \
    "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW" >&2
}

# zincsearch does not build with a plain go install: it must be built inside
# its own module (its replace directives), with a stub for the web UI it
# embeds and a patched godeltaprof that compiles on Go 1.22+.
install_zinc() {
  [ -x "$BIN/zincsearch" ] && return
  log "building zincsearch $ZINC (a few minutes the first time)"
  mkdir -p "$BIN"
  local w
  w=$(mktemp -d)
  (
    set -euo pipefail
    cd "$w"
    dir() { go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'; }
    cp -r "$(dir github.com/zincsearch/zincsearch@$ZINC)" src
    cp -r "$(dir github.com/pyroscope-io/godeltaprof@v0.1.2)" godeltaprof
    chmod -R u+w src godeltaprof
    sed -i 's#^//go:build go1.16 && !go1.22#//go:build go1.16#; s#^// +build go1.16,!go1.22#// +build go1.16#' \
      godeltaprof/internal/pprof/stub.go
    mkdir -p src/web/dist
    echo '<html><body>zincsearch UI not built</body></html>' >src/web/dist/index.html
    cd src
    go mod edit -replace github.com/pyroscope-io/godeltaprof=../godeltaprof
    CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
      -ldflags "-s -w -X github.com/zincsearch/zincsearch/pkg/meta.Version=$ZINC" \
      -o "$BIN/zincsearch" ./cmd/zincsearch >&2
  )
  local rc=$?
  chmod -R u+w "$w" 2>/dev/null || true
  rm -rf "$w"
  return $rc
}

# freeport prints a port on 127.0.0.1 that nothing listens on.
freeport() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  log "no free port found"
  return 1
}

# wait_for NAME SECONDS CMD... retries CMD until it succeeds.
wait_for() {
  local name=$1 secs=$2
  shift 2
  for _ in $(seq $((secs * 10))); do
    "$@" >/dev/null 2>&1 && return
    sleep 0.1
  done
  log "$name did not become ready in ${secs}s; its log:"
  cat "$RUN/$name.log" >&2 || true
  return 1
}

http_ok() { curl -fsS -o /dev/null "$@"; }

start() {
  RUN=$(mkdir -p "$1" && cd "$1" && pwd)
  local rp sp zp
  rp=$(freeport)
  redis-server --bind 127.0.0.1 --port "$rp" --save '' --appendonly no --dir "$RUN" \
    --daemonize no >"$RUN/redis.log" 2>&1 &
  echo $! >"$RUN/redis.pid"

  sp=$(freeport)
  mkdir -p "$RUN/s3/root" "$RUN/s3/ver"
  "$BIN/versitygw" --port "127.0.0.1:$sp" --access "$S3_KEY" --secret "$S3_SECRET" --quiet \
    posix --versioning-dir "$RUN/s3/ver" "$RUN/s3/root" >"$RUN/versitygw.log" 2>&1 &
  echo $! >"$RUN/versitygw.pid"

  zp=$(freeport)
  mkdir -p "$RUN/zinc"
  (cd "$RUN/zinc" && ZINC_FIRST_ADMIN_USER=$ZINC_USER ZINC_FIRST_ADMIN_PASSWORD=$ZINC_PASSWORD \
    ZINC_DATA_PATH="$RUN/zinc/data" ZINC_SERVER_ADDRESS=127.0.0.1 ZINC_SERVER_PORT=$zp \
    ZINC_SENTRY=false ZINC_TELEMETRY=false ZINC_WAL_SYNC_INTERVAL=50ms GIN_MODE=release \
    exec "$BIN/zincsearch" >"$RUN/zincsearch.log" 2>&1) &
  echo $! >"$RUN/zincsearch.pid"

  wait_for redis 10 redis-cli -p "$rp" ping
  wait_for versitygw 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$sp"
  wait_for zincsearch 30 http_ok "http://127.0.0.1:$zp/healthz"

  echo "export PLAZA_TEST_REDIS_URL=redis://127.0.0.1:$rp/0"
  echo "export PLAZA_TEST_S3_URL=http://$S3_KEY:$S3_SECRET@127.0.0.1:$sp"
  echo "export PLAZA_TEST_ES_URL='http://$ZINC_USER:${ZINC_PASSWORD//#/%23}@127.0.0.1:$zp/es'"
}

stop() {
  local run=$1 pid
  for name in redis versitygw zincsearch; do
    [ -f "$run/$name.pid" ] || continue
    pid=$(cat "$run/$name.pid")
    kill -TERM "$pid" 2>/dev/null || true
    # zincsearch can hang on SIGTERM
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$run/$name.pid"
  done
}

case "${1:-}" in
install) install_redis; install_versitygw; install_zinc ;;
start) [ -n "${2:-}" ] || { log "usage: $0 start RUNDIR"; exit 2; }; start "$2" ;;
stop) [ -n "${2:-}" ] || { log "usage: $0 stop RUNDIR"; exit 2; }; stop "$2" ;;
*) log "usage: $0 install | start RUNDIR | stop RUNDIR"; exit 2 ;;
esac
