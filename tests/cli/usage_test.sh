#!/usr/bin/env bash
# tests/cli/usage_test.sh BINARY: --help and usage errors (exit status 2).
set -uo pipefail
bin=$1
fail=0
expect() {  # expect STATUS ARGS...
  local want=$1; shift
  local status=0
  "$bin" "$@" >/dev/null 2>&1 || status=$?
  if [ "$status" != "$want" ]; then
    echo "FAIL: dkimbatch $* exited $status, want $want"; fail=1
  fi
}
expect 0 --help
expect 0 verify --help
expect 2
expect 2 frobnicate
expect 2 verify
expect 2 verify --bogus x.eml
expect 2 verify --now yesterday x.eml
expect 2 verify --threads 0 x.eml
expect 2 verify --format maildir x.eml
expect 2 verify --keys /nonexistent/keys.jsonl x.eml
expect 2 verify --resume x.eml                  # --resume needs --out
expect 2 verify --max-message-bytes 0 x.eml
expect 2 verify --max-headers -1 x.eml
expect 2 verify --max-signatures 0 x.eml
expect 2 verify --max-key-bits 16385 x.eml     # past OpenSSL's limit
expect 2 verify --max-key-bits=512 x.eml
expect 2 verify --summary
help=$("$bin" verify --help)
for opt in --keys --now --threads --out --min-key-bits --allow-sha1 --format \
    --max-message-bytes --max-headers --max-signatures --max-key-bits \
    --resume --summary --progress --quiet; do
  grep -q -- "$opt" <<<"$help" || { echo "FAIL: --help lacks $opt"; fail=1; }
done
# libunbound is loaded only when --resolve or `keys fetch` needs it
# (io/unbound_api.h): every other run starts without it.
if ldd "$bin" 2>/dev/null | grep -q libunbound; then
  echo "FAIL: dkimbatch links libunbound"; fail=1
fi
exit $fail
