#!/usr/bin/env bash
# clang-tidy 14 with the repository's .clang-tidy (bugprone, performance,
# Google naming; every finding is an error) over sources in a build tree's
# compile_commands.json, two at a time unless --jobs says otherwise.
#
#   scripts/tidy.sh [--build DIR] [--jobs N] [--no-cache]
#                   [--changed | --all | FILE.cc ...]
#
# Without arguments it checks a fixed quick set: the non-test sources of
# the pure libraries libs/common, libs/core, libs/decompose,
# libs/prioritize and libs/schedule (their headers are checked through
# them); the suite runs this set in the background while its other steps
# run. --all checks every source of the build tree, tests included, in
# groups that each make one translation unit (tidy_run.py --unity): alone a
# file costs 9-35 CPU-s, most of it matching the checks over the Abseil,
# gRPC, protobuf and gtest declarations it includes, which a group pays for
# once (RELIABILITY.md "Tidy cost"). --changed checks the .cc files changed against the merge base
# with main. --jobs: clang-tidy processes at once (default 2), or a file
# holding that number, read before each file (the suite raises it from 1 to
# 2 when its other steps are done). A file whose last check was clean and
# whose translation unit (comments included), flags and checks are
# unchanged is not checked again: the cache is DIR/tidy-cache, or
# $BACKPLAN_TIDY_CACHE when set; keys do not depend on the checkout's path,
# so worktrees and clones can share one cache as they share a ccache
# (scripts/tidy_run.py). --no-cache checks every file. The build tree must
# be configured (the suite's build/ is; generated .pb.h files exist after a
# build).
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
jobs=2
cache=default
mode=fixed
files=()
while (($#)); do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --no-cache) cache=""; shift ;;
    --changed) mode=changed; shift ;;
    --all) mode=all; shift ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) mode=files; files+=("$1"); shift ;;
  esac
done
tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
if [ -z "$tidy" ]; then
  echo "tidy: clang-tidy-14 is not installed (scripts/install_deps.sh)" >&2
  exit 2
fi
[ "$cache" = default ] && cache="${BACKPLAN_TIDY_CACHE:-$build/tidy-cache}"
if [ ! -f "$build/compile_commands.json" ]; then
  echo "tidy: no $build/compile_commands.json; configure $build first" >&2
  exit 2
fi

case "$mode" in
  fixed)
    mapfile -t files < <(ls libs/{common,core,decompose,prioritize,schedule}/*.cc |
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
status=0
unity=()
[ "$mode" = all ] && unity=(--unity)
/usr/bin/python3 scripts/tidy_run.py "${unity[@]}" "$tidy" "$build" "$jobs" \
  "$cache" "${files[@]}" || status=$?
echo "tidy: ${#files[@]} files in $(( $(date +%s) - start )) s"
if [ "$status" -ne 0 ]; then
  echo "tidy: findings above (.clang-tidy); fix them or justify a NOLINT" >&2
  exit 1
fi
