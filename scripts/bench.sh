#!/usr/bin/env bash
# scripts/bench.sh [--messages N] [--seed S] [--peer-subset M] [--rounds R]
#
# One end-to-end benchmark run, one table. On a `dkimbatch gen` corpus
# (default 50,000 messages, seed 1, kept in bench/corpus-N-sS/ and reused),
# R rounds (default 5), each back to back:
#   - the machine's ceiling for this exact corpus with `openssl speed`
#     (verify rate per key size and algorithm, SHA-256 rate): cores / mean
#     over messages of (verify cost + bytes hashed / hash rate);
#   - dkimbatch at 1 and 2 threads: msgs/s, MB/s, peak RSS, CPU time;
# and the round's ratio of dkimbatch (2 threads) to its ceiling. The table
# gives the medians of the rounds: on a shared host the machine's speed
# drifts by 10-20% within a minute, so no single figure of either side
# holds still. Then each installed peer (scripts/peers.sh) on the first
# M messages (default 2,000) with both cores (two processes, --shard 0/2
# and 1/2), and dkimbatch's speedup over the fastest.
# Results: bench/results/<UTC time>.json and .md; the last line printed is
#   msgs_per_s=... ceiling=... ratio=... ratio_range=... best_peer=... speedup=...
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

messages=50000 seed=1 subset=2000 rounds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --peer-subset) subset=$2; shift 2 ;;
    --rounds|--repeat) rounds=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

say() { echo "bench.sh: $*" >&2; }
case "$rounds" in
  ''|*[!0-9]*|0) say "--rounds wants a positive number, not '$rounds'"; exit 2 ;;
esac
[ "$subset" -le "$messages" ] || subset=$messages
bin=$ROOT/build/dkimbatch
if [ ! -x "$bin" ]; then
  say "building build/ (Release)"
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build >/dev/null

corpus=$ROOT/bench/corpus-$messages-s$seed
if [ ! -f "$corpus/truth.jsonl" ]; then
  say "generating $messages messages (seed $seed) into $corpus"
  rm -rf "$corpus"
  "$bin" gen --messages "$messages" --seed "$seed" --out "$corpus" >&2
fi
now=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["now_unix"])' "$corpus/gen.json")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The 1-minute load average before the timed runs: other work on the machine
# skews every figure (the ratio less, since openssl speed runs in it too).
load_before=$(cut -d' ' -f1 /proc/loadavg)

# Wall time in seconds, peak RSS in KB and CPU seconds of one dkimbatch run,
# of the process alone (scripts/run_timed.py: from its spawn to its exit).
run_dkimbatch() {
  local threads=$1 out=$2
  /usr/bin/python3 scripts/run_timed.py "$out" "$bin" verify --quiet \
    --threads "$threads" --keys "$corpus/keys.jsonl" --now "$now" \
    "$corpus/corpus.mbox"
}

report_args=()
for r in $(seq 1 "$rounds"); do
  say "round $r of $rounds: openssl speed (verify rates, SHA-256, SHA-1), dkimbatch"
  openssl speed -seconds 1 -mr rsa1024 rsa2048 rsa3072 rsa4096 ed25519 \
    2>/dev/null | grep '^+F' >"$work/openssl-sig-$r"
  for hash in sha256 sha1; do
    openssl speed -seconds 1 -bytes 16384 -mr -evp "$hash" 2>/dev/null \
      | grep '^+F' >"$work/openssl-$hash-$r"
  done
  for threads in 1 2; do
    run_dkimbatch "$threads" "$work/verdicts-$threads.jsonl" \
      >"$work/dkimbatch-$threads-$r"
    read -r wall rss cpu <"$work/dkimbatch-$threads-$r"
    say "  dkimbatch --threads $threads: ${wall}s, peak RSS ${rss} KB, CPU ${cpu}s"
  done
  cmp -s "$work/verdicts-1.jsonl" "$work/verdicts-2.jsonl" \
    || { say "verdicts differ between 1 and 2 threads"; exit 1; }
  report_args+=(--dkimbatch1 "$work/dkimbatch-1-$r" --dkimbatch2 "$work/dkimbatch-2-$r"
    --openssl-sig "$work/openssl-sig-$r" --openssl-sha256 "$work/openssl-sha256-$r"
    --openssl-sha1 "$work/openssl-sha1-$r")
done
/usr/bin/python3 scripts/compare_verdicts.py "$corpus/truth.jsonl" \
  "$work/verdicts-1.jsonl" --label bench >&2 \
  || { say "verdicts do not match truth.jsonl"; exit 1; }

# Peers on the first $subset messages of the Maildir, two processes each.
peers_json="$work/peers.json"
echo '{}' >"$peers_json"
if [ -d "$ROOT/scripts/peers" ]; then
  mkdir -p "$work/subset"
  /usr/bin/python3 - "$corpus/maildir" "$work/subset" "$subset" <<'PY'
import os, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = sorted((f, d) for d in ("cur", "new")
               for f in os.listdir(os.path.join(src, d)))[:n]
for i, (f, d) in enumerate(files):
    os.symlink(os.path.join(src, d, f), os.path.join(dst, "%08d.eml" % i))
PY
  for peer in dkimpy maildkim mailauth opendkim; do
    cmd=$(scripts/peers/check.sh --command "$peer" 2>/dev/null || true)
    [ -n "$cmd" ] || { say "peer $peer not installed (scripts/peers.sh), skipped"; continue; }
    start=$(date +%s.%N)
    ok=1 pids=()
    for shard in 0 1; do
      $cmd --keys "$corpus/keys.jsonl" --now "$now" --shard "$shard/2" \
        "$work/subset" >"$work/$peer-$shard.jsonl" 2>"$work/$peer-$shard.err" &
      pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || ok=0; done
    end=$(date +%s.%N)
    # A run counts only if the peer gave one verdict line per message.
    lines=$(cat "$work/$peer-0.jsonl" "$work/$peer-1.jsonl" | wc -l)
    [ "$lines" = "$subset" ] || ok=0
    if [ "$ok" = 1 ]; then
      /usr/bin/python3 - "$peers_json" "$peer" "$start" "$end" "$subset" <<'PY'
import json, sys
path, peer, start, end, n = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
d = json.load(open(path))
d[peer] = {"messages": n, "seconds": end - start, "msgs_per_s": n / (end - start)}
json.dump(d, open(path, "w"))
PY
      say "peer $peer: $subset messages in $(awk "BEGIN{print $end-$start}") s"
    else
      say "peer $peer failed: $(tail -3 "$work/$peer-0.err")"
    fi
  done
fi

mkdir -p bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
/usr/bin/python3 scripts/bench_report.py \
  --corpus "$corpus" --verdicts "$work/verdicts-1.jsonl" "${report_args[@]}" \
  --peers "$peers_json" \
  --cores "$(nproc)" --load "$load_before $(cut -d' ' -f1 /proc/loadavg)" \
  --command "scripts/bench.sh --messages $messages --seed $seed --peer-subset $subset --rounds $rounds" \
  --json "bench/results/$stamp.json" --markdown "bench/results/$stamp.md"
