#!/bin/bash
# One side-by-side run of bailanys-load against Janus (VideoRoom) and against Bailanys, inside a
# network namespace of its own (only loopback and a veth pair for Janus's 127.0.0.5), one server
# after the other with the same options. Prints each result table and each server's CPU time
# (utime+stime from /proc/PID/stat) from just before the load run to just after it.
# Usage: side-by-side.sh BUILD_DIR [bailanys-load options...]   (root: it calls unshare --net)
# e.g.   side-by-side.sh build --participants 4 --duration 5 --srtp aes-cm
set -euo pipefail
if [ "${1:-}" != "--inside" ]; then
  exec unshare --net "$0" --inside "$@"
fi
shift
build=$(cd "$1" && pwd); shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/bailanys-side-by-side.XXXXXX)
ip link set lo up
ip link add jveth0 type veth peer name jveth1
ip addr add 127.0.0.5/32 dev jveth0
ip link set jveth0 up
ip link set jveth1 up
# Janus pins its sockets to that interface (IP_UNICAST_IF): its packets to our 127.0.0.1 leave
# through jveth0 and come back on jveth1. Let 127/8 and our own source address cross the pair
# (this namespace's sysctls only).
for dev in all jveth0 jveth1; do
  sysctl -qw "net.ipv4.conf.$dev.route_localnet=1" "net.ipv4.conf.$dev.accept_local=1" "net.ipv4.conf.$dev.rp_filter=0"
done

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
wait_port() {
  for _ in $(seq 100); do ss -ltn "sport = :$1" | grep -q LISTEN && return 0; sleep 0.1; done
  echo "nothing listens on port $1" >&2; return 1
}
measure() {  # measure NAME PID load-args...
  local name=$1 pid=$2; shift 2
  local before after hz
  hz=$(getconf CLK_TCK)
  before=$(ticks "$pid")
  local start=$(date +%s.%N)
  "$build/bench/load/bailanys-load" "$@" || echo "($name: bailanys-load exited with $?)"
  local end=$(date +%s.%N)
  after=$(ticks "$pid")
  awk -v n="$name" -v t=$((after - before)) -v hz="$hz" -v s="$start" -v e="$end" \
    'BEGIN { printf "%s server CPU over the load run: %.2f s in %.1f s wall (%.1f %% of a core)\n", n, t / hz, e - s, 100 * t / hz / (e - s) }'
}

"$here/janus-config.sh" "$work/janus" 8188
janus -F "$work/janus" -C "$work/janus/janus.jcfg" -E jveth0 -i 127.0.0.5 >"$work/janus.log" 2>&1 &
pids+=($!); janus_pid=$!
wait_port 8188
echo "== Janus $(janus --version 2>/dev/null | head -1 | sed 's/.*(\(.*\))/\1/') (log: $work/janus.log)"
measure janus "$janus_pid" --server janus --url ws://127.0.0.1:8188 "$@"
kill "$janus_pid"

mkdir -p "$work/bailanys"
"$build/src/bailanys" serve --listen 127.0.0.1:8080 --data-dir "$work/bailanys" --rtc-udp-port 0 --rtc-tcp-port 0 \
  >"$work/bailanys.log" 2>&1 &
pids+=($!); bailanys_pid=$!
wait_port 8080
echo "== Bailanys (log: $work/bailanys.log)"
measure bailanys "$bailanys_pid" --url http://127.0.0.1:8080 "$@"
