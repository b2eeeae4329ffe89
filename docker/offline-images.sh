#!/usr/bin/env bash
# Builds every image docker/compose.yaml needs with podman, where no public image registry can be
# reached: a Debian trixie root made with debootstrap from the Debian mirror this machine's apt
# already uses (read from its sources, never written down here), Kafka from Maven Central's jars,
# PostgreSQL + pgvector and nginx from Debian's packages, and OpenTier's own image on that root.
# Writes the image variables to docker/offline.env (compose reads it with --env-file).
#
#   docker/offline-images.sh            (as root; installs debootstrap, podman, runc if missing)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
say() { printf 'offline-images: %s\n' "$*"; }
die() { printf 'offline-images: %s\n' "$1" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (podman here runs rootful containers)"

BASE=localhost/opentier-debian:trixie
KAFKA=localhost/opentier-kafka:latest
POSTGRES=localhost/opentier-postgres:latest
PROXY=localhost/opentier-proxy:latest
OPENTIER=localhost/opentier:latest

missing=()
for tool in debootstrap podman podman-compose runc; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; }
fi

# podman on this kind of machine: runc (crun fails on its cgroups), cgroupfs, no default ulimits.
conf=/etc/containers/containers.conf
if ! grep -q '^runtime *= *"runc"' "$conf" 2>/dev/null; then
  say "configuring podman ($conf): runc, cgroupfs, no default ulimits"
  mkdir -p /etc/containers
  cat >> "$conf" <<'CONF'
[containers]
default_ulimits = []

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
CONF
fi

# The first Debian mirror of this machine's apt sources (deb822 or one-line format).
mirror() {
  local uri
  uri="$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1 || true)"
  [ -n "$uri" ] || uri="$(sed -n 's/^deb \(\[[^]]*\] \)\?\([^ ]*\) .*/\2/p' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | grep -v security | head -1 || true)"
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list*"
  echo "$uri"
}

if ! podman image exists "$BASE"; then
  root="$(mktemp -d)"
  say "making a Debian trixie root with debootstrap (a few minutes)"
  debootstrap --variant=minbase --include=ca-certificates trixie "$root" "$(mirror)" >/dev/null
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | podman import - "$BASE" >/dev/null
  rm -rf "$root"
fi

build() { # IMAGE DOCKERFILE CONTEXT
  say "building $1"
  podman build -q --build-arg "OPENTIER_BASE_IMAGE=$BASE" -f "$2" -t "$1" "$3" >/dev/null
}

# This machine's local certificate authorities (a network that inspects TLS) go to the build too.
cp /usr/local/share/ca-certificates/*.crt docker/ca-certificates/ 2>/dev/null || true

context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
mvn -q -f scripts/kafka-broker/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$context/lib" \
  || die "could not fetch Kafka's jars from Maven Central"
cp docker/offline/kafka-entrypoint scripts/kafka-broker/log4j2.properties "$context/"
build "$KAFKA" docker/offline/kafka.Dockerfile "$context"
build "$POSTGRES" docker/offline/postgres.Dockerfile docker/offline
build "$PROXY" docker/offline/proxy.Dockerfile docker/offline
build "$OPENTIER" docker/Dockerfile .

cat > docker/offline.env <<ENV
OPENTIER_BASE_IMAGE=$BASE
OPENTIER_KAFKA_IMAGE=$KAFKA
OPENTIER_POSTGRES_IMAGE=$POSTGRES
OPENTIER_PROXY_IMAGE=$PROXY
OPENTIER_IMAGE=$OPENTIER
ENV
say "images built; their names are in docker/offline.env"
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^localhost/opentier'
