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
work=$(mktemp -d)
out=${PROFILE_OUT:-$work}
mkdir -p "$out"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_file() {  # path, what, pid
  for _ in $(seq 1200); do
    [ -s "$1" ] && return 0
    kill -0 "$3" 2>/dev/null || { echo "$2 exited"; cat "$work/$2.log"; exit 1; }
    sleep 0.05
  done
  echo "timed out waiting for $2"; exit 1
}

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$work" --logfile "$work/redis.log" &
pids+=($!)
for _ in $(seq 100); do
  redis-cli -p "$redis_port" ping > /dev/null 2>&1 && break
  sleep 0.05
done

declare -A addr
profiled=
start_server() {  # name profile(0|1) binary args...
  local name=$1 profile=$2 binary=$3
  shift 3
  local prefix=()
  if [ "$profile" = 1 ]; then
    prefix=(valgrind --tool=callgrind --instr-atstart=no
            "--callgrind-out-file=$out/callgrind.out")
  fi
  "${prefix[@]}" "$binary" --host=127.0.0.1 --port=0 \
    --port_file="$work/$name.port" --auth=none --metrics_port=0 \
    --log_level=warning "$@" > "$work/$name.log" 2>&1 &
  pids+=($!)
  [ "$profile" = 1 ] && profiled=$!
  wait_file "$work/$name.port" "$name" "$!"
  addr[$name]="127.0.0.1:$(cat "$work/$name.port")"
}
target=scheduling
[ "$scenario" = get ] && target=decomposition
start_server decomposition "$([ $target = decomposition ] && echo 1 || echo 0)" \
  "$build/services/decomposition/backplan-decomposition" \
  --redis="127.0.0.1:$redis_port"
start_server prioritization 0 \
  "$build/services/prioritization/backplan-prioritization" \
  --redis="127.0.0.1:$redis_port"
start_server scheduling "$([ $target = scheduling ] && echo 1 || echo 0)" \
  "$build/services/scheduling/backplan-scheduling" \
  --redis="127.0.0.1:$redis_port" \
  --prioritization_address="${addr[prioritization]}"

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
