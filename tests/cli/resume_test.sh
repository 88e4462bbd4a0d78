#!/usr/bin/env bash
# tests/cli/resume_test.sh BINARY
# "Exactly one line per message, even when killed": a `dkimbatch gen` corpus
# (mbox + Maildir) is verified once without interruption; then the same run
# is killed with SIGKILL at random moments several times, and its output is
# also cut at a random byte (a kill in the middle of a write), each time
# followed by `--resume`. After every kill the whole lines must be a prefix
# of the uninterrupted output; the final file must equal it byte for byte,
# and the final --summary must count what the uninterrupted run counted.
# Also: --resume refuses other inputs, a foreign file and a missing --out.
set -euo pipefail
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" gen --quiet --messages 2500 --seed 5 --out "$tmp/g"
now=2026-01-02T00:00:00Z
args=(verify --quiet --threads 2 --keys "$tmp/g/keys.jsonl" --now "$now")
inputs=("$tmp/g/corpus.mbox" "$tmp/g/maildir")

"$bin" "${args[@]}" --out "$tmp/ref.jsonl" --summary "$tmp/ref.summary" \
  "${inputs[@]}"
total=$(wc -l <"$tmp/ref.jsonl")
test "$total" -eq 5000
ref_size=$(stat -c %s "$tmp/ref.jsonl")

# check_prefix: the whole lines of out.jsonl are the start of ref.jsonl.
check_prefix() {
  python3 - "$tmp/out.jsonl" "$tmp/ref.jsonl" <<'PY'
import sys
out = open(sys.argv[1], "rb").read() if __import__("os").path.exists(sys.argv[1]) else b""
ref = open(sys.argv[2], "rb").read()
whole = out[:out.rfind(b"\n") + 1]
assert ref.startswith(whole), "whole lines are not a prefix of the reference"
print("  %d whole lines, %d bytes of a cut-off line" %
      (whole.count(b"\n"), len(out) - len(whole)))
PY
}

# Each round kills the run once its output has grown past a random size,
# so the kills land inside the run whatever the machine's speed.
RANDOM=7
interrupted=0
for round in 1 2 3 4 5 6; do
  size=$(stat -c %s "$tmp/out.jsonl" 2>/dev/null || echo 0)
  target=$(( size + (ref_size - size) * (RANDOM % 1000) / 1500 ))
  "$bin" "${args[@]}" --resume --out "$tmp/out.jsonl" "${inputs[@]}" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null &&
    [ "$(stat -c %s "$tmp/out.jsonl" 2>/dev/null || echo 0)" -lt "$target" ]; do
    sleep 0.005
  done
  if kill -9 "$pid" 2>/dev/null; then interrupted=$((interrupted + 1)); fi
  wait "$pid" 2>/dev/null || true
  echo "round $round: killed past byte $target"
  check_prefix
  if [ "$round" = 3 ] && [ -s "$tmp/out.jsonl" ]; then
    # A kill in the middle of a write: cut the file at a random byte.
    size=$(stat -c %s "$tmp/out.jsonl")
    cut=$(( (RANDOM * 32768 + RANDOM) % size ))
    truncate -s "$cut" "$tmp/out.jsonl"
    echo "round $round: file cut at byte $cut of $size"
    check_prefix
  fi
done
echo "$interrupted of 6 runs were still running when killed"

"$bin" "${args[@]}" --resume --out "$tmp/out.jsonl" \
  --summary "$tmp/out.summary" "${inputs[@]}"
cmp "$tmp/out.jsonl" "$tmp/ref.jsonl"
python3 - "$tmp/ref.summary" "$tmp/out.summary" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for k in ("messages", "results", "reasons", "errors", "exit_status"):
    assert a[k] == b[k], (k, a[k], b[k])
print("summary after resume matches: %d messages, %d resumed" %
      (b["messages"], b["resumed"]))
PY
# Resuming a finished file adds nothing.
"$bin" "${args[@]}" --resume --out "$tmp/out.jsonl" "${inputs[@]}"
cmp "$tmp/out.jsonl" "$tmp/ref.jsonl"

# Refusals: exit 2 and the file untouched.
expect2() {
  local status=0
  "$bin" "$@" >/dev/null 2>"$tmp/err" || status=$?
  if [ "$status" != 2 ]; then
    echo "FAIL: dkimbatch $* exited $status, want 2"; cat "$tmp/err"; exit 1
  fi
}
head -n 100 "$tmp/ref.jsonl" >"$tmp/part.jsonl"
cp "$tmp/part.jsonl" "$tmp/part.orig"
expect2 "${args[@]}" --resume --out "$tmp/part.jsonl" "$tmp/g/maildir"
grep -q "does not continue these inputs" "$tmp/err"
printf 'not a verdict line\n' >"$tmp/foreign.txt"
expect2 "${args[@]}" --resume --out "$tmp/foreign.txt" "${inputs[@]}"
grep -q "not a dkimbatch verdict line" "$tmp/err"
test "$(cat "$tmp/foreign.txt")" = "not a verdict line"
expect2 "${args[@]}" --resume "${inputs[@]}"
cmp "$tmp/part.jsonl" "$tmp/part.orig"
# More lines than the inputs have messages.
expect2 "${args[@]}" --resume --out "$tmp/out.jsonl" "$tmp/g/corpus.mbox"
grep -q "the inputs only 2500 messages" "$tmp/err"
cmp "$tmp/out.jsonl" "$tmp/ref.jsonl"
echo "ok: resume"
