#!/usr/bin/env bash
# Builds the unit tests with AddressSanitizer and UndefinedBehaviorSanitizer into build-asan/.
# Usage: scripts/sanitize.sh [--run]   (--run also runs them with ctest; PostgreSQL cases need
# BAILANYS_TEST_PG_URL, as in scripts/test-in-namespace.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBAILANYS_SANITIZE=address,undefined >/dev/null
# Only the test binaries: the server itself is covered by the normal build and its tests.
targets=$(ninja -C build-asan -t targets all | grep -oE '^bailanys_[a-z_]*tests' | sort -u)
cmake --build build-asan --target $targets
if [[ "${1:-}" == "--run" ]]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure
fi
