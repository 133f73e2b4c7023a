#!/usr/bin/env bash
# Regenerate the reference outputs of fixtures/history/ (migration-history scenarios).
#
#   scripts/golden-history.sh [SCENARIO_DIR...]
#
# A scenario folder's name ends with its layout and dialect: ...-prisma-sqlite, ...-prisma-pg or
# ...-supabase-pg. For every fixtures/history/NNN-name-LAYOUT-DIALECT/ (or only those named):
#   1. setup.sql is run on a fresh, empty database of the dialect (psql -v ON_ERROR_STOP=1 /
#      sqlite3 -bail); an error stops the script, since a scenario whose setup fails is broken;
#   2. the whole migrations folder is replayed, in name order, into another fresh database, one
#      file at a time as Prisma and the Supabase CLI apply them (Prisma: DIR/*/migration.sql;
#      Supabase: DIR/*.sql). When a file fails, replay.err receives the database's error for
#      it (psql's or sqlite3's message, with the file's path relative to the scenario folder,
#      so the failing line is named) and the replay stops; otherwise replay.err is removed;
#   3. when the scenario has a schema.prisma and the replay succeeded, the oracle's
#      `diff --db URL schema.prisma` on the replayed database becomes schema-diff.sql, byte for
#      byte ("-- This is an empty migration." = replaying the folder reproduces the schema);
#   4. expected.txt is checked: every migration of the folder has exactly one status line, a
#      `verdict` line is there, and a `schema` line exactly when schema.prisma exists, agreeing
#      with schema-diff.sql. Problems are printed and make the exit status 1.
# Files are rewritten only when their content changes, so a second run changes nothing.
#
# Maintainer tool: needs node and the oracle (../shared/oracle, or $ORACLE pointing at
# oracle.mjs), sqlite3, and psql/createdb/dropdb with the oracle's PostgreSQL server ($PGHOST,
# $PGPORT, $PGUSER; default 127.0.0.1, 5433, postgres; ../shared/oracle/pg-up.sh starts it).
# The tests never call this script: they read the committed files.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
dir="$repo/fixtures/history"
oracle=${ORACLE:-$(cd "$repo/.." && pwd)/shared/oracle/oracle.mjs}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5433} PGUSER=${PGUSER:-postgres}
export PGOPTIONS='-c client_min_messages=warning'
me=golden-history

[ -f "$oracle" ] || { echo "$me: oracle not found at $oracle (set ORACLE)" >&2; exit 2; }
for tool in node sqlite3 psql createdb dropdb pg_isready; do
  command -v "$tool" >/dev/null || { echo "$me: $tool is required" >&2; exit 2; }
done
if ! pg_isready -q; then
  echo "$me: PostgreSQL at $PGHOST:$PGPORT is not ready (run ../shared/oracle/pg-up.sh)" >&2
  exit 2
fi

tmp=$(mktemp -d)
pg_setup="prismac_golden_history_setup_$$"
pg_replay="prismac_golden_history_replay_$$"
cleanup() {
  dropdb --if-exists "$pg_setup" 2>/dev/null || true
  dropdb --if-exists "$pg_replay" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# Prisma's engines report a Rust panic through this global; the oracle does not define it.
cat > "$tmp/panic.mjs" <<'EOF_PANIC'
globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message: (m) => process.stderr.write('Prisma engine panic: ' + m + '\n') };
EOF_PANIC

install_if_changed() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then return 0; fi
  cp "$1" "$2"
  echo "$me: wrote ${2#"$repo"/}"
}

remove_if_present() {
  if [ -f "$1" ]; then rm -f "$1"; echo "$me: removed ${1#"$repo"/}"; fi
}

# The migration files of scenario $1 (layout $2), one path per line relative to the scenario,
# in the order the tools apply them (byte order of the names).
migration_files() {
  local sc=$1 layout=$2 f
  if [ "$layout" = supabase ]; then
    (cd "$sc" && LC_ALL=C ls migrations 2>/dev/null | grep -E '^[0-9]+_.*\.sql$' | sed 's|^|migrations/|') || true
  else
    (cd "$sc" && for f in $(LC_ALL=C ls migrations 2>/dev/null); do
       [ -f "migrations/$f/migration.sql" ] && echo "migrations/$f/migration.sql"; done) || true
  fi
}

# The migration name of a file path: the folder name (Prisma) or the file stem (Supabase).
migration_name() {
  case $1 in
    */migration.sql) basename "$(dirname "$1")" ;;
    *) basename "$1" .sql ;;
  esac
}

status=0
if [ $# -gt 0 ]; then
  scenarios=("$@")
else
  shopt -s nullglob
  scenarios=("$dir"/[0-9][0-9][0-9]-*/)
fi

for sc in "${scenarios[@]}"; do
  sc=$(cd "$sc" && pwd)
  name=$(basename "$sc")
  case $name in
    *-supabase-pg) layout=supabase dialect=pg ;;
    *-prisma-pg) layout=prisma dialect=pg ;;
    *-prisma-sqlite) layout=prisma dialect=sqlite ;;
    *) echo "$me: $name: the folder name must end with -prisma-pg, -prisma-sqlite or -supabase-pg" >&2; exit 2 ;;
  esac
  for f in setup.sql expected.txt; do
    [ -f "$sc/$f" ] || { echo "$me: $name: $f is missing" >&2; exit 2; }
  done
  [ -d "$sc/migrations" ] || { echo "$me: $name: migrations/ is missing" >&2; exit 2; }

  # 1. The live database must set up cleanly.
  if [ "$dialect" = sqlite ]; then
    rm -f "$tmp/setup.db"
    if ! sqlite3 -bail "$tmp/setup.db" < "$sc/setup.sql" > "$tmp/out" 2>&1; then
      echo "$me: $name: setup.sql fails on SQLite:" >&2; cat "$tmp/out" >&2; exit 2
    fi
  else
    dropdb --if-exists "$pg_setup"; createdb "$pg_setup"
    if ! psql -X -q -v ON_ERROR_STOP=1 -d "$pg_setup" -f "$sc/setup.sql" > "$tmp/out" 2>&1; then
      echo "$me: $name: setup.sql fails on PostgreSQL:" >&2; cat "$tmp/out" >&2; exit 2
    fi
    dropdb "$pg_setup"
  fi

  # 2. Replay the folder.
  mapfile -t files < <(migration_files "$sc" "$layout")
  if [ "$dialect" = sqlite ]; then
    rm -f "$tmp/replay.db"; : > "$tmp/replay.db"
    url="file:$tmp/replay.db"
  else
    dropdb --if-exists "$pg_replay"; createdb "$pg_replay"
    url="postgresql://$PGUSER@$PGHOST:$PGPORT/$pg_replay"
  fi
  replay_ok=1
  for f in "${files[@]}"; do
    if [ "$dialect" = sqlite ]; then
      (cd "$sc" && sqlite3 -bail "$tmp/replay.db" < "$f") > "$tmp/out" 2>&1 || replay_ok=0
      [ $replay_ok = 1 ] || sed -i "1s|^|$f: |" "$tmp/out"
    else
      (cd "$sc" && psql -X -q -v ON_ERROR_STOP=1 -d "$pg_replay" -f "$f") > "$tmp/out" 2>&1 || replay_ok=0
    fi
    if [ $replay_ok = 0 ]; then
      grep -q . "$tmp/out" || echo "$f: failed" > "$tmp/out"
      install_if_changed "$tmp/out" "$sc/replay.err"
      break
    fi
  done
  [ $replay_ok = 1 ] && remove_if_present "$sc/replay.err"

  # 3. Does the replayed folder reproduce the schema?
  if [ -f "$sc/schema.prisma" ] && [ $replay_ok = 1 ]; then
    rc=0
    (cd "$sc" && node --import "$tmp/panic.mjs" "$oracle" diff --db "$url" schema.prisma > "$tmp/out" 2> "$tmp/err") || rc=$?
    if [ $rc != 0 ]; then
      echo "$me: $name: the oracle failed ($rc):" >&2; grep -vE '^[[:space:]]+at |^wasm://' "$tmp/err" >&2; exit 2
    fi
    install_if_changed "$tmp/out" "$sc/schema-diff.sql"
  else
    remove_if_present "$sc/schema-diff.sql"
  fi
  [ "$dialect" = pg ] && dropdb "$pg_replay"

  # 4. Check expected.txt.
  : > "$tmp/names"
  for f in "${files[@]}"; do migration_name "$f" >> "$tmp/names"; done
  schema_state=none
  if [ -f "$sc/schema-diff.sql" ]; then
    if [ "$(cat "$sc/schema-diff.sql")" = "-- This is an empty migration." ]; then schema_state=in_sync; else schema_state=missing-migration; fi
  elif [ -f "$sc/schema.prisma" ]; then
    schema_state=unknown
  fi
  awk -v F="${sc#"$repo"/}/expected.txt" -v S="$schema_state" -v NAMES="$tmp/names" '
    function bad(msg) { printf "%s:%d: %s\n", F, FNR, msg; errs++ }
    BEGIN { while ((getline line < NAMES) > 0) { infolder[line] = 1; order[++n] = line } }
    FNR == 1 { if ($0 !~ /^# [^ ]/) bad("first line must be a \"# \" comment saying what happened"); next }
    /^#/ { next }
    NF == 0 { bad("empty line"); next }
    /[[:space:]]$/ { bad("trailing white space") }
    $1 == "verdict" {
      verdicts++
      if (!($2 == "consistent" && NF == 2) && !($2 == "diverges-at" && NF == 3)) bad("verdict consistent | verdict diverges-at NAME")
      if ($2 == "diverges-at" && !($3 in seen) && !($3 in infolder)) bad("diverges-at names an unknown migration " $3)
      next
    }
    $1 == "schema" {
      schemas++
      if (NF != 2 || ($2 != "in_sync" && $2 != "missing-migration")) bad("schema in_sync | schema missing-migration")
      else if (S == "none") bad("schema line without schema.prisma")
      else if (S != "unknown" && S != $2) bad("schema-diff.sql says " S)
      next
    }
    $1 == "lock" { if (NF != 3 || $2 != "mismatch") bad("lock mismatch PROVIDER"); next }
    NF == 2 {
      if ($2 !~ /^(applied|modified|failed|rolled_back|pending|missing_from_folder|phantom)$/) bad("unknown status " $2)
      if ($1 in seen) bad("two status lines for " $1)
      seen[$1] = $2
      if ($2 == "missing_from_folder" && ($1 in infolder)) bad($1 " is in the folder")
      if ($2 != "missing_from_folder" && !($1 in infolder)) bad($1 " is not in the folder")
      next
    }
    { bad("unknown line") }
    END {
      for (i = 1; i <= n; i++) if (!(order[i] in seen)) { printf "%s: no status line for %s\n", F, order[i]; errs++ }
      if (verdicts != 1) { printf "%s: needs exactly one verdict line\n", F; errs++ }
      if (S != "none" && schemas != 1) { printf "%s: needs a schema line (schema.prisma exists)\n", F; errs++ }
      exit errs > 0
    }
  ' "$sc/expected.txt" >&2 || status=1
done
exit $status
