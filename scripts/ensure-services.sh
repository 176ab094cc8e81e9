#!/usr/bin/env bash
# Makes sure the services the test suite needs are up on this machine: PostgreSQL on
# 127.0.0.1:5432 (with pgvector) and Redis on 127.0.0.1:6379. Installs them from Debian's
# packages when missing, starts them when stopped. Idempotent; safe to run on every CI start.
set -euo pipefail

SUDO=""
if [[ "$(id -u)" != "0" ]]; then SUDO="sudo"; fi
APT_UPDATED=0
apt_install() {
  if [[ "$APT_UPDATED" == "0" ]]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# PostgreSQL
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ -z "$(ls /etc/postgresql 2>/dev/null)" ]]; then
  echo "services: installing PostgreSQL"
  apt_install postgresql
fi
PG_VERSION="$(ls /etc/postgresql | sort -V | tail -n1)"
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "services: starting PostgreSQL ${PG_VERSION}"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start
fi
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "services: PostgreSQL did not become ready" >&2; exit 1; }

PG_MAJOR="$PG_VERSION" bash "$(dirname "$0")/install-pgvector.sh"

# Redis
if ! command -v redis-server >/dev/null 2>&1; then
  echo "services: installing Redis"
  apt_install redis-server
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "services: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "services: Redis did not become ready" >&2; exit 1; }
echo "services: PostgreSQL ${PG_VERSION} (pgvector) and Redis are up"
