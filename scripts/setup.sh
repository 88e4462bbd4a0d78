#!/usr/bin/env bash
# scripts/setup.sh: install every build and test dependency from Debian 12
# packages (clang and libclang-rt-14-dev for the libFuzzer targets of
# scripts/fuzz.sh), then configure and build dkimbatch in build/ (Release).
# Idempotent and non-interactive; stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git
  libssl-dev libtbb-dev libsimdjson-dev libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-cryptography python3-dkim time
  libunbound-dev nsd ldnsutils dns-root-data openssl
  clang libclang-rt-14-dev
)

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "setup.sh: need root (or sudo) to install packages" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "setup.sh: apt-get update" >&2
$SUDO apt-get update -q
echo "setup.sh: installing ${packages[*]}" >&2
$SUDO apt-get install -y -q --no-install-recommends "${packages[@]}"

# The DNS tests run their own nsd on a free loopback port; the packaged
# service (if the system started one) is not needed and must not hold
# port 53 behind our back.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now nsd >/dev/null 2>&1 || true
elif command -v service >/dev/null 2>&1; then
  $SUDO service nsd stop >/dev/null 2>&1 || true
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DDKB_BUILD_BENCH=ON
cmake --build build -j "$jobs"
echo "setup.sh: built build/dkimbatch" >&2
