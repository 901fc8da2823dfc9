#!/usr/bin/env bash
# The include layering of docs/ARCHITECTURE.md, checked on the sources: the
# pure libraries (libs/common, libs/core, libs/decompose, libs/prioritize,
# libs/schedule, their tests included) never include protobuf, gRPC, hiredis,
# generated .pb.h files, services/ or tools/, and include only the libraries
# below them: common <- core <- {decompose, prioritize, schedule}, the three
# algorithm libraries not each other. Prints every offending line as
# file:line: include, and exits 1 if there is one. Also holds every
# non-test source (.cc, .h under libs/, services/, tools/; tests, testing/
# helpers and benchmarks excepted) to at most 600 lines, one job a file
# (docs/ARCHITECTURE.md). Takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

# Library -> the libs/ directories it may include from.
declare -A allowed=(
  [common]="common"
  [core]="common core"
  [decompose]="common core decompose"
  [prioritize]="common core prioritize"
  [schedule]="common core schedule"
)
forbidden='#include [<"](google/protobuf/|grpc|grpcpp/|hiredis|services/|tools/|proto/|backplan/v1/|[^">]*\.pb\.h)'

status=0
for lib in "${!allowed[@]}"; do
  dir="libs/$lib"
  [ -d "$dir" ] || continue
  # Any external include of a forbidden kind.
  if grep -rnE --include='*.h' --include='*.cc' "$forbidden" "$dir"; then
    status=1
  fi
  # libs/<other> outside the allowed set.
  pattern=$(printf '%s|' ${allowed[$lib]})
  pattern="${pattern%|}"
  if grep -rnE --include='*.h' --include='*.cc' '#include "libs/' "$dir" |
      grep -vE "#include \"libs/($pattern)/"; then
    status=1
  fi
done
# Source files over 600 lines.
while read -r lines file; do
  if [ "$file" != total ] && [ "$lines" -gt 600 ]; then
    echo "$file: $lines lines, more than 600: split it along its seams"
    status=1
  fi
done < <(find libs services tools \( -name '*.cc' -o -name '*.h' \) \
           ! -name '*_test.cc' ! -path '*/testing/*' -print0 |
         xargs -0 wc -l)
if [ "$status" -ne 0 ]; then
  echo "check_layering: the lines above break the layering or the file size (docs/ARCHITECTURE.md)" >&2
else
  echo "check_layering: ok"
fi
exit "$status"
