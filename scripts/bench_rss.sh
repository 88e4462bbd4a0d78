#!/usr/bin/env bash
# scripts/bench_rss.sh [--gb N] [--threads T]
#
# Peak memory against archive size: makes a `dkimbatch gen` corpus of
# 100,000 messages (~0.9 GB mbox, reused from bench/corpus-100000-s1), then
# an mbox of about N GB (default 4) by concatenating copies of it, and
# prints dkimbatch's peak RSS (GNU time %M) verifying 1 copy and N-GB with
# --threads T (default 2). Memory must not grow with the archive: mapped
# pages are released behind the writer. Timing is printed but not judged.
set -euo pipefail
cd "$(dirname "$0")/.."
gb=4 threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --gb) gb=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_rss.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
bin=build/dkimbatch
[ -x "$bin" ] || { echo "bench_rss.sh: build first (scripts/setup.sh)" >&2; exit 1; }
corpus=bench/corpus-100000-s1
if [ ! -f "$corpus/truth.jsonl" ]; then
  rm -rf "$corpus"
  "$bin" gen --quiet --messages 100000 --seed 1 --out "$corpus"
fi
now=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["now_unix"])' "$corpus/gen.json")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
one=$(stat -c %s "$corpus/corpus.mbox")
copies=$(( (gb * 1000000000 + one - 1) / one ))
for _ in $(seq 1 "$copies"); do cat "$corpus/corpus.mbox"; done >"$work/big.mbox"
for input in "$corpus/corpus.mbox" "$work/big.mbox"; do
  /usr/bin/time -f '%e %M' -o "$work/time" "$bin" verify --quiet \
    --threads "$threads" --keys "$corpus/keys.jsonl" --now "$now" "$input" \
    >"$work/verdicts.jsonl"
  read -r wall rss <"$work/time"
  awk -v b="$(stat -c %s "$input")" -v n="$(wc -l <"$work/verdicts.jsonl")" \
    -v rss="$rss" -v wall="$wall" 'BEGIN { printf \
    "mbox %6.2f GB, %7d messages: peak RSS %4d MB, %.1f s\n", b / 1e9, n,
    rss / 1024, wall }'
done
