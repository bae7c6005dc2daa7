#!/usr/bin/env bash
# Install (from Debian's packages) and start a local PostgreSQL server for the tests, with a role
# that may create databases. Prints the URL the tests read from $NEWSLEDGER_TEST_PG.
set -euo pipefail
# Only the URL goes to stdout: everything the tools say goes to stderr.
exec 3>&1 1>&2
if ! command -v pg_lsclusters >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk '$1 == "'"$version"'" && $2 == "main" {print $4}' | grep -qx online; then
  # A server killed with the machine leaves a stale pid file (pg_ctlcluster removes it) and, for a
  # moment, a socket lock: try a few times before giving up.
  for attempt in 1 2 3 4 5; do
    pg_ctlcluster "$version" main start 3>&- && break
    [ "$attempt" = 5 ] && exit 1
    sleep 2
  done
fi
port="$(pg_lsclusters -h | awk '$1 == "'"$version"'" && $2 == "main" {print $3}')"
su postgres -c "psql -q -p $port -v ON_ERROR_STOP=1" >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'newsledger') THEN
    CREATE ROLE newsledger LOGIN CREATEDB PASSWORD 'newsledger';
  END IF;
END \$\$;
SQL
echo "postgresql://newsledger:newsledger@127.0.0.1:$port/postgres" >&3
