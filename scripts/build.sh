#!/usr/bin/env bash
# Installs missing packages and builds Backplan into build/ (or $BUILD_DIR).
# Extra arguments go to the CMake configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
build_dir="${BUILD_DIR:-build}"
cmake -S . -B "$build_dir" -G Ninja "$@" > /dev/null
cmake --build "$build_dir"
