#!/usr/bin/python3
"""Compare dkimbatch verdict lines with an expected-verdicts file.

    compare_verdicts.py EXPECTED.jsonl VERDICTS.jsonl [--label NAME]

Both files hold one JSON object per message, in the same order (expected.jsonl
of datasets/sample, and the output of `dkimbatch verify`).  Compared, line by
line: the message-level `dkim`; the number of signatures and, per signature in
order, `d`, `s`, `result` and `reason`; and `message_id` when both lines have
one.  A verdict line carrying `error` is a mismatch.  The line counts must be
equal.  `index`, `source`, `offset` are not compared (a Maildir gives every
message its own source and index 0).

Prints each mismatch and a summary; exit status 0 when everything matches,
1 on any mismatch, 2 on a usage error or an unreadable file.
"""
import argparse
import json
import sys

SIG_FIELDS = ("d", "s", "result", "reason")


def load(path, what):
    """-> list of (line number, object or None, error text)"""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        print("compare_verdicts: cannot read %s %s: %s" % (what, path, e), file=sys.stderr)
        sys.exit(2)
    rows = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for n, raw in enumerate(lines, 1):
        try:
            obj = json.loads(raw.decode("utf-8"))
            if not isinstance(obj, dict):
                raise ValueError("not a JSON object")
            rows.append((n, obj, None))
        except (ValueError, UnicodeDecodeError) as e:
            rows.append((n, None, "line %d is not valid JSON (%s): %.80r" % (n, e, raw)))
    return rows


def show(v):
    return json.dumps(v, ensure_ascii=False)


def compare_one(exp, got):
    """-> list of mismatch descriptions for one message."""
    out = []
    if "error" in got:
        out.append("verdict has error %s" % show(got["error"]))
    if exp.get("dkim") != got.get("dkim"):
        out.append("dkim: expected %s, got %s" % (show(exp.get("dkim")), show(got.get("dkim"))))
    em, gm = exp.get("message_id"), got.get("message_id")
    if em is not None and gm is not None and em != gm:
        out.append("message_id: expected %s, got %s" % (show(em), show(gm)))
    es = exp.get("signatures") or []
    gs = got.get("signatures")
    if not isinstance(gs, list):
        if es or gs is not None:
            out.append("signatures: expected %d, got %s" % (len(es), show(gs)))
        return out
    if len(es) != len(gs):
        out.append("signatures: expected %d, got %d" % (len(es), len(gs)))
    for k in range(min(len(es), len(gs))):
        e, g = es[k], gs[k] if isinstance(gs[k], dict) else {}
        for f in SIG_FIELDS:
            if e.get(f) != g.get(f):
                out.append("signature %d %s: expected %s, got %s" % (k, f, show(e.get(f)), show(g.get(f))))
    return out


def main():
    ap = argparse.ArgumentParser(description="Compare dkimbatch verdicts with expected verdicts.")
    ap.add_argument("expected")
    ap.add_argument("verdicts")
    ap.add_argument("--label", default="", help="name printed with every line (e.g. mbox, maildir)")
    args = ap.parse_args()
    tag = "[%s] " % args.label if args.label else ""

    exp_rows = load(args.expected, "expected file")
    got_rows = load(args.verdicts, "verdicts file")
    mismatches = 0
    bad_messages = 0

    for _, obj, err in exp_rows:
        if err:
            print("%sexpected file: %s" % (tag, err), file=sys.stderr)
            sys.exit(2)

    if len(exp_rows) != len(got_rows):
        print("%sline count: expected %d, got %d" % (tag, len(exp_rows), len(got_rows)))
        mismatches += 1

    by_result = {}
    for i in range(min(len(exp_rows), len(got_rows))):
        _, exp, _ = exp_rows[i]
        _, got, err = got_rows[i]
        problems = [err] if err else compare_one(exp, got)
        key = exp.get("dkim")
        row = by_result.setdefault(key, [0, 0])
        row[0] += 1
        if problems:
            bad_messages += 1
            mismatches += len(problems)
            name = exp.get("message_id") or ""
            case = (" %s" % exp["case"]) if "case" in exp else ""
            src = ""
            if got and got.get("source"):
                src = " (%s)" % got["source"]
            for p in problems:
                print("%smessage %d %s%s%s: %s" % (tag, i, name, case, src, p))
        else:
            row[1] += 1

    compared = min(len(exp_rows), len(got_rows))
    parts = ", ".join("%s %d/%d" % (k, v[1], v[0]) for k, v in sorted(by_result.items(), key=lambda kv: str(kv[0])))
    print("%s%d expected, %d verdicts, %d compared: %d match, %d differ (%d mismatches)%s"
          % (tag, len(exp_rows), len(got_rows), compared, compared - bad_messages, bad_messages, mismatches,
             ("; matching per expected dkim: " + parts) if parts else ""))
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
