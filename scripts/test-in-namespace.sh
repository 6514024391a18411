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
run_ctest_suite() {  # name, build folder, extra env...
  local name=$1 dir=$2
  shift 2
  echo "==> $name"
  env "$@" ctest --test-dir "$dir" --output-on-failure 2>&1 | tee "$artifacts/$name.log" | grep -vE '^\s+(Start|[0-9]+/[0-9]+ Test)'
  local line total bad
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$artifacts/$name.log" | tail -n 1)
  if [[ -n "$line" ]]; then
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    bad=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
    passed=$((passed + total - bad)); failed=$((failed + bad))
    ((bad == 0)) || suite_failed+=("$name")
  else
    suite_failed+=("$name"); failed=$((failed + 1))
  fi
}
run_ctest_suite unit build
run_ctest_suite unit-sanitized build-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# Each fuzzer briefly (scripts/fuzz.sh runs them longer by hand); a crash fails the run.
echo "==> fuzzers (${BAILANYS_FUZZ_SECONDS:-15} s each)"
fuzz_out=$(scripts/fuzz.sh "${BAILANYS_FUZZ_SECONDS:-15}" 2>&1 | tee "$artifacts/fuzz.log"; exit "${PIPESTATUS[0]}")
fuzz_status=$?
echo "$fuzz_out" | grep -E '^==>|ok$|FAILED'
ok_count=$(grep -cE 'ok$' <<<"$fuzz_out" || true)
bad_count=$(grep -cE '^FAILED' <<<"$fuzz_out" || true)
passed=$((passed + ok_count)); failed=$((failed + bad_count))
if ((fuzz_status != 0 || ok_count == 0)); then suite_failed+=(fuzz); fi

# clang-tidy (warnings are errors) over the media code.
echo "==> clang-tidy"
if scripts/lint.sh 2>&1 | tee "$artifacts/lint.log" | tail -n 30; [[ ${PIPESTATUS[0]} -eq 0 ]]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); suite_failed+=(lint)
fi

# The microbenchmarks run for a moment so they cannot rot (numbers: docs/BENCHMARKS.md).
echo "==> microbenchmarks (smoke)"
if build/bench/bailanys_microbench --benchmark_min_time=0.01 >"$artifacts/microbench.log" 2>&1; then
  passed=$((passed + 1)); echo "ok"
else
  failed=$((failed + 1)); suite_failed+=(microbench); tail -n 20 "$artifacts/microbench.log"
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
