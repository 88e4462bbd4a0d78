#!/usr/bin/env python3
"""scripts/fuzz_seeds.py OUT_DIR [CONFORMANCE_DIR]

Writes the seed corpus of every fuzz target (tests/fuzz/) into
OUT_DIR/<target>/, cut from the bundled sample (datasets/sample/) and the
shared conformance cases (../shared/conformance/cases/): whole messages,
their header fields and DKIM-Signature values, bodies, key records, key
cache lines and small mbox files. Deterministic; nothing is downloaded.
"""
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_SEED = 16 * 1024


def messages(sample, conformance):
    out = []
    if conformance and os.path.isdir(os.path.join(conformance, "cases")):
        cases = os.path.join(conformance, "cases")
        for name in sorted(os.listdir(cases)):
            with open(os.path.join(cases, name), "rb") as f:
                out.append(f.read())
    maildir = os.path.join(sample, "maildir")
    files = []
    for sub in ("cur", "new"):
        d = os.path.join(maildir, sub)
        if os.path.isdir(d):
            files += [os.path.join(d, n) for n in os.listdir(d)]
    for path in sorted(files)[:60]:
        with open(path, "rb") as f:
            out.append(f.read())
    return [m for m in out if len(m) <= MAX_SEED]


def header_fields(message):
    head = message.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in message \
        else message.split(b"\n\n", 1)[0]
    fields, current = [], b""
    for line in head.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t") and current:
            current += line
        else:
            if current:
                fields.append(current)
            current = line
    if current:
        fields.append(current)
    return fields


def body(message):
    for sep in (b"\r\n\r\n", b"\n\n"):
        if sep in message:
            return message.split(sep, 1)[1]
    return b""


def txt_records(path):
    out = []
    if not os.path.exists(path):
        return out
    with open(path, "rb") as f:
        for line in f:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            for txt in entry.get("txt") or []:
                if isinstance(txt, list):
                    txt = "".join(txt)
                out.append(txt.encode())
    return out


def main():
    out_dir = sys.argv[1]
    conformance = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        ROOT, "..", "shared", "conformance")
    sample = os.path.join(ROOT, "datasets", "sample")
    seeds = {t: set() for t in (
        "tag_list", "signature", "key_record", "header_canon", "body_canon",
        "mbox_split", "message_file", "key_cache", "verify")}

    msgs = messages(sample, conformance)
    for m in msgs:
        seeds["verify"].add(m)
        seeds["message_file"].add(m)
        fields = header_fields(m)
        for field in fields:
            for flags in (0, 1, 2, 3):
                seeds["header_canon"].add(bytes([flags]) + field)
            name, _, value = field.partition(b":")
            if name.strip().lower() == b"dkim-signature":
                seeds["signature"].add(value)
                seeds["tag_list"].add(value)
        b = body(m)[:4096]
        for flags in (0, 1):
            seeds["body_canon"].add(bytes([flags]) + b)
            seeds["body_canon"].add(bytes([flags | 2, 100, 0]) + b)

    for keys in (os.path.join(sample, "keys.jsonl"),
                 os.path.join(conformance, "keys.jsonl")):
        for txt in txt_records(keys):
            seeds["key_record"].add(txt)
            seeds["tag_list"].add(txt)
        if os.path.exists(keys):
            with open(keys, "rb") as f:
                lines = f.readlines()
            for i in range(0, len(lines), 4):
                seeds["key_cache"].add(b"".join(lines[i:i + 4]))

    mbox = os.path.join(sample, "sample.mbox")
    with open(mbox, "rb") as f:
        data = f.read()
    starts = [0]
    pos = 0
    while True:
        pos = data.find(b"\n\nFrom ", pos)
        if pos < 0:
            break
        starts.append(pos + 2)
        pos += 2
    starts.append(len(data))
    for i in range(0, min(len(starts) - 1, 40), 2):
        chunk = data[starts[i]:starts[min(i + 3, len(starts) - 1)]]
        if len(chunk) <= MAX_SEED:
            seeds["mbox_split"].add(chunk)
            seeds["message_file"].add(chunk)
    # mbox edge cases: quoting, CRLF framing, a cut separator line.
    for extra in (
            b"From a\n>From b\n>>From c\n\nFrom d\nX: y\n\n",
            b"From a\r\nA: b\r\n\r\nFrom c\r\n\r\n",
            b"junk before\n\nFrom a\nA: b\n",
            b"From ",
            b"From a\nFrom b\nFrom c\n"):
        seeds["mbox_split"].add(extra)
        seeds["message_file"].add(extra)

    for target, items in seeds.items():
        d = os.path.join(out_dir, target)
        os.makedirs(d, exist_ok=True)
        for item in items:
            name = hashlib.sha1(item).hexdigest()
            with open(os.path.join(d, name), "wb") as f:
                f.write(item)
        print("%s: %d seeds" % (target, len(items)))


if __name__ == "__main__":
    main()
