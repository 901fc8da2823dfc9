#!/usr/bin/env bash
# The whole test suite: installs missing packages, builds with tests in build/,
# starts its own redis-server on a free loopback port, runs every test (unit,
# integration against real Redis and real server processes, Python end to
# end), then the sanitizer passes (address+undefined on the pure libraries
# and the store, thread on the store), then the deployment checks. Stops
# whatever it started, whatever happens; exits non-zero on any failure.
# Between the build and the tests it runs the include-layering check, and
# starts clang-tidy on the whole tree (scripts/tidy.sh --all: every source
# of build/, tests included, in groups of one translation unit each;
# RELIABILITY.md "Tidy cost"), one niced process in the background while
# the tests, sanitizer builds and single-core fuzz pass run; at the end it
# lets tidy use both cores, waits for it and fails on any finding.
# `scripts/test.sh fast` is the quick loop: unit tests only (see below).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
start=$(date +%s)

# `scripts/test.sh fast`: the quick loop. The layering check, an incremental
# build of build/, then the unit tests only: no Redis, no server processes,
# no Python suites, no sanitizers (ctest labels integration, bench, browser
# and image are left out). The full suite below is what CI runs.
if [ "${1:-}" = "fast" ]; then
  scripts/check_layering.sh
  cmake -S . -B build -G Ninja -DBACKPLAN_BUILD_TESTS=ON -DBACKPLAN_BUILD_SERVICES=ON \
    "-DBACKPLAN_SKIP_LIBS=" "-DBACKPLAN_SANITIZE=" > /dev/null
  cmake --build build
  (cd build && ctest --output-on-failure -j2 --timeout 120 \
    -LE "integration|bench|browser|image")
  echo "== fast tests passed in $(( $(date +%s) - start )) s"
  exit 0
fi

scripts/install_deps.sh

echo "== build (build/)"
cmake -S . -B build -G Ninja -DBACKPLAN_BUILD_TESTS=ON -DBACKPLAN_BUILD_SERVICES=ON \
  "-DBACKPLAN_SKIP_LIBS=" "-DBACKPLAN_SANITIZE=" > /dev/null
cmake --build build

work=$(mktemp -d)
redis_pid=""
tidy_pid=""
cleanup() {
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
  if [ -n "$tidy_pid" ]; then kill -- "-$tidy_pid" 2>/dev/null || true; wait "$tidy_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== layering (docs/ARCHITECTURE.md); clang-tidy (whole tree) starts in the background"
scripts/check_layering.sh
# Its own process group (setsid), so cleanup can stop it and its children;
# niced, so it takes the cores the foreground leaves idle (e2e sleeps, the
# single-core fuzzers) rather than slowing the timed steps.
echo 1 > "$work/tidy.jobs"
setsid nice -n 10 scripts/tidy.sh --all --build build --jobs "$work/tidy.jobs" \
  > "$work/tidy.log" 2>&1 &
tidy_pid=$!

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$work" --logfile "$work/redis.log" &
redis_pid=$!
for _ in $(seq 50); do
  redis-cli -p "$redis_port" ping > /dev/null 2>&1 && break
  sleep 0.1
done
export BACKPLAN_TEST_REDIS="127.0.0.1:$redis_port"
echo "== redis on $BACKPLAN_TEST_REDIS"

echo "== tests"
(cd build && ctest --output-on-failure -j2 --timeout 600)

echo "== sanitizers: address,undefined (libraries and store)"
cmake -S . -B build-asan -G Ninja -DBACKPLAN_SANITIZE=address,undefined \
  -DBACKPLAN_BUILD_SERVICES=OFF -DCMAKE_BUILD_TYPE=Debug > /dev/null
cmake --build build-asan
(cd build-asan && ctest --output-on-failure -j2 --timeout 600)

echo "== sanitizers: thread (store, cluster router, compute pool, simulation, search islands, admission queue)"
cmake -S . -B build-tsan -G Ninja -DBACKPLAN_SANITIZE=thread \
  -DBACKPLAN_BUILD_SERVICES=OFF -DCMAKE_BUILD_TYPE=Debug > /dev/null
cmake --build build-tsan --target store_redis_plan_store_test \
  store_in_memory_plan_store_test common_compute_pool_test \
  schedule_simulate_test schedule_simulate_calendar_test \
  schedule_rcpsp_genetic_test store_redis_limits_test \
  store_redis_pool_observer_test rpc_admission_test store_digest_cache_test \
  store_redis_cluster_store_test store_cluster_slots_cluster_test \
  store_cluster_slots_test
(cd build-tsan && ctest --output-on-failure -j2 --timeout 600 \
  -R "(Store|Redis|Pool|simulate|genetic|Admission|DigestCache|cluster)")

echo "== fuzzing (libFuzzer, clang): ${BACKPLAN_FUZZ_SECONDS:-30} s per target"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DBACKPLAN_FUZZ=ON \
  -DBACKPLAN_BUILD_SERVICES=OFF -DBACKPLAN_BUILD_TESTS=OFF > /dev/null
cmake --build build-fuzz --target plan_fuzz recipe_fuzz pattern_fuzz plan_edit_fuzz
mkdir -p "$work/corpus-plan" "$work/corpus-recipe" "$work/corpus-pattern" "$work/corpus-edit"
cp libs/decompose/testdata/*.yaml "$work/corpus-recipe/"
build-fuzz/tests/fuzz/plan_fuzz -max_total_time="${BACKPLAN_FUZZ_SECONDS:-30}" \
  -print_final_stats=1 "$work/corpus-plan" 2>&1 | grep -E "^(stat::number_of_executed_units|Done)|ERROR"
build-fuzz/tests/fuzz/recipe_fuzz -max_total_time="${BACKPLAN_FUZZ_SECONDS:-30}" -max_len=4096 \
  -print_final_stats=1 "$work/corpus-recipe" 2>&1 | grep -E "^(stat::number_of_executed_units|Done)|ERROR"
build-fuzz/tests/fuzz/pattern_fuzz -max_total_time="${BACKPLAN_FUZZ_SECONDS:-30}" -timeout=10 \
  -rss_limit_mb=2048 -max_len=512 -print_final_stats=1 "$work/corpus-pattern" 2>&1 \
  | grep -E "^(stat::number_of_executed_units|Done)|ERROR"
build-fuzz/tests/fuzz/plan_edit_fuzz -max_total_time="${BACKPLAN_FUZZ_SECONDS:-30}" -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 "$work/corpus-edit" 2>&1 \
  | grep -E "^(stat::number_of_executed_units|Done)|ERROR"

if [ -x scripts/check_deploy.sh ]; then
  echo "== deployment checks"
  scripts/check_deploy.sh
fi

echo "== clang-tidy, whole tree (.clang-tidy; started after the build)"
echo 2 > "$work/tidy.jobs"  # Both cores are free now.
tidy_status=0
wait "$tidy_pid" || tidy_status=$?
tidy_pid=""
cat "$work/tidy.log"
if [ "$tidy_status" -ne 0 ]; then
  exit 1
fi

echo "== all passed in $(( $(date +%s) - start )) s"
