#!/usr/bin/env python3
"""tests/cli/hostile_inputs.py OUT_DIR SAMPLE_KEYS

Writes the hostile-input set of issue 7 into OUT_DIR (about 140 MB) and
OUT_DIR/expect.json: for each input, the verdict lines it must give and the
reasons (or error) they must carry. Every signed message has a correct bh=
and a wrong b=, so a verdict of signature_mismatch proves that the whole
message went through canonicalization and the header hash. OUT_DIR/keys.jsonl
is a hostile key cache: a good 2048-bit key, a 16,384-bit key, a p= of
100 KB, garbage lines and huge TXT values.
"""
import base64
import hashlib
import json
import os
import socket
import sys

out, sample_keys = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
expect = {}


def path(name):
    return os.path.join(out, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def bh(canonical_body):
    return base64.b64encode(hashlib.sha256(canonical_body).digest()).decode()


FAKE_B = base64.b64encode(bytes(range(256))).decode()


def sig(h="from:subject", body_hash=None, s="hostile"):
    return ("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; "
            "d=example.com; s=%s;\n h=%s;\n bh=%s;\n b=%s\n"
            % (s, h, body_hash or bh(b"body\r\n"), FAKE_B)).encode()


HEAD = b"From: a@example.com\nSubject: hostile\nMessage-ID: <h@example.com>\n"


def der_len(n):
    if n < 128:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def der_int(v):
    b = v.to_bytes(v.bit_length() // 8 + 1, "big")
    return der(0x02, b)


def rsa_spki(bits):
    # Any odd modulus of the right size: only its size matters here.
    n = (1 << (bits - 1)) | 0x10001
    rsa = der(0x30, der_int(n) + der_int(65537))
    alg = der(0x30, der(0x06, bytes.fromhex("2a864886f70d010101")) +
              b"\x05\x00")
    return der(0x30, alg + der(0x03, b"\x00" + rsa))


# --- key cache ------------------------------------------------------------
good = None
with open(sample_keys) as f:
    for line in f:
        e = json.loads(line)
        if e["name"] == "mail2026._domainkey.example.com":
            good = e["txt"][0]
assert good
p16k = base64.b64encode(rsa_spki(16384)).decode()
p100k = base64.b64encode(b"\x30" * 76800).decode()  # 100 KB of base64
keys = [
    {"name": "hostile._domainkey.example.com", "rcode": "NOERROR",
     "txt": [good]},
    {"name": "k16384._domainkey.example.com", "rcode": "NOERROR",
     "txt": ["v=DKIM1; k=rsa; p=" + p16k]},
    {"name": "k100kb._domainkey.example.com", "rcode": "NOERROR",
     "txt": ["v=DKIM1; k=rsa; p=" + p100k]},
    {"name": "hugetxt._domainkey.example.com", "rcode": "NOERROR",
     "txt": ["v=DKIM1; k=rsa; n=" + "x" * 900000 + "; p=" + p16k]},
]
with open(path("keys.jsonl"), "w") as f:
    for i in range(5000):
        f.write("garbage line %d {\n" % i)
    f.write('{"name":"toolong","rcode":"NOERROR","txt":["' + "y" * 2000000 +
            '"]}\n')
    f.write("\x00\xff\n")
    for k in keys:
        f.write(json.dumps(k) + "\n")

# --- inputs -----------------------------------------------------------------
write("empty.eml", b"")
expect["empty.eml"] = {"lines": 1, "error": "empty input"}

write("nul.bin", b"\x00" * 1000000)
expect["nul.bin"] = {"lines": 1, "error": "not a mail message"}

write("nul_in_message.eml",
      b"From: a\x00@example.com\nSubject: \x00\x00\n" + sig() +
      b"\nbody\n")
expect["nul_in_message.eml"] = {"lines": 1, "reasons": ["signature_mismatch"]}

big = b"X-Big: " + b"a" * (50 * 1000 * 1000) + b"\n"
write("big_header.eml", HEAD + big + sig("from:x-big") + b"\nbody\n")
expect["big_header.eml"] = {"lines": 1, "reasons": ["signature_mismatch"]}
del big

many = b"".join(b"X-H: %d\n" % i for i in range(100000))
write("many_headers.eml", HEAD + many + sig() + b"\nbody\n")
expect["many_headers.eml"] = {"lines": 1, "reasons": ["too_many_headers"]}

line = b"x" * (20 * 1000 * 1000)
write("long_line.eml", HEAD + sig(body_hash=bh(line + b"\r\n")) + b"\n" +
      line + b"\n")
expect["long_line.eml"] = {"lines": 1, "reasons": ["signature_mismatch"]}
del line

write("from_every_line.mbox", b"From x\n" * 300000)
expect["from_every_line.mbox"] = {"lines": 1, "error": "not a mail message"}

write("from_every_other_line.mbox", b"From x\n\n" * 20000)
expect["from_every_other_line.mbox"] = {"lines": 20000,
                                        "error": "empty message"}

msg = HEAD + sig() + b"\nbody\n"
mbox = b"".join(b"From a@example.com Thu Jan  1 00:00:00 2026\n" + msg + b"\n"
                for _ in range(3))
cut = mbox[:len(mbox) - len(msg) // 2 - 30]  # inside the 3rd DKIM-Signature
write("cut.mbox", cut)
expect["cut.mbox"] = {"lines": 3}

write("cr_only.eml", (HEAD + sig() + b"\nbody\n").replace(b"\n", b"\r"))
expect["cr_only.eml"] = {"lines": 1}

write("key16k.eml", HEAD + sig(s="k16384") + b"\nbody\n")
expect["key16k.eml"] = {"lines": 1, "reasons": ["key_too_large"]}

write("key100k.eml", HEAD + sig(s="k100kb") + b"\nbody\n")
expect["key100k.eml"] = {"lines": 1, "reasons": ["key_too_large"]}

fields = b"".join(b"X-A: %d\n" % i for i in range(9000))
write("h10000.eml", HEAD + fields + sig("from:" + ":".join(["x-a"] * 9999)) +
      b"\nbody\n")
expect["h10000.eml"] = {"lines": 1, "reasons": ["signature_mismatch"]}

# 30 MB DKIM-Signature fields made of tiny tags, and of h= names.
tags = ";".join("t%d=" % i for i in range(3000000)).encode()
write("tiny_tags.eml", HEAD + b"DKIM-Signature: v=1; " + tags + b"\n" +
      sig() + b"\nbody\n")
expect["tiny_tags.eml"] = {"lines": 1,
                           "reasons": ["sig_syntax", "signature_mismatch"]}
del tags
write("huge_h.eml", HEAD + sig("from" + ":x" * 15000000) + b"\nbody\n")
expect["huge_h.eml"] = {"lines": 1, "reasons": ["sig_syntax"]}

write("many_sigs.eml", HEAD + sig() * 1000 + b"\nbody\n")
expect["many_sigs.eml"] = {"lines": 1, "reasons": ["signature_mismatch"] * 32 +
                           ["too_many_signatures"]}

write("huge_message_id.eml",
      b"From: a@example.com\nMessage-ID: <" + b"\xff" * 5000000 + b">\n" +
      sig() + b"\nbody\n")
expect["huge_message_id.eml"] = {"lines": 1, "reasons": ["signature_mismatch"],
                                 "max_line": 20000}

# A Maildir with a good message and entries that cannot be messages.
md = path("maildir")
for sub in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(md, sub), exist_ok=True)
with open(os.path.join(md, "cur", "1.good:2,S"), "wb") as f:
    f.write(msg)
with open(os.path.join(md, "cur", "2.unreadable:2,S"), "wb") as f:
    f.write(msg)
os.chmod(os.path.join(md, "cur", "2.unreadable:2,S"), 0)
os.symlink("3.loop-b", os.path.join(md, "cur", "3.loop-a"))
os.symlink("3.loop-a", os.path.join(md, "cur", "3.loop-b"))
os.symlink("does-not-exist", os.path.join(md, "cur", "4.dangling"))
os.mkfifo(os.path.join(md, "cur", "5.fifo"))
s = socket.socket(socket.AF_UNIX)
s.bind(os.path.join(md, "new", "6.socket"))
s.close()
os.symlink("..", os.path.join(md, "cur", "7.up"))  # a directory loop
root = os.geteuid() == 0
expect["maildir"] = {
    # good, unreadable (a message when root reads it), 2 loops, dangling,
    # FIFO, socket.
    "lines": 7,
    "errors": 5 if root else 6,
}

os.mkfifo(path("lonely.fifo"))
expect["lonely.fifo"] = {"lines": 1, "error": "empty input"}

with open(path("expect.json"), "w") as f:
    json.dump(expect, f, indent=1)
