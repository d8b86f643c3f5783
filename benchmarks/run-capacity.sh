#!/bin/sh
# Capacity probe: a node pinned to CPU 0, the load generator pinned to CPU 1, one publisher of
# 1.5 Mbit/s VP8-like video + 32 kbit/s audio, N viewers for each N given (default 100 200 400 600 800 1000).
# Each step runs in a room of its own on the same node; the RESULT line of each step is printed
# with the 1-minute load average before it.
# Build first: mvn -q -B -o -pl benchmarks -am package -DskipTests
# Env: DURATION (ISO-8601, default PT10S), JAVA (JDK's java), NODE_CPU / GEN_CPU (default 0 / 1),
#      QUIET_LOAD (wait before each step until the 1-minute load average is below it; unset: no wait),
#      NODE_OPTS (extra JVM options for the node, e.g. -XX:StartFlightRecording=filename=node.jfr),
#      GEN_OPTS (extra JVM options for the generator), GEN_ARGS (extra LoadGenerator options).
set -eu
cd "$(dirname "$0")/.."
JAVA=${JAVA:-java}
DURATION=${DURATION:-PT10S}
NODE_CPU=${NODE_CPU:-0}
GEN_CPU=${GEN_CPU:-1}
NODE_OPTS=${NODE_OPTS:-}
GEN_ARGS=${GEN_ARGS:-}
GEN_OPTS=${GEN_OPTS:-}
SECRET=capacity-probe-secret-capacity-probe-0001
PORT=18080
[ $# -gt 0 ] || set -- 100 200 400 600 800 1000

wait_quiet() {
  [ -n "${QUIET_LOAD:-}" ] || return 0
  for _ in $(seq 1 50); do
    awk -v max="$QUIET_LOAD" '{ exit !($1 < max) }' /proc/loadavg && return 0
    echo "waiting for a quiet machine: load $(cut -d' ' -f1-3 /proc/loadavg)"
    sleep 30
  done
}

STAGECAST_HTTP_HOST=127.0.0.1 STAGECAST_HTTP_PORT=$PORT STAGECAST_MEDIA_PORT=0 \
STAGECAST_MEDIA_BIND_ADDRESS=127.0.0.1 STAGECAST_MEDIA_ANNOUNCED_ADDRESSES=127.0.0.1 \
STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS=127.0.0.0/8 STAGECAST_TOKEN_SECRET=$SECRET \
  taskset -c "$NODE_CPU" "$JAVA" $NODE_OPTS -jar signaling/target/stagecast.jar run > benchmarks/target/capacity-node.log 2>&1 &
NODE=$!
trap 'kill $NODE 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/ready" > /dev/null 2>&1 && break
  sleep 0.2
done
"$JAVA" -version 2>&1 | head -1
for N in "$@"; do
  wait_quiet
  echo "=== $N viewers, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  # shellcheck disable=SC2086
  # (word splitting of NODE_OPTS, GEN_OPTS and GEN_ARGS is intended)
  taskset -c "$GEN_CPU" "$JAVA" $GEN_OPTS -cp benchmarks/target/benchmarks.jar io.stagecast.bench.LoadGenerator \
    --url "http://127.0.0.1:$PORT" --token-secret "$SECRET" --room "capacity-$N" \
    --publishers 1 --viewers "$N" --duration "$DURATION" --server-pid "$NODE" $GEN_ARGS 2>/dev/null \
    | grep -v '^[0-9:. ]*\(INFO\|DEBUG\|WARN\)'
  echo "=== after: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  sleep 3
done
