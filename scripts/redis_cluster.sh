#!/usr/bin/env bash
# A real Redis Cluster on loopback for tests: 3 masters, 3 replicas.
#
#   scripts/redis_cluster.sh start DIR [PASSWORD]   # Prints the seed list.
#   scripts/redis_cluster.sh stop DIR
#   scripts/redis_cluster.sh status DIR
#
# `start` picks 6 free ports (each with its cluster bus port, +10000, free
# too), starts `redis-server --cluster-enabled yes` on each (no persistence,
# cluster-node-timeout 3000 ms: on a loaded 2-core machine a shorter one
# fails over spuriously), joins them with `redis-cli --cluster create
# --cluster-replicas 1 --cluster-yes` and waits until every node reports
# cluster_state:ok, knows 6 nodes and lists every master with its synced
# replica in CLUSTER SLOTS. It then writes into DIR:
#   ports   the 6 client ports, one a line (the first 3 were created masters)
#   seeds   host:port,host:port,... (all 6; the later --redis_cluster form)
#   pids    the server pids, one a line
# and each node's data, config and log under DIR/<port>/. `stop` SIGTERMs the
# servers named in DIR/pids and waits for them (SIGKILL after 10 s); `start`
# does that first for a cluster left in DIR by a crashed run.
# Exit status 0 on success; on a failed start the nodes are stopped again.
set -euo pipefail

readonly NODES=6
readonly NODE_TIMEOUT_MS=${BACKPLAN_CLUSTER_NODE_TIMEOUT_MS:-3000}

die() { echo "redis_cluster.sh: $*" >&2; exit 1; }

# Six ports p with p and p+10000 both free on 127.0.0.1.
pick_ports() {
  /usr/bin/python3 - "$NODES" <<'EOF'
import socket, sys
want, ports, held = int(sys.argv[1]), [], []
while len(ports) < want:
    a = socket.socket(); a.bind(("127.0.0.1", 0)); p = a.getsockname()[1]
    if p + 10000 > 65535 or p in ports:
        a.close(); continue
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", p + 10000))
    except OSError:
        a.close(); b.close(); continue
    held += [a, b]; ports.append(p)
print(" ".join(map(str, ports)))
EOF
}

cli() {  # cli PORT args...
  local port=$1; shift
  if [[ -n "${PASSWORD:-}" ]]; then
    REDISCLI_AUTH="$PASSWORD" redis-cli -h 127.0.0.1 -p "$port" "$@"
  else
    redis-cli -h 127.0.0.1 -p "$port" "$@"
  fi
}

stop_cluster() {
  local dir=$1 pid
  [[ -f "$dir/pids" ]] || return 0
  while read -r pid; do
    [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null || true
  done <"$dir/pids"
  for _ in $(seq 100); do
    local alive=0
    while read -r pid; do
      [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && alive=1
    done <"$dir/pids"
    [[ $alive == 0 ]] && break
    sleep 0.1
  done
  while read -r pid; do
    [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
  done <"$dir/pids"
  rm -f "$dir/pids"
}

cluster_ok() {  # Every node: state ok, 6 known nodes, all slots assigned.
  local port info
  while read -r port; do
    info=$(cli "$port" cluster info 2>/dev/null | tr -d '\r') || return 1
    grep -q '^cluster_state:ok$' <<<"$info" || return 1
    grep -q "^cluster_known_nodes:$NODES\$" <<<"$info" || return 1
    grep -q '^cluster_slots_assigned:16384$' <<<"$info" || return 1
    # Every master listed with its replica: CLUSTER SLOTS names 6 node ids
    # (a replica appears once synced with a non-zero replication offset).
    [[ $(cli "$port" cluster slots 2>/dev/null | grep -cE '^[0-9a-f]{40}$') == "$NODES" ]] || return 1
  done <"$1/ports"
}

start_cluster() {
  local dir=$1 ports port
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  stop_cluster "$dir"  # A leftover from a crashed run.
  ports=$(pick_ports)
  : >"$dir/pids"
  : >"$dir/ports"
  for port in $ports; do
    mkdir -p "$dir/$port"
    rm -f "$dir/$port/nodes.conf"
    local auth=()
    if [[ -n "${PASSWORD:-}" ]]; then
      auth=(--requirepass "$PASSWORD" --masterauth "$PASSWORD")
    fi
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir/$port" \
      --cluster-enabled yes --cluster-config-file nodes.conf \
      --cluster-node-timeout "$NODE_TIMEOUT_MS" --save "" --appendonly no \
      --logfile "$dir/$port/redis.log" --daemonize no "${auth[@]}" \
      </dev/null >/dev/null 2>&1 &
    echo $! >>"$dir/pids"
    echo "$port" >>"$dir/ports"
  done
  for port in $ports; do
    for _ in $(seq 100); do
      cli "$port" ping 2>/dev/null | grep -q PONG && break
      sleep 0.1
    done
    cli "$port" ping 2>/dev/null | grep -q PONG ||
      { stop_cluster "$dir"; die "node $port did not start"; }
  done
  local addresses=()
  for port in $ports; do addresses+=("127.0.0.1:$port"); done
  local create=(redis-cli --cluster create "${addresses[@]}"
                --cluster-replicas 1 --cluster-yes)
  [[ -n "${PASSWORD:-}" ]] && export REDISCLI_AUTH="$PASSWORD"
  if ! "${create[@]}" >"$dir/create.log" 2>&1; then
    stop_cluster "$dir"
    die "cluster create failed: $(tail -5 "$dir/create.log")"
  fi
  # A write on each master moves its replication offset off 0, without which
  # Redis leaves the replica out of CLUSTER SLOTS (the cluster is empty, so
  # FLUSHALL loses nothing; it is replicated whatever it deletes).
  for port in $ports; do
    if cli "$port" role 2>/dev/null | head -1 | grep -q master; then
      cli "$port" flushall >/dev/null 2>&1 || true
    fi
  done
  for _ in $(seq 300); do
    cluster_ok "$dir" && break
    sleep 0.1
  done
  cluster_ok "$dir" || { stop_cluster "$dir"; die "no cluster_state:ok in 30 s"; }
  (IFS=,; echo "${addresses[*]}") >"$dir/seeds"
  cat "$dir/seeds"
}

[[ $# -ge 2 ]] || die "usage: $0 start|stop|status DIR [PASSWORD]"
PASSWORD=${3:-}
case "$1" in
  start) start_cluster "$2" ;;
  stop) stop_cluster "$2" ;;
  status) cluster_ok "$2" && echo ok ;;
  *) die "unknown command $1" ;;
esac
