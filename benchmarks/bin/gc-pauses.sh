#!/bin/sh
# Longest GC pause and longest safepoint of a JVM's unified GC log (-Xlog:gc*,safepoint:file=LOG:uptime),
# optionally only from SINCE seconds of JVM uptime on (e.g. after the joins).
# Usage: benchmarks/bin/gc-pauses.sh LOG [SINCE]
# Prints: GC=<collector> heap=<max> pauses=<n> longest_pause=<ms> total_pause=<ms> longest_safepoint=<ms>
set -eu
LOG=$1
SINCE=${2:-0}
awk -v since="$SINCE" '
  function uptime(line,   t) { t = line; sub(/^\[/, "", t); sub(/s\].*/, "", t); return t + 0 }
  /\] Using (Serial|Parallel|G1|Shenandoah|The Z|Epsilon)/ && gc == "" { gc = $0; sub(/.*Using (The )?/, "", gc); gsub(/ /, "_", gc) }
  /(Heap )?Max Capacity:/ && heap == "" { heap = $NF }
  /Pause/ && /[0-9.]+ms$/ && uptime($0) >= since {
    ms = $NF; sub(/ms$/, "", ms); ms += 0
    n++; total += ms; if (ms > longest) { longest = ms; where = $0 }
  }
  /Safepoint "/ && /Total: [0-9]+ ns/ && uptime($0) >= since {
    s = $0; sub(/.*Total: /, "", s); sub(/ ns.*/, "", s); s = s / 1e6
    if (s > sp) { sp = s; spwhere = $0 }
  }
  END {
    printf "GC=%s heap=%s pauses=%d longest_pause=%.2fms total_pause=%.1fms longest_safepoint=%.2fms\n", gc, heap, n, longest, total, sp
    if (where != "") print "  longest pause:     " where
    if (spwhere != "") print "  longest safepoint: " spwhere
  }' "$LOG"
