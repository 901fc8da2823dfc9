#!/usr/bin/env bash
# Copies every key of a single Redis (Backplan's store, database 0) into a
# Redis Cluster, each key to the master that serves its slot, with its value,
# type and TTL (MIGRATE, i.e. DUMP + RESTORE, via `redis-cli --cluster
# import --cluster-copy`). The source is left as it was, for a rollback.
#
#   scripts/redis_migrate_to_cluster.sh SOURCE_HOST:PORT CLUSTER_HOST:PORT [--replace]
#
# Passwords: $REDIS_SOURCE_PASSWORD and $REDIS_CLUSTER_PASSWORD, each
# defaulting to $BACKPLAN_REDIS_PASSWORD (empty: no AUTH).
# Stop every writer first (scale the services to 0): a write to the source
# after its key was copied is not carried over.
#
# Refuses to run when the source is itself a cluster node, when the cluster
# check fails (not all 16384 slots served, or a node unreachable), or when
# the cluster already holds keys and --replace is not given (a second run
# into a used cluster would otherwise fail half-way on BUSYKEY). Afterwards
# it checks that the cluster holds as many keys as the source (plus what it
# held before, with --replace at least the source's count) and exits 1 if
# not. Prints a one-line summary: "copied N keys from SRC to CLUSTER".
set -euo pipefail

die() { echo "redis_migrate_to_cluster.sh: $*" >&2; exit 1; }

[[ $# -ge 2 ]] || die "usage: $0 SOURCE_HOST:PORT CLUSTER_HOST:PORT [--replace]"
source_addr=$1
cluster_addr=$2
replace=${3:-}
[[ -z "$replace" || "$replace" == --replace ]] || die "unknown option $replace"
source_pw=${REDIS_SOURCE_PASSWORD:-${BACKPLAN_REDIS_PASSWORD:-}}
cluster_pw=${REDIS_CLUSTER_PASSWORD:-${BACKPLAN_REDIS_PASSWORD:-}}

# on ADDR PASSWORD redis-cli args...: one command against one server.
on() {
  local addr=$1 pw=$2
  shift 2
  if [[ -n "$pw" ]]; then
    REDISCLI_AUTH="$pw" redis-cli --no-auth-warning -h "${addr%:*}" -p "${addr##*:}" "$@"
  else
    redis-cli -h "${addr%:*}" -p "${addr##*:}" "$@"
  fi
}

# with_cluster_auth cmd...: runs cmd with the cluster's password, if any
# (redis-cli sends AUTH for an empty REDISCLI_AUTH too).
with_cluster_auth() {
  if [[ -n "$cluster_pw" ]]; then REDISCLI_AUTH="$cluster_pw" "$@"; else "$@"; fi
}

# The cluster's masters, host:port a line (from CLUSTER NODES; the
# "host:port@bus[,hostname]" address field trimmed).
masters() {
  on "$cluster_addr" "$cluster_pw" cluster nodes | tr -d '\r' |
    awk '$3 ~ /master/ && $3 !~ /fail/ { split($2, a, "@"); print a[1] }'
}

cluster_keys() {
  local total=0 m n
  for m in $(masters); do
    n=$(on "$m" "$cluster_pw" dbsize | tr -d '\r')
    total=$((total + n))
  done
  echo "$total"
}

on "$source_addr" "$source_pw" ping | grep -q PONG ||
  die "source $source_addr does not answer PING"
if on "$source_addr" "$source_pw" info cluster | tr -d '\r' | grep -q '^cluster_enabled:1'; then
  die "source $source_addr is a cluster node; this script moves a single Redis"
fi
on "$cluster_addr" "$cluster_pw" cluster info | tr -d '\r' | grep -q '^cluster_state:ok$' ||
  die "cluster $cluster_addr is not cluster_state:ok"
check_out=$(with_cluster_auth redis-cli --no-auth-warning --cluster check "$cluster_addr" 2>&1) ||
  die "redis-cli --cluster check failed: $(tail -3 <<<"$check_out")"

source_keys=$(on "$source_addr" "$source_pw" dbsize | tr -d '\r')
before=$(cluster_keys)
if [[ "$before" -gt 0 && -z "$replace" ]]; then
  die "cluster $cluster_addr already holds $before keys; pass --replace to overwrite"
fi

import=(redis-cli --no-auth-warning --cluster import "$cluster_addr"
        --cluster-from "$source_addr" --cluster-copy)
[[ -n "$replace" ]] && import+=(--cluster-replace)
[[ -n "$source_pw" ]] && import+=(--cluster-from-pass "$source_pw")
if ! out=$(with_cluster_auth "${import[@]}" 2>&1); then
  echo "$out" | tail -20 >&2
  die "redis-cli --cluster import failed"
fi
# redis-cli reports a failed MIGRATE per key without failing itself.
if grep -qiE '^(ERR|.*\bERR\b|.*BUSYKEY|.*IOERR)' <<<"$out"; then
  grep -iE 'ERR|BUSYKEY' <<<"$out" | head -10 >&2
  die "some keys were not copied"
fi

after=$(cluster_keys)
if [[ -z "$replace" && "$after" -ne $((before + source_keys)) ]]; then
  die "cluster holds $after keys, expected $((before + source_keys))"
fi
if [[ "$after" -lt "$source_keys" ]]; then
  die "cluster holds $after keys, fewer than the source's $source_keys"
fi
echo "copied $source_keys keys from $source_addr to $cluster_addr ($after keys in the cluster)"
