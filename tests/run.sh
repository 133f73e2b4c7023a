#!/usr/bin/env bash
# Runs every test binary given as an argument and sums up. Exit status 1 if any test failed.
set -u
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
