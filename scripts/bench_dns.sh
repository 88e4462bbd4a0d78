#!/usr/bin/env bash
# scripts/bench_dns.sh [NAMES] [DEAD_NAMES]: `keys fetch` throughput against
# a loopback nsd (a benchmark, not a test; nothing leaves 127.0.0.1).
# Serves NAMES (default 10000) synthetic key records and writes an mbox with
# one signed-looking message per name, plus DEAD_NAMES (default 50) messages
# whose names lie under a zone sent (--stub) to a port where nothing
# answers. Runs `keys fetch` three times: the served names only, the served
# names plus the dead ones (--timeout 2), and checks that the dead names are
# TIMEOUT, every other name NOERROR, and that the run with dead names took
# about one timeout longer, not one timeout per dead name.
set -euo pipefail
cd "$(dirname "$0")/.."
names=${1:-10000}
dead_names=${2:-50}
bin=build/dkimbatch
[ -x "$bin" ] || { echo "bench_dns.sh: build first (scripts/setup.sh)" >&2; exit 1; }
command -v nsd >/dev/null || { echo "bench_dns.sh: nsd is not installed" >&2; exit 1; }
tmp=$(mktemp -d)
source scripts/dns/nsd_local.sh
trap 'nsd_stop; rm -rf "$tmp"' EXIT

python3 - "$tmp" "$names" "$dead_names" <<'PY'
import base64, os, sys
d, n, dead = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
key = base64.b64encode(os.urandom(294)).decode()  # a 2048-bit-sized p=
record = "v=DKIM1; k=rsa; p=" + key
chunks = " ".join('"%s"' % record[i:i + 255] for i in range(0, len(record), 255))
with open(d + "/root.zone", "w") as z:
    z.write("$TTL 300\n. IN SOA ns.dkb-test. h.dkb-test. 1 3600 600 86400 300\n")
    z.write(". IN NS ns.dkb-test.\nns.dkb-test. IN A 127.0.0.1\n")
    for i in range(n):
        z.write("s%d._domainkey.d%d.bench.example. IN TXT %s\n" % (i, i % 997, chunks))
def msg(sel, dom):
    return ("From sender@example.org Mon Nov 23 10:00:00 2026\n"
            "DKIM-Signature: v=1; a=rsa-sha256; d=%s; s=%s; c=relaxed/relaxed;\n"
            " h=from:subject; bh=AAAA; b=AAAA\n"
            "From: a@%s\nSubject: x\n\nbody\n\n" % (dom, sel, dom))
with open(d + "/good.mbox", "w") as m:
    for i in range(n):
        m.write(msg("s%d" % i, "d%d.bench.example" % (i % 997)))
with open(d + "/dead.mbox", "w") as m:
    for i in range(dead):
        m.write(msg("s%d" % i, "d%d.slow.example" % i))
PY
nsd_start "$tmp" "$tmp/root.zone"
dead_port=$(free_port)
echo "bench_dns.sh: nsd on 127.0.0.1@$NSD_PORT serving $names names;" \
  "$dead_names names under slow.example -> 127.0.0.1@$dead_port (silent)" >&2

run() {  # run LABEL ARGS... : prints the summary line and the wall time
  local label=$1; shift
  local start end
  start=$(date +%s.%N)
  "$bin" keys fetch --resolver "127.0.0.1@$NSD_PORT" "$@" 2>"$tmp/$label.err"
  end=$(date +%s.%N)
  echo "$label: $(grep 'names in' "$tmp/$label.err") [wall $(python3 -c "print('%.2f' % ($end - $start))") s]"
}
run warmup --out "$tmp/warm.jsonl" "$tmp/good.mbox" >/dev/null
run served --out "$tmp/good.jsonl" "$tmp/good.mbox"
run served+dead --timeout 2 --stub "slow.example=127.0.0.1@$dead_port" \
  --out "$tmp/mixed.jsonl" "$tmp/good.mbox" "$tmp/dead.mbox"
python3 - "$tmp/good.jsonl" "$tmp/mixed.jsonl" "$names" "$dead_names" <<'PY'
import json, sys
good = [json.loads(l) for l in open(sys.argv[1])]
mixed = [json.loads(l) for l in open(sys.argv[2])]
n, dead = int(sys.argv[3]), int(sys.argv[4])
assert len(good) == n and all(r["rcode"] == "NOERROR" for r in good)
slow = [r for r in mixed if r["name"].endswith(".slow.example")]
rest = [r for r in mixed if not r["name"].endswith(".slow.example")]
assert len(slow) == dead and all(r["rcode"] == "TIMEOUT" for r in slow)
assert len(rest) == n and all(r["rcode"] == "NOERROR" for r in rest)
print("checked: %d NOERROR, %d TIMEOUT" % (len(rest), len(slow)))
PY
