# shellcheck shell=bash disable=SC2034,SC2154  # Globals shared with the sourcing script.
# Start-up shared by scripts/bench.sh and scripts/profile_stored.sh: a
# temporary work directory, redis-server and Backplan servers on free
# loopback ports (--auth=none, no metrics port, warnings only), all killed
# and the directory removed when the script exits, whatever happens.
# Source it, after `set -euo pipefail`, from the repository root:
#
#   source scripts/lib/services.sh
#   start_services "$build"   # redis-server, decomposition, prioritization,
#                             # scheduling (which calls prioritization)
#   start_server echo "$build/tests/bench/echo/backplan-echo" --echo_tasks=50
#   echo "${addr[scheduling]} pid ${pid[scheduling]} redis $redis_port"
#
# Sets: work (the directory; each server logs to $work/NAME.log), pids
# (every process started), redis_port, and addr[NAME] (127.0.0.1:port) and
# pid[NAME] of each server started.
# Read when a server starts, so set them before: server_args (array of
# flags appended to every server's), wrap_name and wrap (the server named
# wrap_name runs under the command prefix array wrap, e.g. valgrind),
# wait_tries (how many 50 ms polls a server gets to write its port file;
# 400).

work=$(mktemp -d)
pids=()
declare -A addr pid
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_file() {  # path, what, pid
  for _ in $(seq "${wait_tries:-400}"); do
    [ -s "$1" ] && return 0
    kill -0 "$3" 2>/dev/null || { echo "$2 exited; log:"; cat "$work/$2.log"; exit 1; }
    sleep 0.05
  done
  echo "timed out waiting for $2"; exit 1
}

start_redis() {  # sets redis_port
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$work" --logfile "$work/redis.log" &
  pids+=($!)
  for _ in $(seq 100); do
    redis-cli -p "$redis_port" ping > /dev/null 2>&1 && break
    sleep 0.05
  done
}

start_server() {  # name binary args...
  local name=$1 binary=$2 prefix=()
  shift 2
  if [ "$name" = "${wrap_name:-}" ]; then prefix=("${wrap[@]}"); fi
  "${prefix[@]}" "$binary" --host=127.0.0.1 --port=0 \
    --port_file="$work/$name.port" --auth=none --metrics_port=0 \
    --log_level=warning "$@" ${server_args[@]+"${server_args[@]}"} \
    > "$work/$name.log" 2>&1 &
  pids+=($!)
  pid[$name]=$!
  wait_file "$work/$name.port" "$name" "$!"
  addr[$name]="127.0.0.1:$(cat "$work/$name.port")"
}

start_services() {  # build directory
  start_redis
  start_server decomposition "$1/services/decomposition/backplan-decomposition" \
    --redis="127.0.0.1:$redis_port"
  start_server prioritization \
    "$1/services/prioritization/backplan-prioritization" \
    --redis="127.0.0.1:$redis_port"
  start_server scheduling "$1/services/scheduling/backplan-scheduling" \
    --redis="127.0.0.1:$redis_port" \
    --prioritization_address="${addr[prioritization]}"
}
