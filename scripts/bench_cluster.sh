#!/usr/bin/env bash
# Stored pipeline (Schedule{plan_id}: read the plan, prioritize, schedule,
# store the result) on one Redis against a 3-master, 3-replica Redis Cluster
# (scripts/redis_cluster.sh), in one run: builds Release binaries in
# build-bench/, starts the three services on one redis-server, then on the
# cluster (--redis_cluster), and runs backplan-load's `pipeline` scenario at
# BENCH_LEVELS calls in flight against each, alternating ROUNDS times
# (single, cluster, single, cluster, ...) so that load drifts on a shared
# machine hit both. Prints one line per run and the cluster/single ratio of
# OK calls/s per level (median over the rounds). Writes nothing. About
# 2 minutes.
#
# Environment: BENCH_BUILD_DIR (build-bench), BENCH_DURATION (5s),
# BENCH_WARMUP (1s), BENCH_LEVELS ("16"), BENCH_ROUNDS (2), BENCH_TASKS (50).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BENCH_BUILD_DIR:-build-bench}
duration=${BENCH_DURATION:-5s}
warmup=${BENCH_WARMUP:-1s}
levels=${BENCH_LEVELS:-16}
rounds=${BENCH_ROUNDS:-2}
tasks=${BENCH_TASKS:-50}

echo "== build ($build, Release)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DBACKPLAN_BUILD_TESTS=ON > /dev/null
cmake --build "$build" -j2 --target backplan-load backplan-decomposition \
  backplan-prioritization backplan-scheduling

source scripts/lib/services.sh
cluster_dir="$work/cluster"
stop_cluster() { scripts/redis_cluster.sh stop "$cluster_dir" || true; cleanup; }
trap stop_cluster EXIT

# Two sets of services: "single" on one redis-server, "cluster" on the
# cluster (each set's scheduling calls its own prioritization).
start_set() {  # name store-flag
  start_server "$1-decomposition" \
    "$build/services/decomposition/backplan-decomposition" "$2"
  start_server "$1-prioritization" \
    "$build/services/prioritization/backplan-prioritization" "$2"
  start_server "$1-scheduling" "$build/services/scheduling/backplan-scheduling" \
    "$2" --prioritization_address="${addr[$1-prioritization]}"
}
start_redis
start_set single --redis="127.0.0.1:$redis_port"
seeds=$(scripts/redis_cluster.sh start "$cluster_dir")
start_set cluster --redis_cluster="$seeds"

load=$build/tools/backplan-load/backplan-load
echo "== load: pipeline, $tasks tasks, $duration after $warmup warmup, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  for level in $levels; do
    for set in single cluster; do
      out="$work/$set-$level-$round.json"
      "$load" "${addr[$set-scheduling]}" --scenario=pipeline --tasks="$tasks" \
        --concurrency="$level" --connections=$(( level < 4 ? level : 4 )) \
        --decomposition_address="${addr[$set-decomposition]}" \
        --duration="$duration" --warmup="$warmup" --format=json \
        --progress=off > "$out"
      /usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
pct = {e["percentage"]: e["latency"] / 1e6 for e in r["latencyDistribution"]}
ok = r["statusCodeDistribution"].get("OK", 0) / (r["total"] / 1e9)
print("   round %s %-7s %3s in flight: %7.0f OK/s  p50 %.2f ms  p99 %.2f ms  %s"
      % (sys.argv[2], sys.argv[3], sys.argv[4], ok, pct.get(50, 0),
         pct.get(99, 0), r["statusCodeDistribution"]))' \
        "$out" "$round" "$set" "$level"
    done
  done
done
/usr/bin/python3 - "$work" "$rounds" "$levels" <<'PY'
import json, os, statistics, sys
work, rounds, levels = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
def ok_rps(path):
    r = json.load(open(path))
    return r["statusCodeDistribution"].get("OK", 0) / (r["total"] / 1e9)
for level in levels:
    m = {s: statistics.median(ok_rps(os.path.join(work, "%s-%s-%d.json" % (s, level, i)))
                              for i in range(1, rounds + 1))
         for s in ("single", "cluster")}
    print("== %s in flight: single %.0f OK/s, cluster %.0f OK/s, cluster/single %.2f"
          % (level, m["single"], m["cluster"], m["cluster"] / m["single"]))
PY
