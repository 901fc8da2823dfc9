#!/usr/bin/env bash
# Sets Backplan up and shows it working: installs missing Debian packages,
# builds into build/ (their output goes to .run/setup.log; the screen shows
# one heading per step, and the log's tail when a step fails), starts redis-server (data under .run/) and the three
# services on loopback, waits until each is SERVING, and plans the Kindle
# example through the CLI. The services stay up; `scripts/run.sh stop` stops
# exactly what this started. Running it again restarts them.
#
# Ports: decomposition 50051, prioritization 50052, scheduling 50053,
# Redis 6390 (BACKPLAN_RUN_REDIS_PORT), metrics 9091-9093.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
run="$root/.run"
redis_port="${BACKPLAN_RUN_REDIS_PORT:-6390}"
names=(decomposition prioritization scheduling)
ports=(50051 50052 50053)

stop_all() {
  for pidfile in "$run"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

if [ "${1:-}" = "stop" ]; then
  stop_all
  echo "stopped"
  exit 0
fi

mkdir -p "$run/redis"
# Package and build output goes to one log; the screen gets a heading line
# per step, and the log's tail when a step fails.
log="$run/setup.log"
: > "$log"
step() { echo "==> $*"; }
logged() {
  if ! "$@" >> "$log" 2>&1; then
    echo "FAILED: $*" >&2
    echo "--- last 40 lines of $log ---" >&2
    tail -n 40 "$log" >&2
    echo "--- the whole output is in $log ---" >&2
    exit 1
  fi
}
echo "Backplan setup; package and build output goes to $log"

step "1/5 checking Debian packages (scripts/install_deps.sh)"
redis_before=$(dpkg-query -W -f='${Status}' redis-server 2>/dev/null || true)
logged scripts/install_deps.sh
redis_after=$(dpkg-query -W -f='${Status}' redis-server 2>/dev/null || true)
if [[ "$redis_before" != *"install ok installed"* &&
      "$redis_after" == *"install ok installed"* ]]; then
  # Debian's package enables and starts its own Redis on 6379; say so, as
  # Backplan neither needs nor uses it.
  enabled=$(systemctl is-enabled redis-server 2>/dev/null || true)
  active=$(systemctl is-active redis-server 2>/dev/null || true)
  if [ "$enabled" = enabled ] || [ "$active" = active ]; then
    echo "    note: installing redis-server also enabled Debian's system Redis" \
      "service on 127.0.0.1:6379 (systemctl is-enabled: ${enabled:-?}," \
      "is-active: ${active:-?})."
    echo "    Backplan runs its own Redis on $redis_port and does not use it;" \
      "to turn it off: sudo systemctl disable --now redis-server"
  fi
fi

step "2/5 building into build/ (cmake + ninja)"
logged cmake -S . -B build -G Ninja -DBACKPLAN_BUILD_TESTS=ON "-DBACKPLAN_SKIP_LIBS="
logged cmake --build build
stop_all

step "3/5 starting Redis on 127.0.0.1:$redis_port (data in $run/redis)"

# Durable by default, as the Kubernetes manifests: every write is fsynced to
# the append-only file before Redis answers, so an acknowledged write survives
# a crash of Redis or the machine (RELIABILITY.md measures both modes; the
# test suite's own Redis stays in memory).
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$run/redis" \
  --appendonly yes --appendfsync always --save "" \
  --logfile "$run/redis.log" --daemonize no &
echo $! > "$run/redis.pid"
for _ in $(seq 50); do
  redis-cli -p "$redis_port" ping > /dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$redis_port" ping > /dev/null 2>&1 || {
  echo "FAILED: redis-server did not answer on $redis_port" >&2
  tail -n 20 "$run/redis.log" >&2
  stop_all
  exit 1
}

step "4/5 starting the three services (logs in $run/*.log)"
for i in 0 1 2; do
  name=${names[$i]}
  extra=()
  [ "$name" = scheduling ] && extra=(--prioritization_address=127.0.0.1:50052)
  rm -f "$run/$name.port"
  # --auth=none: loopback only, for local development (README, "Security").
  "build/services/$name/backplan-$name" --port="${ports[$i]}" --host=127.0.0.1 \
    --auth=none \
    --port_file="$run/$name.port" \
    --redis="127.0.0.1:$redis_port" "${extra[@]}" \
    >> "$run/$name.log" 2>&1 &
  echo $! > "$run/$name.pid"
done

cli=build/tools/backplan/backplan
for i in 0 1 2; do
  name=${names[$i]}
  ok=""
  for _ in $(seq 100); do
    if ! kill -0 "$(cat "$run/$name.pid")" 2>/dev/null; then
      echo "backplan-$name exited; see $run/$name.log" >&2
      tail -5 "$run/$name.log" >&2
      stop_all
      exit 1
    fi
    # The port file is written once the server is up and its health
    # entry "" is SERVING.
    if [ -s "$run/$name.port" ]; then
      ok=1
      break
    fi
    sleep 0.1
  done
  [ -n "$ok" ] || { echo "backplan-$name is not SERVING" >&2; stop_all; exit 1; }
  echo "    backplan-$name SERVING on 127.0.0.1:${ports[$i]}"
done

step "5/5 planning the Kindle example (backplan plan examples/kindle.yaml)"
echo
"$cli" plan examples/kindle.yaml
echo

# Working backwards with a recipe book: store the launch book (a second run
# replaces it at its current version), break the Kindle outcome down with it
# into a stored plan, then rank and schedule that plan.
book_version=$("$cli" --json books get launch 2>/dev/null |
  sed -n 's/^ *"version": "\([0-9]*\)".*/\1/p' || true)
"$cli" books put launch examples/recipes/launch.yaml \
  --expected_version "${book_version:-0}"
echo
decomposed=$("$cli" decompose --book launch --store \
  --start 2027-01-04 --target 2027-09-30 "launch the reader")
echo "$decomposed"
plan_id=$(echo "$decomposed" | sed -n 's/^stored as plan \([^ ]*\) version .*/\1/p')
[ -n "$plan_id" ] || { echo "decompose stored no plan" >&2; exit 1; }
echo
"$cli" prioritize "$plan_id" --method wsjf
echo
"$cli" schedule "$plan_id"
echo
cat <<TXT
Backplan is running (logs in .run/*.log):
  decomposition  127.0.0.1:50051   prioritization 127.0.0.1:50052
  scheduling     127.0.0.1:50053   redis          127.0.0.1:$redis_port
Try:
  $cli list
  $cli schedule examples/kindle.yaml --mode forward
  $cli export <plan id> --format mermaid
  $cli decompose --recipes examples/recipes/office.yaml --target 2027-09-30 "open the berlin office"
  $cli ahp examples/ahp-drinks.yaml
Stop everything with: scripts/run.sh stop
TXT
