#!/usr/bin/env bash
# make demo: prismac on the bundled example (examples/schema.prisma).
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
sed -e 's/^model Tag {/modle Tag {/' -e 's/@default(READER)/@default("READER)/' schema.prisma > "$tmp/broken.prisma"
(cd "$tmp" && run validate broken.prisma)
rm -rf "$tmp"
exit 0
