#!/usr/bin/env bash
# Installs the real Redis tools the tests and benchmarks compare against (redis-server, redis-cli,
# redis-benchmark), twemproxy (nutcracker, for the proxy benchmark) and tcl (Redis's own test suite) when they
# are missing and this machine can install Debian packages. Without them the real-Redis tests skip, unless
# RESPLIT_REQUIRE_REDIS=1 (CI), where they fail.
set -u
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
command -v nutcracker >/dev/null 2>&1 || need+=(nutcracker)
command -v tclsh >/dev/null 2>&1 || need+=(tcl)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${need[*]} (Debian packages)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null || echo "could not install ${need[*]}" >&2
  # The Debian package starts a system redis-server on 6379; the tests do not need it.
  (service redis-server stop || systemctl stop redis-server) >/dev/null 2>&1 || true
else
  echo "missing ${need[*]}: install them (apt-get install redis-server redis-tools nutcracker tcl) for the real-Redis tests" >&2
fi
exit 0
