#!/usr/bin/env python3
"""Summarise peer harness outputs, optionally against expected verdicts.

usage: compare.py [--expected EXPECTED.jsonl] [--json OUT.json] [--details]
                  [--seconds NAME=S ...] [--cpu NAME=S ...] NAME=OUTPUT.jsonl[,OUTPUT2.jsonl...] ...

Each OUTPUT is what a harness of scripts/peers/ printed (one JSON line per
message with "index", "file", "pass", "signatures"); the outputs of the shards
of one run are given comma-separated and merged by "index".

EXPECTED holds one JSON line per message in input order with a message-level
"dkim" word (datasets/sample/expected.jsonl, or the truth.jsonl of a `dkimbatch
gen` corpus), plus optionally "case".  A peer agrees on a message when its
"pass" equals (expected dkim == "pass").  Disagreements are grouped by the
expected case (or dkim word) and the peer's own result words.

--seconds / --cpu give a peer's wall-clock / CPU (user + system) time, for
msgs/s and msgs per CPU second columns.
Prints a Markdown table; exit status 0 unless an output is unreadable or has
missing / duplicate messages (then 1).
"""
import argparse
import collections
import json
import sys


def load_peer(spec):
    rows = {}
    for path in spec.split(","):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                r = json.loads(line)
                i = r["index"]
                if i in rows:
                    raise ValueError("%s:%d: index %d seen twice" % (path, n, i))
                rows[i] = r
    return rows


def words(r):
    if r.get("error"):
        return "error"
    return ",".join(s.get("result") or "?" for s in r.get("signatures", [])) or "(no signature)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--expected")
    ap.add_argument("--json")
    ap.add_argument("--details", action="store_true", help="list every disagreeing message")
    ap.add_argument("--seconds", action="append", default=[], metavar="NAME=SECONDS")
    ap.add_argument("--cpu", action="append", default=[], metavar="NAME=CPU_SECONDS")
    ap.add_argument("peers", nargs="+", metavar="NAME=OUTPUT")
    a = ap.parse_args()

    expected = None
    if a.expected:
        with open(a.expected, encoding="utf-8") as f:
            expected = [json.loads(l) for l in f if l.strip()]

    seconds, cpu = {}, {}
    for spec in a.seconds:
        k, _, v = spec.partition("=")
        seconds[k] = float(v)
    for spec in a.cpu:
        k, _, v = spec.partition("=")
        cpu[k] = float(v)
    ok = True
    summary = {}
    for spec in a.peers:
        name, _, files = spec.partition("=")
        try:
            rows = load_peer(files)
        except (OSError, ValueError, KeyError) as e:
            print("compare: %s: %s" % (name, e), file=sys.stderr)
            ok = False
            continue
        n = len(rows)
        if sorted(rows) != list(range(n)):
            print("compare: %s: indexes are not 0..%d" % (name, n - 1), file=sys.stderr)
            ok = False
        s = {
            "messages": n,
            "pass": sum(1 for r in rows.values() if r.get("pass")),
            "errors": sum(1 for r in rows.values() if r.get("error")),
        }
        if name in seconds:
            s["seconds"] = round(seconds[name], 3)
            s["msgs_per_s"] = round(n / seconds[name], 1) if seconds[name] > 0 else None
        if name in cpu:
            s["cpu_seconds"] = round(cpu[name], 3)
            s["msgs_per_cpu_s"] = round(n / cpu[name], 1) if cpu[name] > 0 else None
        if expected is not None:
            if n != len(expected):
                print("compare: %s: %d messages, expected file has %d" % (name, n, len(expected)), file=sys.stderr)
                ok = False
            groups = collections.Counter()
            disagree = []
            agree = 0
            for i, e in enumerate(expected):
                r = rows.get(i)
                if r is None:
                    continue
                want = e.get("dkim") == "pass"
                if bool(r.get("pass")) == want:
                    agree += 1
                    continue
                label = e.get("case") or e.get("dkim")
                groups[(label, e.get("dkim"), words(r))] += 1
                disagree.append((i, r.get("file"), label, words(r),
                                 "; ".join(x.get("detail", "") for x in r.get("signatures", []))[:160]
                                 or r.get("error", "")))
            s["agree"] = agree
            s["compared"] = len(expected)
            s["disagreements"] = [
                {"case": c, "expected": d, "peer": w, "messages": k} for (c, d, w), k in sorted(groups.items())
            ]
            if a.details:
                s["disagreeing_messages"] = [
                    {"index": i, "file": f, "case": c, "peer": w, "detail": d} for i, f, c, w, d in disagree
                ]
        summary[name] = s

    def speed(s):
        if not seconds:
            return ""
        if "seconds" not in s:
            return "| - | - | - | - "
        return "| %.2f | %s | %s | %s " % (s["seconds"], s["msgs_per_s"], s.get("cpu_seconds", "-"),
                                           s.get("msgs_per_cpu_s", "-"))

    sp_head = "| wall s | msgs/s | CPU s | msgs/CPU-s " if seconds else ""
    sp_rule = "---|---|---|---|" if seconds else ""
    if expected is not None:
        print("| peer | messages | pass | agree with expected (pass / non-pass) | errors %s|" % sp_head)
        print("|---|---|---|---|---|" + sp_rule)
        for name, s in summary.items():
            print("| %s | %d | %d | %d / %d | %d %s|" % (name, s["messages"], s["pass"], s["agree"], s["compared"], s["errors"], speed(s)))
        for name, s in summary.items():
            if not s["disagreements"]:
                continue
            print()
            print("%s disagrees with expected on %d messages:" % (name, s["compared"] - s["agree"]))
            print()
            print("| expected case | expected dkim | %s says (per signature, top first) | messages |" % name)
            print("|---|---|---|---|")
            for g in s["disagreements"]:
                print("| %s | %s | %s | %d |" % (g["case"], g["expected"], g["peer"], g["messages"]))
            if a.details:
                for m in s["disagreeing_messages"]:
                    print("  #%d %s [%s] %s: %s" % (m["index"], m["file"], m["case"], m["peer"], m["detail"]))
    else:
        print("| peer | messages | pass | errors %s|" % sp_head)
        print("|---|---|---|---|" + sp_rule)
        for name, s in summary.items():
            print("| %s | %d | %d | %d %s|" % (name, s["messages"], s["pass"], s["errors"], speed(s)))

    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
