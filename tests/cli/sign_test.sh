#!/usr/bin/env bash
# tests/cli/sign_test.sh BINARY SAMPLE_DIR
# `dkimbatch sign` end to end: signs the bundled sample (mbox and Maildir)
# with freshly generated RSA-2048 and Ed25519 test keys, then `dkimbatch
# verify` with the sample key cache plus the new key records must give the
# new signature (top) pass/ok on every message, leave the old signatures'
# verdicts as in expected.jsonl, and keep the mbox framing (same message
# count, same `From ` lines) and the Maildir file names. Also: option
# variants, standard input, CRLF, a message that cannot be signed, usage
# errors (exit 2) and --help.
set -uo pipefail
bin=$1 sample=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now=1767312000  # 2026-01-02T00:00:00Z, the sample's verification time
fail=0
failed() { echo "FAIL: $*"; fail=1; }

# --- keys: fresh test keys and their key records ---------------------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
  -out "$tmp/rsa.pem" 2>/dev/null || { echo "openssl genpkey RSA failed"; exit 1; }
openssl genpkey -algorithm ED25519 -out "$tmp/ed.pem" 2>/dev/null ||
  { echo "openssl genpkey ED25519 failed"; exit 1; }
rsa_p=$(openssl pkey -in "$tmp/rsa.pem" -pubout -outform DER | base64 -w0)
ed_p=$(openssl pkey -in "$tmp/ed.pem" -pubout -outform DER | tail -c 32 | base64 -w0)
cp "$sample/keys.jsonl" "$tmp/keys.jsonl"
key_line() {  # key_line NAME TXT
  printf '{"name":"%s","rcode":"NOERROR","txt":["%s"],"dnssec":"insecure","fetched_at":"2026-01-01T00:00:00Z"}\n' \
    "$1" "$2" >>"$tmp/keys.jsonl"
}
key_line rsa._domainkey.signtest.example "v=DKIM1; k=rsa; p=$rsa_p"
key_line ed._domainkey.signtest.example "v=DKIM1; k=ed25519; p=$ed_p"

sign() { "$bin" sign --quiet -d signtest.example "$@"; }
verify() { "$bin" verify --quiet --keys "$tmp/keys.jsonl" --now "$now" "$@"; }

# check_signed NAME VERDICTS SELECTOR ALG C [EXPECTED]: every verdict's top
# signature is ours and pass/ok with a= ALG and c= C; with EXPECTED (the
# sample's expected.jsonl) there is one verdict per expected line and the
# signatures below ours match it.
check_signed() {
  if python3 - "$@" <<'PY'
import json, sys
name, path, sel, alg, canon = sys.argv[1:6]
expected = None
if len(sys.argv) > 6:
    expected = [json.loads(l) for l in open(sys.argv[6])]
got = [json.loads(l) for l in open(path)]
assert got, "no verdicts"
if expected is not None:
    assert len(got) == len(expected), f"{len(got)} verdicts, want {len(expected)}"
for i, v in enumerate(got):
    assert "error" not in v, f"{i}: {v['error']}"
    top = v["signatures"][0]
    want = {"d": "signtest.example", "s": sel, "a": alg, "c": canon,
            "result": "pass", "reason": "ok"}
    for k, w in want.items():
        assert top.get(k) == w, f"{i}: top signature {k}={top.get(k)}, want {w}: {top}"
    assert v["dkim"] == "pass", f"{i}: dkim={v['dkim']}"
    if expected is not None:
        old = [(s["d"], s["s"], s["result"], s["reason"]) for s in v["signatures"][1:]]
        want_old = [(s["d"], s["s"], s["result"], s["reason"])
                    for s in expected[i]["signatures"]]
        assert old == want_old, f"{i}: old signatures {old}, want {want_old}"
        if "message_id" in expected[i]:
            assert v.get("message_id") == expected[i]["message_id"], i
PY
  then echo "ok $1"; else failed "$1"; fi
}

# check_mbox NAME OUT.mbox: same number of messages and the same `From `
# separator lines as the sample mbox.
check_mbox() {
  local n
  n=$(python3 -c 'import mailbox,sys; print(len(mailbox.mbox(sys.argv[1])))' "$2")
  [ "$n" = 200 ] || failed "$1: $n messages in the signed mbox, want 200"
  cmp -s <(grep '^From ' "$sample/sample.mbox") <(grep '^From ' "$2") ||
    failed "$1: From separator lines differ"
}

# check_maildir NAME OUT_DIR: the same files in cur/ and new/ as the sample.
check_maildir() {
  cmp -s <(cd "$sample/maildir" && find cur new -type f | sort) \
    <(cd "$2" && find cur new -type f | sort) ||
    failed "$1: Maildir file names differ from the sample's"
  [ -z "$(ls -A "$2/tmp")" ] || failed "$1: files left in tmp/"
}

# --- the sample mbox and Maildir, both keys --------------------------------
for k in rsa ed; do
  alg=rsa-sha256; [ $k = ed ] && alg=ed25519-sha256
  sign --key "$tmp/$k.pem" -s $k --time $now "$sample/sample.mbox" \
    >"$tmp/$k.mbox" || failed "sign mbox $k: exit $?"
  check_mbox "mbox $k" "$tmp/$k.mbox"
  verify "$tmp/$k.mbox" >"$tmp/$k.mbox.jsonl"
  check_signed "mbox $k" "$tmp/$k.mbox.jsonl" $k $alg relaxed/relaxed \
    "$sample/expected.jsonl"

  sign --key "$tmp/$k.pem" -s $k --time $now --out "$tmp/$k.maildir" \
    "$sample/maildir" || failed "sign maildir $k: exit $?"
  check_maildir "maildir $k" "$tmp/$k.maildir"
  verify "$tmp/$k.maildir" >"$tmp/$k.maildir.jsonl"
  check_signed "maildir $k" "$tmp/$k.maildir.jsonl" $k $alg relaxed/relaxed \
    "$sample/expected.jsonl"
done

# Signed twice: both new signatures pass, the latest on top.
sign --key "$tmp/ed.pem" -s ed --time $now "$tmp/rsa.mbox" >"$tmp/twice.mbox" ||
  failed "sign twice: exit $?"
verify "$tmp/twice.mbox" >"$tmp/twice.jsonl"
python3 - "$tmp/twice.jsonl" <<'PY' && echo "ok twice" || failed "twice"
import json, sys
for l in open(sys.argv[1]):
    v = json.loads(l)
    tops = [(s["s"], s["result"]) for s in v["signatures"][:2]]
    assert tops == [("ed", "pass"), ("rsa", "pass")], tops
PY

# --- option variants ----------------------------------------------------------
sign --key "$tmp/rsa.pem" -s rsa --time $now -c simple/simple --oversign \
  --body-length -i @signtest.example --expire-after 86400 \
  --headers From:To:Subject:Date:Message-ID "$sample/sample.mbox" \
  >"$tmp/variant.mbox" || failed "sign variant: exit $?"
check_mbox "variant" "$tmp/variant.mbox"
verify "$tmp/variant.mbox" >"$tmp/variant.jsonl"
check_signed "variant" "$tmp/variant.jsonl" rsa rsa-sha256 simple/simple \
  "$sample/expected.jsonl"
python3 - "$tmp/variant.mbox" <<'PY' && echo "ok variant tags" || failed "variant tags"
import mailbox, re, sys
for m in mailbox.mbox(sys.argv[1]):
    field = re.sub(r"\s+", "", m.get_all("DKIM-Signature")[0])
    tags = dict(t.split("=", 1) for t in field.split(";") if t)
    assert tags["x"] == str(1767312000 + 86400), tags["x"]
    assert tags["i"] == "@signtest.example"
    assert "l" in tags
    h = tags["h"].split(":")
    assert h[0] == "from"
    assert h.count("from") == len(m.get_all("From") or []) + 1
    assert h.count("subject") == len(m.get_all("Subject") or []) + 1
    assert "content-type" not in h
PY

# One word for -c: header canonicalization, body simple (RFC 6376 3.5).
sign --key "$tmp/ed.pem" -s ed --time $now -c relaxed --out "$tmp/c1.mbox" \
  "$sample/sample.mbox" || failed "sign -c relaxed: exit $?"
verify "$tmp/c1.mbox" >"$tmp/c1.jsonl"
check_signed "-c relaxed" "$tmp/c1.jsonl" ed ed25519-sha256 relaxed/simple

# rsa-sha1 passes for a verifier that allows it.
sign --key "$tmp/rsa.pem" -s rsa -a rsa-sha1 --time $now \
  "$sample/sample.mbox" >"$tmp/sha1.mbox" 2>"$tmp/sha1.err" ||
  failed "sign rsa-sha1: exit $?"
grep -q 'rsa-sha1' "$tmp/sha1.err" || failed "rsa-sha1: no warning"
verify --allow-sha1 "$tmp/sha1.mbox" >"$tmp/sha1.jsonl"
check_signed "rsa-sha1" "$tmp/sha1.jsonl" rsa rsa-sha1 relaxed/relaxed

# Default time: t= is now.
msg="$sample/maildir/cur/1767225600.M000000.sample:2,S"
before=$(date +%s)
sign --key "$tmp/ed.pem" -s ed "$msg" >"$tmp/now.eml" || failed "sign now: exit $?"
after=$(date +%s)
t=$(tr -d '\n\t ' <"$tmp/now.eml" | grep -o 't=[0-9]*' | head -1 | cut -c3-)
{ [ -n "$t" ] && [ "$t" -ge "$before" ] && [ "$t" -le "$after" ]; } ||
  failed "default --time: t=$t not in [$before, $after]"

# --- standard input -------------------------------------------------------------
sign --key "$tmp/rsa.pem" -s rsa --time $now - <"$msg" >"$tmp/stdin.eml" ||
  failed "sign -: exit $?"
cmp -s <(tail -c "$(wc -c <"$msg")" "$tmp/stdin.eml") "$msg" ||
  failed "stdin: the message is not kept byte for byte under the signature"
head -1 "$tmp/stdin.eml" | grep -q '^DKIM-Signature: ' ||
  failed "stdin: no DKIM-Signature on top"
verify "$tmp/stdin.eml" >"$tmp/stdin.jsonl"
check_signed "stdin message" "$tmp/stdin.jsonl" rsa rsa-sha256 relaxed/relaxed

# An mbox on standard input gives an mbox.
sign --key "$tmp/ed.pem" -s ed --time $now - <"$sample/sample.mbox" \
  >"$tmp/stdin.mbox" || failed "sign - (mbox): exit $?"
check_mbox "stdin mbox" "$tmp/stdin.mbox"
verify "$tmp/stdin.mbox" >"$tmp/stdin.mbox.jsonl"
check_signed "stdin mbox" "$tmp/stdin.mbox.jsonl" ed ed25519-sha256 \
  relaxed/relaxed "$sample/expected.jsonl"

# CRLF in, CRLF out.
sed 's/$/\r/' "$msg" >"$tmp/crlf.eml"
sign --key "$tmp/rsa.pem" -s rsa --time $now "$tmp/crlf.eml" \
  >"$tmp/crlf.signed" || failed "sign crlf: exit $?"
head -1 "$tmp/crlf.signed" | grep -q $'\r$' || failed "crlf: field not CRLF"
[ "$(grep -c $'[^\r]$' "$tmp/crlf.signed")" = 0 ] || failed "crlf: bare LF written"
verify "$tmp/crlf.signed" >"$tmp/crlf.jsonl"
check_signed "crlf" "$tmp/crlf.jsonl" rsa rsa-sha256 relaxed/relaxed

# --- a message that cannot be signed --------------------------------------------
printf '\nno header at all\n' >"$tmp/noheader.eml"
status=0
sign --key "$tmp/rsa.pem" -s rsa "$tmp/noheader.eml" >"$tmp/noheader.out" \
  2>"$tmp/noheader.err" || status=$?
[ $status = 1 ] || failed "no header: exit $status, want 1"
cmp -s "$tmp/noheader.eml" "$tmp/noheader.out" || failed "no header: not copied unchanged"
grep -q 'noheader.eml' "$tmp/noheader.err" || failed "no header: warning does not name it"

# ... in a directory: the other message is signed, both are written (new/).
mkdir -p "$tmp/dir/sub"
cp "$tmp/noheader.eml" "$tmp/dir/"
cp "$msg" "$tmp/dir/sub/good.eml"
status=0
sign --key "$tmp/rsa.pem" -s rsa --time $now --out "$tmp/dir.out" "$tmp/dir" \
  2>"$tmp/dir.err" || status=$?
[ $status = 1 ] || failed "dir: exit $status, want 1"
cmp -s "$tmp/noheader.eml" "$tmp/dir.out/new/noheader.eml" ||
  failed "dir: message without header not copied unchanged"
verify "$tmp/dir.out/new/good.eml" >"$tmp/dir.jsonl"
check_signed "dir" "$tmp/dir.jsonl" rsa rsa-sha256 relaxed/relaxed

# ... in an mbox: copied unchanged in place, the others signed.
{
  printf 'From a@example.com Thu Jan  1 00:00:00 2026\n'
  printf 'From: a@example.com\nSubject: one\n\nbody one\n\n'
  printf 'From b@example.com Thu Jan  1 00:00:01 2026\n'
  printf '\nno header\n>From quoted\n\n'
  printf 'From c@example.com Thu Jan  1 00:00:02 2026\n'
  printf 'From: c@example.com\nSubject: three\n\n>From quoted\nbody three\n\n'
} >"$tmp/mixed.mbox"
status=0
sign --key "$tmp/rsa.pem" -s rsa --time $now "$tmp/mixed.mbox" \
  >"$tmp/mixed.out" 2>"$tmp/mixed.err" || status=$?
[ $status = 1 ] || failed "mixed mbox: exit $status, want 1"
grep -q 'mixed.mbox message 1' "$tmp/mixed.err" || failed "mixed mbox: warning"
[ "$(grep -c '^From ' "$tmp/mixed.out")" = 3 ] || failed "mixed mbox: separators"
python3 - "$tmp/mixed.out" <<'PY' || failed "mixed mbox: contents"
import sys
data = open(sys.argv[1], "rb").read()
parts = data.split(b"\nFrom ")
assert parts[1] == (b"b@example.com Thu Jan  1 00:00:01 2026\n"
                    b"\nno header\n>From quoted\n"), parts[1]
assert parts[2].count(b">From quoted") == 1 and b"DKIM-Signature" in parts[2]
PY
verify "$tmp/mixed.out" >"$tmp/mixed.jsonl"
python3 - "$tmp/mixed.jsonl" <<'PY' && echo "ok mixed mbox" || failed "mixed mbox: verdicts"
import json, sys
v = [json.loads(l) for l in open(sys.argv[1])]
assert [x["dkim"] for x in v] == ["pass", "none", "pass"], v
PY

# --- usage errors (exit 2) and --help --------------------------------------------
expect() {  # expect STATUS ARGS...
  local want=$1; shift
  local status=0
  "$bin" sign "$@" >/dev/null 2>"$tmp/usage.err" </dev/null || status=$?
  if [ "$status" != "$want" ]; then
    failed "dkimbatch sign $* exited $status, want $want"
  elif [ "$want" = 2 ] && ! grep -q 'dkimbatch sign: ' "$tmp/usage.err"; then
    failed "dkimbatch sign $*: no message"
  fi
}
k="--key $tmp/rsa.pem"
expect 2 $k -s rsa "$msg"                        # missing -d
expect 2 $k -d signtest.example "$msg"           # missing -s
expect 2 -d signtest.example -s rsa "$msg"       # missing --key
expect 2 $k -d signtest.example -s rsa           # no PATH
expect 2 $k -d signtest.example -s rsa "$msg" "$msg"
expect 2 $k -d signtest.example -s rsa "$sample/maildir"   # no --out
expect 2 $k -d signtest.example -s rsa -c loose "$msg"
expect 2 $k -d signtest.example -s rsa -a rsa-sha512 "$msg"
expect 2 $k -d signtest.example -s rsa -a ed25519-sha256 "$msg"
expect 2 --key "$tmp/ed.pem" -d signtest.example -s ed -a rsa-sha256 "$msg"
expect 2 $k -d signtest.example -s rsa --time yesterday "$msg"
expect 2 $k -d signtest.example -s rsa --expire-after 0 "$msg"
expect 2 $k -d signtest.example -s rsa -i @other.example "$msg"
expect 2 $k -d "bad;domain" -s rsa "$msg"
expect 2 $k -d signtest.example -s rsa --headers from::to "$msg"
expect 2 $k -d signtest.example -s rsa --bogus "$msg"
expect 2 $k -d signtest.example -s rsa --out "$msg" "$msg"
expect 2 --key "$msg" -d signtest.example -s rsa "$msg"    # not a PEM key
expect 2 --key "$tmp/none.pem" -d signtest.example -s rsa "$msg"
expect 1 $k -d signtest.example -s rsa "$tmp/no-such-file"
cp "$msg" "$tmp/in-place.eml"
status=0
"$bin" sign $k -d signtest.example -s rsa --out "$tmp/in-place.eml" - \
  <"$tmp/in-place.eml" >/dev/null 2>&1 || status=$?
[ $status = 2 ] || failed "--out = standard input's file: exit $status, want 2"
cmp -s "$msg" "$tmp/in-place.eml" || failed "--out = standard input's file: input changed"
expect 0 --help
expect 0 $k -d signtest.example -s rsa "$msg"
expect 0 $k --domain=signtest.example -ssel --out="$tmp/o.eml" "$msg"
help=$("$bin" sign --help)
for opt in --key -d -s -a -c --headers --oversign --body-length -i --time \
  --expire-after --out --format rsa-sha256 ed25519-sha256 relaxed/relaxed; do
  grep -q -- "$opt" <<<"$help" || failed "--help lacks $opt"
done

[ $fail = 0 ] && echo "ok: sign"
exit $fail
