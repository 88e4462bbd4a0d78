#!/usr/bin/env bash
# tests/cli/stdin_stream_test.sh BINARY [SANITIZED]
# A piped mbox on standard input is read a window (16 MiB) at a time: the
# verdicts must equal those of the same mbox given as a file (messages that
# straddle windows, one message larger than two windows, quoted >From lines,
# a last message without its final newline, signed messages from `gen`);
# and on a stream of small messages peak memory must stay far below the
# stream's size (whole-stream reading held all of it), unless SANITIZED=1.
set -euo pipefail
bin=$1 sanitized=${2:-0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" gen --quiet --messages 300 --seed 9 --out "$tmp/g"
now=2026-01-02T00:00:00Z
python3 - "$tmp/g/corpus.mbox" "$tmp/big.mbox" "$tmp/small.mbox" <<'PY'
import random, sys
signed = open(sys.argv[1], "rb").read()
rng = random.Random(7)
with open(sys.argv[2], "wb") as out, open(sys.argv[3], "wb") as small:
    out.write(signed)  # signed messages first: real verdicts
    for i in range(60000):  # about 240 MB of unsigned mail
        body = b"".join(b"line %d of message %d, some text to fill it up\n"
                        % (j, i) for j in range(rng.randrange(1, 150)))
        if i % 97 == 0:
            body += b">From the archive, quoted\n>>From twice\n"
        message = (b"From sender@example.com Mon Dec  1 10:00:00 2025\n"
                   b"From: a@example.com\nSubject: %d\n\n" % i + body + b"\n")
        out.write(message)
        small.write(message)
        if i == 30000:  # one message of 40 MB: more than two windows
            out.write(b"From sender@example.com Mon Dec  1 10:00:00 2025\n"
                      b"From: big@example.com\n\n" + b"x" * 79 + b"\n")
            out.write((b"y" * 79 + b"\n") * 500000 + b"\n")
    out.write(signed)  # and again at the end, the last line unterminated
    out.seek(out.tell() - 1)
    out.truncate()
PY
args=(verify --quiet --threads 2 --keys "$tmp/g/keys.jsonl" --now "$now")
"$bin" "${args[@]}" "$tmp/big.mbox" |
  sed 's|"source":"[^"]*"|"source":"-"|' >"$tmp/file.jsonl"
cat "$tmp/big.mbox" | "$bin" "${args[@]}" - >"$tmp/pipe.jsonl"
cmp "$tmp/file.jsonl" "$tmp/pipe.jsonl"
lines=$(wc -l <"$tmp/pipe.jsonl")
test "$lines" -eq 60601
grep -q '"dkim":"pass"' "$tmp/pipe.jsonl"
# A file after the stream: its offsets are its own, as when given alone.
"$bin" "${args[@]}" "$tmp/g/corpus.mbox" >"$tmp/alone.jsonl"
cat "$tmp/big.mbox" | "$bin" "${args[@]}" - "$tmp/g/corpus.mbox" |
  grep -F "\"source\":\"$tmp/g/corpus.mbox\"" >"$tmp/after.jsonl"
cmp "$tmp/alone.jsonl" "$tmp/after.jsonl"
cat "$tmp/small.mbox" |
  /usr/bin/time -f '%M' -o "$tmp/rss" "$bin" "${args[@]}" - >"$tmp/small.jsonl"
test "$(wc -l <"$tmp/small.jsonl")" -eq 60000
size_kb=$(($(stat -c %s "$tmp/small.mbox") / 1024))
rss_kb=$(cat "$tmp/rss")
echo "stdin: $lines verdicts, as from the file; peak RSS ${rss_kb} KB for a" \
  "${size_kb} KB stream of small messages"
[ "$sanitized" = 1 ] || test "$rss_kb" -lt $((size_kb / 3))
