#!/bin/sh
# Captures real Chromium SDP into this directory (see README.md). Needs /usr/bin/chromium and python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
profile=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$profile" "$log"' EXIT

timeout 60 chromium \
  --headless=new --no-sandbox --disable-gpu --no-first-run \
  --user-data-dir="$profile" \
  --use-fake-device-for-media-stream --use-fake-ui-for-media-stream \
  --allow-loopback-in-peer-connection \
  --disable-features=WebRtcHideLocalIpsWithMdns \
  --disable-background-networking --disable-component-update --disable-sync --disable-quic \
  --disable-domain-reliability --no-pings --disable-breakpad \
  --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1' \
  --enable-logging=stderr --v=0 \
  "file://$here/capture.html" 2>"$log" &
browser=$!

# The page logs "SDP-CAPTURE-DONE" when every description has been printed.
i=0
while ! grep -q 'SDP-CAPTURE-DONE\|SDP-CAPTURE-ERROR' "$log"; do
  i=$((i + 1)); [ "$i" -lt 50 ] || break; sleep 1
done
kill "$browser" 2>/dev/null || true
wait "$browser" 2>/dev/null || true
grep -o 'SDP-CAPTURE-ERROR.*' "$log" && exit 1

# Console lines look like: ...CONSOLE(3)] "SDP name \"v=0\\r\\n...\"", source: ...
python3 - "$here" "$log" <<'PY'
import json, re, sys
here, log = sys.argv[1], sys.argv[2]
for line in open(log, encoding="utf-8", errors="replace"):
    m = re.search(r'"SDP (\S+) (".*")", source:', line)
    if not m:
        continue
    name, literal = m.group(1), m.group(2)
    sdp = json.loads(literal.replace('\\"', '"').replace('\\\\', '\\'))
    with open(f"{here}/{name}.sdp", "w", newline="") as out:
        out.write(sdp)
    print("wrote", f"{name}.sdp", len(sdp), "chars")
PY
