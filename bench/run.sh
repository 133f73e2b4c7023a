#!/usr/bin/env bash
# make bench: throughput and memory of each stage on generated schemas of 10 to 5,000 models.
set -euo pipefail
BUILD=${BUILD:-build}
out=bench/out
mkdir -p "$out"
sizes="10 100 1000 5000"
# Each target's figure, for the table at the end: name|measured|op|limit|unit (op: < <= >=).
targets="$out/targets.txt"
: > "$targets"
target() { echo "$1|$2|$3|$4|$5" >> "$targets"; }
# ../shared (the oracle) beside the main checkout, also from a git worktree elsewhere
root=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null) && root=$(dirname "$(dirname "$root")") ||
  root=$(cd .. && pwd)
for n in $sizes; do
  # regenerated when the generator changed
  [ -s "$out/models-$n.prisma" ] && [ "$out/models-$n.prisma" -nt "$BUILD/bench/genschema" ] ||
    "$BUILD/bench/genschema" "$n" postgresql > "$out/models-$n.prisma"
done

echo "== lex+parse (target on 5,000 models: >= 200 MB/s, peak RSS <= 10x the input)"
echo "   one pass, and in parallel chunks on the machine's CPUs (files over 1 MB; same result)"
printf '%8s %10s %12s %12s %16s %13s %10s\n' models bytes "MB/s (wall)" "MB/s (cpu)" "chunked (wall)" "peak RSS" "RSS/input"
for n in $sizes; do
  read -r bytes mbs cpu par threads rss ratio blocks < <("$BUILD/bench/bench_parse" "$out/models-$n.prisma" 9)
  printf '%8s %10s %12s %12s %11s (%sx) %9s KiB %9sx\n' "$n" "$bytes" "$mbs" "$cpu" "$par" "$threads" "$rss" "$ratio"
  if [ "$n" = 5000 ]; then
    target "lex+parse, one pass, 5,000 models (cpu)" "$cpu" ">=" 200 "MB/s"
    target "lex+parse, peak RSS / input" "$ratio" "<=" 10 "x"
  fi
done

# ---- format ---------------------------------------------------------------------------------
# The generated schema as it is (valid; its layout is not Prisma's), the same once formatted (the
# steady state of a pre-commit hook), and a variant whose parent relations lose their name and
# their back side, so that completion adds 4,999 back-relation fields (then the formatted text
# is parsed and validated again).
echo
echo "== format and variant (target on 5,000 models: < 100 ms each)"
fgen="$out/models-5000.prisma"
fok="$out/models-5000.formatted.prisma"
fadd="$out/format-5000-missing-back-relations.prisma"
"$BUILD/prismac" format --stdout "$fgen" > "$fok"
sed -e 's/@relation("Entity[0-9]*Parent", /@relation(/' -e '/^  children[0-9]* /d' -e '/^  tags /d' \
    -e '/^  tagged /d' "$fgen" > "$fadd"
# best of 7 runs: wall and cpu (user+sys) milliseconds
best_of() {
  local best_wall=999999 best_cpu=999999 t wall user sys
  for _ in 1 2 3 4 5 6 7; do
    t=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 ) || true
    read -r wall user sys <<<"$t"
    wall=$(awk -v w="$wall" 'BEGIN { printf "%d", w * 1000 }')
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')
    [ "$wall" -lt "$best_wall" ] && best_wall=$wall
    [ "$cpu" -lt "$best_cpu" ] && best_cpu=$cpu
  done
  echo "$best_wall $best_cpu"
}
printf '%-62s %9s %9s\n' "" "wall ms" "cpu ms"
while IFS='|' read -r label args name; do
  # shellcheck disable=SC2086
  read -r wall cpu < <(best_of "$BUILD/prismac" $args)
  printf '%-62s %9s %9s\n' "$label" "$wall" "$cpu"
  [ -z "$name" ] || target "$name" "$wall" "<" 100 "ms"
done <<EOT
format --check, formatted (parse, resolve, layout, validate)|format --check $fok|prismac format --check, formatted
format --stdout, generated (parse, resolve, layout)|format --stdout $fgen|prismac format --stdout, generated
format --check, 4,999 fields to add (layout, then re-validation)|format --check $fadd
variant --provider sqlite (parse, resolve, rewrite, validate)|variant $fgen --provider sqlite|prismac variant --provider sqlite
validate, for comparison|validate $fok
EOT

# ---- hook run ---------------------------------------------------------------------------------
# `prismac hook run` on the seed schemas (fixtures/seeds): each validated and format-checked, the
# dual-provider pair as a variant and as a pair to compare; the copies brought in line first, so
# that every check passes.
echo
echo "== hook run on the seed schemas (target: < 100 ms)"
hdir=$(mktemp -d /tmp/prismac-bench-hook-XXXXXX)
cp fixtures/seeds/marketplace.prisma fixtures/seeds/profiles.prisma fixtures/seeds/health.prisma "$hdir/"
cp fixtures/seeds/dual-provider/schema-prod.prisma "$hdir/"
(cd "$hdir" && for f in marketplace.prisma profiles.prisma health.prisma schema-prod.prisma; do
   "$BUILD/prismac" format -q "$f"; done &&
 "$BUILD/prismac" variant schema-prod.prisma --provider sqlite -o schema-dev.prisma -q)
cat > "$hdir/.prismac.json" <<EOT
{ "schemas": ["marketplace.prisma", "profiles.prisma", "health.prisma", "schema-prod.prisma"],
  "variants": [{"schema": "schema-prod.prisma", "provider": "sqlite", "output": "schema-dev.prisma"}],
  "pairs": [["schema-dev.prisma", "schema-prod.prisma"]],
  "format": true }
EOT
checks=$(cd "$hdir" && "$BUILD/prismac" hook run --color never | tail -1) || checks="FAILED: $checks"
read -r wall cpu < <(cd "$hdir" && best_of "$BUILD/prismac" hook run)
printf '%-62s %9s %9s\n' "" "wall ms" "cpu ms"
printf '%-62s %9s %9s\n' "hook run: $checks" "$wall" "$cpu"
target "prismac hook run, seed schemas" "$wall" "<" 100 "ms"
rm -rf "$hdir"

# ---- sql --------------------------------------------------------------------------------------
# `prismac sql`: the stages (best of 9, in-process) and the whole command (best of 7, wall clock).
echo
echo "== sql (target on 5,000 models: prismac sql < 50 ms end to end)"
printf '%8s %8s %9s %8s %8s %8s %8s %10s %10s\n' models "parse" "resolve" "lower" "diff" "render" "total" \
  "SQL bytes" "peak RSS"
for n in $sizes; do
  read -r parse resolve lower diff render total bytes rss < <("$BUILD/bench/bench_sql" "$out/models-$n.prisma" 9)
  printf '%8s %8s %9s %8s %8s %8s %8s %10s %6s KiB\n' "$n" "$parse" "$resolve" "$lower" "$diff" "$render" "$total" \
    "$bytes" "$rss"
done
echo "(milliseconds; resolve includes validation)"
best_wall=999999
for _ in 1 2 3 4 5 6 7; do
  t=$( { TIMEFORMAT='%R'; time "$BUILD/prismac" sql "$out/models-5000.prisma" >/dev/null 2>&1; } 2>&1 ) || true
  wall=$(awk -v w="$t" 'BEGIN { printf "%d", w * 1000 }')
  [ "$wall" -lt "$best_wall" ] && best_wall=$wall
done
echo "prismac sql, 5,000 models, end to end: $best_wall ms (best of 7, wall clock)"
target "prismac sql, end to end" "$best_wall" "<" 50 "ms"

# ---- validation -----------------------------------------------------------------------------
# bench_validate: MB/s by CPU time of each stage (best of 9 runs) and of the whole, in process;
# then `prismac validate` itself, end to end (best of 7 runs, wall clock and user+sys), on 5,000 models.
echo
echo "== parse, resolve, validate (target on 5,000 models: prismac validate end to end >= 100 MB/s)"
printf '%8s %10s %10s %10s %10s %12s %10s\n' models bytes "parse" "resolve" "validate" "all (cpu)" "peak RSS"
for n in $sizes; do
  read -r bytes p r v t w rss < <("$BUILD/bench/bench_validate" "$out/models-$n.prisma" 9)
  printf '%8s %10s %10s %10s %10s %12s %6s KiB\n' "$n" "$bytes" "$p" "$r" "$v" "$t" "$rss"
done
vbytes=$(wc -c < "$out/models-5000.prisma")
read -r vwall vcpu < <(best_of "$BUILD/prismac" validate -q "$out/models-5000.prisma")
vmbs=$(awk -v b="$vbytes" -v ms="$vwall" 'BEGIN { printf "%.1f", b / ((ms > 0 ? ms : 1) / 1000) / 1e6 }')
awk -v b="$vbytes" -v w="$vwall" -v c="$vcpu" 'BEGIN { printf "prismac validate models-5000.prisma: %d ms wall (%.1f MB/s end to end), %d ms cpu (%.1f MB/s)\n",
  w, b / ((w > 0 ? w : 1) / 1000) / 1e6, c, b / ((c > 0 ? c : 1) / 1000) / 1e6 }'
target "prismac validate, end to end (wall)" "$vmbs" ">=" 100 "MB/s"

# ---- introspection ----------------------------------------------------------------------------
# Generated databases of 10, 100 and 1,000 tables (Prisma-shaped: enum, defaults, unique and
# sorted indexes, a foreign key per table), read by prismac's introspection: catalog queries,
# round trips, best and median of 9 reads in one process (connect + queries + build), and one
# read per process, end to end (best of 7, wall clock). With node and ../shared/oracle, Prisma's
# own `migrate diff` against the same database, in the same run (best of 3): the ratio.
echo
echo "== introspection (target on PostgreSQL with 1,000 tables: < 200 ms end to end, >= 20x faster than the oracle)"
pgdir=""
if [ -n "${PRISMAC_BENCH_PG_URL:-}" ]; then
  pg_url=$PRISMAC_BENCH_PG_URL
else
  pgdir=$(mktemp -d /tmp/prismac-bench-pg-XXXXXX)
  pg_url=$(bash tests/pgserver.sh start "$pgdir") || { echo "no PostgreSQL server for the bench"; pg_url=""; }
  trap '[ -n "$pgdir" ] && bash tests/pgserver.sh stop "$pgdir"' EXIT
fi
oracle=${PRISMAC_ORACLE:-$root/shared/oracle/oracle.mjs}
have_oracle=0
# (installed: its packages load; otherwise every run fails at once and the ratio means nothing)
if command -v node >/dev/null && [ -f "$oracle" ] && node "$oracle" validate "$out/models-10.prisma" >/dev/null 2>&1; then
  have_oracle=1
else
  echo "(no oracle: ${oracle} does not run here; no ratios)"
fi
idir=$(mktemp -d /tmp/prismac-bench-introspect-XXXXXX)
printf '%-11s %7s %8s %6s %9s %10s %11s %11s %11s %10s %7s\n' dialect tables queries trips "best ms" "median ms" \
  "server cpu" "client cpu" "process ms" "oracle ms" "ratio"
for dialect in postgresql sqlite; do
  [ "$dialect" = postgresql ] && [ -z "$pg_url" ] && continue
  for n in 10 100 1000; do
    url=$("$BUILD/bench/bench_introspect" setup "$dialect" "$n" "${pg_url:--}" "$idir")
    read -r tables queries trips best median scpu ccpu < <("$BUILD/bench/bench_introspect" run "$url" 9)
    proc=999999
    for _ in 1 2 3 4 5 6 7; do
      t=$( { TIMEFORMAT='%R'; time "$BUILD/bench/bench_introspect" run "$url" 1 >/dev/null 2>&1; } 2>&1 ) || true
      ms=$(awk -v w="$t" 'BEGIN { printf "%d", w * 1000 }')
      [ "$ms" -lt "$proc" ] && proc=$ms
    done
    oms="-" ratio="-"
    if [ "$have_oracle" = 1 ]; then
      obest=999999
      for _ in 1 2 3; do
        s=$(date +%s%N)
        script=$(node "$oracle" diff --db "$url" "$idir/bench-$n.$dialect.prisma" 2>/dev/null) || script="(oracle failed)"
        e=$(date +%s%N)
        ms=$(( (e - s) / 1000000 ))
        [ "$ms" -lt "$obest" ] && obest=$ms
      done
      oms=$obest
      ratio=$(awk -v o="$obest" -v p="$proc" 'BEGIN { printf "%.0fx", o / (p > 0 ? p : 1) }')
      # the oracle saw drift: the generated DDL is not Prisma's
      [ -n "$script" ] && [ "$script" != "-- This is an empty migration." ] && ratio="$ratio*"
    fi
    printf '%-11s %7s %8s %6s %9s %10s %11s %11s %11s %10s %7s\n' "$dialect" "$tables" "$queries" "$trips" "$best" \
      "$median" "$scpu" "$ccpu" "$proc" "$oms" "$ratio"
    if [ "$dialect" = postgresql ] && [ "$n" = 1000 ]; then
      target "introspection, PostgreSQL 1,000 tables (process)" "$proc" "<" 200 "ms"
      [ "$oms" = - ] || target "introspection, PostgreSQL 1,000 tables: oracle / prismac" "${ratio%%x*}" ">=" 20 "x"
    fi
  done
done
echo "(best/median ms: wall clock of one introspection, connect included, 9 in one process; server/client cpu:"
echo " CPU ms per introspection of the PostgreSQL backend and of prismac, whatever else the machine runs;"
echo " process ms: one introspection in a fresh process; ratio: oracle ms / process ms, the oracle's \`migrate"
echo " diff\` against the same database; * after it: the oracle saw drift between generated schema and database)"
rm -rf "$idir"

# ---- the drift check ----------------------------------------------------------------------------
# `prismac check` end to end on generated databases of 10, 100 and 1,000 tables that drifted a
# little (a column dropped, a unique index dropped, a column added): in one process (schema read
# and validated, database introspected, compared; best and median of 9), and as a fresh process
# (best of 7, wall clock), with the number of catalog queries. With node and ../shared/oracle:
# Prisma's `migrate diff` from the same database to the same schema, in the same run (best of 3),
# and the ratio.
echo
echo "== drift check (target on PostgreSQL with 1,000 tables: < 200 ms end to end, >= 20x faster than the oracle)"
cdir=$(mktemp -d /tmp/prismac-bench-check-XXXXXX)
printf '%-11s %7s %8s %9s %9s %10s %11s %10s %8s\n' dialect tables queries findings "best ms" "median ms" \
  "process ms" "oracle ms" "ratio"
for dialect in postgresql sqlite; do
  [ "$dialect" = postgresql ] && [ -z "${pg_url:-}" ] && continue
  for n in 10 100 1000; do
    url=$("$BUILD/bench/bench_check" setup "$dialect" "$n" "${pg_url:--}" "$cdir") || continue
    schema="$cdir/check-$n.$dialect.prisma"
    read -r tables queries findings best median < <("$BUILD/bench/bench_check" run "$schema" "$url" 9)
    proc=999999
    for _ in 1 2 3 4 5 6 7; do
      t=$( { TIMEFORMAT='%R'; time "$BUILD/prismac" check "$schema" --db "$url" >/dev/null 2>&1; } 2>&1 ) || true
      ms=$(awk -v w="$t" 'BEGIN { printf "%d", w * 1000 }')
      [ "$ms" -lt "$proc" ] && proc=$ms
    done
    oms="-" ratio="-"
    if [ "${have_oracle:-0}" = 1 ]; then
      obest=999999
      for _ in 1 2 3; do
        s=$(date +%s%N)
        node "$oracle" diff --db "$url" "$schema" >/dev/null 2>&1 || true
        e=$(date +%s%N)
        ms=$(( (e - s) / 1000000 ))
        [ "$ms" -lt "$obest" ] && obest=$ms
      done
      oms=$obest
      ratio=$(awk -v o="$obest" -v p="$proc" 'BEGIN { printf "%.0fx", o / (p > 0 ? p : 1) }')
    fi
    printf '%-11s %7s %8s %9s %9s %10s %11s %10s %8s\n' "$dialect" "$tables" "$queries" "$findings" "$best" "$median" \
      "$proc" "$oms" "$ratio"
    if [ "$dialect" = postgresql ] && [ "$n" = 1000 ]; then
      target "prismac check, PostgreSQL 1,000 tables" "$proc" "<" 200 "ms"
      [ "$oms" = - ] || target "prismac check, PostgreSQL 1,000 tables: oracle / prismac" "${ratio%%x*}" ">=" 20 "x"
    fi
  done
done
echo "(best/median ms: the whole check in one process; process ms: \`prismac check\` in a fresh process,"
echo " wall clock, best of 7; ratio: oracle ms / process ms, the oracle's \`migrate diff\` on the same database)"
rm -rf "$cdir"

# ---- migration history ------------------------------------------------------------------------
# `prismac migrations status` over a generated folder of 200 SQLite migrations (tables with foreign
# keys, added columns, indexes, table rebuilds, data migrations), every one applied and recorded:
# in one process (best and median of 5; apply = running the scripts in the scratch database,
# introspect = reading its schema back after each migration that changes it), and as a fresh
# process (best of 5, wall clock).
echo
echo "== migrations status, SQLite (target with 200 migrations: < 2 s)"
mdir=$(mktemp -d /tmp/prismac-bench-migrations-XXXXXX)
printf '%-11s %12s %9s %10s %9s %14s %11s\n' migrations introspections "best ms" "median ms" "apply ms" "introspect ms" \
  "process ms"
for n in 50 200; do
  rm -rf "$mdir/$n"
  url=$("$BUILD/bench/bench_migrations" setup "$n" "$mdir/$n") || continue
  read -r count replays intro best median apply ims < <("$BUILD/bench/bench_migrations" run "$mdir/$n" 5)
  proc=999999
  for _ in 1 2 3 4 5; do
    t=$( { TIMEFORMAT='%R'; time "$BUILD/prismac" migrations status --dir "$mdir/$n/migrations" --db "$url" \
           >/dev/null 2>&1; } 2>&1 ) || true
    ms=$(awk -v w="$t" 'BEGIN { printf "%d", w * 1000 }')
    [ "$ms" -lt "$proc" ] && proc=$ms
  done
  printf '%-11s %12s %9s %10s %9s %14s %11s\n' "$count" "$intro" "$best" "$median" "$apply" "$ims" "$proc"
  [ "$n" = 200 ] && target "prismac migrations status, 200 migrations" "$proc" "<" 2000 "ms"
done
rm -rf "$mdir"

# ---- the targets ------------------------------------------------------------------------------
# margin: how many times over the target the figure is (limit / figure for times and sizes,
# figure / limit for throughputs and ratios); under 1: missed.
echo
echo "== targets (margin: limit / figure, or figure / limit for rates; < 1.00 missed)"
printf '%-58s %10s %12s %7s  %s\n' target figure limit margin ""
while IFS='|' read -r name value op limit unit; do
  awk -v n="$name" -v v="$value" -v op="$op" -v l="$limit" -v u="$unit" 'BEGIN {
    m = op == ">=" ? v / l : (v > 0 ? l / v : 99)
    ok = op == ">=" ? v >= l : op == "<=" ? v <= l : v < l
    printf "%-58s %10s %12s %6.2fx  %s\n", n, v " " u, op " " l " " u, m, ok ? "ok" : "MISSED" }'
done < "$targets"
