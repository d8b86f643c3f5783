#!/bin/bash
# Soak and fault runs of issue 13 (docs/benchmarks.md, "Soak and fault runs"; docs/operations.md,
# "Soak procedure"). Each starts a node of its own on 127.0.0.1 (JDK 25, ZGC, as deployed), is
# bounded in time and ends with PASS or FAIL lines; the exit code is 1 when any step failed.
#   churn    io.stagecast.bench.soak.ChurnSoak: CHURN_SECONDS (600) of viewers joining and leaving
#            while one publisher streams; heap after GC, files, threads, transports, participants
#            must come back to baseline
#   clients  viewers in a process of their own, killed (SIGKILL), then frozen (SIGSTOP): how long
#            until the node frees their transports and participants
#   restart  the node killed with -9 and started again on the same ports, RESTARTS (3) times,
#            while the clients rejoin: time to /ready and to media at a viewer
#   loss     LOSS_PERCENT (2) random loss on the publisher's UDP path (nftables; needs root):
#            NACKs, keyframe requests, residual loss (io.stagecast.bench.soak.PublisherLossRun)
# Usage: benchmarks/bin/soak.sh [churn|clients|restart|loss]...   (none: all four, ~16 minutes)
# Env: JDK (default /usr/lib/jvm/temurin-25-jdk-amd64), CHURN_SECONDS, CHURN_CONCURRENCY (4),
#      RESTARTS, LOSS_PERCENT, OUT (logs, default benchmarks/target/soak).
# Builds only what is missing: signaling/target/stagecast.jar and benchmarks/target/benchmarks.jar
# (mvn -o package of that one module). Every packet stays on loopback; every process it starts is
# stopped by its PID, and the nft table it may create is deleted, when it exits.
set -uo pipefail
cd "$(dirname "$0")/../.."

JDK=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JDK/bin/java
CHURN_SECONDS=${CHURN_SECONDS:-600}
CHURN_CONCURRENCY=${CHURN_CONCURRENCY:-4}
RESTARTS=${RESTARTS:-3}
LOSS_PERCENT=${LOSS_PERCENT:-2}
OUT=${OUT:-benchmarks/target/soak}
NODE_JAR=signaling/target/stagecast.jar
BENCH_JAR=benchmarks/target/benchmarks.jar
NFT_TABLE=stagecast_soak_loss
# Bounds of the fault runs, seconds (the churn's and the loss run's are options of their Java mains).
KILLED_BOUND=${KILLED_BOUND:-5}              # a killed client's WebSocket closes at once
FROZEN_TRANSPORT_BOUND=${FROZEN_TRANSPORT_BOUND:-35}    # ice.consent-timeout-seconds (30) + 5
FROZEN_PARTICIPANT_BOUND=${FROZEN_PARTICIPANT_BOUND:-65} # 2 x ws.ping-interval-seconds (30) + 5
READY_BOUND=${READY_BOUND:-10}               # node start to /ready
MEDIA_BOUND=${MEDIA_BOUND:-15}               # node start to media at a rejoined viewer

mkdir -p "$OUT"
PIDS=()
FAILED=()
NODE_PID=

cleanup() {
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -CONT "$pid" 2>/dev/null
      kill -KILL "$pid" 2>/dev/null
    fi
  done
  if command -v nft > /dev/null && nft list table inet "$NFT_TABLE" > /dev/null 2>&1; then
    nft delete table inet "$NFT_TABLE"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }
log() { echo "soak: $*"; }
fail() { log "FAIL $*"; FAILED+=("$*"); }

build_if_missing() {
  if [ ! -f "$NODE_JAR" ]; then
    log "building $NODE_JAR"
    mvn -q -o package -pl signaling -DskipTests || exit 2
  fi
  if [ ! -f "$BENCH_JAR" ] || [ "$(unzip -l "$BENCH_JAR" | grep -c 'io/stagecast/bench/soak/ChurnSoak.class')" -eq 0 ]; then
    log "building $BENCH_JAR"
    mvn -q -o package -pl benchmarks -DskipTests || exit 2
  fi
}

# A base port whose UDP and TCP ports base, base+1 (two media event loops) and base+10 (HTTP) are free.
pick_ports() {
  local base used
  used=$(ss -Hlntu | awk '{print $5}' | sed 's/.*://' | sort -u)
  for _ in $(seq 1 50); do
    base=$(( 20000 + (RANDOM % 2000) * 10 ))
    if ! printf '%s\n' "$used" | grep -qx -e "$base" -e "$((base + 1))" -e "$((base + 10))"; then
      MEDIA_PORT=$base
      HTTP_PORT=$((base + 10))
      BASE_URL=http://127.0.0.1:$HTTP_PORT
      return 0
    fi
  done
  log "no free ports found"; exit 2
}

# Starts the node (same ports and secret each time within a step); sets NODE_PID, NODE_START_MS, NODE_READY_MS.
start_node() {
  NODE_START_MS=$(now_ms)
  STAGECAST_HTTP_HOST=127.0.0.1 STAGECAST_HTTP_PORT=$HTTP_PORT STAGECAST_MEDIA_PORT=$MEDIA_PORT \
  STAGECAST_MEDIA_BIND_ADDRESS=127.0.0.1 STAGECAST_MEDIA_ANNOUNCED_ADDRESSES=127.0.0.1 \
  STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS=127.0.0.0/8 STAGECAST_TOKEN_SECRET=$SECRET \
  STAGECAST_SHUTDOWN_DRAIN_SECONDS=0 \
    "$JAVA" -XX:+UseZGC -jar "$NODE_JAR" run >> "$OUT/node-$1.log" 2>&1 &
  NODE_PID=$!
  PIDS+=("$NODE_PID")
  local deadline=$(( $(now_ms) + 30000 ))
  until curl -sf --max-time 1 "$BASE_URL/ready" > /dev/null 2>&1; do
    if [ "$(now_ms)" -gt "$deadline" ] || ! kill -0 "$NODE_PID" 2>/dev/null; then
      log "node did not get ready (log: $OUT/node-$1.log)"; tail -5 "$OUT/node-$1.log"; return 1
    fi
    sleep 0.02
  done
  NODE_READY_MS=$(now_ms)
}

# Stops a process by PID: SIGTERM, then SIGKILL after 10 s.
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -CONT "$pid" 2>/dev/null
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { { wait "$pid"; } 2>/dev/null; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  { wait "$pid"; } 2>/dev/null
}

# The sum of every series of a metric on the node's /metrics (optionally only those with a label="value");
# "unreadable" when /metrics does not answer.
metric() {
  curl -sf --max-time 2 "$BASE_URL/metrics" | awk -v n="$1" -v l="${2:-}" '
    ($1 == n || index($1, n "{") == 1) && (l == "" || index($1, l) > 0) { s += $NF }
    END { if (NR == 0) print "unreadable"; else printf "%d\n", s }'
}

# Milliseconds from $1 (epoch ms) until metric $2 is <= $3, polled every 50 ms; "timeout" after $4 s.
ms_until_at_most() {
  local since=$1 name=$2 target=$3 deadline=$(( $(now_ms) + $4 * 1000 ))
  local value
  while [ "$(now_ms)" -lt "$deadline" ]; do
    value=$(metric "$name")
    if [[ $value =~ ^[0-9]+$ ]] && [ "$value" -le "$target" ]; then
      echo $(( $(now_ms) - since )); return 0
    fi
    sleep 0.05
  done
  echo timeout
}

# run_bounded SECONDS LOGFILE COMMAND...: runs it in the background, killed (by PID) past SECONDS; sets RC.
run_bounded() {
  local seconds=$1 file=$2; shift 2
  "$@" > "$file" 2>&1 &
  local pid=$! deadline=$(( $(now_ms) + seconds * 1000 ))
  PIDS+=("$pid")
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$(now_ms)" -gt "$deadline" ]; then
      log "pid $pid ran past its $seconds s bound: killed"; kill -KILL "$pid"
    fi
    sleep 0.5
  done
  { wait "$pid"; } 2>/dev/null; RC=$?
}

# Waits (at most $3 s) until file $1 has $4 (default 1) lines starting with "hold: $2"; prints the last one's at= value.
await_hold_line() {
  local file=$1 what=$2 seconds=$3 count=${4:-1} deadline=$(( $(now_ms) + $3 * 1000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    if [ "$(grep -c "^hold: $what " "$file")" -ge "$count" ]; then
      grep "^hold: $what " "$file" | sed -n "${count}p" | sed 's/.* at=\([0-9]*\).*/\1/'; return 0
    fi
    sleep 0.05
  done
  echo timeout
}

hold() {  # hold LOGFILE ARGS...: HoldParticipants in the background; sets HOLD_PID
  local file=$1; shift
  "$JAVA" -cp "$BENCH_JAR" io.stagecast.bench.soak.HoldParticipants --url "$BASE_URL" --token-secret "$SECRET" "$@" \
    > "$file" 2>&1 &
  HOLD_PID=$!
  PIDS+=("$HOLD_PID")
}

within() {  # within FIGURE MS BOUND_S: PASS/FAIL line
  if [ "$2" != timeout ] && [ "$2" -le $(( $3 * 1000 )) ]; then
    log "PASS $1: $2 ms (bound $3 s)"
  else
    fail "$1: $2 ms (bound $3 s)"
  fi
}

step_churn() {
  log "churn: $CHURN_SECONDS s at concurrency $CHURN_CONCURRENCY, load $(cut -d' ' -f1-3 /proc/loadavg)"
  start_node churn || { fail "churn: node did not start"; return; }
  run_bounded $(( CHURN_SECONDS + 600 )) "$OUT/churn.log" "$JAVA" -cp "$BENCH_JAR" io.stagecast.bench.soak.ChurnSoak \
    --url "$BASE_URL" --token-secret "$SECRET" --node-pid "$NODE_PID" --jcmd "$JDK/bin/jcmd" \
    --duration "PT${CHURN_SECONDS}S" --concurrency "$CHURN_CONCURRENCY"
  local rc=$RC
  grep -v ' \(DEBUG\|INFO\|WARN\) \|^WARNING' "$OUT/churn.log" | grep -v '^\s*at \|^[0-9:. ]*$'
  [ "$rc" -eq 0 ] && log "PASS churn" || fail "churn (exit $rc, log $OUT/churn.log)"
  stop_pid "$NODE_PID"
}

step_clients() {
  log "clients: killed and frozen viewers, load $(cut -d' ' -f1-3 /proc/loadavg)"
  start_node clients || { fail "clients: node did not start"; return; }
  hold "$OUT/clients-publisher.log" --room soak-clients --publishers 1 --duration PT8M
  local publisher=$HOLD_PID
  [ "$(await_hold_line "$OUT/clients-publisher.log" ready 30)" != timeout ] || { fail "clients: publisher did not join"; return; }
  local transports participants
  transports=$(metric stagecast_transports); participants=$(metric stagecast_participants)
  log "clients: with the publisher alone: $transports transports, $participants participants"
  for mode in killed frozen; do
    hold "$OUT/clients-viewers-$mode.log" --room soak-clients --viewers 5 --duration PT5M
    local viewers=$HOLD_PID
    if [ "$(await_hold_line "$OUT/clients-viewers-$mode.log" ready 30)" = timeout ]; then
      fail "clients: viewers ($mode) did not join"; stop_pid "$viewers"; continue
    fi
    local idle_before t0 dt dp
    idle_before=$(metric stagecast_http_timeouts_total 'kind="websocket_idle"')
    log "clients: 5 viewers in pid $viewers: $(metric stagecast_transports) transports, $(metric stagecast_participants) participants"
    t0=$(now_ms)
    if [ "$mode" = killed ]; then
      kill -KILL "$viewers"; { wait "$viewers"; } 2>/dev/null
    else
      kill -STOP "$viewers"
    fi
    dt=$(ms_until_at_most "$t0" stagecast_transports "$transports" 120)
    dp=$(ms_until_at_most "$t0" stagecast_participants "$participants" 150)
    log "clients: $mode: transports back to $transports after $dt ms, participants back to $participants after $dp ms;" \
      "WebSockets closed for not answering pings: $(( $(metric stagecast_http_timeouts_total 'kind="websocket_idle"') - idle_before ))"
    if [ "$mode" = killed ]; then
      within "killed client: transports freed" "$dt" "$KILLED_BOUND"
      within "killed client: participants freed" "$dp" "$KILLED_BOUND"
    else
      within "frozen client: transports freed" "$dt" "$FROZEN_TRANSPORT_BOUND"
      within "frozen client: participants freed" "$dp" "$FROZEN_PARTICIPANT_BOUND"
    fi
    stop_pid "$viewers"
  done
  log "clients: publisher still streaming: $(metric stagecast_transports) transports, $(metric stagecast_participants) participants"
  stop_pid "$publisher"
  stop_pid "$NODE_PID"
}

step_restart() {
  log "restart: node killed -9 and restarted $RESTARTS times, load $(cut -d' ' -f1-3 /proc/loadavg)"
  start_node restart || { fail "restart: node did not start"; return; }
  local file=$OUT/restart-clients.log
  hold "$file" --room soak-restart --publishers 1 --viewers 2 --rejoin-after PT1S --duration PT5M
  local clients=$HOLD_PID
  [ "$(await_hold_line "$file" ready 30)" != timeout ] || { fail "restart: clients did not join"; return; }
  for i in $(seq 1 "$RESTARTS"); do
    sleep 5
    local t_kill media
    t_kill=$(now_ms)
    kill -KILL "$NODE_PID"; { wait "$NODE_PID"; } 2>/dev/null
    start_node restart || { fail "restart $i: node did not start again on the same ports"; break; }
    media=$(await_hold_line "$file" media-again 60 "$i")
    log "restart $i: killed -> started $(( NODE_START_MS - t_kill )) ms, started -> /ready $(( NODE_READY_MS - NODE_START_MS )) ms," \
      "started -> media at a viewer $([ "$media" = timeout ] && echo timeout || echo $(( media - NODE_START_MS )) ms)," \
      "killed -> media $([ "$media" = timeout ] && echo timeout || echo $(( media - t_kill )) ms)"
    within "restart $i: /ready after start" $(( NODE_READY_MS - NODE_START_MS )) "$READY_BOUND"
    within "restart $i: media after start" "$([ "$media" = timeout ] && echo timeout || echo $(( media - NODE_START_MS )))" "$MEDIA_BOUND"
  done
  grep '^hold: \(stalled\|rejoined\|media-again\)' "$file"
  stop_pid "$clients"
  stop_pid "$NODE_PID"
}

step_loss() {
  log "loss: $LOSS_PERCENT% on the publisher's path, load $(cut -d' ' -f1-3 /proc/loadavg)"
  command -v nft > /dev/null || { fail "loss: no nft"; return; }
  start_node loss || { fail "loss: node did not start"; return; }
  run_bounded 300 "$OUT/loss.log" "$JAVA" -cp "$BENCH_JAR" io.stagecast.bench.soak.PublisherLossRun --url "$BASE_URL" \
    --token-secret "$SECRET" --loss-percent "$LOSS_PERCENT" --nft-table "$NFT_TABLE"
  local rc=$RC
  grep '^loss: \|^  \(PASS\|FAIL\)' "$OUT/loss.log"
  [ "$rc" -eq 0 ] && log "PASS loss" || fail "loss (exit $rc, log $OUT/loss.log)"
  stop_pid "$NODE_PID"
}

build_if_missing
SECRET=soak-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
pick_ports
log "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $("$JAVA" -version 2>&1 | head -1), node on $BASE_URL (media UDP/TCP $MEDIA_PORT-$((MEDIA_PORT + 1))), logs in $OUT"
[ $# -gt 0 ] || set -- churn clients restart loss
for step in "$@"; do
  case $step in
    churn|clients|restart|loss) "step_$step" ;;
    *) log "unknown step $step (churn, clients, restart, loss)"; exit 2 ;;
  esac
done
if [ ${#FAILED[@]} -gt 0 ]; then
  log "${#FAILED[@]} figure(s) failed:"; printf '  %s\n' "${FAILED[@]}"; exit 1
fi
log "all PASS"
