#!/usr/bin/env bash
# Installs the pgvector extension into the local PostgreSQL server when it is missing.
# Debian bookworm has no pgvector package, so we build trixie's own source package against
# postgresql-server-dev-<major>. A private sources list keeps the machine's apt lists untouched.
# Idempotent: does nothing when the extension's control file is already installed.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
CONTROL="/usr/share/postgresql/${PG_MAJOR}/extension/vector.control"
if [[ -f "$CONTROL" ]]; then
  echo "pgvector: already installed for PostgreSQL ${PG_MAJOR}"
  exit 0
fi

SUDO=""
if [[ "$(id -u)" != "0" ]]; then SUDO="sudo"; fi

WORK="$(mktemp -d)"
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/lists/partial"
echo "deb-src http://deb.debian.org/debian trixie main" > "$WORK/trixie-src.list"
APT_OPTS=(-o "Dir::Etc::sourcelist=$WORK/trixie-src.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$WORK/lists")

echo "pgvector: installing build dependencies"
if ! dpkg -s "postgresql-server-dev-${PG_MAJOR}" >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-server-dev-${PG_MAJOR}" build-essential >/dev/null
fi

echo "pgvector: fetching Debian trixie source package"
$SUDO apt-get "${APT_OPTS[@]}" update -qq
( cd "$WORK" && apt-get "${APT_OPTS[@]}" source --download-only -qq pgvector )

ORIG="$(ls "$WORK"/pgvector_*.orig.tar.* | head -n1)"
mkdir -p "$WORK/src"
tar -xf "$ORIG" -C "$WORK/src" --strip-components=1

echo "pgvector: building against PostgreSQL ${PG_MAJOR}"
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
make -s -C "$WORK/src" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
$SUDO make -s -C "$WORK/src" PG_CONFIG="$PG_CONFIG" install >/dev/null
test -f "$CONTROL"
echo "pgvector: installed"
