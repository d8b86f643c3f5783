#!/bin/sh
# CPU per forwarded packet of a node under the load generator (issue 10, item 5), with the
# kernel/user split: a fresh node from NODE_JAR pinned to NODE_CPU, the load generator from GEN_JAR
# pinned to GEN_CPU, 1 publisher (VP8-like 1.5 Mbit/s at 30 fps + 32 kbit/s Opus-like audio) and
# VIEWERS viewers for DURATION after all joined; the node is stopped by its PID after each run.
# Prints the generator's RESULT line and one summary line per run:
#   CPU_PER_PACKET run=1 viewers=50 total=6.41us user=2.51us kernel=3.90us kernel_share=61% ...
#
# Usage: benchmarks/bin/cpu-per-packet.sh            (from the repository root or anywhere)
# Env (defaults in brackets):
#   NODE_JAR   the node's jar          [signaling/target/stagecast.jar]
#   GEN_JAR    the load generator's jar [benchmarks/target/benchmarks.jar]; keep one generator jar
#              for a before/after comparison so only the node differs
#   JAVA       [/usr/lib/jvm/temurin-25-jdk-amd64/bin/java], used for node and generator
#   VIEWERS [50]  DURATION [PT30S]  RUNS [1]  NODE_CPU [0]  GEN_CPU [1]
#   WARMUP     forwarding before the window, so the node's JIT compilation is not counted [PT15S]
#   NODE_OPTS  extra JVM options of the node, e.g. "-XX:+UseZGC -Xlog:gc*:file=/tmp/gc.log"
#   NODE_ENV   extra node settings as VAR=value words, e.g. "STAGECAST_MEDIA_EVENT_LOOPS=2"
#   GEN_ARGS   extra LoadGenerator options, e.g. "--auth-sample 1"
#   QUIET_LOAD wait (30 s polls, at most 10 min) until the 1-minute load average is below it
#   OUT        directory for node logs [benchmarks/target/cpu-per-packet]
# Build first: mvn -B -ntp -o -pl benchmarks -am package -DskipTests
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
NODE_JAR=${NODE_JAR:-$ROOT/signaling/target/stagecast.jar}
GEN_JAR=${GEN_JAR:-$ROOT/benchmarks/target/benchmarks.jar}
VIEWERS=${VIEWERS:-50}
DURATION=${DURATION:-PT30S}
WARMUP=${WARMUP:-PT15S}
RUNS=${RUNS:-1}
NODE_CPU=${NODE_CPU:-0}
GEN_CPU=${GEN_CPU:-1}
NODE_OPTS=${NODE_OPTS:-}
NODE_ENV=${NODE_ENV:-}
GEN_ARGS=${GEN_ARGS:-}
OUT=${OUT:-$ROOT/benchmarks/target/cpu-per-packet}
SECRET=capacity-probe-secret-capacity-probe-0001
PORT=${PORT:-18081}
mkdir -p "$OUT"
NODE=

stop_node() {
  if [ -n "$NODE" ] && kill -0 "$NODE" 2>/dev/null; then
    kill "$NODE" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$NODE" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$NODE" 2>/dev/null || true
  fi
  NODE=
}
trap stop_node EXIT INT TERM

wait_quiet() {
  [ -n "${QUIET_LOAD:-}" ] || return 0
  for _ in $(seq 1 20); do
    awk -v max="$QUIET_LOAD" '{ exit !($1 < max) }' /proc/loadavg && return 0
    echo "waiting for a quiet machine: load $(cut -d' ' -f1-3 /proc/loadavg)"
    sleep 30
  done
}

echo "node $NODE_JAR ($(unzip -p "$NODE_JAR" META-INF/MANIFEST.MF 2>/dev/null | tr -d '\r' | grep -i '^Implementation-Version' || true))"
echo "generator $GEN_JAR; $("$JAVA" -version 2>&1 | head -1); node on CPU $NODE_CPU, generator on CPU $GEN_CPU"
run=1
while [ "$run" -le "$RUNS" ]; do
  wait_quiet
  log="$OUT/node-$VIEWERS-$run.log"
  # shellcheck disable=SC2086
  # (word splitting of NODE_ENV, NODE_OPTS and GEN_ARGS is intended)
  env STAGECAST_HTTP_HOST=127.0.0.1 STAGECAST_HTTP_PORT=$PORT STAGECAST_MEDIA_PORT=0 \
    STAGECAST_MEDIA_BIND_ADDRESS=127.0.0.1 STAGECAST_MEDIA_ANNOUNCED_ADDRESSES=127.0.0.1 \
    STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS=127.0.0.0/8 STAGECAST_TOKEN_SECRET=$SECRET STAGECAST_ROOMS_DEMO= STAGECAST_SHUTDOWN_DRAIN_SECONDS=0 \
    $NODE_ENV taskset -c "$NODE_CPU" "$JAVA" $NODE_OPTS -jar "$NODE_JAR" run > "$log" 2>&1 &
  NODE=$!
  ready=
  for _ in $(seq 1 150); do
    if curl -sf "http://127.0.0.1:$PORT/ready" > /dev/null 2>&1; then ready=1; break; fi
    sleep 0.2
  done
  [ -n "$ready" ] || { echo "node did not become ready, see $log"; exit 1; }
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  # shellcheck disable=SC2086
  result=$(taskset -c "$GEN_CPU" "$JAVA" -cp "$GEN_JAR" io.stagecast.bench.LoadGenerator \
      --url "http://127.0.0.1:$PORT" --token-secret "$SECRET" --room "cpu-$VIEWERS-$run" \
      --publishers 1 --viewers "$VIEWERS" --duration "$DURATION" --warmup "$WARMUP" --server-pid "$NODE" $GEN_ARGS 2>/dev/null \
      | grep -E "^(RESULT|load: (kernel|server threads|warming|node gso|SRTP))" || true)
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  stop_node
  echo "$result"
  line=$(echo "$result" | grep '^RESULT' || true)
  [ -n "$line" ] || { echo "run $run: no RESULT (node log $log)"; run=$((run + 1)); continue; }
  echo "$line" | awk -v run="$run" -v lb="$load_before" -v la="$load_after" '{
    for (i = 1; i <= NF; i++) {
      split($i, kv, "=")
      if ($i ~ /^\(.*us\/pkt\)$/) { total = substr($i, 2); sub(/us\/pkt\)/, "", total) }
      if (kv[1] == "serverUser") { user = kv[2]; sub(/us\/pkt/, "", user) }
      if (kv[1] == "serverKernel") { kernel = kv[2]; sub(/us\/pkt/, "", kernel) }
      if (kv[1] == "serverCpu") { core = $(i + 1); sub(/^\(/, "", core) }
      if (kv[1] == "viewers") { viewers = kv[2] }
      if (kv[1] == "joined") { joined = kv[2] }
      if (kv[1] == "delivered") { rate = $(i + 1); sub(/^\(/, "", rate) }
      if (kv[1] == "loss") { loss = kv[2] }
      if (kv[1] == "p99") { p99 = kv[2] }
      if (kv[1] == "p999") { p999 = kv[2] }
      if (kv[1] == "latency") { p50 = $(i + 1); sub(/^p50=/, "", p50) }
      if (kv[1] == "frameP50") { fp50 = kv[2] }
      if (kv[1] == "frameP99") { fp99 = kv[2] }
    }
    share = (user + kernel) > 0 ? 100 * kernel / (user + kernel) : 0
    # The default stream is 230 pkt/s per viewer (180 video + 50 audio): far less means the
    # publisher itself did not get its CPU, and the figures are not of the intended load.
    flag = (joined > 0 && rate / joined < 200) ? " UNDER_RATE" : ""
    printf "CPU_PER_PACKET run=%s viewers=%s joined=%s pkt_s=%s total=%.2fus user=%.2fus kernel=%.2fus kernel_share=%.0f%% node_core=%s loss=%s p50=%s p99=%s p999=%s frame_p50=%s frame_p99=%s load_before=\"%s\" load_after=\"%s\"%s\n",
      run, viewers, joined, rate, total, user, kernel, share, core, loss, p50, p99, p999, fp50, fp99, lb, la, flag
  }'
  run=$((run + 1))
  [ "$run" -gt "$RUNS" ] || sleep 3
done
