#!/usr/bin/env bash
# The integration tests need a real PostgreSQL (127.0.0.1:5432, database `test`,
# trust auth for user postgres) and a real Redis (127.0.0.1:6379). Start them
# if they are installed but stopped; install them from Debian's packages if absent.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! up 6379; then
  command -v redis-server >/dev/null || { $SUDO apt-get update -q; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q redis-server; }
  mkdir -p /tmp/docpipe-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp/docpipe-redis
fi
if ! up 5432; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    $SUDO apt-get update -q; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q postgresql
    v=$(ls /etc/postgresql | head -1)
    # Local test cluster only: trust auth on loopback, as on the CI machines.
    $SUDO sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/; s/^(local\s+all\s+postgres\s+)\S+/\1trust/' "/etc/postgresql/$v/main/pg_hba.conf"
  fi
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 30); do up 5432 && break; sleep 1; done
  psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test"
fi
for _ in $(seq 30); do up 6379 && up 5432 && exit 0; sleep 1; done
echo "PostgreSQL or Redis is not reachable on 127.0.0.1" >&2
exit 1
