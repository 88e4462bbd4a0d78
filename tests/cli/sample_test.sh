#!/usr/bin/env bash
# tests/cli/sample_test.sh BINARY SAMPLE_DIR SCRIPTS_DIR MODE
# Verifies the bundled sample and compares with its expected verdicts.
#   mbox     the mbox copy gives exactly expected.jsonl
#   maildir  the Maildir copy gives the same verdicts, one line per file
#   threads  --threads 1 and --threads 2 give byte-identical output
set -euo pipefail
bin=$1 sample=$2 scripts=$3 mode=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now=1767312000
run() { "$bin" verify --quiet --keys "$sample/keys.jsonl" --now "$now" "$@"; }
case "$mode" in
  mbox)
    run "$sample/sample.mbox" >"$tmp/out.jsonl"
    python3 "$scripts/compare_verdicts.py" "$sample/expected.jsonl" \
      "$tmp/out.jsonl" --label mbox
    ;;
  maildir)
    run "$sample/maildir" >"$tmp/out.jsonl"
    python3 "$scripts/compare_verdicts.py" "$sample/expected.jsonl" \
      "$tmp/out.jsonl" --label maildir
    # Every verdict names its own message file, none is the tmp/ folder.
    python3 - "$tmp/out.jsonl" "$sample/maildir" <<'PY'
import json, os, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
files = sorted(os.path.basename(l["source"]) for l in lines)
on_disk = sorted(f for d in ("cur", "new")
                 for f in os.listdir(os.path.join(sys.argv[2], d)))
assert files == on_disk, "verdict sources differ from the Maildir files"
assert all("offset" not in l for l in lines), "Maildir verdicts carry offset"
assert [l["index"] for l in lines] == list(range(len(lines)))
PY
    ;;
  threads)
    run --threads 1 "$sample/sample.mbox" "$sample/maildir" >"$tmp/t1.jsonl"
    run --threads 2 "$sample/sample.mbox" "$sample/maildir" >"$tmp/t2.jsonl"
    cmp "$tmp/t1.jsonl" "$tmp/t2.jsonl"
    test "$(wc -l <"$tmp/t1.jsonl")" -gt 300
    ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
echo "ok: $mode"
