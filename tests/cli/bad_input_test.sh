#!/usr/bin/env bash
# tests/cli/bad_input_test.sh BINARY
# Hostile and broken inputs: every message still gets exactly one valid,
# UTF-8 JSON verdict line (with a reason or "error"), no crash, no hang, and
# the exit status of DESIGN.md.
set -uo pipefail
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {  # check NAME EXPECTED_LINES EXPECTED_STATUS -- ARGS...
  local name=$1 lines=$2 want_status=$3; shift 4
  local status=0
  timeout 60 "$bin" verify --quiet --now 1767312000 "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" || status=$?
  if [ "$status" != "$want_status" ]; then
    echo "FAIL $name: exit $status, want $want_status"; cat "$tmp/$name.err"
    fail=1; return
  fi
  if ! python3 - "$tmp/$name.out" "$lines" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")            # strict: must be valid UTF-8
lines = text.split("\n")
assert lines[-1] == "", "output does not end with a newline"
lines = lines[:-1]
assert len(lines) == int(sys.argv[2]), f"{len(lines)} lines, want {sys.argv[2]}"
for l in lines:
    v = json.loads(l)
    assert "dkim" in v and "signatures" in v, l[:200]
    assert v.get("error") or v["dkim"] in (
        "pass", "fail", "policy", "neutral", "temperror", "permerror", "none")
PY
  then
    echo "FAIL $name"; head -c 600 "$tmp/$name.out"; fail=1; return
  fi
  echo "ok $name"
}

# An empty file: one line with an error.
: >"$tmp/empty.eml"
check empty 1 0 -- "$tmp/empty.eml"
grep -q '"error":"empty input"' "$tmp/empty.out" || { echo "FAIL empty: no error"; fail=1; }

# Binary junk, with NUL bytes and invalid UTF-8.
python3 -c 'import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(200000)))' >"$tmp/junk.bin"
check binary 1 0 -- "$tmp/junk.bin"

# A message whose Message-ID and From hold invalid UTF-8 and control bytes.
printf 'From: \xff\xfe <a@ex\x01ample.com>\nMessage-ID: <\xc3\x28\x00x@y>\nDKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh=AAAA; b=!!!\n\nbody\n' >"$tmp/badutf8.eml"
check badutf8 1 0 -- "$tmp/badutf8.eml"

# A truncated mbox: the third message is cut in the middle of its body.
{
  for i in 1 2 3; do
    printf 'From sender@example.com Thu Jan  1 00:00:00 2026\n'
    printf 'From: a@example.com\nSubject: m%s\nMessage-ID: <m%s@example.com>\n\n' "$i" "$i"
    printf 'line one\nline two\n\n'
  done
} | head -c -12 >"$tmp/truncated.mbox"
check truncated 3 0 -- "$tmp/truncated.mbox"

# A 1 MB header line.
{
  printf 'From: a@example.com\nSubject: '
  head -c 1048576 /dev/zero | tr '\0' 'x'
  printf '\nDKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x;\n h=from:subject; bh=AAAA; b=AAAA\n\nbody\n'
} >"$tmp/bighdr.eml"
check bighdr 1 0 -- "$tmp/bighdr.eml"
grep -q '"dkim":"temperror"' "$tmp/bighdr.out" || { echo "FAIL bighdr: want temperror (no key)"; fail=1; }

# A missing input: a line with an error, exit 1; the other input still runs.
check missing 2 1 -- "$tmp/no-such-file" "$tmp/bighdr.eml"

# A directory with a FIFO and an unreadable file must not hang.
mkdir -p "$tmp/dir/sub"
cp "$tmp/bighdr.eml" "$tmp/dir/sub/a.eml"
mkfifo "$tmp/dir/pipe"
check fifo_dir 2 1 -- "$tmp/dir"

# Standard input.
status=0
"$bin" verify --quiet - <"$tmp/badutf8.eml" >"$tmp/stdin.out" 2>/dev/null || status=$?
[ "$status" = 0 ] && [ "$(wc -l <"$tmp/stdin.out")" = 1 ] || { echo "FAIL stdin"; fail=1; }

# A key cache with garbage lines: reported with line numbers, not fatal.
printf '{"name":"x._domainkey.example.com","rcode":"NXDOMAIN","txt":[]}\nnot json\n{"rcode":1}\n' >"$tmp/keys.jsonl"
status=0
"$bin" verify --keys "$tmp/keys.jsonl" "$tmp/badutf8.eml" >"$tmp/k.out" 2>"$tmp/k.err" || status=$?
[ "$status" = 0 ] && grep -q ':2:' "$tmp/k.err" && grep -q ':3:' "$tmp/k.err" \
  || { echo "FAIL garbage key cache"; cat "$tmp/k.err"; fail=1; }

exit $fail
