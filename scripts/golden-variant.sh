#!/usr/bin/env bash
# Regenerates fixtures/variant/: for every golden schema of fixtures/sql/ and each provider,
# prismac's variant (NNN-name.TARGET.prisma) or the constructs it reports as not carrying over
# (NNN-name.TARGET.err), and Prisma's verdict on each variant (NNN-name.TARGET.oracle: "valid"
# or its error). Maintainer tool: needs a built prismac and node with ../shared/oracle; the tests
# only read the files it writes. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PRISMAC:-build/prismac}
oracle=${ORACLE:-../shared/oracle/oracle.mjs}
out=fixtures/variant
mkdir -p "$out"
rm -f "$out"/*.prisma "$out"/*.err "$out"/*.oracle
for schema in fixtures/sql/*.prisma; do
  name=$(basename "$schema" .prisma)
  for target in sqlite postgresql; do
    if "$bin" variant "$schema" --provider "$target" --color never > "$out/$name.$target.prisma" 2> "$out/$name.$target.err"; then
      rm -f "$out/$name.$target.err"
      if node "$oracle" validate "$out/$name.$target.prisma" > /dev/null 2> "$out/$name.$target.oracle"; then
        echo valid > "$out/$name.$target.oracle"
      fi
    else
      rm -f "$out/$name.$target.prisma"
      sed -i "s|^fixtures/sql/||" "$out/$name.$target.err"
    fi
  done
done
echo "variants: $(ls "$out"/*.prisma | wc -l), not carried over: $(ls "$out"/*.err 2>/dev/null | wc -l), oracle-valid: $(grep -lx valid "$out"/*.oracle | wc -l)"
