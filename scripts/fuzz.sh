#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, with ASan+UBSan) and runs each for a while.
# Usage: scripts/fuzz.sh [--build-only] [SECONDS] [TARGET...]
#   SECONDS  how long each target runs (default 60)
#   TARGET   stun_fuzz, rtp_fuzz, rtcp_fuzz, sdp_fuzz (default: all of fuzz/*_fuzz.cpp)
# Seeds come from tests/data/fuzz/<name>/ (copied, never modified). A crash fails the run and
# leaves the input under tests/artifacts/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

build_only=0
if [[ "${1:-}" == "--build-only" ]]; then build_only=1; shift; fi
seconds="${1:-60}"
shift || true

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBAILANYS_FUZZ=ON -DBAILANYS_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz
((build_only)) && exit 0

targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in fuzz/*_fuzz.cpp; do targets+=("$(basename "$f" .cpp)"); done
fi

artifacts="$root/tests/artifacts/fuzz"
mkdir -p "$artifacts"
status=0
for t in "${targets[@]}"; do
  name="${t%_fuzz}"
  corpus=$(mktemp -d /tmp/bailanys-fuzz-$name.XXXXXX)
  if [[ -d "tests/data/fuzz/$name" ]]; then cp -r "tests/data/fuzz/$name/." "$corpus/"; fi
  echo "==> $t for ${seconds}s"
  if "build-fuzz/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 \
       -artifact_prefix="$artifacts/$t-" "$corpus" >"$artifacts/$t.log" 2>&1; then
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$artifacts/$t.log" | tr '\n' ' '
    echo "ok"
  else
    echo "FAILED: $t crashed (log: $artifacts/$t.log)"
    tail -n 30 "$artifacts/$t.log"
    status=1
  fi
  rm -rf "$corpus"
done
exit $status
