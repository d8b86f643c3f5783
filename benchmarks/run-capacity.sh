#!/bin/sh
# Capacity probe: a node pinned to CPU 0, the load generator pinned to CPU 1, one publisher of
# 1.5 Mbit/s VP8-like video + 32 kbit/s audio, N viewers for each N given (default 10 50 100 200).
# Build first: mvn -q -B -o -pl benchmarks -am package -DskipTests
# Env: DURATION (ISO-8601, default PT8S), JAVA (JDK's java), NODE_CPU / GEN_CPU (default 0 / 1).
set -eu
cd "$(dirname "$0")/.."
JAVA=${JAVA:-java}
DURATION=${DURATION:-PT8S}
NODE_CPU=${NODE_CPU:-0}
GEN_CPU=${GEN_CPU:-1}
SECRET=capacity-probe-secret-capacity-probe-0001
PORT=18080
[ $# -gt 0 ] || set -- 10 50 100 200

STAGECAST_HTTP_HOST=127.0.0.1 STAGECAST_HTTP_PORT=$PORT STAGECAST_MEDIA_PORT=0 \
STAGECAST_MEDIA_BIND_ADDRESS=127.0.0.1 STAGECAST_MEDIA_ANNOUNCED_ADDRESSES=127.0.0.1 \
STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS=127.0.0.0/8 STAGECAST_TOKEN_SECRET=$SECRET \
  taskset -c "$NODE_CPU" "$JAVA" -jar signaling/target/stagecast.jar run > benchmarks/target/capacity-node.log 2>&1 &
NODE=$!
trap 'kill $NODE 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/ready" > /dev/null 2>&1 && break
  sleep 0.2
done
for N in "$@"; do
  echo "=== $N viewers"
  taskset -c "$GEN_CPU" "$JAVA" -cp benchmarks/target/benchmarks.jar io.stagecast.bench.LoadGenerator \
    --url "http://127.0.0.1:$PORT" --token-secret "$SECRET" --room "capacity-$N" \
    --publishers 1 --viewers "$N" --duration "$DURATION" --server-pid "$NODE" 2>/dev/null | grep -v '^[0-9:. ]*\(INFO\|DEBUG\|WARN\)'
  sleep 2
done
