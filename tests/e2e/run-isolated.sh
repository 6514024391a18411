#!/bin/sh
# Runs the browser end-to-end tests inside a fresh network namespace with nothing but loopback
# addresses (see /work/shared/TESTING.md, "Keep every WebRTC test on loopback"): Chromium cannot
# gather candidates on, or send anything to, the machine's real interfaces. Needs root (CI is root).
#
#   tests/e2e/run-isolated.sh                       # all e2e tests
#   tests/e2e/run-isolated.sh e2e/chat.test.mjs     # some of them (paths relative to tests/)
#
# Besides `lo`, the namespace gets a veth pair whose one end holds 127.0.0.5/32 (the same trick as
# for Janus in TESTING.md). Reason: with only `lo`, Chromium decides the machine has no network at
# all (navigator.onLine === false from the start), so the client shows "No network connection" on
# every reconnect and context.setOffline() can fire no 'offline'/'online' events. With the veth,
# navigator.onLine is true, as on a user's machine; every address is still in 127.0.0.0/8.
#
# Environment (BAILANYS_BIN, BAILANYS_WEB_ROOT, CHROMIUM_BIN) is passed through.
set -eu
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then set -- e2e/; fi
exec unshare --net sh -c '
  set -e
  ip link set lo up
  ip link add e2e0 type veth peer name e2e1
  ip addr add 127.0.0.5/32 dev e2e0
  ip link set e2e0 up
  ip link set e2e1 up
  exec node --test --test-concurrency=1 "$@"' sh "$@"
