#!/usr/bin/env bash
# tests/cli/interop_test.sh BINARY SAMPLE_DIR REPO_DIR
# Interoperability: messages signed by `dkimbatch sign` (the 200 varied
# messages of the sample, re-signed four ways: RSA-2048 relaxed/relaxed with
# over-signing, RSA-2048 simple/simple with l=, RSA-1024 relaxed/simple,
# Ed25519 relaxed/relaxed) must verify with every installed peer
# (scripts/peers.sh: dkimpy, Mail::DKIM, mailauth, OpenDKIM), keys given
# offline from keys.jsonl. Mail::DKIM 1.20230212 has no Ed25519 support, so it
# is not asked about the Ed25519 set. The peers must be installed: a missing
# dkimpy, Mail::DKIM or mailauth is a failure, not a skip.
set -uo pipefail
bin=$1 sample=$2 repo=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now=1767312000
fail=0

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/rsa2048.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$tmp/rsa1024.pem" 2>/dev/null
openssl genpkey -algorithm ED25519 -out "$tmp/ed.pem" 2>/dev/null
cp "$sample/keys.jsonl" "$tmp/keys.jsonl"
key_line() {  # key_line SELECTOR RECORD
  printf '{"name":"%s._domainkey.interop.example","rcode":"NOERROR","txt":["%s"],"dnssec":"insecure","fetched_at":"2026-01-01T00:00:00Z"}\n' \
    "$1" "$2" >>"$tmp/keys.jsonl"
}
for bits in 2048 1024; do
  key_line "rsa$bits" "v=DKIM1; k=rsa; p=$(openssl pkey -in "$tmp/rsa$bits.pem" -pubout -outform DER | base64 -w0)"
done
key_line ed "v=DKIM1; k=ed25519; p=$(openssl pkey -in "$tmp/ed.pem" -pubout -outform DER | tail -c 32 | base64 -w0)"

sign() {  # sign NAME KEY SELECTOR ARGS...
  local name=$1 key=$2 sel=$3; shift 3
  "$bin" sign --quiet --key "$tmp/$key.pem" -d interop.example -s "$sel" \
    --time "$((now - 3600))" "$@" --out "$tmp/$name" "$sample/maildir" \
    || { echo "FAIL: dkimbatch sign ($name)"; fail=1; }
}
sign rr-oversign rsa2048 rsa2048 -c relaxed/relaxed --oversign
sign ss-length rsa2048 rsa2048 -c simple/simple --body-length
sign rs-1024 rsa1024 rsa1024 -c relaxed/simple
sign ed-rr ed ed -c relaxed/relaxed

peers=(dkimpy maildkim mailauth opendkim)
for peer in "${peers[@]}"; do
  cmd=$("$repo/scripts/peers/check.sh" --command "$peer" 2>/dev/null)
  if [ -z "$cmd" ]; then
    if [ "$peer" = opendkim ]; then echo "note: OpenDKIM harness not built"; continue; fi
    echo "FAIL: peer $peer is not installed (run scripts/peers.sh)"; fail=1; continue
  fi
  for set in rr-oversign ss-length rs-1024 ed-rr; do
    if [ "$peer" = maildkim ] && [ "$set" = ed-rr ]; then continue; fi
    $cmd --keys "$tmp/keys.jsonl" --now "$now" "$tmp/$set" >"$tmp/$peer-$set.jsonl" 2>"$tmp/$peer-$set.err"
    if ! /usr/bin/python3 - "$tmp/$peer-$set.jsonl" "$peer" "$set" <<'PY'
import json, sys
path, peer, name = sys.argv[1:]
lines = [json.loads(l) for l in open(path)]
bad = [l for l in lines
       if not l.get("signatures") or l["signatures"][0].get("d") != "interop.example"
       or l["signatures"][0].get("result") != "pass"]
print(f"{peer:9s} {name:12s} {len(lines) - len(bad)}/{len(lines)} dkimbatch signatures pass")
for l in bad[:5]:
    print("   not pass:", l.get("file"), json.dumps(l.get("signatures", [])[:1])[:300])
sys.exit(0 if lines and len(lines) == 200 and not bad else 1)
PY
    then
      echo "FAIL: $peer on $set"; tail -3 "$tmp/$peer-$set.err"; fail=1
    fi
  done
done
exit $fail
