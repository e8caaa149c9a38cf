#!/usr/bin/env bash
# Fetches Redis's own test suite (tests/ of the source release) for the redis-server installed here,
# from Debian's source package, into .cache/redis-tests/<version>/, and prints that directory. The
# suite is not vendored: it is Redis's, and it must match the server the differential tests compare
# against. Debian's source lists are used from a private apt directory; /etc is not touched.
#
# One line is changed: external-server mode starts every file with FUNCTION FLUSH, which a server
# without Lua functions answers with an error; it is wrapped in `catch`.
#
# Exit status 0 with the path on stdout; non-zero (and nothing on stdout) when it cannot be had
# (no apt-get, no network, no installed redis-server).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
command -v redis-server >/dev/null 2>&1 || { echo "redis-server is not installed" >&2; exit 1; }
command -v apt-get >/dev/null 2>&1 || { echo "apt-get is missing" >&2; exit 1; }
full="$(dpkg-query -W -f='${source:Version}' redis-server 2>/dev/null || true)"
upstream="$(redis-server --version | sed -n 's/.* v=\([0-9.]*\).*/\1/p')"
[ -n "$full" ] && [ -n "$upstream" ] || { echo "cannot tell the installed redis-server version" >&2; exit 1; }
dest="$root/.cache/redis-tests/$upstream"
# Managed mode (the harness starts its own servers as src/redis-server): src/redis-server runs this
# repository's resplit-server with Redis's log format, which the harness reads ("PID:", "Ready to
# accept"); the other tools the tests call are the installed Redis's own.
managed_src() {
  mkdir -p "$dest/src"
  printf '#!/bin/sh\n# resplit-server in place of redis-server for Redis'"'"'s test harness (scripts/redis-test-suite.sh).\nexec "%s" "%s/bin/resplit-server" "$@" --log-format legacy\n' "$(command -v node)" "$root" > "$dest/src/redis-server"
  chmod +x "$dest/src/redis-server"
  for tool in redis-cli redis-benchmark redis-check-aof redis-check-rdb; do
    if command -v "$tool" >/dev/null 2>&1; then ln -sf "$(command -v "$tool")" "$dest/src/$tool"; fi
  done
  # integration/replication-4 and integration/replication load a Lua function in the set-up of a
  # server block (outside any test, so --skiptest cannot skip it) for tests that the managed plan
  # skips anyway: a server without functions would end the whole file there. Those loads are wrapped
  # in `catch` (idempotent: a wrapped line no longer matches).
  for f in replication-4 replication; do
    [ -f "$dest/tests/integration/$f.tcl" ] || continue
    perl -0pi -e 's/^(\s*)(\$(?:master|replica) (?:FUNCTION|function) load (?:replace )?\{#!lua name=test\n(?:[^\n]*\n)*?\1\})$/$1catch {$2}/mg' "$dest/tests/integration/$f.tcl"
  done
}
if [ -f "$dest/tests/test_helper.tcl" ]; then
  managed_src
  echo "$dest"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/sources" "$work/src"
codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$work/sources/src.sources" <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename
Components: main
Signed-By: $keyring

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $codename-security
Components: main
Signed-By: $keyring
EOF
apt_opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work/sources" -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "Debug::NoLocking=1" -qq)
apt-get "${apt_opts[@]}" update >&2
(cd "$work/src" && apt-get "${apt_opts[@]}" source --download-only "redis=$full" >&2)
tarball="$(ls "$work"/src/redis_*.orig.tar.gz | head -1)"
mkdir -p "$work/x"
tar -xzf "$tarball" -C "$work/x" --wildcards '*/tests/*'
top="$(ls "$work/x")"
sed -i 's/^\(\s*\)r function flush$/\1catch {r function flush}/' "$work/x/$top/tests/support/server.tcl"
grep -q 'catch {r function flush}' "$work/x/$top/tests/support/server.tcl" || { echo "server.tcl changed: FUNCTION FLUSH line not found" >&2; exit 1; }
mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$work/x/$top" "$dest"
managed_src
echo "$dest"
