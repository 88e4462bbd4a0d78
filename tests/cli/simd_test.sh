#!/usr/bin/env bash
# tests/cli/simd_test.sh BINARY SAMPLE_DIR SCRIPTS_DIR
# Every SIMD level this CPU runs gives byte-identical verdicts to the scalar
# reference (forced with --simd and with DKIMBATCH_SIMD), on the bundled
# sample and on a generated corpus with a high share of broken messages;
# bad levels are usage errors.
set -euo pipefail
bin=$1 sample=$2 scripts=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" gen --quiet --messages 600 --seed 7 --broken-fraction 0.3 \
  --attachment-fraction 0.1 --threads 2 --out "$tmp/corpus"
now=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["now"])' \
  "$tmp/corpus/gen.json")

verify() {  # verify LEVEL_ARGS... -- OUT
  "$@" verify --quiet --keys "$sample/keys.jsonl" --now 1767312000 \
    "$sample/sample.mbox" "$sample/maildir" >"$tmp/sample-$level.jsonl"
  "$@" verify --quiet --keys "$tmp/corpus/keys.jsonl" --now "$now" \
    "$tmp/corpus/corpus.mbox" >"$tmp/corpus-$level.jsonl"
}

level=scalar
verify "$bin" --simd scalar
python3 "$scripts/compare_verdicts.py" "$tmp/corpus/truth.jsonl" \
  "$tmp/corpus-scalar.jsonl" --label scalar
levels_run=0
for level in avx2 avx512 best; do
  if ! "$bin" --simd "$level" version >/dev/null 2>&1; then
    echo "skip: this CPU cannot run $level"
    continue
  fi
  verify "$bin" --simd "$level"
  cmp "$tmp/sample-scalar.jsonl" "$tmp/sample-$level.jsonl"
  cmp "$tmp/corpus-scalar.jsonl" "$tmp/corpus-$level.jsonl"
  # The environment variable selects the same code.
  mv "$tmp/corpus-$level.jsonl" "$tmp/corpus-flag.jsonl"
  verify env DKIMBATCH_SIMD="$level" "$bin"
  cmp "$tmp/corpus-flag.jsonl" "$tmp/corpus-$level.jsonl"
  levels_run=$((levels_run + 1))
done
echo "compared $levels_run vector level(s) with scalar"

# Usage errors.
for bad in "--simd" "--simd sse9" "--simd="; do
  status=0
  # shellcheck disable=SC2086
  "$bin" $bad version >/dev/null 2>&1 || status=$?
  [ "$status" = 2 ] || { echo "FAIL: dkimbatch $bad exited $status"; exit 1; }
done
status=0
DKIMBATCH_SIMD=bogus "$bin" version >/dev/null 2>&1 || status=$?
[ "$status" = 2 ] || { echo "FAIL: DKIMBATCH_SIMD=bogus exited $status"; exit 1; }
"$bin" --simd scalar version | grep -q "simd: scalar"
echo "ok: simd"
