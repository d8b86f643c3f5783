#!/usr/bin/env bash
# Long fuzzing runs (issue 13): every fuzz target of sfu-core and signaling for SECONDS each
# (default 3600), one after the other, each in a JVM of its own (sfu-core fuzz.FuzzRun). What a
# run finds new stays in <module>/target/fuzz/<Target>/corpus; findings in .../findings, with
# the libFuzzer log in .../run.log. Results go in docs/benchmarks.md ("Fuzzing").
#   scripts/fuzz.sh            # an hour per target
#   scripts/fuzz.sh 600        # ten minutes per target
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-3600}"
mvn -B -ntp -q install -DskipTests
for module in sfu-core signaling; do
  mvn -B -ntp -pl "$module" surefire:test -Dtest=FuzzTargetsTest#fuzzingFindsNothing -Dstagecast.fuzz.seconds="$seconds" \
    -Dsurefire.failIfNoSpecifiedTests=false -DtrimStackTrace=true || true
  grep -h "^fuzz " "$module"/target/surefire-reports/*FuzzTargetsTest-output.txt || true
done
