#!/usr/bin/env bash
# tests/dns/keys_usage_test.sh BINARY
# Command-line handling of `keys fetch`, `keys check` and the resolver flags
# of `verify` that needs no DNS server: usage errors exit 2, --help exits 0
# and documents the options, an archive without signatures needs no lookup,
# an unreadable input exits 1.
set -uo pipefail
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
printf 'From: a@example.com\nSubject: unsigned\n\nbody\n' >"$tmp/plain.eml"

expect() {  # expect STATUS ARGS...
  local want=$1; shift
  local status=0
  timeout 30 "$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || status=$?
  if [ "$status" != "$want" ]; then
    echo "FAIL: dkimbatch $*: exit $status, want $want"; cat "$tmp/err"
    fail=1
  fi
}

expect 2 keys
expect 2 keys nonsense
expect 0 keys --help
expect 2 keys fetch
expect 2 keys fetch --append "$tmp/plain.eml"
expect 2 keys fetch --concurrency 0 "$tmp/plain.eml"
expect 2 keys fetch --timeout abc "$tmp/plain.eml"
expect 2 keys fetch --stub example.com "$tmp/plain.eml"
expect 2 keys fetch --fetched-at yesterday "$tmp/plain.eml"
expect 2 keys fetch --resolver "not an address" "$tmp/plain.eml"
expect 2 keys fetch --trust-anchor "$tmp/no-such.key" "$tmp/plain.eml"
expect 2 keys fetch --bogus "$tmp/plain.eml"
expect 2 keys check
expect 2 keys check -d example.com
expect 2 keys check -d "bad domain" -s sel
expect 2 keys check extra-argument
expect 2 verify --keys-out "$tmp/k.jsonl" "$tmp/plain.eml"
expect 2 verify --resolve -
expect 2 verify --resolve --timeout 0 "$tmp/plain.eml"
expect 2 verify --resolver 127.0.0.1@9 "$tmp/plain.eml"

for cmd in "keys fetch" "keys check" "verify"; do
  expect 0 $cmd --help
  for opt in --resolver --stub --trust-anchor --timeout --concurrency; do
    grep -q -- "$opt" "$tmp/out" || { echo "FAIL: $cmd --help lacks $opt"; fail=1; }
  done
done
expect 0 keys fetch --help
for opt in --out --append --fetched-at; do
  grep -q -- "$opt" "$tmp/out" || { echo "FAIL: keys fetch --help lacks $opt"; fail=1; }
done
"$bin" --help | grep -q "keys fetch" || { echo "FAIL: dkimbatch --help lacks keys"; fail=1; }

# No signature, no name: an empty cache, and no DNS server is needed (the
# resolver points at a port nothing listens on, with a long timeout).
expect 0 keys fetch --quiet --resolver 127.0.0.1@9 --timeout 600 \
  --out "$tmp/empty.jsonl" "$tmp/plain.eml"
[ -f "$tmp/empty.jsonl" ] && [ ! -s "$tmp/empty.jsonl" ] \
  || { echo "FAIL: want an empty cache file"; fail=1; }
# An unreadable input: exit 1 and the reason on standard error.
expect 1 keys fetch --quiet --resolver 127.0.0.1@9 "$tmp/no-such.mbox"
grep -q "no-such.mbox" "$tmp/err" || { echo "FAIL: unreadable input not reported"; fail=1; }
# --record needs no server at all.
expect 1 keys check --record "v=DKIM1;=rsa; p=" --json
grep -q '"code":"empty_tag_name"' "$tmp/out" || { echo "FAIL: --record lint"; fail=1; }

[ "$fail" = 0 ] && echo "ok keys usage"
exit $fail
