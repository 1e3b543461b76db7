#!/usr/bin/env bash
# Runs the packaged server and Debian's chromium inside a private network namespace whose only
# interface is loopback (libwebrtc ignores lo unless it is the default route), then drives the page.
# Usage: run-e2e.sh JAR WAV OUT_DIR   (needs root for unshare -n; bin/test runs as root in CI)
set -euo pipefail
jar=$1 wav=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
exec unshare -n bash -c '
  set -euo pipefail
  ip link set lo up
  ip route add default via 127.0.0.1 dev lo src 127.0.0.1
  java -Dremotemedia.webrtc.disable-adapter-enumeration=true -Dquarkus.log.level=INFO -Dremotemedia.grpc.serve=true \
       -jar "'"$jar"'" serve > "'"$out"'/server.log" 2>&1 &
  server=$!
  trap "kill $server 2>/dev/null || true" EXIT
  for i in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null && break
    sleep 0.2
  done
  node "'"$here"'/e2e.mjs" http://127.0.0.1:8080/ "'"$wav"'" "'"$out"'" 3
'
