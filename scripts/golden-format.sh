#!/bin/sh
# Regenerates the expected outputs of the `format` fixtures from Prisma's own formatter.
# Maintainer tool: needs node and the oracle (../shared/oracle); the tests never run it.
#
# For every fixtures/format/NNN-name.prisma (inputs; not *.formatted.prisma):
#   NNN-name.formatted.prisma   what `prisma format` writes (oracle.mjs format), byte for byte
#   NNN-name.format.err         the oracle's stderr, only when it fails (then no .formatted.prisma)
#   NNN-name.reformatted.txt    only when Prisma is NOT idempotent on this input: the result of
#                               formatting NNN-name.formatted.prisma once more
#   NNN-name.validate.err       only when the formatted schema is invalid: `oracle.mjs validate`
#                               stderr for it (named NNN-name.prisma). The real `prisma format`
#                               validates its output before writing, so it would print these
#                               errors, exit non-zero and leave the file untouched.
# Outputs of inputs that no longer exist are removed. Running it twice changes nothing.
#
# usage: scripts/golden-format.sh [FIXTURE...]     (default: all of fixtures/format)
# env:   ORACLE=path/to/oracle.mjs                 (default: ../shared/oracle/oracle.mjs)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/fixtures/format"
oracle=${ORACLE:-"$root/../shared/oracle/oracle.mjs"}
[ -f "$oracle" ] || { echo "golden-format: oracle not found: $oracle" >&2; exit 2; }
oracle=$(cd "$(dirname "$oracle")" && pwd)/$(basename "$oracle")
command -v node >/dev/null || { echo "golden-format: node is required" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Drop outputs whose input is gone.
for out in "$dir"/*.formatted.prisma "$dir"/*.format.err "$dir"/*.reformatted.txt "$dir"/*.validate.err; do
    [ -e "$out" ] || continue
    base=${out%.formatted.prisma}; base=${base%.format.err}; base=${base%.reformatted.txt}
    base=${base%.validate.err}
    [ -e "$base.prisma" ] || rm -f "$out"
done

if [ $# -gt 0 ]; then
    inputs="$*"
else
    inputs=$(ls "$dir"/[0-9][0-9][0-9]-*.prisma | grep -v '\.formatted\.prisma$')
fi

mkdir "$tmp/v"
n=0; failed=0; unstable=0; invalid=0
for src in $inputs; do
    case "$src" in *.formatted.prisma) continue ;; esac
    base=${src%.prisma}
    name=$(basename "$base")
    n=$((n + 1))
    if node "$oracle" format "$src" >"$tmp/out" 2>"$tmp/err"; then
        cp "$tmp/out" "$base.formatted.prisma"
        rm -f "$base.format.err"
        # Idempotency: format the formatted text again.
        if node "$oracle" format "$base.formatted.prisma" >"$tmp/again" 2>"$tmp/err2" \
            && cmp -s "$tmp/out" "$tmp/again"; then
            rm -f "$base.reformatted.txt"
        else
            cat "$tmp/err2" >>"$tmp/again"
            cp "$tmp/again" "$base.reformatted.txt"
            unstable=$((unstable + 1))
            echo "not idempotent: $name"
        fi
        # Would `prisma format` accept its own output? (It validates before writing.)
        cp "$tmp/out" "$tmp/v/$name.prisma"
        if (cd "$tmp/v" && node "$oracle" validate "$name.prisma") >/dev/null 2>"$tmp/verr"; then
            rm -f "$base.validate.err"
        else
            cp "$tmp/verr" "$base.validate.err"
            invalid=$((invalid + 1))
        fi
        rm -f "$tmp/v/$name.prisma"
    else
        cp "$tmp/err" "$base.format.err"
        rm -f "$base.formatted.prisma" "$base.reformatted.txt" "$base.validate.err"
        failed=$((failed + 1))
        echo "oracle failed: $name"
    fi
done
echo "golden-format: $n inputs, $failed failed, $unstable not idempotent, $invalid invalid after formatting"
