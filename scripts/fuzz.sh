#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS]: build the libFuzzer targets of tests/fuzz/ with
# clang (-fsanitize=fuzzer,address,undefined) into build-fuzz/, then run each
# for SECONDS (default 60) on its corpus (build-fuzz/corpus/<target>, kept
# between runs) seeded from datasets/ and ../shared/conformance/cases/
# (scripts/fuzz_seeds.py) and its regression inputs
# (tests/fuzz/regressions/<target>/). One target at a time. Prints, per
# target, executions, coverage and findings; exits 1 on any finding (crash,
# sanitizer report, timeout, out-of-memory, leak), whose input is left in
# build-fuzz/artifacts/<target>/: add it to tests/fuzz/regressions/<target>/
# with the fix. FUZZ_TARGETS="a b" runs only those targets.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
targets=${FUZZ_TARGETS:-"tag_list signature key_record header_canon \
body_canon mbox_split message_file key_cache verify rsa_batch ed25519_batch"}
cxx=$(command -v clang++-14 || command -v clang++ || true)
cc=$(command -v clang-14 || command -v clang || true)
if [ -z "$cxx" ]; then
  echo "fuzz.sh: clang++ not found (scripts/setup.sh installs clang)" >&2
  exit 2
fi

jobs=$(nproc 2>/dev/null || echo 2)
if [ ! -f build-fuzz/CMakeCache.txt ]; then
  CC=$cc CXX=$cxx cmake -S . -B build-fuzz -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDKB_FUZZ=ON -DDKB_BUILD_TESTS=OFF \
    >/dev/null
fi
cmake --build build-fuzz -j "$jobs" >/dev/null

rm -rf build-fuzz/seeds
python3 scripts/fuzz_seeds.py build-fuzz/seeds >/dev/null
mkdir -p build-fuzz/tmp build-fuzz/logs

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TMPDIR=$PWD/build-fuzz/tmp

printf '%-14s %8s %12s %8s %8s %9s\n' target seconds execs exec/s cov findings
failed=0
passed=0
for t in $targets; do
  corpus=build-fuzz/corpus/$t
  artifacts=build-fuzz/artifacts/$t
  log=build-fuzz/logs/$t.log
  # (A target with no seeds of its own, e.g. rsa_batch, still needs the
  # folder: libFuzzer refuses to start on a missing corpus folder.)
  mkdir -p "$corpus" "$artifacts" "build-fuzz/seeds/$t"
  status=0
  "build-fuzz/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "build-fuzz/seeds/$t" "tests/fuzz/regressions/$t" \
    >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  findings=$(find "$artifacts" -type f | wc -l)
  if [ "$status" != 0 ] && [ "$findings" = 0 ]; then findings=1; fi
  printf '%-14s %8s %12s %8s %8s %9s\n' "$t" "$seconds" "${execs:-?}" \
    "${rate:-?}" "${cov:-?}" "$findings"
  if [ "$findings" = 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "fuzz.sh: $t: finding(s) in $artifacts (log $log):" >&2
    grep -E 'ERROR|FUZZ_CHECK|runtime error|Test unit written' "$log" \
      | head -5 >&2 || true
  fi
done
echo "fuzz: $passed passed, $failed failed"
if [ "$failed" != 0 ]; then
  echo "fuzz.sh: FAILED: findings above" >&2
  exit 1
fi
echo "fuzz.sh: no findings" >&2
