#!/usr/bin/env bash
# Regenerate the reference outputs of fixtures/history-check/ (`prismac migrations check`).
#
#   scripts/golden-history-check.sh [SCENARIO_DIR...]
#
# Each scenario folder (name ending in -pg or -sqlite) holds migrations/ (Prisma's layout, or
# the Supabase CLI's when it holds <version>_<name>.sql files) and schema.prisma. For each:
#   1. the folder is replayed, in name order, into a fresh database of the dialect;
#   2. the oracle's `diff --db URL schema.prisma` on it becomes missing.sql: the migration that
#      is missing ("-- This is an empty migration." when the folder reproduces the schema);
#   3. when something is missing, missing.sql is applied to that database as one more migration
#      and the oracle's diff is run again into after.sql, which must say
#      "-- This is an empty migration." (the printed migration, applied, makes the check pass).
# prismac's check must print missing.sql byte for byte (tests/test_history.c). Files are
# rewritten only when their content changes.
#
# Maintainer tool: needs node and the oracle (../shared/oracle, or $ORACLE), sqlite3, and
# psql/createdb/dropdb with the oracle's PostgreSQL ($PGHOST, $PGPORT, $PGUSER; default
# 127.0.0.1, 5433, postgres). The tests never call it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
oracle=${ORACLE:-$(cd "$repo/.." && pwd)/shared/oracle/oracle.mjs}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5433} PGUSER=${PGUSER:-postgres}
export PGOPTIONS='-c client_min_messages=warning'
me=golden-history-check

[ -f "$oracle" ] || { echo "$me: oracle not found at $oracle (set ORACLE)" >&2; exit 2; }
for tool in node sqlite3 psql createdb dropdb; do
  command -v "$tool" >/dev/null || { echo "$me: $tool is required" >&2; exit 2; }
done

tmp=$(mktemp -d)
pgdb="prismac_golden_history_check_$$"
cleanup() { dropdb --if-exists "$pgdb" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

install_if_changed() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then return 0; fi
  cp "$1" "$2"
  echo "$me: wrote ${2#"$repo"/}"
}

status=0
if [ $# -gt 0 ]; then scenarios=("$@"); else scenarios=("$repo"/fixtures/history-check/[0-9]*); fi
for sc in "${scenarios[@]}"; do
  sc=$(cd "$sc" && pwd)
  name=$(basename "$sc")
  case "$name" in
    *-sqlite) dialect=sqlite ;;
    *-pg) dialect=pg ;;
    *) echo "$me: $name: the name must end in -pg or -sqlite" >&2; status=1; continue ;;
  esac
  # the files, in the order the tools apply them
  if ls "$sc/migrations" | grep -qE '^[0-9]+_.*\.sql$'; then
    files=$(cd "$sc" && LC_ALL=C ls migrations | grep -E '^[0-9]+_.*\.sql$' | sed 's|^|migrations/|')
  else
    files=$(cd "$sc" && for f in $(LC_ALL=C ls migrations); do
              if [ -f "migrations/$f/migration.sql" ]; then echo "migrations/$f/migration.sql"; fi; done)
  fi
  if [ $dialect = pg ]; then
    dropdb --if-exists "$pgdb"; createdb "$pgdb"
    url="postgresql://$PGUSER@$PGHOST:$PGPORT/$pgdb"
    run() { psql -q -X -v ON_ERROR_STOP=1 -d "$pgdb" -f "$1" >/dev/null; }
  else
    rm -f "$tmp/replay.db"
    url="file:$tmp/replay.db"
    run() { sqlite3 -bail "$tmp/replay.db" < "$1"; }
  fi
  for f in $files; do run "$sc/$f"; done
  node "$oracle" diff --db "$url" "$sc/schema.prisma" > "$tmp/missing.sql"
  install_if_changed "$tmp/missing.sql" "$sc/missing.sql"
  if [ "$(cat "$tmp/missing.sql")" = "-- This is an empty migration." ]; then
    if [ -f "$sc/after.sql" ]; then rm -f "$sc/after.sql"; echo "$me: removed ${sc#"$repo"/}/after.sql"; fi
    continue
  fi
  run "$tmp/missing.sql"
  node "$oracle" diff --db "$url" "$sc/schema.prisma" > "$tmp/after.sql"
  install_if_changed "$tmp/after.sql" "$sc/after.sql"
  if [ "$(cat "$tmp/after.sql")" != "-- This is an empty migration." ]; then
    echo "$me: $name: applying missing.sql does not reach the schema" >&2
    status=1
  fi
done
exit $status
