#!/usr/bin/env bash
# Builds Bailanys and runs it on the embedded SQLite default.
# Usage: scripts/run.sh [serve options...]   e.g. scripts/run.sh --listen 0.0.0.0:8443 --tls-cert c.pem --tls-key k.pem
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/src/bailanys serve "$@"
