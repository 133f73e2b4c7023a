#!/usr/bin/env bash
# Runs every test binary given as an argument and sums up. Exit status 1 if any test failed.
set -u

# A throwaway PostgreSQL for the live tests, unless one is given. Tests that need it fail (they
# never skip) when PRISMAC_TEST_PG_URL is unset.
if [ -z "${PRISMAC_TEST_PG_URL:-}" ]; then
  pgdir=$(mktemp -d /tmp/prismac-pg-XXXXXX)
  if url=$(tests/pgserver.sh start "$pgdir"); then
    export PRISMAC_TEST_PG_URL="$url"
    trap 'tests/pgserver.sh stop "$pgdir"' EXIT
    echo "PostgreSQL for the tests: $url"
  else
    echo "could not start a PostgreSQL server for the tests (see above); the live tests will fail"
    rm -rf "$pgdir"
  fi
fi

total=0 failed=0 failed_suites=()
for bin in "$@"; do
  out=$("$bin" 2>&1); rc=$?
  ran=$(printf '%s\n' "$out" | sed -n 's/^\[==========\] \([0-9]*\) test(s) run\./\1/p' | tail -1)
  total=$((total + ${ran:-0}))
  if [ $rc -ne 0 ]; then
    failed=$((failed + 1)); failed_suites+=("$(basename "$bin")")
    printf '%s\n' "$out" | grep -v '^\[ \(RUN\|       OK\) \]' 
  else
    printf '%-28s %4s tests passed\n' "$(basename "$bin")" "${ran:-?}"
  fi
done
echo "----"
if [ $failed -ne 0 ]; then
  echo "FAILED: ${failed_suites[*]} ($total tests run)"
  exit 1
fi
echo "all $total tests passed"
