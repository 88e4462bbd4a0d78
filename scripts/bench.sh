#!/usr/bin/env bash
# scripts/bench.sh [--messages N] [--seed S] [--peer-subset M] [--repeat R]
#
# One end-to-end benchmark run, one table. On a `dkimbatch gen` corpus
# (default 50,000 messages, seed 1, kept in bench/corpus-N-sS/ and reused):
#   - dkimbatch msgs/s and MB/s at 1 and 2 threads (best of R runs), peak RSS;
#   - the machine's ceiling for this exact corpus, measured in the same run
#     with `openssl speed` (verify rate per key size and algorithm, SHA-256
#     rate): cores / mean over messages of (verify cost + bytes hashed / hash
#     rate), and dkimbatch's ratio to it;
#   - each installed peer (scripts/peers.sh) on the first M messages (default
#     2,000) with both cores (two processes, --shard 0/2 and 1/2), and
#     dkimbatch's speedup over the fastest.
# Results: bench/results/<UTC time>.json and .md; the last line printed is
#   msgs_per_s=... ceiling=... ratio=... best_peer=... speedup=...
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

messages=50000 seed=1 subset=2000 repeat=3
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --peer-subset) subset=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

say() { echo "bench.sh: $*" >&2; }
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

# dkimbatch at 1 and 2 threads: best wall time of $repeat runs, peak RSS.
for threads in 1 2; do
  best=""
  for r in $(seq 1 "$repeat"); do
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$bin" verify --quiet \
      --threads "$threads" --keys "$corpus/keys.jsonl" --now "$now" \
      "$corpus/corpus.mbox" >"$work/verdicts-$threads.jsonl"
    read -r wall rss user sys <"$work/time"
    say "dkimbatch --threads $threads run $r: ${wall}s, peak RSS ${rss} KB, CPU ${user}+${sys}s"
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then
      best=$wall best_rss=$rss best_cpu=$(awk "BEGIN{print $user + $sys}")
    fi
  done
  echo "$best $best_rss $best_cpu" >"$work/dkimbatch-$threads"
done
cmp -s "$work/verdicts-1.jsonl" "$work/verdicts-2.jsonl" \
  || { say "verdicts differ between 1 and 2 threads"; exit 1; }
/usr/bin/python3 scripts/compare_verdicts.py "$corpus/truth.jsonl" \
  "$work/verdicts-1.jsonl" --label bench >&2 \
  || { say "verdicts do not match truth.jsonl"; exit 1; }

# The machine: openssl speed in this same run.
say "openssl speed (verify rates, SHA-256)"
openssl speed -seconds 3 -mr rsa1024 rsa2048 rsa3072 rsa4096 ed25519 \
  2>/dev/null | grep '^+F' >"$work/openssl-sig"
openssl speed -seconds 3 -mr -evp sha256 2>/dev/null | grep '^+F' \
  >"$work/openssl-sha256"
openssl speed -seconds 3 -mr -evp sha1 2>/dev/null | grep '^+F' \
  >"$work/openssl-sha1"

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
  --corpus "$corpus" --verdicts "$work/verdicts-1.jsonl" \
  --dkimbatch1 "$work/dkimbatch-1" --dkimbatch2 "$work/dkimbatch-2" \
  --openssl-sig "$work/openssl-sig" --openssl-sha256 "$work/openssl-sha256" \
  --openssl-sha1 "$work/openssl-sha1" --peers "$peers_json" \
  --cores "$(nproc)" --load "$load_before $(cut -d' ' -f1 /proc/loadavg)" \
  --command "scripts/bench.sh --messages $messages --seed $seed --peer-subset $subset --repeat $repeat" \
  --json "bench/results/$stamp.json" --markdown "bench/results/$stamp.md"
