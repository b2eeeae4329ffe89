#!/usr/bin/env bash
# Installs the pgvector extension into the local PostgreSQL from Debian's own source package.
# pgvector is not packaged for Debian 12, so we fetch the source package of the `trixie` suite
# through a private source list (the machine's apt sources are left untouched), then build it
# against postgresql-server-dev-<major>. Idempotent: does nothing when the extension is available.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-$(ls /usr/lib/postgresql | sort -n | tail -1)}"
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
SHAREDIR="$("$PG_CONFIG" --sharedir 2>/dev/null || echo /usr/share/postgresql/${PG_MAJOR})"

if [ -f "${SHAREDIR}/extension/vector.control" ]; then
  echo "pgvector: already installed for PostgreSQL ${PG_MAJOR}"
  exit 0
fi

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x "$PG_CONFIG" ] || [ ! -d "/usr/include/postgresql/${PG_MAJOR}/server" ]; then
  echo "pgvector: installing postgresql-server-dev-${PG_MAJOR} and a compiler"
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    "postgresql-server-dev-${PG_MAJOR}" build-essential >/dev/null
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mirror="$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
  | grep -v security | head -1 | tr -d " " || true)"
mirror="${mirror:-http://deb.debian.org/debian}"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/} trixie main" > "$work/sources.list"
mkdir -p "$work/lists/partial"
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$work/lists" -o Debug::NoLocking=1)
# apt's download sandbox user cannot read a private temp folder; as root, download as root.
if [ "$(id -u)" -eq 0 ]; then apt_opts+=(-o APT::Sandbox::User=root); fi
echo "pgvector: fetching the Debian source package from ${mirror} (trixie)"
apt-get "${apt_opts[@]}" update -q >/dev/null
(cd "$work" && apt-get "${apt_opts[@]}" source --download-only -q pgvector >/dev/null)
tarball="$(ls "$work"/pgvector_*.orig.tar.* | head -1)"
mkdir -p "$work/src"
tar -xf "$tarball" -C "$work/src" --strip-components=1
echo "pgvector: building $(basename "$tarball")"
make -s -C "$work/src" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
sudo_if_needed make -s -C "$work/src" PG_CONFIG="$PG_CONFIG" install >/dev/null
echo "pgvector: installed for PostgreSQL ${PG_MAJOR}"
