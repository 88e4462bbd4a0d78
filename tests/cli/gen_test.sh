#!/usr/bin/env bash
# tests/cli/gen_test.sh BINARY SCRIPTS_DIR
# `dkimbatch gen`: determinism across thread counts, the Maildir and mbox
# copies verify exactly as truth.jsonl says, every reason category of the
# default mix is present, the mix flags work, and usage errors exit 2.
set -euo pipefail
bin=$1 scripts=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
compare() { python3 "$scripts/compare_verdicts.py" "$@"; }

# 1. Same seed and N at 1 and 2 threads: byte-identical directories (keys
#    included: they are derived from the seed).
"$bin" gen --quiet --messages 2000 --seed 42 --threads 1 --out "$tmp/t1"
"$bin" gen --quiet --messages 2000 --seed 42 --threads 2 --out "$tmp/t2"
for f in corpus.mbox truth.jsonl keys.jsonl gen.json; do
  cmp "$tmp/t1/$f" "$tmp/t2/$f"
done
diff -r "$tmp/t1" "$tmp/t2"
test "$(wc -l <"$tmp/t1/truth.jsonl")" -eq 2000
test "$(find "$tmp/t1/maildir/cur" "$tmp/t1/maildir/new" -type f | wc -l)" \
  -eq 2000

# 2. Verify both copies at the `now` of gen.json; compare with the truth.
now=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["now"])' \
  "$tmp/t1/gen.json")
"$bin" verify --quiet --keys "$tmp/t1/keys.jsonl" --now "$now" \
  "$tmp/t1/corpus.mbox" >"$tmp/mbox.jsonl"
compare "$tmp/t1/truth.jsonl" "$tmp/mbox.jsonl" --label mbox
# Byte-identical output at every thread count (32 batches in flight, out of
# order, over 2,000 messages).
for threads in 2 3 8; do
  "$bin" verify --quiet --threads "$threads" --keys "$tmp/t1/keys.jsonl" \
    --now "$now" "$tmp/t1/corpus.mbox" | cmp - "$tmp/mbox.jsonl"
done
"$bin" verify --quiet --keys "$tmp/t1/keys.jsonl" --now "$now" \
  "$tmp/t1/maildir" >"$tmp/maildir.jsonl"
compare "$tmp/t1/truth.jsonl" "$tmp/maildir.jsonl" --label maildir

# 3. Every category of the default mix is in the truth; the kinds too.
python3 - "$tmp/t1/truth.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["index"] for r in rows] == list(range(len(rows))), "index order"
assert len({r["message_id"] for r in rows}) == len(rows), "duplicate Message-ID"
seen = {(s["result"], s["reason"]) for r in rows for s in r["signatures"]}
want = {("pass", "ok"), ("fail", "body_hash_mismatch"),
        ("fail", "signature_mismatch"), ("permerror", "key_revoked"),
        ("permerror", "key_not_found"), ("temperror", "key_unavailable")}
missing = want - seen
assert not missing, "missing reason categories: %s" % sorted(missing)
kinds = {r["kind"] for r in rows}
assert kinds == {"text", "html", "attachment"}, kinds
assert any(len(r["signatures"]) == 2 for r in rows), "no dual-signed message"
print("ok: %d messages, reasons %s" % (len(rows), sorted(seen)))
PY

# 4. The mix flags: odd sizes (512 gives policy/key_too_small), unsigned
#    mail, a high broken share; still exactly as the truth says.
"$bin" gen --quiet --messages 300 --seed 3 --out "$tmp/mix" \
  --key-sizes 512:1,1024:1,1536:1 --broken-fraction 0.4 \
  --ed25519-fraction 0.3 --unsigned-fraction 0.1 --html-fraction 0.3 \
  --attachment-fraction 0.1 --relaxed-fraction 0.5
"$bin" verify --quiet --keys "$tmp/mix/keys.jsonl" --now "$now" \
  "$tmp/mix/corpus.mbox" >"$tmp/mix.jsonl"
compare "$tmp/mix/truth.jsonl" "$tmp/mix.jsonl" --label mix
grep -q '"reason":"key_too_small"' "$tmp/mix/truth.jsonl"
grep -q '"dkim":"none"' "$tmp/mix/truth.jsonl"

# 5. --force over a bigger corpus leaves no stale Maildir files.
"$bin" gen --quiet --messages 50 --seed 42 --out "$tmp/t1" --force
test "$(find "$tmp/t1/maildir" -type f | wc -l)" -eq 50
test "$(wc -l <"$tmp/t1/truth.jsonl")" -eq 50

# 6. Usage errors.
expect2() {
  local status=0
  "$bin" gen "$@" >/dev/null 2>&1 || status=$?
  if [ "$status" != 2 ]; then
    echo "FAIL: dkimbatch gen $* exited $status, want 2"
    exit 1
  fi
}
expect2 --out "$tmp/x"                           # no --messages
expect2 --messages 10                            # no --out
expect2 --messages 10 --out "$tmp/t2"            # not empty, no --force
expect2 --messages 10 --out "$tmp/x" --html-fraction 1.5
expect2 --messages 10 --out "$tmp/x" --key-sizes 1000
expect2 --messages 10 --out "$tmp/x" --bogus 1
"$bin" gen --help | grep -q -- --broken-fraction
echo "ok: gen"
