#!/usr/bin/env bash
# Regenerate the golden DDL of fixtures/sql/ with Prisma's own engines (the oracle).
#
#   scripts/golden-sql.sh [FIXTURE.prisma...]
#
# For every fixtures/sql/NNN-name.prisma (or only the ones named) and for each provider
# P in (postgresql, sqlite), the schema is copied with the value of `provider` inside its
# `datasource` block set to P, and `oracle.mjs ddl` is run on the copy:
#   exit 0  -> NNN-name.P.sql holds its stdout, byte for byte (and NNN-name.P.err is removed)
#   exit 1  -> NNN-name.P.err holds its stderr, byte for byte (and NNN-name.P.sql is removed)
# The copy has the fixture's own file name and is passed as a relative path, so that the
# `-->  NNN-name.prisma:LINE` locations in error messages do not depend on a temp directory.
# Outputs whose .prisma no longer exists are removed. Files are rewritten only when their
# content changes, so a second run changes nothing.
#
# Maintainer tool: needs node and the oracle (../shared/oracle, or $ORACLE pointing at
# oracle.mjs) and, for PostgreSQL, its throwaway server ($ORACLE_PG_URL, default
# postgresql://postgres@127.0.0.1:5433/postgres; start it with ../shared/oracle/pg-up.sh).
# The tests never call this script: they read the committed files.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
dir="$repo/fixtures/sql"
oracle=${ORACLE:-$(cd "$repo/.." && pwd)/shared/oracle/oracle.mjs}
providers=(postgresql sqlite)

[ -f "$oracle" ] || { echo "golden-sql: oracle not found at $oracle (set ORACLE)" >&2; exit 2; }
command -v node >/dev/null || { echo "golden-sql: node is required" >&2; exit 2; }
pg_url=${ORACLE_PG_URL:-postgresql://postgres@127.0.0.1:5433/postgres}
if command -v pg_isready >/dev/null && ! pg_isready -q -d "$pg_url"; then
  echo "golden-sql: PostgreSQL at $pg_url is not ready (run ../shared/oracle/pg-up.sh)" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Copy $1 to $2 with the provider value of the datasource block replaced by $3.
swap_provider() {
  awk -v P="$3" '
    /^[[:space:]]*datasource[[:space:]]/ { inds = 1 }
    inds && /^[[:space:]]*provider[[:space:]]*=/ { sub(/"[^"]*"/, "\"" P "\"") }
    { print }
    inds && /}/ { inds = 0 }
  ' "$1" > "$2"
}

# Install $1 as $2 unless $2 already has the same bytes.
install_if_changed() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then return 0; fi
  cp "$1" "$2"
  echo "golden-sql: wrote ${2#"$repo"/}"
}

if [ $# -gt 0 ]; then
  schemas=("$@")
else
  shopt -s nullglob
  schemas=("$dir"/[0-9][0-9][0-9]-*.prisma)
  # Remove outputs left behind by a fixture that was deleted or renamed.
  for out in "$dir"/*.sql "$dir"/*.err; do
    stem=${out%.*}; stem=${stem%.*}
    [ -f "$stem.prisma" ] || { rm -f "$out"; echo "golden-sql: removed ${out#"$repo"/}"; }
  done
fi

for schema in "${schemas[@]}"; do
  [ -f "$schema" ] || { echo "golden-sql: no such file: $schema" >&2; exit 2; }
  base=$(basename "$schema" .prisma)
  sdir=$(cd "$(dirname "$schema")" && pwd)
  for p in "${providers[@]}"; do
    work="$tmp/$p"
    rm -rf "$work"; mkdir -p "$work"
    swap_provider "$schema" "$work/$base.prisma" "$p"
    rc=0
    (cd "$work" && node "$oracle" ddl "$base.prisma" > out 2> err) || rc=$?
    if grep -qE 'ECONNREFUSED|Connection refused|too many clients|terminating connection|timeout expired' "$work/err"; then
      echo "golden-sql: $base ($p): database problem, stopping:" >&2
      cat "$work/err" >&2
      exit 2
    fi
    case $rc in
      0) install_if_changed "$work/out" "$sdir/$base.$p.sql"; rm -f "$sdir/$base.$p.err" ;;
      1) install_if_changed "$work/err" "$sdir/$base.$p.err"; rm -f "$sdir/$base.$p.sql" ;;
      *) echo "golden-sql: $base ($p): oracle exited with $rc" >&2; cat "$work/err" >&2; exit 2 ;;
    esac
  done
done
