#!/usr/bin/env bash
# scripts/test.sh: build (if needed) and run every test: the GoogleTest
# suites, the RFC conformance suite (../shared/conformance) and the
# end-to-end CLI tests (including interoperability with the peer verifiers,
# which scripts/peers.sh installs first), all through ctest; then the same
# suite again in an ASan+UBSan build (build-asan/); then a short pass of
# every libFuzzer target (scripts/fuzz.sh, DKB_FUZZ_SECONDS each, default
# 20), which fails on any finding. DKB_SKIP_SANITIZERS=1 skips the second
# run, DKB_SKIP_FUZZ=1 the fuzz pass.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DDKB_BUILD_BENCH=ON
fi
cmake --build build -j "$jobs"
scripts/peers.sh
ctest --test-dir build --output-on-failure -j "$jobs"

if [ "${DKB_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "test.sh: ASan+UBSan build and test run (build-asan/)" >&2
  if [ ! -f build-asan/CMakeCache.txt ]; then
    cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DDKB_SANITIZE=address,undefined
  fi
  cmake --build build-asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs"
fi
if [ "${DKB_SKIP_FUZZ:-0}" != 1 ]; then
  echo "test.sh: short fuzz pass (${DKB_FUZZ_SECONDS:-20} s a target)" >&2
  scripts/fuzz.sh "${DKB_FUZZ_SECONDS:-20}"
fi
echo "test.sh: all tests passed" >&2
