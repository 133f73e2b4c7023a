#!/usr/bin/env bash
# Regenerate the oracle's verdicts of fixtures/drift/ with Prisma's own engines.
#
#   scripts/golden-drift.sh [SCENARIO_DIR...]
#
# For every fixtures/drift/NNN-name/ (or only the folders named), the scenario's dialect is read
# from the `provider` of the datasource block in schema.prisma, then:
#   1. a fresh, empty database of that dialect is made (PostgreSQL: a new database on the
#      oracle's server; SQLite: a new file in a temporary directory);
#   2. setup.sql is run on it (psql -v ON_ERROR_STOP=1 / sqlite3 -bail): any error stops the
#      script, since a scenario whose setup does not run is broken;
#   3. `oracle.mjs diff --db URL schema.prisma` is run from the scenario folder, and its stdout
#      becomes oracle.sql, byte for byte ("-- This is an empty migration." = Prisma sees no
#      drift). A scenario on which the oracle fails gets oracle.err instead: its stderr without
#      the WebAssembly stack trace and node's version line. A panic of Prisma's engine is
#      caught by a small preload module that prints the panic message (the oracle itself does
#      not install Prisma's panic hook, and would print only "Cannot read properties of undefined");
#   4. the database is dropped.
# expected.txt is checked against the vocabulary (see fixtures/drift/README.md) and a
# malformed line stops the script. Files are rewritten only when their content changes, so a
# second run changes nothing.
#
# Maintainer tool: needs node, the oracle (../shared/oracle, or $ORACLE pointing at oracle.mjs),
# sqlite3, and psql/createdb/dropdb with the oracle's PostgreSQL server ($PGHOST, $PGPORT,
# $PGUSER; default 127.0.0.1, 5433, postgres; start it with ../shared/oracle/pg-up.sh).
# The tests never call this script: they read the committed files.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
dir="$repo/fixtures/drift"
oracle=${ORACLE:-$(cd "$repo/.." && pwd)/shared/oracle/oracle.mjs}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5433} PGUSER=${PGUSER:-postgres}
export PGOPTIONS='-c client_min_messages=warning'
me=golden-drift

[ -f "$oracle" ] || { echo "$me: oracle not found at $oracle (set ORACLE)" >&2; exit 2; }
for tool in node sqlite3 psql createdb dropdb pg_isready; do
  command -v "$tool" >/dev/null || { echo "$me: $tool is required" >&2; exit 2; }
done
if ! pg_isready -q; then
  echo "$me: PostgreSQL at $PGHOST:$PGPORT is not ready (run ../shared/oracle/pg-up.sh)" >&2
  exit 2
fi

tmp=$(mktemp -d)
pgdb="prismac_golden_drift_$$"
cleanup() { dropdb --if-exists "$pgdb" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

# Prisma's engines report a Rust panic through this global; the oracle does not define it.
cat > "$tmp/panic.mjs" <<'EOF_PANIC'
globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message: (m) => process.stderr.write('Prisma engine panic: ' + m + '\n') };
EOF_PANIC

# The oracle's stderr without stack frames, node's version line and blank lines.
clean_err() { grep -vE '^[[:space:]]+at |^Node\.js v|^wasm://|^[[:space:]]*$' "$1" || true; }

# Install $1 as $2 unless $2 already has the same bytes.
install_if_changed() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then return 0; fi
  cp "$1" "$2"
  echo "$me: wrote ${2#"$repo"/}"
}

# The provider named in the datasource block of $1.
provider_of() {
  awk '
    /^[[:space:]]*datasource[[:space:]]/ { inds = 1 }
    inds && /^[[:space:]]*provider[[:space:]]*=/ { match($0, /"[^"]*"/); print substr($0, RSTART + 1, RLENGTH - 2); exit }
    inds && /}/ { inds = 0 }
  ' "$1"
}

# Check expected.txt: a "# " comment first, then findings of the vocabulary, or "in_sync"
# (with unmanaged lines only). Prints the problems; returns 1 when there are any.
lint_expected() {
  awk -v F="${1#"$repo"/}" '
    function bad(msg) { printf "%s:%d: %s\n", F, NR, msg; errs++ }
    NR == 1 { if ($0 !~ /^# [^ ]/) bad("first line must be a \"# \" comment saying what happened"); next }
    /^#/ { next }
    /^$/ { bad("empty line"); next }
    /[[:space:]]$/ { bad("trailing white space") }
    {
      kind = $1; rest = substr($0, length(kind) + 2)
      if (kind == "in_sync") { if (rest != "") bad("in_sync takes no argument"); insync++; next }
      findings++
      if (kind == "unmanaged") {
        if ($2 !~ /^(view|materialized_view|trigger|check|partial_index|expression_index|virtual_table)$/) bad("unknown unmanaged kind " $2)
        if (NF < 3) bad("unmanaged needs KIND NAME")
        unmanaged++; next
      }
      if (kind ~ /^(table_missing|table_extra|primary_key|enum_missing|enum_extra|enum_values)$/) { if (rest == "") bad(kind " needs a name"); next }
      if (kind ~ /^(column_missing|column_extra|column_type|column_nullability|column_default|column_autoincrement|index_missing|index_extra|index_changed|foreign_key_missing|foreign_key_extra|foreign_key_changed)$/) {
        if (rest !~ /\./) bad(kind " needs TABLE.OBJECT"); next
      }
      bad("unknown finding kind " kind)
    }
    END {
      if (insync && findings != unmanaged) bad("in_sync together with drift findings")
      if (!insync && findings == unmanaged) bad("no drift finding and no in_sync line")
      exit errs > 0
    }
  ' "$1"
}

if [ $# -gt 0 ]; then
  scenarios=("$@")
else
  shopt -s nullglob
  scenarios=("$dir"/[0-9][0-9][0-9]-*/)
fi

status=0
for sc in "${scenarios[@]}"; do
  sc=$(cd "$sc" && pwd)
  name=$(basename "$sc")
  for f in schema.prisma setup.sql expected.txt; do
    [ -f "$sc/$f" ] || { echo "$me: $name: $f is missing" >&2; exit 2; }
  done
  lint_expected "$sc/expected.txt" >&2 || status=1
  provider=$(provider_of "$sc/schema.prisma")
  case $provider in
    sqlite)
      rm -f "$tmp/db.sqlite"
      if ! sqlite3 -bail "$tmp/db.sqlite" < "$sc/setup.sql" > "$tmp/setup.out" 2>&1; then
        echo "$me: $name: setup.sql fails on SQLite:" >&2; cat "$tmp/setup.out" >&2; exit 2
      fi
      url="file:$tmp/db.sqlite"
      ;;
    postgresql)
      dropdb --if-exists "$pgdb"
      createdb "$pgdb"
      if ! psql -X -q -v ON_ERROR_STOP=1 -d "$pgdb" -f "$sc/setup.sql" > "$tmp/setup.out" 2>&1; then
        echo "$me: $name: setup.sql fails on PostgreSQL:" >&2; cat "$tmp/setup.out" >&2; exit 2
      fi
      url="postgresql://$PGUSER@$PGHOST:$PGPORT/$pgdb"
      ;;
    *) echo "$me: $name: unknown provider '$provider' in schema.prisma" >&2; exit 2 ;;
  esac
  rc=0
  (cd "$sc" && node --import "$tmp/panic.mjs" "$oracle" diff --db "$url" schema.prisma > "$tmp/out" 2> "$tmp/err") || rc=$?
  if grep -qE 'ECONNREFUSED|Connection refused|too many clients|terminating connection|timeout expired' "$tmp/err"; then
    echo "$me: $name: database problem, stopping:" >&2; cat "$tmp/err" >&2; exit 2
  fi
  case $rc in
    0) install_if_changed "$tmp/out" "$sc/oracle.sql"; rm -f "$sc/oracle.err" ;;
    1) clean_err "$tmp/err" > "$tmp/err.clean"
       install_if_changed "$tmp/err.clean" "$sc/oracle.err"; rm -f "$sc/oracle.sql" ;;
    *) echo "$me: $name: oracle exited with $rc" >&2; cat "$tmp/err" >&2; exit 2 ;;
  esac
  [ "$provider" = postgresql ] && dropdb "$pgdb"
done
exit $status
