#!/usr/bin/env bash
# Builds stagecast if needed and starts a single node with the built-in configuration and a demo
# room; it prints the URLs to open (one to publish, one to watch). Configuration: docs/configuration.md.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=signaling/target/stagecast.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml sfu-core signaling -newer "$jar" -type f \( -name '*.java' -o -name '*.xml' -o -name '*.js' -o -name '*.html' -o -name '*.css' \) -not -path '*/target/*' -print -quit)" ]; then
  mvn -B -ntp -q install -DskipTests
fi
exec java -jar "$jar" run "$@"
