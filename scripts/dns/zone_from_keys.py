#!/usr/bin/env python3
"""scripts/dns/zone_from_keys.py KEYS.jsonl [EXTRA.zone...] > root.zone

Writes a root zone (".") for nsd_local.sh that publishes the key cache
KEYS.jsonl: each NOERROR line's TXT records at its name (a record longer
than 255 bytes is split into 255-byte character-strings, as 2048-bit keys
need). NXDOMAIN lines are left out (so the name does not exist); SERVFAIL and
TIMEOUT lines cannot be published and are left out with a note on stderr.
Only the latest snapshot of a name is published. EXTRA zone-file fragments
(relative to the root origin) are appended as they are.
"""
import json
import sys


def zone_string(data: bytes) -> str:
    out = ['"']
    for b in data:
        if b in (0x22, 0x5C):
            out.append("\\" + chr(b))
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append("\\%03d" % b)
    out.append('"')
    return "".join(out)


def txt_rdata(text: str) -> str:
    data = text.encode("utf-8")
    chunks = [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
    return " ".join(zone_string(c) for c in chunks)


def main() -> int:
    latest = {}
    skipped = 0
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            name = row["name"].lower().rstrip(".")
            key = str(row.get("fetched_at", ""))
            if name not in latest or key >= latest[name][0]:
                latest[name] = (key, row)
    print("$TTL 300")
    print(". IN SOA ns.dkb-test. hostmaster.dkb-test. 1 3600 600 86400 300")
    print(". IN NS ns.dkb-test.")
    print("ns.dkb-test. IN A 127.0.0.1")
    for name in sorted(latest):
        row = latest[name][1]
        if row["rcode"] == "NOERROR":
            txts = row.get("txt", [])
            if not txts:  # the name exists without TXT
                print("%s. IN A 127.0.0.1" % name)
            for text in txts:
                print("%s. IN TXT %s" % (name, txt_rdata(text)))
        elif row["rcode"] != "NXDOMAIN":
            skipped += 1
    for extra in sys.argv[2:]:
        with open(extra, encoding="utf-8") as f:
            sys.stdout.write(f.read())
    if skipped:
        print("zone_from_keys.py: %d SERVFAIL/TIMEOUT names left out" % skipped,
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
