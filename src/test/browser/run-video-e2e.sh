#!/usr/bin/env bash
# The camera end to end: two gpu-role workers and one local instance (all the packaged app) plus
# Debian's chromium, inside a private network namespace whose only interface is loopback.
# Usage: run-video-e2e.sh JAR WAV Y4M LOCAL_MANIFEST OUT_DIR   (needs root for unshare -n)
set -euo pipefail
jar=$1 wav=$2 y4m=$3 manifest=$4 out=$5
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
exec unshare -n bash -c '
  set -euo pipefail
  ip link set lo up
  ip route add default via 127.0.0.1 dev lo src 127.0.0.1
  common="-Dquarkus.log.console.json.enabled=false -Dquarkus.otel.sdk.disabled=true -Dremotemedia.models.device=cpu"
  java $common -Dquarkus.profile=prod,gpu -Dquarkus.http.port=8091 -Dquarkus.grpc.server.port=50061 \
       -jar "'"$jar"'" serve > "'"$out"'/worker-a.log" 2>&1 &
  worker_a=$!
  java $common -Dquarkus.profile=prod,gpu -Dquarkus.http.port=8092 -Dquarkus.grpc.server.port=50062 \
       -jar "'"$jar"'" serve > "'"$out"'/worker-b.log" 2>&1 &
  worker_b=$!
  java $common -Dremotemedia.webrtc.disable-adapter-enumeration=true -Dremotemedia.webrtc.manifest="'"$manifest"'" \
       -jar "'"$jar"'" serve > "'"$out"'/server.log" 2>&1 &
  server=$!
  trap "kill $server $worker_a $worker_b 2>/dev/null || true" EXIT
  for port in 8080 50061 50062; do
    for i in $(seq 1 150); do
      (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
      sleep 0.2
    done
  done
  KILL_PID=$worker_a node "'"$here"'/video-e2e.mjs" http://127.0.0.1:8080/ "'"$wav"'" "'"$y4m"'" "'"$out"'"
'
