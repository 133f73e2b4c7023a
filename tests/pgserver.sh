#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite.
#
#   tests/pgserver.sh start DIR   initdb into DIR, start on a free port (TCP 127.0.0.1 and a
#                                 private socket directory), create the superuser `prismac`,
#                                 print its URL (postgresql://prismac@127.0.0.1:PORT/postgres)
#   tests/pgserver.sh stop DIR    stop it and remove DIR
#
# Runs the server as the invoking user, or as `postgres` when invoked as root (PostgreSQL
# refuses to run as root). Nothing outside DIR is touched.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "pgserver: PostgreSQL server binaries not found (install the Debian package postgresql)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  chmod 700 "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U prismac -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner mkdir -p "$dir/sock"
  # A free port: ask the kernel for one (or pick at random), and try again if it is taken.
  started=0
  for attempt in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
           || shuf -i 20000-50000 -n 1)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60" \
        start >/dev/null 2>&1; then
      started=1
      break
    fi
  done
  [ "$started" = 1 ] || { cat "$dir/server.log" >&2; exit 1; }
  echo "$port" > "$dir/port"
  echo "postgresql://prismac@127.0.0.1:$port/postgres"
  ;;
stop)
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
