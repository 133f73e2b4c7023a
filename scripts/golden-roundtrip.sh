#!/usr/bin/env bash
# Record where Prisma's own engine sees drift between a schema of fixtures/sql and a database
# made from that schema's own DDL (the round trip the introspection tests check).
#
#   scripts/golden-roundtrip.sh [FIXTURE.prisma...]
#
# For every fixtures/sql/NNN-name.prisma (or only the ones named) and each provider P that has
# a golden NNN-name.P.sql: a fresh database (a new database on the oracle's PostgreSQL server,
# or a temporary SQLite file) gets that DDL, then `oracle.mjs diff --db URL` runs against the
# schema (its provider set to P, as golden-sql.sh does). When the script it prints is not
# "-- This is an empty migration.", NNN-name.P.roundtrip holds it byte for byte; otherwise (or
# when the DDL does not apply) the file is removed; when the oracle fails, nothing changes.
# Files are rewritten only when their content changes, so a second run changes nothing. The
# introspection tests (tests/roundtrip.h) accept a fixture's drift when it is this script.
#
# Maintainer tool: needs node, psql, sqlite3 and the oracle (../shared/oracle, or $ORACLE) with
# its throwaway server ($ORACLE_PG_URL, default postgresql://postgres@127.0.0.1:5433/postgres).
# The tests never call this script: they read the committed files.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
dir="$repo/fixtures/sql"
oracle=${ORACLE:-$(cd "$repo/.." && pwd)/shared/oracle/oracle.mjs}
pg_url=${ORACLE_PG_URL:-postgresql://postgres@127.0.0.1:5433/postgres}
pg_base=${pg_url%/*}

[ -f "$oracle" ] || { echo "golden-roundtrip: oracle not found at $oracle (set ORACLE)" >&2; exit 2; }
for tool in node psql sqlite3; do
  command -v $tool >/dev/null || { echo "golden-roundtrip: $tool is required" >&2; exit 2; }
done
if ! pg_isready -q -d "$pg_url"; then
  echo "golden-roundtrip: PostgreSQL at $pg_url is not ready (run ../shared/oracle/pg-up.sh)" >&2
  exit 2
fi

tmp=$(mktemp -d)
db="prismac_roundtrip_$$"
trap 'rm -rf "$tmp"; psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT

swap_provider() {
  awk -v P="$3" '
    /^[[:space:]]*datasource[[:space:]]/ { inds = 1 }
    inds && /^[[:space:]]*provider[[:space:]]*=/ { sub(/"[^"]*"/, "\"" P "\"") }
    { print }
    inds && /}/ { inds = 0 }
  ' "$1" > "$2"
}

install_if_changed() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then return 0; fi
  cp "$1" "$2"
  echo "golden-roundtrip: wrote ${2#"$repo"/}"
}

remove() {
  if [ -f "$1" ]; then rm -f "$1"; echo "golden-roundtrip: removed ${1#"$repo"/}"; fi
}

if [ $# -gt 0 ]; then
  schemas=("$@")
else
  shopt -s nullglob
  schemas=("$dir"/[0-9][0-9][0-9]-*.prisma)
  for out in "$dir"/*.roundtrip; do
    stem=${out%.*}; stem=${stem%.*}
    [ -f "$stem.prisma" ] || remove "$out"
  done
fi

for schema in "${schemas[@]}"; do
  [ -f "$schema" ] || { echo "golden-roundtrip: no such file: $schema" >&2; exit 2; }
  base=$(basename "$schema" .prisma)
  sdir=$(cd "$(dirname "$schema")" && pwd)
  for p in postgresql sqlite; do
    golden="$sdir/$base.$p.sql" out="$sdir/$base.$p.roundtrip"
    if [ ! -f "$golden" ]; then remove "$out"; continue; fi
    work="$tmp/$p"
    rm -rf "$work"; mkdir -p "$work"
    swap_provider "$schema" "$work/$base.prisma" "$p"
    if [ $p = postgresql ]; then
      psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
      url="$pg_base/$db"
      applied=0; psql -q -v ON_ERROR_STOP=1 "$url" -f "$golden" >/dev/null 2>"$work/apply" || applied=$?
    else
      url="file:$work/db.sqlite"
      applied=0; sqlite3 -bail "$work/db.sqlite" < "$golden" >/dev/null 2>"$work/apply" || applied=$?
    fi
    if [ $applied -ne 0 ]; then remove "$out"; continue; fi
    rc=0
    (cd "$work" && node "$oracle" diff --db "$url" "$base.prisma" > script 2> err) || rc=$?
    if [ $rc -ne 0 ]; then
      # no verdict (Prisma's SQLite describer fails on any partial index: fixtures/drift 053):
      # whatever was recorded stays
      echo "golden-roundtrip: $base ($p): oracle exited with $rc, nothing recorded:" >&2
      grep -vE '^[[:space:]]+at |^Node\.js v|^wasm://|^[[:space:]]*$' "$work/err" | head -2 >&2
      continue
    fi
    if [ "$(cat "$work/script")" = "-- This is an empty migration." ]; then
      remove "$out"
    else
      install_if_changed "$work/script" "$out"
    fi
  done
done
