#!/usr/bin/env bash
# Runs every test of stagecast. Installs what the tests need when it is missing:
# Debian's chromium, chromium-driver and firefox-esr for the end-to-end tests in real browsers,
# GStreamer's webrtcbin (with libnice and PyGObject) for the interop tests, and the network tools
# (iproute2 for namespaces and veth pairs, nftables) that those tests use, promtool (package
# prometheus) for the check of the node's /metrics, coturn for the TURN test, and redis-server for
# the cluster tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v firefox-esr >/dev/null 2>&1 || need+=(firefox-esr)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v turnserver >/dev/null 2>&1 || need+=(coturn)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v gst-launch-1.0 >/dev/null 2>&1 || need+=(gstreamer1.0-tools)
/usr/bin/python3 -c 'import gi; gi.require_version("GstWebRTC", "1.0"); from gi.repository import GstWebRTC' \
  >/dev/null 2>&1 || need+=(python3-gi python3-gst-1.0 gir1.2-gst-plugins-bad-1.0)
for pkg in gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-nice; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} for the browser tests"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

# install (not just verify) so the benchmarks module finds this build of sfu-core and signaling.
exec mvn -B -ntp install "$@"
