#!/usr/bin/env bash
# Container smoke test without a Docker engine (documented, not part of bin/test; ≈3–4 min the first time):
# builds a Debian base with a JRE via debootstrap, imports it into podman under the name the
# Dockerfile's FROM uses, builds src/main/docker/Dockerfile.jvm and checks /q/health and gRPC health.
# Needs root: apt-get install -y podman buildah debootstrap runc uidmap slirp4netns fuse-overlayfs
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-/tmp/remotemedia-smoke}
mkdir -p "$work"
export CONTAINERS_CONF="$work/containers.conf"
cat > "$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
CONF
base=$(sed -n 's/^FROM \([^ ]*\).*/\1/p' src/main/docker/Dockerfile.jvm | head -1)
if ! podman image exists "$base"; then
  mirror=$(grep -rhoE 'https?://[^ ]+/debian/?' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -1)
  rootfs="$work/rootfs"
  [ -d "$rootfs/usr" ] || debootstrap --variant=minbase bookworm "$rootfs" "$mirror"
  mount -t proc proc "$rootfs/proc"
  chroot "$rootfs" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless curl' || true
  umount "$rootfs/proc"
  mkdir -p "$rootfs/opt/java" && ln -sfn /usr/lib/jvm/java-17-openjdk-amd64 "$rootfs/opt/java/openjdk"
  tar -C "$rootfs" -c . | podman import - "$base"
fi
./mvnw -B -q package -DskipTests
podman build --pull=never -f src/main/docker/Dockerfile.jvm -t remotemedia:smoke .
cid=$(podman run -d -p 18080:8080 -p 15051:50051 remotemedia:smoke)
trap 'podman rm -f "$cid" >/dev/null' EXIT
for i in $(seq 1 60); do curl -fsS http://127.0.0.1:18080/q/health/ready >/dev/null 2>&1 && break; sleep 1; done
curl -fsS http://127.0.0.1:18080/q/health/ready
java -jar target/quarkus-app/quarkus-run.jar probe 127.0.0.1:15051
echo "smoke test passed"
