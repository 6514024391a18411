#!/usr/bin/env bash
# The test suites, run by scripts/test.sh inside a loopback-only network namespace.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
artifacts="$root/tests/artifacts"
mkdir -p "$artifacts"
export BAILANYS_BIN="$root/build/src/bailanys"

# --- a throwaway PostgreSQL on loopback -------------------------------------------------
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_dir=$(mktemp -d /tmp/bailanys-pg.XXXXXX)
pg_port=55432
chown postgres "$pg_dir"
stop_pg() { runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1; rm -rf "$pg_dir"; }
trap stop_pg EXIT
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c max_connections=200" start >/dev/null
export BAILANYS_TEST_PG_URL="postgresql://postgres@127.0.0.1:$pg_port/postgres"
export BAILANYS_REQUIRE_PG=1
echo "==> PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"

passed=0
failed=0
suite_failed=()

# ctest: "100% tests passed, 0 tests failed out of 85"
echo "==> unit tests (GoogleTest, SQLite and PostgreSQL)"
ctest --test-dir build --output-on-failure 2>&1 | tee "$artifacts/unit.log" | grep -vE '^\s+(Start|[0-9]+/[0-9]+ Test)' 
line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$artifacts/unit.log" | tail -n 1)
if [[ -n "$line" ]]; then
  total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  bad=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
  passed=$((passed + total - bad)); failed=$((failed + bad))
  ((bad == 0)) || suite_failed+=(unit)
else
  suite_failed+=(unit); failed=$((failed + 1))
fi

run_node_suite() {  # name, folder
  echo "==> $1"
  (cd tests && node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="$artifacts/$1.tap" "$2/") 2>&1 | tee "$artifacts/$1.log"
  local p f
  p=$(grep -E '^# pass [0-9]+' "$artifacts/$1.tap" | awk '{print $3}' | tail -n 1)
  f=$(grep -E '^# fail [0-9]+' "$artifacts/$1.tap" | awk '{print $3}' | tail -n 1)
  if [[ -z "$p" || -z "$f" ]]; then suite_failed+=("$1"); failed=$((failed + 1)); return; fi
  passed=$((passed + p)); failed=$((failed + f))
  ((f == 0 && p > 0)) || suite_failed+=("$1")
}
run_node_suite integration integration
run_node_suite e2e e2e

echo
echo "Artifacts (logs, screenshots): $artifacts"
if ((${#suite_failed[@]})); then echo "Failed suites: ${suite_failed[*]}"; fi
echo "$passed passed, $failed failed"
((${#suite_failed[@]} == 0))
