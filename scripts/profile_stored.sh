#!/usr/bin/env bash
# Instruction counts per call of the stored paths under callgrind (stable on
# a noisy machine, unlike timings): starts redis-server and the three
# services from an already built Release tree (scripts/bench.sh builds one in
# build-bench/), runs the service under test under
# `valgrind --tool=callgrind` with collection switched on only while
# backplan-load drives it, and prints instructions per OK call and the
# functions with the largest inclusive share.
#
#   scripts/profile_stored.sh pipeline   # stored Schedule{plan_id}
#   scripts/profile_stored.sh get        # GetPlan
#
# Environment: BENCH_BUILD_DIR (build-bench), PROFILE_DURATION (20s),
# PROFILE_CONCURRENCY (4), PROFILE_TASKS (50), PROFILE_OUT (directory for
# callgrind.out; a temporary one by default), PROFILE_TOP (25).
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:?usage: scripts/profile_stored.sh pipeline|get}
build=${BENCH_BUILD_DIR:-build-bench}
duration=${PROFILE_DURATION:-20s}
concurrency=${PROFILE_CONCURRENCY:-4}
tasks=${PROFILE_TASKS:-50}
top=${PROFILE_TOP:-25}
# Redis, the three services (the one under test under callgrind, collection
# off until the load runs) and cleanup on exit.
source scripts/lib/services.sh
out=${PROFILE_OUT:-$work}
mkdir -p "$out"
target=scheduling
[ "$scenario" = get ] && target=decomposition
wrap_name=$target
wrap=(valgrind --tool=callgrind --instr-atstart=no
      "--callgrind-out-file=$out/callgrind.out")
wait_tries=1200  # A server under valgrind starts slowly.
start_services "$build"
profiled=${pid[$target]}

load=$build/tools/backplan-load/backplan-load
extra=()
[ "$scenario" = pipeline ] &&
  extra=(--decomposition_address="${addr[decomposition]}")
# Collection covers only the measured part of the run: the load tool's own
# setup calls (creating the plan, its first prioritization) run before it.
"$load" "${addr[$target]}" --scenario="$scenario" --tasks="$tasks" \
  --concurrency=1 --duration=2s --format=json --progress=off "${extra[@]}" \
  > /dev/null
callgrind_control -i on "$profiled" > /dev/null 2>&1
"$load" "${addr[$target]}" --scenario="$scenario" --tasks="$tasks" \
  --concurrency="$concurrency" --duration="$duration" --warmup=0s \
  --format=json --progress=off "${extra[@]}" > "$work/load.json"
callgrind_control -i off "$profiled" > /dev/null 2>&1
callgrind_control -d "$profiled" > /dev/null 2>&1
sleep 1
calls=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["statusCodeDistribution"].get("OK", 0))' "$work/load.json")
total=$(callgrind_annotate "$out/callgrind.out.1" 2>/dev/null |
        awk '/PROGRAM TOTALS/ && !done {gsub(",", "", $1); print $1; done = 1}')
echo "== $scenario: $calls OK calls at $concurrency in flight under callgrind"
echo "   instructions: $total total, $(( total / (calls > 0 ? calls : 1) )) per call"
echo "== top inclusive costs (share of all instructions)"
callgrind_annotate --inclusive=yes "$out/callgrind.out.1" 2>/dev/null |
  (
  awk -v total="$total" -v top="$top" '
    /^ *[0-9,]+ .*\(/ && n < top {
      ir = $1; gsub(",", "", ir);
      sub(/^ *[0-9,]+ +(\([^)]*\) +)?/, "");
      printf "   %5.1f %%  %s\n", 100 * ir / total, substr($0, 1, 150); n++ }' || true)
