#!/usr/bin/env bash
# Prisma's verdict on each drift scenario after prismac's repair: fixtures/drift/NNN/oracle-after.txt.
#
#   scripts/golden-drift-after.sh [SCENARIO_DIR...]
#
# For every fixtures/drift/NNN-name/ (or only the folders named):
#   1. a fresh database of the scenario's dialect runs setup.sql, then resolve.sql when the
#      scenario has one (what a user does about rows the repair names as blocking);
#   2. `prismac check schema.prisma --db URL --script repair.sql --allow-data-loss --apply-renames`
#      writes the full repair, which is run on the database (psql -v ON_ERROR_STOP=1 / sqlite3
#      -bail; a repair that fails stops the script);
#   3. `prismac check` must then say "in sync" (exit status 0);
#   4. `oracle.mjs diff --db URL schema.prisma` is run, and oracle-after.txt gets its verdict:
#      its stdout ("-- This is an empty migration." when Prisma agrees that the database now
#      matches the schema), or "oracle failed:" and its first error line. Where Prisma's verdict
#      is not an empty migration by design (fixtures/drift/README.md, "Where Prisma's verdict and
#      expected.txt differ"), the file says so on a last "# deliberate:" line copied from
#      the scenario's notes.
# Files are rewritten only when their content changes. The tests never run this script (they do
# not need node); test_drift_fixtures sums the recorded verdicts up.
#
# Maintainer tool: needs node, the oracle (../shared/oracle, or $ORACLE), sqlite3, psql/createdb/
# dropdb with the oracle's PostgreSQL ($PGHOST, $PGPORT, $PGUSER; default 127.0.0.1, 5433,
# postgres), and build/prismac (make).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
dir="$repo/fixtures/drift"
oracle=${ORACLE:-$(cd "$repo/.." && pwd)/shared/oracle/oracle.mjs}
prismac=${PRISMAC:-$repo/build/prismac}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5433} PGUSER=${PGUSER:-postgres}
export PGOPTIONS='-c client_min_messages=warning'
me=golden-drift-after

[ -f "$oracle" ] || { echo "$me: oracle not found at $oracle (set ORACLE)" >&2; exit 2; }
[ -x "$prismac" ] || { echo "$me: $prismac not found (make)" >&2; exit 2; }
for tool in node sqlite3 psql createdb dropdb pg_isready; do
  command -v "$tool" >/dev/null || { echo "$me: $tool is required" >&2; exit 2; }
done
pg_isready -q || { echo "$me: PostgreSQL at $PGHOST:$PGPORT is not ready (../shared/oracle/pg-up.sh)" >&2; exit 2; }

tmp=$(mktemp -d)
pgdb="prismac_golden_after_$$"
cleanup() { dropdb --if-exists "$pgdb" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

install_if_changed() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then return 0; fi
  cp "$1" "$2"
  echo "$me: wrote ${2#"$repo"/}"
}

provider_of() {
  awk '
    /^[[:space:]]*datasource[[:space:]]/ { inds = 1 }
    inds && /^[[:space:]]*provider[[:space:]]*=/ { match($0, /"[^"]*"/); print substr($0, RSTART + 1, RLENGTH - 2); exit }
    inds && /}/ { inds = 0 }
  ' "$1"
}

# Run SQL file $2 on the scenario database ($1 = provider).
run_sql() {
  if [ "$1" = sqlite ]; then sqlite3 -bail "$tmp/db.sqlite" < "$2"
  else psql -X -q -v ON_ERROR_STOP=1 -d "$pgdb" -f "$2"; fi
}

if [ $# -gt 0 ]; then scenarios=("$@"); else shopt -s nullglob; scenarios=("$dir"/[0-9][0-9][0-9]-*/); fi
status=0

for sc in "${scenarios[@]}"; do
  sc=$(cd "$sc" && pwd)
  name=$(basename "$sc")
  provider=$(provider_of "$sc/schema.prisma")
  if [ "$provider" = sqlite ]; then
    rm -f "$tmp/db.sqlite"
    url="file:$tmp/db.sqlite"
  else
    dropdb --if-exists "$pgdb"
    createdb "$pgdb"
    url="postgresql://$PGUSER@$PGHOST:$PGPORT/$pgdb"
  fi
  run_sql "$provider" "$sc/setup.sql" > "$tmp/out" 2>&1 || { echo "$me: $name: setup.sql fails" >&2; cat "$tmp/out" >&2; exit 2; }
  if [ -f "$sc/resolve.sql" ]; then
    run_sql "$provider" "$sc/resolve.sql" > "$tmp/out" 2>&1 || { echo "$me: $name: resolve.sql fails" >&2; cat "$tmp/out" >&2; exit 2; }
  fi
  rc=0
  "$prismac" check "$sc/schema.prisma" --db "$url" --script "$tmp/repair.sql" --allow-data-loss --apply-renames \
    > /dev/null 2> "$tmp/err" || rc=$?
  [ "$rc" -le 1 ] || { echo "$me: $name: prismac check failed:" >&2; cat "$tmp/err" >&2; exit 2; }
  run_sql "$provider" "$tmp/repair.sql" > "$tmp/out" 2>&1 || { echo "$me: $name: the repair fails:" >&2; cat "$tmp/out" >&2; exit 2; }
  if ! "$prismac" check "$sc/schema.prisma" --db "$url" > "$tmp/out" 2>&1; then
    echo "$me: $name: not in sync after the repair (no verdict recorded):" >&2; cat "$tmp/out" >&2
    status=1
    [ "$provider" = postgresql ] && dropdb "$pgdb"
    continue
  fi
  rc=0
  (cd "$sc" && node "$oracle" diff --db "$url" schema.prisma > "$tmp/verdict" 2> "$tmp/err") 2>/dev/null || rc=$?
  if [ "$rc" != 0 ]; then
    { echo "oracle failed:"; grep -vE '^[[:space:]]+at |^Node\.js v|^wasm://|^[[:space:]]*$' "$tmp/err" | head -1; } > "$tmp/verdict"
  fi
  if ! grep -qx -- '-- This is an empty migration.' "$tmp/verdict" && [ -f "$sc/notes.md" ]; then
    why=$(grep -m1 -iE 'disagree|differ|prisma.s oracle|oracle (fails|panics|reports|ignores)' "$sc/notes.md" || true)
    [ -n "$why" ] && printf '# deliberate: %s\n' "$why" >> "$tmp/verdict"
  fi
  install_if_changed "$tmp/verdict" "$sc/oracle-after.txt"
  [ "$provider" = postgresql ] && dropdb "$pgdb"
done
exit $status
