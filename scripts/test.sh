#!/usr/bin/env bash
# Runs every test of stagecast. Installs what the tests need when it is missing:
# Debian's chromium and chromium-driver for the end-to-end tests in real browsers.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} for the browser tests"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

# install (not just verify) so the benchmarks module finds this build of sfu-core and signaling.
exec mvn -B -ntp install "$@"
