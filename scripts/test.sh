#!/usr/bin/env bash
# scripts/test.sh: build (if needed) and run every test: the GoogleTest
# suites, the RFC conformance suite (../shared/conformance) and the
# end-to-end CLI tests, all through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"
