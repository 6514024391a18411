#!/usr/bin/env bash
# Runs every test of Bailanys from a bare Debian 12 machine: installs packages, builds, then
# runs unit tests (SQLite and a throwaway PostgreSQL), integration tests against the real
# binary, and browser tests in Chromium, all inside a network namespace that has nothing but
# loopback (so no test traffic can leave the machine).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
scripts/build.sh

if [[ $(id -u) -ne 0 ]]; then
  echo "error: the tests run in their own network namespace (unshare --net), which needs root" >&2
  exit 1
fi
mkdir -p tests/artifacts
exec unshare --net bash -c 'ip link set lo up && exec scripts/test-in-namespace.sh'
