#!/bin/sh
# Runs the forwarding benchmarks with -prof gc and prints each result as a ratio to its SRTP floor.
# Build first: mvn -q -B -o -pl benchmarks -am package -DskipTests
# Extra arguments are JMH options, e.g.: ./run-jmh.sh -wi 2 -i 3 -w 1s -r 1s -p fanout=1,1000
# JAVA selects the JDK, e.g. JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java ./run-jmh.sh
set -eu
cd "$(dirname "$0")"
exec "${JAVA:-java}" -cp target/benchmarks.jar io.stagecast.bench.JmhRunner "$@"
