#!/usr/bin/env bash
# clang-tidy 14 with the repository's .clang-tidy (bugprone, performance,
# Google naming; every finding is an error) over sources in a build tree's
# compile_commands.json, two at a time.
#
#   scripts/tidy.sh [--build DIR] [--changed | --all | FILE.cc ...]
#
# Without arguments it checks the fixed set the suite runs: the non-test
# sources of libs/common, libs/core, libs/decompose and libs/prioritize
# (their headers are checked through them). The whole tree takes far longer
# than the suite's budget on two shared cores (each file parses Abseil, and
# outside the pure libraries gRPC and protobuf headers: 5-30 s a file), so
# --all is for a quiet machine. --changed checks the .cc files changed
# against the merge base with main. The build tree must be configured (the
# suite's build/ is; generated .pb.h files exist after a build).
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
mode=fixed
files=()
while (($#)); do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --changed) mode=changed; shift ;;
    --all) mode=all; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) mode=files; files+=("$1"); shift ;;
  esac
done
tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
if [ -z "$tidy" ]; then
  echo "tidy: clang-tidy-14 is not installed (scripts/install_deps.sh)" >&2
  exit 2
fi
if [ ! -f "$build/compile_commands.json" ]; then
  echo "tidy: no $build/compile_commands.json; configure $build first" >&2
  exit 2
fi

case "$mode" in
  fixed)
    mapfile -t files < <(ls libs/{common,core,decompose,prioritize}/*.cc |
                         grep -v '_test\.cc$')
    ;;
  changed)
    base=$(git merge-base HEAD main)
    mapfile -t files < <(git diff --name-only --diff-filter=d "$base" -- \
                           '*.cc' | grep -vE '^(tests/fuzz|build)/' || true)
    ;;
  all)
    mapfile -t files < <(/usr/bin/python3 -c '
import json, os, sys
root = os.getcwd() + "/"
for e in json.load(open(sys.argv[1])):
    f = os.path.realpath(os.path.join(e["directory"], e["file"]))
    if f.startswith(root) and "/build" not in f[len(root) - 1:]:
        print(f[len(root):])' "$build/compile_commands.json" | sort -u)
    ;;
esac
if ((${#files[@]} == 0)); then
  echo "tidy: nothing to check"
  exit 0
fi

start=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
printf '%s\n' "${files[@]}" |
  xargs -P 2 -n 1 "$tidy" -p "$build" --quiet > "$log" 2>&1 || status=$?
# "N warnings generated." counts the system headers' suppressed warnings.
grep -v -E '^[0-9]+ warnings? generated\.$' "$log" || true
echo "tidy: ${#files[@]} files in $(( $(date +%s) - start )) s"
if [ "$status" -ne 0 ]; then
  echo "tidy: findings above (.clang-tidy); fix them or justify a NOLINT" >&2
  exit 1
fi
