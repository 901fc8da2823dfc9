#!/usr/bin/env bash
# Load benchmarks of the services against the echo baseline: builds Release
# binaries in build-bench/, starts redis-server, the three services,
# backplan-echo (the services' bootstrap) and `backplan-echo --bare` (plain
# gRPC callback server) on free loopback ports, runs every scenario with
# backplan-load against the service, the echo and the bare echo at 1, 16, 64
# and 256 calls in flight, prints a table of QPS, p50 and p99 with the ratio
# to echo, the echo's ratio to the bare echo and the servers' CPU time per
# call (utime+stime from /proc over the measured part), and writes it into
# BENCHMARKS.md between <!-- load:begin --> and <!-- load:end -->. Stops
# whatever it started, whatever happens. About 8 minutes.
#
# Environment: BENCH_BUILD_DIR (build-bench), BENCH_DURATION (5s),
# BENCH_WARMUP (1s), BENCH_LEVELS ("1 16 64"), BENCH_CONNECTIONS (auto: one per
# call in flight, at most 4),
# BENCH_SCENARIOS ("prioritize schedule pipeline get decompose"),
# BENCH_TASKS (50), BENCH_NO_WRITE (1: print only, leave BENCHMARKS.md),
# BENCH_SERVER_ARGS (extra flags of the services and the bootstrap echo, for
# before/after runs, e.g. "--sync_pollers=-1 --max_running_calls=-1").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${BENCH_BUILD_DIR:-build-bench}
duration=${BENCH_DURATION:-5s}
warmup=${BENCH_WARMUP:-1s}
levels=${BENCH_LEVELS:-"1 16 64 256"}
connections=${BENCH_CONNECTIONS:-auto}
scenarios=${BENCH_SCENARIOS:-"prioritize schedule pipeline get decompose"}
tasks=${BENCH_TASKS:-50}
command_line="scripts/bench.sh"
read -r -a server_args <<< "${BENCH_SERVER_ARGS:-}"
for var in BENCH_BUILD_DIR BENCH_DURATION BENCH_WARMUP BENCH_LEVELS \
           BENCH_CONNECTIONS BENCH_SCENARIOS BENCH_TASKS BENCH_SERVER_ARGS; do
  if [ -n "${!var:-}" ]; then command_line="$var=\"${!var}\" $command_line"; fi
done

echo "== build ($build, Release)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DBACKPLAN_BUILD_TESTS=ON > /dev/null
cmake --build "$build" -j2 --target backplan-load backplan-echo \
  backplan-decomposition backplan-prioritization backplan-scheduling

# Redis, the three services and `start_server` (cleanup on exit included).
source scripts/lib/services.sh
start_services "$build"
start_server echo "$build/tests/bench/echo/backplan-echo" --echo_tasks="$tasks"
start_server bare "$build/tests/bench/echo/backplan-echo" --echo_tasks="$tasks" \
  --bare
echo "== servers: decomposition ${addr[decomposition]}, prioritization" \
  "${addr[prioritization]}, scheduling ${addr[scheduling]}, echo ${addr[echo]}," \
  "bare echo ${addr[bare]}, redis 127.0.0.1:$redis_port"

load=$build/tools/backplan-load/backplan-load
# Server CPU per call counts every Backplan service process (a stored
# pipeline call crosses several), or the one echo; not Redis.
service_pids="${pid[decomposition]},${pid[prioritization]},${pid[scheduling]}"
run() {  # scenario level target(service|echo|bare)
  local scenario=$1 level=$2 target=$3 address extra=() conns=$connections
  local cpu_pids=$service_pids
  if [ "$conns" = auto ]; then conns=$(( level < 4 ? level : 4 )); fi
  case $scenario in
    prioritize) address=${addr[prioritization]} ;;
    schedule) address=${addr[scheduling]} ;;
    pipeline) address=${addr[scheduling]}
              extra=(--decomposition_address="${addr[decomposition]}") ;;
    get | decompose) address=${addr[decomposition]} ;;
  esac
  if [ "$target" != service ]; then
    address=${addr[$target]}
    cpu_pids=${pid[$target]}
    [ "$scenario" = pipeline ] && extra=(--decomposition_address="$address")
  fi
  "$load" "$address" --scenario="$scenario" --tasks="$tasks" \
    --concurrency="$level" --connections="$conns" --cpu_pids="$cpu_pids" \
    --duration="$duration" --warmup="$warmup" --format=json --progress=off \
    "${extra[@]}" > "$work/$scenario-$level-$target.json"
  /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("   %-8s %-10s %3s in flight: %8.0f calls/s  p99 %.2f ms  server %.0f us/call  client %.0f us/call  %s" % (sys.argv[2], sys.argv[3], sys.argv[4], r["rps"], (r["latencyDistribution"] or [{"latency":0}]*7)[6]["latency"]/1e6, r["serverCpuNsPerCall"]/1e3, r["clientCpuNsPerCall"]/1e3, r["statusCodeDistribution"]))' \
    "$work/$scenario-$level-$target.json" "$target" "$scenario" "$level"
}

loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== load: $duration after $warmup warmup per run, connections: $connections, load average $loadavg"
for scenario in $scenarios; do
  for level in $levels; do
    run "$scenario" "$level" service
    run "$scenario" "$level" echo
    run "$scenario" "$level" bare
  done
done

/usr/bin/python3 - "$work" "$root/BENCHMARKS.md" "$command_line" "$(nproc)" \
  "$duration" "$warmup" \
  "$([ "$connections" = auto ] && echo "one per call in flight, at most 4" || echo "$connections")" \
  "$tasks" "${BENCH_NO_WRITE:-0}" \
  "$scenarios" "$levels" "$loadavg" <<'EOF'
import datetime, json, os, sys
work, path, command, cores, duration, warmup, connections, tasks, no_write = sys.argv[1:10]
scenarios, levels = sys.argv[10].split(), sys.argv[11].split()
loadavg = sys.argv[12]
names = {
    "prioritize": "inline Prioritize, %s tasks" % tasks,
    "schedule": "inline Schedule, %s tasks" % tasks,
    "pipeline": "stored pipeline Schedule{plan_id}",
    "get": "GetPlan by id",
    "decompose": "Decompose, generated book (%s tasks)" % tasks,
}
# DESIGN.md "Performance expectations": (minimum QPS ratio, maximum p99 ratio).
targets = {"prioritize": (0.60, 3.0), "schedule": (0.60, 3.0),
           "pipeline": (0.30, None)}

def pct(report, p):
    for entry in report["latencyDistribution"]:
        if entry["percentage"] == p:
            return entry["latency"] / 1e6
    return float("nan")

def ok_rps(report):
    # Successful calls per second: refused calls (RESOURCE_EXHAUSTED) do
    # not count as served.
    ok = report["statusCodeDistribution"].get("OK", 0)
    return ok / (report["total"] / 1e9) if report["total"] else 0.0

def cpu_us(report, key):
    return report.get(key, float("nan")) / 1e3

rows = []
header = ("| Scenario | In flight | OK/s | Echo OK/s | Bare OK/s | QPS ratio | "
          "Echo/bare | p50 ms | Echo p50 ms | p99 ms | Echo p99 ms | "
          "Bare p99 ms | p99 ratio | CPU µs/call | Echo CPU µs/call | "
          "Bare CPU µs/call | Client µs/call (bare) | Errors | Target |")
rows.append(header)
rows.append("|" + "---|" * 19)
for scenario in scenarios:
    for level in levels:
        s = json.load(open(os.path.join(work, "%s-%s-service.json" % (scenario, level))))
        e = json.load(open(os.path.join(work, "%s-%s-echo.json" % (scenario, level))))
        b = json.load(open(os.path.join(work, "%s-%s-bare.json" % (scenario, level))))
        qps_ratio = ok_rps(s) / ok_rps(e) if ok_rps(e) else float("nan")
        bare_ratio = ok_rps(e) / ok_rps(b) if ok_rps(b) else float("nan")
        p99_ratio = pct(s, 99) / pct(e, 99) if pct(e, 99) else float("nan")
        errors = ", ".join("%d %s" % (n, code) for code, n in
                           sorted(s["statusCodeDistribution"].items())
                           if code != "OK") or "0"
        target = "—"
        if scenario in targets:
            min_qps, max_p99 = targets[scenario]
            ok = qps_ratio >= min_qps and (max_p99 is None or p99_ratio <= max_p99)
            target = "%s (QPS >= %d %%%s)" % (
                "met" if ok else "**missed**", min_qps * 100,
                ", p99 <= %gx" % max_p99 if max_p99 else "")
        rows.append("| %s | %s | %.0f | %.0f | %.0f | %.0f %% | %.0f %% | %.2f | %.2f | %.2f | %.2f | %.2f | %.1fx | %.0f | %.0f | %.0f | %.0f | %s | %s |" % (
            names.get(scenario, scenario), level, ok_rps(s), ok_rps(e),
            ok_rps(b), qps_ratio * 100, bare_ratio * 100, pct(s, 50),
            pct(e, 50), pct(s, 99), pct(e, 99), pct(b, 99), p99_ratio,
            cpu_us(s, "serverCpuNsPerCall"), cpu_us(e, "serverCpuNsPerCall"),
            cpu_us(b, "serverCpuNsPerCall"), cpu_us(b, "clientCpuNsPerCall"),
            errors, target))
table = "\n".join(rows)
print()
print(table)
date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
section = """<!-- load:begin -->
## Load: services against the echo baseline (backplan-load)

`%s` on %s, %s cores (`nproc`), load average %s before the
runs. Client (backplan-load), servers
(Release, `--log_level=warning`) and Redis share the machine, so every
figure includes the client's own CPU use; the echo baseline
(`tests/bench/echo`, same `libs/rpc` bootstrap and server options) gets the
same request and returns a same-sized response without computing, so the
ratio isolates Backplan's own cost; the bare echo (`backplan-echo --bare`:
the same answers on a plain `ServerBuilder` and the callback API, nothing
else) is gRPC's floor, and Echo/bare is what the bootstrap itself costs.
CPU µs/call is user+system time from `/proc/<pid>/stat` over the measured
part divided by its calls: for a scenario the three Backplan services
together (not Redis), for an echo its one process; Client µs/call is
backplan-load's own, against the bare echo. Refused calls
(RESOURCE_EXHAUSTED, with `grpc-retry-pushback-ms`) make backplan-load's
slot wait the pushback before its next call, as a gRPC retry policy would.
Closed loop, connections: %s, %s per
row after %s of warmup; latencies are nearest-rank percentiles of
successful calls; OK/s counts successful calls only (Errors lists the
others, by code in the run's JSON).

%s

Targets (DESIGN.md, "Performance expectations"): inline prioritize and
schedule of 50 tasks at least 60 %% of echo's QPS with p99 within 3x of
echo's; the stored pipeline at least 30 %%; the bootstrap echo at least
70 %% of the bare echo at 16 and 64 in flight (issue 27). GetPlan and
Decompose have no target and are listed for reference.
<!-- load:end -->""" % (command, date, cores, loadavg, connections, duration, warmup, table)
if no_write == "1":
    sys.exit(0)
text = open(path).read() if os.path.exists(path) else ""
begin, end = "<!-- load:begin -->", "<!-- load:end -->"
if begin in text and end in text:
    text = text[:text.index(begin)] + section + text[text.index(end) + len(end):]
elif text:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
else:
    text = section + "\n"
with open(path, "w") as f:
    f.write(text)
print("\nwrote %s" % path)
EOF
