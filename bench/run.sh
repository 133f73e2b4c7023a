#!/usr/bin/env bash
# make bench: throughput and memory of each stage on generated schemas of 10 to 5,000 models.
set -euo pipefail
BUILD=${BUILD:-build}
out=bench/out
mkdir -p "$out"
sizes="10 100 1000 5000"
for n in $sizes; do
  [ -s "$out/models-$n.prisma" ] || "$BUILD/bench/genschema" "$n" postgresql > "$out/models-$n.prisma"
done

echo "== lex+parse (target on 5,000 models: >= 200 MB/s, peak RSS <= 10x the input)"
printf '%8s %10s %12s %12s %13s %10s\n' models bytes "MB/s (wall)" "MB/s (cpu)" "peak RSS" "RSS/input"
for n in $sizes; do
  read -r bytes mbs cpu rss ratio blocks < <("$BUILD/bench/bench_parse" "$out/models-$n.prisma" 9)
  printf '%8s %10s %12s %12s %9s KiB %9sx\n' "$n" "$bytes" "$mbs" "$cpu" "$rss" "$ratio"
done
