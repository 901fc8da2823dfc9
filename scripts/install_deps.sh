#!/usr/bin/env bash
# Installs the Debian 12 packages Backplan needs, when any is missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config clang clang-format
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libhiredis-dev redis-server libyaml-cpp-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-grpcio python3-protobuf python3-yaml
  chromium  # The Gantt chart's browser test (tests/browser, ctest -L browser).
  libssl-dev
  clang-tidy  # scripts/tidy.sh (clang-tidy 14).
  # promtool for the alert rules (scripts/check_deploy.sh) and a real
  # Prometheus for the end-to-end scrape test (ctest -L prometheus).
  prometheus
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Debian starts a redis-server on 6379 when it installs the package; Backplan
# starts its own on other ports and never relies on that one.
