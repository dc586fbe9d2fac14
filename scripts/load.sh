#!/usr/bin/env bash
# Load benchmark: asli (release) on a private Redis, driven by examples/load.rs, which also plays
# the Graph API. Everything listens on 127.0.0.1 only.
#   scripts/load.sh [RATE] [SECONDS] [STORE]      STORE = redis (default) or embedded
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-500}
SECONDS_=${2:-10}
STORE=${3:-redis}
ASLI_PORT=${ASLI_PORT:-18080}
GRAPH_PORT=${GRAPH_PORT:-19099}

cargo build --release --bin asli --example load >/dev/null
work=$(mktemp -d)
cleanup() { kill "${asli_pid:-}" "${redis_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

export ASLI_BIND=127.0.0.1:$ASLI_PORT WHATSAPP_APP_SECRET=load-app-secret WHATSAPP_VERIFY_TOKEN=v \
  WHATSAPP_ACCESS_TOKEN=load-token WHATSAPP_GRAPH_URL=http://127.0.0.1:$GRAPH_PORT \
  ASLI_ADMIN_TOKEN=load-admin ASLI_LOG_FORMAT=json RUST_LOG=${RUST_LOG:-warn} \
  ASLI_WORKERS=${ASLI_WORKERS:-32} ASLI_DATA_DIR=$work/data
if [ "$STORE" = redis ]; then
  redis-server --port 0 --unixsocket "$work/redis.sock" --save "" --appendonly no --dir "$work" \
    >"$work/redis.log" 2>&1 &
  redis_pid=$!
  export REDIS_URL="redis+unix://$work/redis.sock"
  for _ in $(seq 50); do redis-cli -s "$work/redis.sock" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
ASLI_DATA_DIR=$work/data ./target/release/asli registry import samples/registry.csv >/dev/null
./target/release/asli serve >"$work/asli.log" 2>&1 &
asli_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$ASLI_PORT/readyz" >/dev/null && break; sleep 0.1; done

echo "store=$STORE workers=$ASLI_WORKERS cores=$(nproc)"
./target/release/examples/load --target "http://127.0.0.1:$ASLI_PORT" --graph-port "$GRAPH_PORT" \
  --rate "$RATE" --seconds "$SECONDS_" --secret load-app-secret
ps -o rss= -p "$asli_pid" | awk '{printf "asli RSS           %.1f MiB\n", $1/1024}'
