#!/usr/bin/env bash
# Installs what building, running and testing Bailanys needs on Debian 12.
# Usage: scripts/install-deps.sh [--test]   (--test adds Chromium, PostgreSQL and Node packages)
set -euo pipefail
cd "$(dirname "$0")/.."

build_packages=(build-essential cmake ninja-build ccache pkg-config libssl-dev libboost-dev
  libboost-system-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev libsqlite3-dev
  libpq-dev libsodium-dev libgtest-dev libgmock-dev libsrtp2-dev zlib1g-dev libbenchmark-dev)
# clang + its runtime for the libFuzzer targets (scripts/fuzz.sh).
test_packages=(chromium postgresql nodejs npm iproute2 util-linux curl clang libclang-rt-14-dev)

want=("${build_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then want+=("${test_packages[@]}"); fi

missing=()
for p in "${want[@]}"; do
  # node/npm may come from elsewhere than Debian (e.g. NodeSource); accept any working one.
  if [[ "$p" == nodejs ]] && command -v node >/dev/null; then continue; fi
  if [[ "$p" == npm ]] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "==> installing: ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--test" ]]; then
  echo "==> npm packages for the tests"
  (cd tests && npm ci --no-audit --no-fund --loglevel=error)
fi
