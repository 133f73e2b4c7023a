#!/usr/bin/env bash
# make demo: prismac on the bundled example (examples/schema.prisma): validation, then the drift
# check on a production database that missed a release (built here from examples/production.sql).
set -u
bin=${1:-build/prismac}
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
cd "$here" || exit 2
run() { printf '\n$ prismac %s\n' "$*"; "$bin" "$@" 2>&1; printf '(exit status %s)\n' "$?"; }

echo "== A valid schema"
run validate schema.prisma

echo
echo "== The same schema with two mistakes: a typo in a keyword and an unclosed string"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -e 's/^model Tag {/modle Tag {/' -e 's/@default(READER)/@default("READER)/' schema.prisma > "$tmp/broken.prisma"
(cd "$tmp" && run validate broken.prisma)

# The example's production database, made from a script (nothing binary is committed).
sqlite_run() {
  if command -v sqlite3 >/dev/null; then
    sqlite3 -bail "$1" < "$2"
  elif command -v python3 >/dev/null; then
    python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read()); c.commit()' "$1" "$2"
  else
    echo "(the drift demo needs the sqlite3 command-line tool: apt-get install sqlite3)"
    return 1
  fi
}
db="$tmp/production.db"
sqlite_run "$db" production.sql || exit 0

echo
echo "== Drift: the production database missed a release (examples/production.sql)"
run check schema.prisma --db "file:$db"

echo
echo "== The repair script: one transaction; what would lose data is left out and listed"
run check schema.prisma --db "file:$db" --script "$tmp/repair.sql" --quiet
cat "$tmp/repair.sql"

echo
echo "== After running it, only the hand-made column is left (it holds data: --allow-data-loss drops it)"
sqlite_run "$db" "$tmp/repair.sql"
run check schema.prisma --db "file:$db"

echo
echo "== The same report for CI: JSON, or GitHub annotations"
run check schema.prisma --db "file:$db" --format github
exit 0
