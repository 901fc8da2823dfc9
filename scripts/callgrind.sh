#!/usr/bin/env bash
# Instruction counts per call under valgrind's callgrind (stable on a noisy
# machine, unlike times): starts the echo on the services' bootstrap and the
# bare echo (`backplan-echo --bare`) from build-bench/ (scripts/bench.sh
# builds it) under callgrind with instrumentation off, warms each up, counts
# CALLGRIND_CALLS calls of CALLGRIND_SCENARIO with instrumentation on, and
# prints the instructions per call and the top functions by their own
# (exclusive) instructions with their share. Bench-only: needs valgrind
# (Debian package `valgrind`). About 2 minutes.
#
# Environment: BENCH_BUILD_DIR (build-bench), CALLGRIND_SCENARIO (get),
# CALLGRIND_CALLS (2000), CALLGRIND_CONCURRENCY (4), CALLGRIND_TOP (15),
# CALLGRIND_TARGETS ("echo bare"), CALLGRIND_ECHO_ARGS (extra flags of the
# bootstrap echo, e.g. --sync_pollers=-1).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BENCH_BUILD_DIR:-build-bench}
scenario=${CALLGRIND_SCENARIO:-get}
calls=${CALLGRIND_CALLS:-2000}
concurrency=${CALLGRIND_CONCURRENCY:-4}
top=${CALLGRIND_TOP:-15}
targets=${CALLGRIND_TARGETS:-"echo bare"}
command -v valgrind > /dev/null || { echo "needs valgrind (apt-get install valgrind)"; exit 1; }
echo_bin=$build/tests/bench/echo/backplan-echo
load=$build/tools/backplan-load/backplan-load

work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [ -n "${CALLGRIND_KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for target in $targets; do
  read -r -a extra <<< "${CALLGRIND_ECHO_ARGS:-}"
  [ "$target" = bare ] && extra=(--bare)
  rm -f "$work/port"
  valgrind --tool=callgrind --instr-atstart=no \
    --callgrind-out-file="$work/$target.out" \
    "$echo_bin" --host=127.0.0.1 --port=0 --port_file="$work/port" \
    --auth=none --metrics_port=0 --log_level=warning "${extra[@]}" \
    > "$work/$target.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || { echo "$target did not start"; cat "$work/$target.log"; exit 1; }
  address=127.0.0.1:$(cat "$work/port")
  "$load" "$address" --scenario="$scenario" --concurrency="$concurrency" \
    --total=200 --progress=off > /dev/null
  callgrind_control -i on "$pid" > /dev/null
  "$load" "$address" --scenario="$scenario" --concurrency="$concurrency" \
    --total="$calls" --progress=off --format=json > "$work/$target.json"
  callgrind_control -i off "$pid" > /dev/null
  kill "$pid"; wait "$pid" 2>/dev/null || true
  pid=""
  callgrind_annotate --threshold=100 --auto=no "$work/$target.out" \
    > "$work/$target.txt" 2>/dev/null
  total=$(awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}' \
          "$work/$target.txt")
  echo "== $target, scenario $scenario: $calls calls, $total instructions:" \
    "$(( total / calls )) per call"
  awk -v total="$total" -v calls="$calls" -v top="$top" '
      /^-+$/ { dashes++; next }
      dashes >= 6 && NF >= 3 && n < top {
        ir = $1; gsub(",", "", ir);
        if (ir + 0 == 0) next;
        sub(/^ *[0-9,]+ *\( *[0-9.]+%\) */, "");
        sub(/^\.\/[^:]*\//, "");
        printf "  %5.1f %%  %8d per call  %s\n", 100 * ir / total, ir / calls, $0;
        n++
      }' "$work/$target.txt"
done
