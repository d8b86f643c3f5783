#!/usr/bin/env python3
"""Best (least disturbed) and median iteration of every JMH result in a JMH text log, per packet
(EgressBenchmark divided by its fan-out), with egress's ratio to the protect floor of the same log.
On a machine shared with other work the mean is dominated by neighbours' bursts; the best iteration
is the closest to the code's own cost. Usage: benchmarks/bin/jmh-best.py jmh-output.txt"""
import re
import statistics
import sys

blocks, current = [], None
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.match(r"# Benchmark: \S+\.(\w+)\.(\w+)", line)
    if m:
        current = {"class": m.group(1), "method": m.group(2), "params": {}, "its": []}
        blocks.append(current)
        continue
    m = re.match(r"# Parameters: \((.*)\)", line)
    if m and current is not None:
        current["params"] = dict(kv.split(" = ") for kv in m.group(1).split(", "))
        continue
    m = re.match(r"Iteration\s+\d+: ([0-9.]+) ns/op", line)
    if m and current is not None:
        current["its"].append(float(m.group(1)))

floor = {}
rows = []
for b in blocks:
    if not b["its"]:
        continue
    p = b["params"]
    div = int(p.get("fanout", "1")) if b["class"] == "EgressBenchmark" else 1
    best, med = min(b["its"]) / div, statistics.median(b["its"]) / div
    key = (p.get("profile"), p.get("packetBytes"))
    if b["class"] == "SrtpFloorBenchmark" and b["method"] == "protect":
        floor[key + (p.get("contexts", "1"),)] = (best, med)
    rows.append((b["class"], b["method"], p, best, med, key))

# The floor of a fan-out of N protects with N SRTP contexts (SrtpFloorBenchmark -p contexts=N);
# "x floor1" is against one context, the floor of earlier runs.
print(f"{'what':<28} {'profile':<24} {'alloc/gso':<11} {'fanout':>6} {'best ns/pkt':>12} {'median':>10} {'x floor best':>12} {'x floor median':>14} {'x floor1 best':>13}")
for cls, method, p, best, med, key in rows:
    ratio = ""
    if cls == "EgressBenchmark":
        same, one = floor.get(key + (p.get("fanout"),)), floor.get(key + ("1",))
        ratio = f"{best / same[0]:12.2f} {med / same[1]:14.2f}" if same else f"{'':12} {'':14}"
        ratio += f" {best / one[0]:13.2f}" if one else ""
    fanout = p.get("fanout", p.get("contexts", ""))
    flags = "/".join(p[k][0] for k in ("allocation", "gso") if k in p)
    print(f"{cls + '.' + method:<28} {p.get('profile', ''):<24} {flags:<11} {fanout:>6} {best:12.1f} {med:10.1f} {ratio}")
