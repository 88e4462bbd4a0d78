#!/usr/bin/env bash
# tests/cli/hostile_test.sh BINARY SAMPLE_DIR SANITIZED
# The hostile-input set of issue 7 (tests/cli/hostile_inputs.py): empty
# files, NUL bytes, a 50 MB header, 100,000 headers, a 20 MB line, `From `
# on every line, a cut mbox, CR-only line ends, a Maildir of unreadable
# files, symlink loops and special files, a FIFO without writer, a hostile
# key cache (garbage lines, huge TXT, a 16,384-bit key, a 100 KB p=), 10,000
# names in h=, 1,000 signatures. One run over all of them must give exactly
# the expected verdict lines and reasons, within a time limit (no hang) and,
# unless SANITIZED=1, under 512 MB of peak RSS. Then each limit flag is
# checked both ways.
set -euo pipefail
bin=$1 sample=$2 sanitized=${3:-0}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp"; rm -rf "$tmp"' EXIT
python3 "$here/hostile_inputs.py" "$tmp/in" "$sample/keys.jsonl"
now=2026-01-02T00:00:00Z
inputs=()
for f in $(ls "$tmp/in" | grep -v -e '^expect.json$' -e '^keys.jsonl$'); do
  inputs+=("$tmp/in/$f")
done

status=0
timeout 300 /usr/bin/time -f '%M' -o "$tmp/rss" \
  "$bin" verify --keys "$tmp/in/keys.jsonl" --now "$now" \
  --summary "$tmp/summary.json" --out "$tmp/out.jsonl" "${inputs[@]}" \
  2>"$tmp/err" || status=$?
# Exit 1: the Maildir holds entries that cannot be read.
if [ "$status" != 1 ]; then
  echo "FAIL: exit $status, want 1"; tail -5 "$tmp/err"; exit 1
fi
rss_kb=$(tail -1 "$tmp/rss")
echo "peak RSS: $((rss_kb / 1024)) MB"
if [ "$sanitized" != 1 ] && [ "$rss_kb" -ge $((512 * 1024)) ]; then
  echo "FAIL: peak RSS $((rss_kb / 1024)) MB, limit 512 MB"; exit 1
fi
# The garbage key cache: at most 100 warnings, then a count.
test "$(grep -c '^dkimbatch: warning: .*keys.jsonl:[0-9]' "$tmp/err")" -eq 100
grep -q 'more bad lines' "$tmp/err"

python3 - "$tmp/in/expect.json" "$tmp/out.jsonl" "$tmp/in" <<'PY'
import json, os, sys
expect = json.load(open(sys.argv[1]))
root = sys.argv[3] + "/"
raw = open(sys.argv[2], "rb").read()
text = raw.decode("utf-8")                       # strict UTF-8
assert text.endswith("\n")
by_input = {}
for line in text[:-1].split("\n"):
    v = json.loads(line)
    name = v["source"][len(root):].split("/")[0]
    by_input.setdefault(name, []).append((v, len(line)))
assert set(by_input) == set(expect), (sorted(by_input), sorted(expect))
for name, want in expect.items():
    got = by_input[name]
    assert len(got) == want["lines"], (name, len(got), want["lines"])
    if "error" in want:
        for v, _ in got:
            assert want["error"] in v.get("error", ""), (name, v)
    if "errors" in want:
        assert sum(1 for v, _ in got if v.get("error")) == want["errors"], name
    if "reasons" in want:
        reasons = [s["reason"] for s in got[0][0]["signatures"]]
        assert reasons == want["reasons"], (name, reasons[:5])
    for v, n in got:
        assert n <= want.get("max_line", 100000), (name, n)
print("ok: %d inputs, %d verdict lines" % (len(expect), text.count("\n")))
PY
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["exit_status"]==1 and s["reasons"]["too_many_headers"]==1, s' "$tmp/summary.json"
# The human summary on standard error: counts by result, then by reason.
grep -q '^dkimbatch: 20026 messages in .* errors=200[01][0-9]$' "$tmp/err"
grep -q '^dkimbatch: reasons: signature_mismatch=42 .*too_many_headers=1' \
  "$tmp/err"

# Each limit flag, raised or lowered, changes the verdict as documented.
one() {  # one FILE ARGS... -> the verdict line of FILE
  local f=$1; shift
  timeout 300 "$bin" verify --quiet --keys "$tmp/in/keys.jsonl" --now "$now" \
    "$@" "$tmp/in/$f" 2>/dev/null
}
reasons() { python3 -c 'import json,sys; print(" ".join(s["reason"] for s in json.loads(sys.stdin.read())["signatures"]))'; }
test "$(one many_headers.eml --max-headers 200000 | reasons)" = signature_mismatch
test "$(one key16k.eml --max-key-bits 16384 | reasons)" = signature_mismatch
one key16k.eml | grep -q '"key_bits":16384,"result":"permerror","reason":"key_too_large"'
test "$(one long_line.eml --max-message-bytes 1000000 | reasons)" = message_too_large
test "$(one many_sigs.eml --max-signatures 2 | reasons)" = \
  "signature_mismatch signature_mismatch too_many_signatures"
one many_sigs.eml --max-signatures 2 | grep -q '998 more DKIM-Signature fields'
test "$(one h10000.eml --max-headers 100 | reasons)" = too_many_headers
echo "ok: hostile inputs"
