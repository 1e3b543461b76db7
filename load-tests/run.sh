#!/usr/bin/env bash
# Live load test with fault injection. Examples:
#   load-tests/run.sh --via webrtc --sessions 50 --remotes 2 --duration 120s
#   load-tests/run.sh --via grpc --sessions 5 --remotes 2 --duration 20s --kill-remote-after 8s --report out.json
#   load-tests/run.sh --via grpc --sessions 12 --remotes 3 --workers-dns --duration 30s --kill-remote-after 10s
# Without --wav a speech file is generated with espeak-ng + sox. Exit 1 if anything is lost or duplicated.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
args=("$@")
if ! printf '%s\n' "$@" | grep -q -- '--wav'; then
  wav=target/load-speech.wav
  if [ ! -f "$wav" ]; then
    command -v espeak-ng >/dev/null && command -v sox >/dev/null || { echo "need espeak-ng and sox (sudo apt-get install -y espeak-ng sox) or --wav FILE" >&2; exit 2; }
    tmp=$(mktemp -d)
    i=0
    for phrase in "Hello there this is the first phrase." "Now comes the second sentence of the test." "And finally the third one ends it."; do
      espeak-ng -s 150 -w "$tmp/p$i.wav" "$phrase"
      sox "$tmp/p$i.wav" -r 16000 -b 16 "$tmp/q$i.wav"
      sox -n -r 16000 -b 16 -c 1 "$tmp/s$i.wav" trim 0 1.5
      i=$((i+1))
    done
    sox "$tmp/s0.wav" "$tmp/q0.wav" "$tmp/s1.wav" "$tmp/q1.wav" "$tmp/s2.wav" "$tmp/q2.wav" "$tmp/s0.wav" "$wav"
    rm -rf "$tmp"
  fi
  args+=(--wav "$wav")
fi
jvm=(-XX:+UseSerialGC)
# --workers-dns: the workers share one name through a hosts file the load test writes; the JDK
# reads the file named here, and caches nothing so re-resolution sees every change
if printf '%s\n' "$@" | grep -q -- '--workers-dns'; then
  jvm+=("-Djdk.net.hosts.file=$PWD/target/load-hosts" -Dsun.net.inetaddr.ttl=0)
fi
exec java "${jvm[@]}" -jar target/quarkus-app/quarkus-run.jar load-test "${args[@]}"
