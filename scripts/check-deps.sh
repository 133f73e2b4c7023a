#!/usr/bin/env bash
# Checks (and with --install, installs) the Debian packages prismac needs to build and test.
set -euo pipefail
install=0
[ "${1:-}" = "--install" ] && install=1

missing=()
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need_file() { [ -e "$1" ] || missing+=("$2"); }

need_cmd re2c re2c
need_cmd lemon lemon
need_file /usr/share/lemon/lempar.c lemon
need_cmd cc gcc
need_cmd make make
need_file /usr/include/cmocka.h libcmocka-dev
need_file /usr/include/jansson.h libjansson-dev
need_file /usr/include/sqlite3.h libsqlite3-dev
need_file /usr/include/postgresql/libpq-fe.h libpq-dev
need_file /usr/include/openssl/sha.h libssl-dev
need_cmd sqlite3 sqlite3
need_cmd git git
# A PostgreSQL server for the live tests (initdb and pg_ctl from the postgresql package).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
# unique, in order
pkgs=$(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++' | tr '\n' ' ')
if [ "$install" = 1 ]; then
  echo "installing: $pkgs"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # shellcheck disable=SC2086
  $sudo_cmd apt-get install -y -qq --no-install-recommends $pkgs
  exit 0
fi
echo "prismac: missing build or test dependencies (Debian packages): $pkgs" >&2
echo "install them with: make deps   (or: apt-get install -y $pkgs)" >&2
exit 1
