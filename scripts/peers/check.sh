#!/usr/bin/env bash
# scripts/peers/check.sh: run every installed peer harness on a Maildir and
# summarise (pass counts, agreement with expected verdicts, speed).
#
# usage: scripts/peers/check.sh [options] DIR NOW
#   DIR   a Maildir, or a corpus folder holding one (maildir/ or Maildir/, or
#         its only Maildir sub-folder) and keys.jsonl
#   NOW   verification time, Unix seconds (or --now NOW)
# options:
#   --keys FILE       key cache (default: DIR/keys.jsonl, else DIR/../keys.jsonl)
#   --expected FILE   expected verdicts, one line per message with "dkim"
#                     (default: truth.jsonl or expected.jsonl in DIR or beside the Maildir)
#   --shards N        processes per peer, each on every N-th message (default: nproc)
#   --peers LIST      comma-separated subset of dkimpy,maildkim,mailauth,opendkim
#   --command PEER    print PEER's harness command line (to which --keys, --now,
#                     --shard and PATHs are appended) and exit; exit 1 and print
#                     nothing when PEER is not installed
#   --out DIR         keep the outputs there (per peer NAME.K.jsonl shards,
#                     NAME.stderr, summary.json); default: a temporary folder
#   --details         also list every message on which a peer disagrees
#
# A peer whose software is missing is skipped with a note (scripts/peers.sh
# installs them all).  Prints one Markdown table: per peer, messages, passes,
# agreement with the expected verdicts (pass / non-pass), wall-clock msgs/s
# with N processes and msgs per CPU second (user + system, all N processes:
# steadier than wall-clock time on a busy machine); then the disagreements
# grouped by expected case.
# Exit status: 0 when every harness that ran produced one line per message.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

usage() { awk 'NR > 3 && !/^#/ { exit } NR > 3 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }

keys="" expected="" shards=$(nproc 2>/dev/null || echo 2) peers="dkimpy,maildkim,mailauth,opendkim"
out="" details="" now="" command_of="" args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) keys=$2; shift 2 ;;
    --expected) expected=$2; shift 2 ;;
    --shards) shards=$2; shift 2 ;;
    --peers) peers=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --now) now=$2; shift 2 ;;
    --details) details=--details; shift ;;
    --command) command_of=$2; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "check.sh: unknown option $1" >&2; usage ;;
    *) args+=("$1"); shift ;;
  esac
done

# harness command lines (the shard option and paths are appended)
MAILAUTH_DIR=${MAILAUTH_NODE_PATH:-$ROOT/.peers/node_modules}
cmd_for() {
  case "$1" in
    dkimpy) echo "/usr/bin/python3 $HERE/dkimpy_verify.py" ;;
    maildkim|mail_dkim) echo "perl $HERE/maildkim_verify.pl" ;;
    mailauth) echo "node $HERE/mailauth_verify.js" ;;
    opendkim) echo "$ROOT/.peers/bin/opendkim_verify" ;;
    *) return 1 ;;
  esac
}
available() {
  case "$1" in
    dkimpy) /usr/bin/python3 -c 'import dkim, nacl' 2>/dev/null ;;
    maildkim|mail_dkim) perl -MMail::DKIM::Verifier -MJSON::PP -e1 2>/dev/null ;;
    mailauth) command -v node >/dev/null 2>&1 && [ -d "$MAILAUTH_DIR/mailauth" ] ;;
    opendkim) [ -x "$ROOT/.peers/bin/opendkim_verify" ] ;;
  esac
}

if [ -n "$command_of" ]; then
  cmd=$(cmd_for "$command_of") || { echo "check.sh: unknown peer $command_of" >&2; exit 2; }
  available "$command_of" || { echo "check.sh: $command_of not installed (run scripts/peers.sh)" >&2; exit 1; }
  echo "$cmd"
  exit 0
fi

[ ${#args[@]} -ge 1 ] || usage
dir=${args[0]}
[ -z "$now" ] && [ ${#args[@]} -ge 2 ] && now=${args[1]}
[ -n "$now" ] || { echo "check.sh: NOW is required" >&2; usage; }
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "check.sh: bad --shards $shards" >&2; exit 2; }
[ -d "$dir" ] || { echo "check.sh: $dir is not a directory" >&2; exit 2; }

is_maildir() { [ -d "$1/cur" ] || [ -d "$1/new" ]; }
maildir=""
if is_maildir "$dir"; then
  maildir=$dir
else
  for sub in maildir Maildir; do
    if is_maildir "$dir/$sub"; then maildir=$dir/$sub; break; fi
  done
  if [ -z "$maildir" ]; then
    found=()
    for sub in "$dir"/*/; do is_maildir "$sub" && found+=("${sub%/}"); done
    [ ${#found[@]} -eq 1 ] || { echo "check.sh: no (single) Maildir in $dir" >&2; exit 2; }
    maildir=${found[0]}
  fi
fi
if [ -z "$keys" ]; then
  for k in "$dir/keys.jsonl" "$maildir/keys.jsonl" "$maildir/../keys.jsonl"; do
    if [ -f "$k" ]; then keys=$k; break; fi
  done
  [ -n "$keys" ] || { echo "check.sh: no keys.jsonl in or beside $dir (give --keys)" >&2; exit 2; }
fi
if [ -z "$expected" ]; then
  for e in "$dir"/{truth,expected}.jsonl "$maildir"/{truth,expected}.jsonl "$maildir"/../{truth,expected}.jsonl; do
    if [ -f "$e" ]; then expected=$e; break; fi
  done
fi

if [ -n "$out" ]; then
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

# user + system CPU seconds of all waited-for children so far (bash `times`,
# run in this shell: in a $(...) subshell it would see only the subshell's)
child_cpu() {
  times >"$out/.times"
  awk 'NR == 2 {
    n = split($0, f, " "); t = 0
    for (i = 1; i <= n; i++) { split(f[i], ms, "m"); sub("s", "", ms[2]); t += ms[1] * 60 + ms[2] }
    printf "%.3f", t }' "$out/.times"
}

# messages the harnesses will list: cur/ and new/ files, also of Maildir++ .Sub/ folders
nmsg=$(cd "$maildir" && find . -regextype posix-extended -type f \
  -regex '\./(\.[^/]+/)*(cur|new)/[^./][^/]*' | wc -l)
echo "check.sh: $maildir ($nmsg messages in cur/ + new/), keys $keys, now $now, ${expected:+expected $expected, }$shards process(es) per peer" >&2

status=0
specs=() secs=()
IFS=, read -r -a plist <<<"$peers"
for p in "${plist[@]}"; do
  cmd=$(cmd_for "$p") || { echo "check.sh: unknown peer $p" >&2; exit 2; }
  if ! available "$p"; then
    echo "check.sh: $p not installed, skipped (run scripts/peers.sh)" >&2
    continue
  fi
  : >"$out/$p.stderr"
  pids=() files=()
  child_cpu >"$out/.c0"
  t0=$(date +%s.%N)
  for ((k = 0; k < shards; k++)); do
    f=$out/$p.$k.jsonl
    files+=("$f")
    # shellcheck disable=SC2086  # $cmd is a command line
    MAILAUTH_NODE_PATH=$MAILAUTH_DIR $cmd --keys "$keys" --now "$now" --shard "$k/$shards" "$maildir" \
      >"$f" 2>>"$out/$p.stderr" &
    pids+=($!)
  done
  rc=0
  for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
  t1=$(date +%s.%N)
  child_cpu >"$out/.c1"
  c0=$(cat "$out/.c0") c1=$(cat "$out/.c1")
  s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  c=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.3f", b - a }')
  got=$(cat "${files[@]}" | wc -l)
  echo "check.sh: $p: $got lines in ${s}s wall, ${c}s CPU (exit $rc)" >&2
  if [ "$rc" -ne 0 ] || [ "$got" -ne "$nmsg" ]; then
    echo "check.sh: $p FAILED (exit $rc, $got of $nmsg lines); stderr:" >&2
    tail -5 "$out/$p.stderr" >&2
    status=1
  fi
  specs+=("$p=$(IFS=,; echo "${files[*]}")")
  secs+=(--seconds "$p=$s" --cpu "$p=$c")
done
[ ${#specs[@]} -gt 0 ] || { echo "check.sh: no peer installed" >&2; exit 1; }

echo
python3 "$HERE/compare.py" ${expected:+--expected "$expected"} --json "$out/summary.json" $details \
  "${secs[@]}" "${specs[@]}" || status=1
exit $status
