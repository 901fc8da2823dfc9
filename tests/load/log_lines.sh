#!/usr/bin/env bash
# How many log lines a 10 s inline-Prioritize load run writes at --log_level
# info (the default) and debug; prints the calls made and the lines counted.
#   tests/load/log_lines.sh   (needs build/: backplan-prioritization, backplan-load)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
b="${BACKPLAN_BUILD_DIR:-$root/build}"
d=$(mktemp -d)
for level in info debug; do
  "$b/services/prioritization/backplan-prioritization" --port=0 --port_file=$d/port \
    --metrics_port=0 --redis=127.0.0.1:1 --log_level=$level 2>$d/$level.log &
  pid=$!
  for i in $(seq 100); do [ -s $d/port ] && break; sleep 0.1; done
  port=$(cat $d/port)
  "$b/tools/backplan-load/backplan-load" 127.0.0.1:$port --scenario=prioritize --tasks=50 \
    --concurrency=16 --connections=4 --duration=10s --warmup=0s --format=json --progress=off > $d/$level.json
  kill $pid; wait $pid || true
  rm -f $d/port
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sys.argv[2], "calls", r["count"], "rps %.0f" % r["rps"], "codes", r["statusCodeDistribution"])' $d/$level.json $level
  echo "$level: $(grep -c '"msg":"rpc"' $d/$level.log) rpc lines, $(wc -l < $d/$level.log) lines in all"
done
rm -rf $d
