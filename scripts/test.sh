#!/usr/bin/env bash
# Runs every test of Bailanys from a bare Debian 12 machine: installs packages, builds, then
# runs unit tests (SQLite and a throwaway PostgreSQL; once more under ASan+UBSan), the fuzzers
# briefly, a microbenchmark smoke run, integration tests against the real binary, and browser
# tests in Chromium, all inside a network namespace that has nothing but
# loopback (so no test traffic can leave the machine).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
scripts/build.sh
echo "==> unit tests with AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)"
scripts/sanitize.sh
echo "==> libFuzzer targets (build-fuzz/)"
scripts/fuzz.sh --build-only

if [[ $(id -u) -ne 0 ]]; then
  echo "error: the tests run in their own network namespace (unshare --net), which needs root" >&2
  exit 1
fi
mkdir -p tests/artifacts
# Besides lo, a veth pair holding 127.0.0.5/32: with lo alone Chromium believes the machine is
# offline (navigator.onLine is false) and the client's online/offline handling cannot be tested.
# Every address in the namespace is still in 127.0.0.0/8.
exec unshare --net bash -c 'set -e
  ip link set lo up
  ip link add bt0 type veth peer name bt1
  ip addr add 127.0.0.5/32 dev bt0
  ip link set bt0 up
  ip link set bt1 up
  exec scripts/test-in-namespace.sh'
