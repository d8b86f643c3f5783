#!/bin/sh
# Issue 10's same-session comparison: the "before" jars kept in BEFORE (default /work/before10:
# stagecast.jar and benchmarks.jar of the commit before the issue, see its COMMIT file) against this
# tree's build, alternating so that a neighbour's load on this shared machine hits both.
#   1. CPU per forwarded packet (cpu-per-packet.sh), ROUNDS x (before, after), one generator jar
#      (GEN_JAR, default this tree's) for both so only the node differs;
#   2. with JMH=1: the JMH egress/floor run of both benchmark jars (ratios come from one run each).
# Env: BEFORE, ROUNDS [3], VIEWERS [50], DURATION [PT30S], JMH [0], JMH_ALLOCATION [false,true], AFTER_ENV (node settings of the
#      after run only, e.g. "STAGECAST_MEDIA_EVENT_LOOPS=1"), plus what cpu-per-packet.sh takes.
# Build first: mvn -B -ntp -o -pl benchmarks -am package -DskipTests
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BEFORE=${BEFORE:-/work/before10}
ROUNDS=${ROUNDS:-3}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
export JAVA
export GEN_JAR=${GEN_JAR:-$ROOT/benchmarks/target/benchmarks.jar}
AFTER_ENV=${AFTER_ENV:-}
BASE_ENV=${NODE_ENV:-}
r=1
while [ "$r" -le "$ROUNDS" ]; do
  echo "=== round $r: before ($(cat "$BEFORE/COMMIT" 2>/dev/null || echo '?'))"
  NODE_ENV="$BASE_ENV" NODE_JAR="$BEFORE/stagecast.jar" "$ROOT/benchmarks/bin/cpu-per-packet.sh" | sed 's/^CPU_PER_PACKET/CPU_PER_PACKET before/'
  echo "=== round $r: after ($(git -C "$ROOT" rev-parse --short HEAD))"
  NODE_ENV="$BASE_ENV $AFTER_ENV" NODE_JAR="$ROOT/signaling/target/stagecast.jar" "$ROOT/benchmarks/bin/cpu-per-packet.sh" | sed 's/^CPU_PER_PACKET/CPU_PER_PACKET after/'
  r=$((r + 1))
done
if [ "${JMH:-0}" = 1 ]; then
  for which in before after; do
    jar=$BEFORE/benchmarks.jar
    [ "$which" = after ] && jar=$ROOT/benchmarks/target/benchmarks.jar
    echo "=== JMH $which ($jar), load $(cut -d' ' -f1-3 /proc/loadavg)"
    taskset -c 0 "$JAVA" -Djmh.ignoreLock=true -cp "$jar" io.stagecast.bench.JmhRunner EgressBenchmark 'SrtpFloorBenchmark.protect$' \
      -p packetBytes=1200 -p fanout=1,100,1000 -p allocation=${JMH_ALLOCATION:-false,true} -wi 3 -i 5 -w 1s -r 2s -f 1 -prof gc | sed -n '/^what/,$p'
  done
fi
