#!/usr/bin/python3
"""dkimpy peer harness: verify messages offline with dkimpy (Debian python3-dkim).

usage: dkimpy_verify.py --keys keys.jsonl --now UNIX_SECONDS [--shard K/N] PATH...

PATH: a Maildir (cur/ + new/ merged in file-name order, tmp/ and dot-files
ignored), any other directory (recursive, sorted, dot-files skipped), or one
message file.  With --shard K/N only the messages whose position in the whole
list is congruent to K modulo N are verified (run N processes for N cores).

Output: one JSON line per message, in input order:
  {"file": PATH, "index": POSITION, "pass": BOOL,
   "signatures": [{"d": ..., "s": ..., "result": ..., "detail": ...}], "error": ...}
"pass" is true when any signature passes.  dkimpy has no result words of its
own (verify() returns True / False or raises), so the words are:
  pass       verify() returned True
  fail       verify() returned False (header signature mismatch, key record
             unusable: missing / revoked / malformed key, see "detail")
  temperror  verify() returned False after a DnsTimeoutError (SERVFAIL, TIMEOUT,
             name not in the key cache)
  permerror  verify() raised a DKIMException (body hash mismatch, expired x=,
             t= in the future, key too small, malformed signature, ...)
"detail" is dkimpy's own log / exception text.

Keys come from keys.jsonl through dkimpy's dnsfunc hook: per name the latest
snapshot whose fetched_at is not later than --now.  NXDOMAIN / NOERROR without
TXT -> None (dkimpy: "missing public key"); SERVFAIL / TIMEOUT / not cached ->
dkim.DnsTimeoutError.  Like dkimpy's own dnspython resolver, only the first TXT
record of the RRset is returned.  time.time() is pinned to --now (dkimpy checks
t= and x= against it).  Options: dkimpy defaults (minkey=1024).

Messages are stored with LF line ends; every bare LF is turned into CRLF first.
Run with Debian's /usr/bin/python3 (it has the dkim and nacl modules).
"""
import argparse
import calendar
import json
import logging
import os
import re
import signal
import stat
import sys
import time

import dkim


# ---------------------------------------------------------------- inputs ---

def _entries(d):
    """Sorted (bytewise) names of directory d, without '.' and '..'."""
    return sorted(os.listdir(os.fsencode(d)))


def _is_real_dir(p):
    try:
        return stat.S_ISDIR(os.lstat(p).st_mode)
    except OSError:
        return False


def _is_maildir(d):
    return _is_real_dir(os.path.join(d, b"cur")) or _is_real_dir(os.path.join(d, b"new"))


def _list_maildir(d, out):
    files = []
    for sub in (b"cur", b"new"):
        sd = os.path.join(d, sub)
        if not _is_real_dir(sd):
            continue
        for n in _entries(sd):
            if n.startswith(b"."):
                continue
            p = os.path.join(sd, n)
            if os.path.isfile(p):
                files.append((n, p))
    files.sort()
    out.extend(p for _, p in files)
    for n in _entries(d):   # Maildir++ sub-folders (.Name/)
        p = os.path.join(d, n)
        if n.startswith(b".") and n not in (b".", b"..") and _is_real_dir(p) and _is_maildir(p):
            _list_maildir(p, out)


def _list_tree(d, out):
    for n in _entries(d):
        if n.startswith(b"."):
            continue
        p = os.path.join(d, n)
        st = os.lstat(p)
        if stat.S_ISDIR(st.st_mode):
            (_list_maildir if _is_maildir(p) else _list_tree)(p, out)
        elif stat.S_ISREG(st.st_mode) or (stat.S_ISLNK(st.st_mode) and os.path.isfile(p)):
            out.append(p)


def list_messages(paths):
    out = []
    for path in paths:
        p = os.fsencode(path)
        if os.path.isdir(p):
            (_list_maildir if _is_maildir(p) else _list_tree)(p, out)
        else:
            out.append(p)   # a file (or something unreadable: reported per message)
    return out


def parse_now(s):
    if re.fullmatch(r"-?\d+", s):
        return int(s)
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))


def parse_shard(s):
    m = re.fullmatch(r"(\d+)/(\d+)", s or "")
    if not m or int(m.group(2)) < 1 or int(m.group(1)) >= int(m.group(2)):
        raise argparse.ArgumentTypeError("--shard wants K/N with 0 <= K < N")
    return int(m.group(1)), int(m.group(2))


def load_keys(path, now):
    """name -> latest snapshot with fetched_at <= now."""
    best = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            at = calendar.timegm(time.strptime(r["fetched_at"], "%Y-%m-%dT%H:%M:%SZ"))
            if at > now:
                continue
            name = r["name"].rstrip(".").lower()
            if name not in best or at >= best[name][0]:
                best[name] = (at, r)
    return {n: r for n, (_, r) in best.items()}


_LF = re.compile(rb"\r?\n")


# ---------------------------------------------------------------- verify ---

class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.msgs = []

    def emit(self, record):
        self.msgs.append(record.getMessage())


_TAG = re.compile(rb"(?:^|;)\s*([ds])\s*=\s*([^;]*)")


def _sig_ds(value):
    """d= and s= of a raw DKIM-Signature value, for the report (best effort)."""
    out = {}
    for m in _TAG.finditer(value):
        out.setdefault(m.group(1).decode(), re.sub(rb"\s+", b"", m.group(2)).decode("utf-8", "replace"))
    return out.get("d"), out.get("s")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keys", required=True)
    ap.add_argument("--now", required=True, type=parse_now)
    ap.add_argument("--shard", type=parse_shard, default=(0, 1))
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()

    now = a.now
    time.time = lambda: float(now)
    keys = load_keys(a.keys, now)

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        rec = keys.get(name.rstrip(".").lower())
        if rec is None:
            raise dkim.DnsTimeoutError("not in key cache")
        if rec["rcode"] in ("SERVFAIL", "TIMEOUT"):
            raise dkim.DnsTimeoutError(rec["rcode"])
        if rec["rcode"] != "NOERROR" or not rec["txt"]:
            return None
        return rec["txt"][0].encode()

    log = logging.getLogger("dkimpy-peer")
    log.propagate = False
    log.setLevel(logging.INFO)
    col = Collect()
    log.addHandler(col)

    k, n = a.shard
    out = sys.stdout
    for pos, path in enumerate(list_messages(a.paths)):
        if pos % n != k:
            continue
        rec = {"file": os.fsdecode(path), "index": pos, "pass": False, "signatures": []}
        try:
            with open(path, "rb") as f:
                data = _LF.sub(b"\r\n", f.read())
        except OSError as e:
            rec["error"] = "cannot read: %s" % e.strerror
            out.write(json.dumps(rec, separators=(",", ":")) + "\n")
            continue
        try:
            d = dkim.DKIM(data, logger=log, minkey=1024)
            sighdrs = [v for h, v in d.headers if h.lower() == b"dkim-signature"]
        except Exception as e:   # dkimpy refuses to parse the message at all
            rec["error"] = "%s: %s" % (type(e).__name__, str(e)[:200])
            out.write(json.dumps(rec, separators=(",", ":")) + "\n")
            continue
        for idx, value in enumerate(sighdrs):
            sd, ss = _sig_ds(value)
            del col.msgs[:]
            try:
                ok = d.verify(idx=idx, dnsfunc=dnsfunc)
                detail = "; ".join(col.msgs)
                if ok:
                    res = "pass"
                elif not detail:
                    res, detail = "fail", "verify() returned False"
                elif "DnsTimeoutError" in detail:
                    res = "temperror"
                else:
                    res = "fail"
            except dkim.DKIMException as e:
                res, detail = "permerror", "%s: %s" % (type(e).__name__, e)
            except Exception as e:   # a dkimpy crash: not a pass
                res, detail = "permerror", "uncaught %s: %s" % (type(e).__name__, e)
            rec["signatures"].append({"d": sd, "s": ss, "result": res, "detail": detail[:200]})
            if res == "pass":
                rec["pass"] = True
        out.write(json.dumps(rec, separators=(",", ":")) + "\n")
    out.flush()


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # `| head` ends us quietly
    main()
