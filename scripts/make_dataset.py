#!/usr/bin/python3
"""Generate the bundled demo sample in datasets/sample/ (deterministically).

    /usr/bin/python3 scripts/make_dataset.py            # (re)write datasets/sample/
    /usr/bin/python3 scripts/make_dataset.py --check    # cross-check the files on disk

Writes:
  keys/TEST-ONLY-*.pem   private test keys (made only when missing), keys/README.txt
  keys.jsonl             the key cache (DESIGN.md format)
  sample.mbox            ~200 messages, mboxrd, LF line ends
  maildir/{cur,new,tmp}  the same messages, one file each, names sort in mbox order
  expected.jsonl         the verdict dkimbatch must give (--now 1767312000, defaults)
  README.md              what is in the sample, with counts

Deterministic: every choice comes from random.Random(SEED), every time is fixed,
RSA PKCS#1 v1.5 and Ed25519 signatures are deterministic.  RSA / Ed25519 key
generation is not, so the keys are generated only when their PEM file is
missing; with the keys present a re-run reproduces every byte.

The DKIM signer is written here from RFC 6376 (canonicalization 3.4, signing
3.7 and 5) and RFC 8463 (ed25519-sha256 signs the SHA-256 hash of the header
data); it does not use dkimpy.  `--check` verifies every signature with dkimpy
(Debian python3-dkim), offline, feeding it the TXT records of keys.jsonl.

Only the Python standard library and python3-cryptography are needed to
generate; --check also needs python3-dkim (and python3-nacl for Ed25519).
"""
import argparse
import base64
import datetime
import hashlib
import json
import os
import quopri
import random
import re
import shutil
import sys
import textwrap

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_OUT = os.path.join(REPO, "datasets", "sample")

SEED = 20260101
T_SIGN = 1767225600            # 2026-01-01T00:00:00Z: t= of the signatures
NOW = 1767312000               # 2026-01-02T00:00:00Z: the --now of expected.jsonl
FETCHED_AT = "2026-01-01T00:00:00Z"
DAY = 86400
MAILDIR_STAMP = 1767225600     # fixed prefix of every Maildir file name

RESULT_ORDER = ["pass", "fail", "policy", "neutral", "temperror", "permerror"]

# ---------------------------------------------------------------------------
# keys

KEY_FILES = {            # id -> (file name, kind, bits)
    "rsa2048-a": ("TEST-ONLY-rsa2048-a.pem", "rsa", 2048),
    "rsa2048-b": ("TEST-ONLY-rsa2048-b.pem", "rsa", 2048),
    "rsa1024": ("TEST-ONLY-rsa1024.pem", "rsa", 1024),
    "rsa512": ("TEST-ONLY-rsa512.pem", "rsa", 512),
    "ed25519": ("TEST-ONLY-ed25519.pem", "ed25519", 256),
}

KEYS_README = """\
TEST ONLY - DO NOT USE FOR REAL MAIL.
These private keys are published on purpose: they sign the dkimbatch demo sample
(datasets/sample/) so that anyone can regenerate it with scripts/make_dataset.py.
Anybody can sign anything with them; no real DNS name publishes their public halves.
"""


def load_or_make_keys(keydir):
    os.makedirs(keydir, exist_ok=True)
    keys, made = {}, []
    for kid, (fname, kind, bits) in KEY_FILES.items():
        path = os.path.join(keydir, fname)
        if not os.path.exists(path):
            if kind == "rsa":
                k = rsa.generate_private_key(public_exponent=65537, key_size=bits)
            else:
                k = ed25519.Ed25519PrivateKey.generate()
            pem = k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
            with open(path, "wb") as f:
                f.write(pem)
            made.append(fname)
        with open(path, "rb") as f:
            k = serialization.load_pem_private_key(f.read(), password=None)
        if kind == "rsa":
            assert isinstance(k, rsa.RSAPrivateKey) and k.key_size == bits, path
        else:
            assert isinstance(k, ed25519.Ed25519PrivateKey), path
        keys[kid] = k
    write_if_changed(os.path.join(keydir, "README.txt"), KEYS_README.encode())
    return keys, made


def p_value(key):
    if isinstance(key, ed25519.Ed25519PrivateKey):     # RFC 8463 3: the raw 32-byte key
        raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode()
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


# Every DNS name of keys.jsonl.  `key` is the private key the sample signs with
# for that selector (for the broken records too, so that each failing
# signature has exactly one thing wrong with it).
SELECTORS = {
    "corp":     dict(d="example.com", s="mail2026", key="rsa2048-a",
                     record="v=DKIM1; k=rsa; p={p}", note="good RSA 2048"),
    "corp-ed":  dict(d="example.com", s="ed2026", key="ed25519",
                     record="v=DKIM1; k=ed25519; p={p}", note="good Ed25519 (raw 32-byte key)"),
    "shop":     dict(d="shop.example.net", s="s2048", key="rsa2048-b",
                     record="v=DKIM1; k=rsa; p={p}", note="good RSA 2048"),
    "news":     dict(d="news.example.org", s="s1024", key="rsa1024",
                     record="v=DKIM1; k=rsa; p={p}", note="good RSA 1024"),
    "list":     dict(d="lists.example.org", s="list2026", key="rsa2048-b",
                     record="v=DKIM1; k=rsa; p={p}", note="good RSA 2048 (re-uses the shop key)"),
    "legacy":   dict(d="legacy.example.net", s="dkim", key="rsa1024",
                     record="v=DKIM1; k=rsa; p={p}", note="good RSA 1024 (re-uses the news key); signs rsa-sha1"),
    "typo":     dict(d="crm.example.com", s="selector1", key="rsa2048-a",
                     record="v=DKIM1; ;=rsa; p={p}", note="`;=rsa` typo for `k=rsa` (re-uses the mail2026 key)"),
    "revoked":  dict(d="example.com", s="mail2025", key="rsa2048-b",
                     record="v=DKIM1; k=rsa; p=", note="revoked (empty p=)"),
    "small":    dict(d="smallbiz.example.net", s="k512", key="rsa512",
                     record="v=DKIM1; k=rsa; p={p}", note="RSA 512"),
    "nx":       dict(d="shop.example.net", s="s2025", key="rsa2048-b",
                     rcode="NXDOMAIN", note="NXDOMAIN (selector deleted)"),
    "servfail": dict(d="flaky.example.org", s="default", key="rsa1024",
                     rcode="SERVFAIL", note="SERVFAIL"),
}


def dns_name(sel):
    return "%s._domainkey.%s" % (SELECTORS[sel]["s"], SELECTORS[sel]["d"])


def key_cache_lines(keys):
    out = []
    for sel, spec in SELECTORS.items():
        rcode = spec.get("rcode", "NOERROR")
        txt = [spec["record"].format(p=p_value(keys[spec["key"]]))] if rcode == "NOERROR" else []
        out.append(json.dumps({"name": dns_name(sel), "rcode": rcode, "txt": txt,
                               "dnssec": "insecure", "fetched_at": FETCHED_AT},
                              separators=(",", ":")))
    return out


# ---------------------------------------------------------------------------
# canonicalization (RFC 6376 3.4); all inputs are CRLF bytes

def crlf(data):
    assert b"\r" not in data, "stored form must be LF only"
    return data.replace(b"\n", b"\r\n")


def field_name(field):
    return field.split(b":", 1)[0].rstrip(b" \t").lower()


def canon_header(field, mode):
    """field: one header field with its final CRLF."""
    if mode == "simple":
        return field
    name, value = field.split(b":", 1)
    value = value.replace(b"\r\n", b"")                 # unfold
    value = re.sub(rb"[ \t]+", b" ", value).strip(b" ")  # WSP runs -> SP; trim
    return name.rstrip(b" \t").lower() + b":" + value + b"\r\n"


def canon_body(body, mode):
    if mode == "simple":
        while body.endswith(b"\r\n\r\n"):
            body = body[:-2]
        if body in (b"", b"\r\n"):
            return b"\r\n"
        return body if body.endswith(b"\r\n") else body + b"\r\n"
    lines = body.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    lines = [re.sub(rb"[ \t]+", b" ", ln).rstrip(b" ") for ln in lines]
    while lines and lines[-1] == b"":
        lines.pop()
    return b"".join(ln + b"\r\n" for ln in lines)


def split_fields(header_block):
    """CRLF header block (ending with CRLF) -> list of fields, each with CRLF."""
    fields = re.split(rb"\r\n(?![ \t])", header_block)
    assert fields[-1] == b""
    return [f + b"\r\n" for f in fields[:-1]]


def header_hash_input(fields, hnames, sig_field_no_b, hmode):
    """RFC 6376 3.7 / 5.4.2: the selected fields bottom-up, then the signature
    field with an empty b= and without its final CRLF."""
    out, used = [], {}
    for n in hnames:
        ln = n.lower().encode()
        inst = [f for f in fields if field_name(f) == ln]
        k = used.get(ln, 0)
        used[ln] = k + 1
        if k < len(inst):
            out.append(canon_header(inst[len(inst) - 1 - k], hmode))
    sig = canon_header(sig_field_no_b + b"\r\n", hmode)
    out.append(sig[:-2])
    return b"".join(out)


def hash_for(algo):
    return hashlib.sha1 if algo == "rsa-sha1" else hashlib.sha256


# ---------------------------------------------------------------------------
# messages

class Msg:
    """Header fields as ASCII strings (folded with "\\n" + WSP, no final
    newline) and the body as LF bytes.  This is the stored form."""

    def __init__(self):
        self.headers = []
        self.body = b""

    def add(self, name, value):
        self.headers.append("%s: %s" % (name, value))

    def index(self, name):
        for i, h in enumerate(self.headers):
            if h.split(":", 1)[0].lower() == name.lower():
                return i
        return -1

    def has(self, name):
        return self.index(name) >= 0

    def get(self, name):
        i = self.index(name)
        return None if i < 0 else self.headers[i].split(":", 1)[1].strip()

    def set(self, name, value):
        self.headers[self.index(name)] = "%s: %s" % (name, value)

    def bytes(self):
        for h in self.headers:
            h.encode("ascii")
        return ("\n".join(self.headers) + "\n\n").encode("ascii") + self.body


def fold_sig_header(tags):
    """DKIM-Signature header text (LF folded) up to and including 'b='."""
    out = "DKIM-Signature:"
    col = len(out)

    def add(piece, sep):
        nonlocal out, col
        if col + len(sep) + len(piece) > 78:
            out += "\n\t" + piece
            col = 8 + len(piece)
        else:
            out += sep + piece
            col += len(sep) + len(piece)

    for tag in tags:
        if tag.startswith("h="):          # long h= lists fold before a ':'
            names = tag[2:].split(":")
            for j, n in enumerate(names):
                piece = ("h=" if j == 0 else ":") + n + (";" if j == len(names) - 1 else "")
                add(piece, " " if j == 0 else "")
        else:
            add(tag + ";", " ")
    return out + "\n\tb="


def fold_b(value):
    first, rest = value[:67], value[67:]
    chunks = [first] + [rest[i:i + 70] for i in range(0, len(rest), 70)]
    return "\n\t".join(c for c in chunks if c)


def sign(msg, key, d, s, algo, canon, hnames, t=T_SIGN, x=None):
    """Sign msg (as it is now) and put the DKIM-Signature on top."""
    hmode, bmode = canon.split("/")
    raw = crlf(msg.bytes())
    head, body = raw.split(b"\r\n\r\n", 1)
    fields = split_fields(head + b"\r\n")
    bh = base64.b64encode(hash_for(algo)(canon_body(body, bmode)).digest()).decode()
    tags = ["v=1", "a=" + algo, "c=" + canon, "d=" + d, "s=" + s, "t=%d" % t]
    if x is not None:
        tags.append("x=%d" % x)
    tags += ["h=" + ":".join(hnames), "bh=" + bh]
    prefix = fold_sig_header(tags)
    data = header_hash_input(fields, hnames, crlf(prefix.encode()), hmode)
    if algo == "ed25519-sha256":
        sig = key.sign(hashlib.sha256(data).digest())
    else:
        sig = key.sign(data, padding.PKCS1v15(),
                       hashes.SHA1() if algo == "rsa-sha1" else hashes.SHA256())
    msg.headers.insert(0, prefix + fold_b(base64.b64encode(sig).decode()))


def own_verify(raw_crlf, idx, pubkeys):
    """Crypto part of verification (body hash, then header signature) of the
    idx-th DKIM-Signature, against the key the sample signed with.  Used to
    confirm that each mutation breaks what it is meant to break, and only that."""
    head, body = raw_crlf.split(b"\r\n\r\n", 1)
    fields = split_fields(head + b"\r\n")
    sigs = [f for f in fields if field_name(f) == b"dkim-signature"]
    sf = sigs[idx]
    value = sf.split(b":", 1)[1]
    tags = {}
    for spec in value.split(b";"):
        if spec.strip():
            k, v = spec.split(b"=", 1)
            tags[k.strip().decode()] = re.sub(rb"\s+", b"", v).decode()
    algo = tags["a"]
    hmode, bmode = tags.get("c", "simple/simple").split("/")
    bh = base64.b64encode(hash_for(algo)(canon_body(body, bmode)).digest()).decode()
    if bh != tags["bh"]:
        return "body_hash_mismatch"
    hnames = tags["h"].split(":")
    no_b = re.sub(rb"(;\s*b=)[^;]*", rb"\1", sf[:-2])
    data = header_hash_input(fields, hnames, no_b, hmode)
    pub = pubkeys[(tags["d"], tags["s"])]
    b = base64.b64decode(tags["b"])
    try:
        if algo == "ed25519-sha256":
            pub.verify(b, hashlib.sha256(data).digest())
        else:
            pub.verify(b, data, padding.PKCS1v15(),
                       hashes.SHA1() if algo == "rsa-sha1" else hashes.SHA256())
    except Exception:
        return "signature_mismatch"
    return "ok"


# ---------------------------------------------------------------------------
# header helpers

Q_SAFE = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")


def encoded_words(text):
    """RFC 2047 encoded-words for a non-ASCII text: Q for mostly-Latin text,
    B otherwise; each word at most 75 characters, split on character bounds."""
    ascii_share = sum(1 for c in text if ord(c) < 128) / len(text)
    words, cur = [], ""
    if ascii_share > 0.6:
        def enc(s):
            return "".join(chr(b) if b in Q_SAFE else "_" if b == 0x20 else "=%02X" % b
                           for b in s.encode("utf-8"))
        for ch in text:
            if len(enc(cur + ch)) > 75 - 12:
                words.append("=?UTF-8?Q?%s?=" % enc(cur))
                cur = ""
            cur += ch
        words.append("=?UTF-8?Q?%s?=" % enc(cur))
    else:
        for ch in text:
            if len((cur + ch).encode("utf-8")) > 45:
                words.append("=?UTF-8?B?%s?=" % base64.b64encode(cur.encode()).decode())
                cur = ""
            cur += ch
        words.append("=?UTF-8?B?%s?=" % base64.b64encode(cur.encode()).decode())
    return words


def is_ascii(s):
    return all(ord(c) < 128 for c in s)


def fold_words(name, words):
    """Join words with spaces, folding at about 76 columns."""
    out, col = "", len(name) + 2
    for j, w in enumerate(words):
        if j == 0:
            out, col = w, col + len(w)
        elif col + 1 + len(w) > 76:
            out += "\n " + w
            col = 1 + len(w)
        else:
            out += " " + w
            col += 1 + len(w)
    return out


def text_header(name, text, prefix=""):
    if is_ascii(text):
        words = (prefix + text).split(" ")
    else:
        words = ([prefix.strip()] if prefix else []) + encoded_words(text)
    return fold_words(name, words)


def address(name, addr):
    if not name:
        return addr
    if is_ascii(name):
        return "%s <%s>" % (name, addr)
    return "%s <%s>" % (" ".join(encoded_words(name)), addr)


def rfc5322_date(ts, tz_minutes):
    tz = datetime.timezone(datetime.timedelta(minutes=tz_minutes))
    dt = datetime.datetime.fromtimestamp(ts, tz)
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    sign_ = "+" if tz_minutes >= 0 else "-"
    off = abs(tz_minutes)
    return "%s, %02d %s %d %02d:%02d:%02d %s%02d%02d" % (
        days[dt.weekday()], dt.day, months[dt.month - 1], dt.year, dt.hour, dt.minute,
        dt.second, sign_, off // 60, off % 60)


def asctime_utc(ts):
    dt = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc)
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return "%s %s %2d %02d:%02d:%02d %d" % (days[dt.weekday()], months[dt.month - 1], dt.day,
                                            dt.hour, dt.minute, dt.second, dt.year)


# ---------------------------------------------------------------------------
# content pools

CORP_PEOPLE = [("Alice Martin", "alice.martin"), ("Bob Chen", "bob.chen"),
               ("Carol Díaz", "carol.diaz"), ("Jürgen Weiß", "juergen.weiss"),
               ("Émilie Laurent", "emilie.laurent"), ("Kenji Sato", "kenji.sato"),
               ("Priya Nair", "priya.nair"), ("Tomás Ferreira", "tomas.ferreira"),
               ("IT Service Desk", "servicedesk"), ("HR Team", "hr")]
RECIPIENTS = [("Dana Kim", "dana.kim@example.org"), ("Erik Johansson", "erik@mail.example.net"),
              ("Frank Osei", "frank.osei@example.org"), ("Greta Lindqvist", "greta@example.org"),
              ("Hiro Tanaka", "hiro.tanaka@example.org"), ("Inés García", "ines.garcia@example.org"),
              ("Mia Schröder", "mia.schroeder@example.net"), (None, "ops@example.org")]
COLLEAGUES = [("Team", "team@example.com"), ("Finance", "finance@example.com"),
              ("Bob Chen", "bob.chen@example.com"), ("Priya Nair", "priya.nair@example.com")]

SENTENCES = {
    "en": [
        "Thanks for sending the numbers over so quickly.",
        "I have put my comments inline below.",
        "The quarterly figures look better than we expected, mostly thanks to the new subscription plan.",
        "Could you double-check the totals in section 3 before Friday?",
        "We moved the review meeting to Monday at 10:00 in room 4.12.",
        "The build server will be down for maintenance between 22:00 and 23:30 UTC.",
        "Please remember to submit your expense reports by the 5th.",
        "I spoke with the vendor this morning and they confirmed the delivery date.",
        "Let me know if anything is unclear or if you need the raw data.",
        "The new badge readers are installed on floors 2 and 3.",
        "We are still waiting for legal to sign off on the contract.",
        "Happy new year to everyone on the team!",
        "The migration of the mail gateway finished without errors last night.",
        "I updated the onboarding checklist with the new VPN instructions.",
        "There were 14 open tickets at the end of the sprint, down from 31.",
        "The offsite is confirmed for the second week of February.",
        "Our DKIM keys were rotated in December; the old selector stays published until the end of January.",
        "Please do not reply to this thread with large attachments.",
        "The printer on the third floor works again.",
        "I will be out of office from 2 to 9 January with limited access to email.",
        "The draft is in the shared folder under Reports/2025/Q4.",
        "Finance asked for the final invoice numbers by Wednesday.",
        "Two of the three candidates accepted the second interview.",
        "The customer workshop went well and they want a follow-up in March.",
    ],
    "de": [
        "Anbei die überarbeitete Präsentation für die Sitzung am Montag.",
        "Die Zahlen für das vierte Quartal sehen gut aus.",
        "Könnten Sie die Übersicht bis Freitag prüfen?",
        "Das Büro in München bleibt zwischen den Jahren geschlossen.",
        "Für Rückfragen stehe ich Ihnen gerne zur Verfügung.",
        "Die Lieferung verzögert sich leider um zwei Tage.",
        "Wir haben die Zugangsdaten für das neue Portal verschickt.",
        "Bitte denken Sie an die Abgabe der Reisekostenabrechnung.",
        "Die Wartungsarbeiten am Server sind erfolgreich abgeschlossen.",
        "Größere Änderungen planen wir erst für Februar.",
        "Die Schulung zum neuen Ticketsystem findet am 14. Januar statt.",
        "Vielen Dank für die gute Zusammenarbeit im vergangenen Jahr.",
    ],
    "fr": [
        "Merci pour votre retour rapide.",
        "Vous trouverez ci-dessous le compte rendu de la réunion de lundi.",
        "La réunion est déplacée à mercredi, 14 h, salle Érable.",
        "Les résultats du trimestre sont meilleurs que prévu.",
        "N'hésitez pas à me contacter si vous avez des questions.",
        "Le déploiement de la nouvelle version est prévu pour la semaine prochaine.",
        "L'équipe vous souhaite une très bonne année 2026 !",
        "Le prestataire a confirmé la date de livraison ce matin.",
        "Il reste deux points à régler avant la signature du contrat.",
        "Les accès au nouvel outil seront créés d'ici vendredi.",
    ],
    "es": [
        "Gracias por la información.",
        "Te envío el presupuesto actualizado para el año 2026.",
        "La reunión de mañana se traslada a las 11:00.",
        "¿Podrías revisar las cifras antes del viernes?",
        "Feliz año nuevo a todo el equipo.",
        "La migración del servidor terminó sin errores anoche.",
        "El proveedor confirmó la fecha de entrega esta mañana.",
        "Quedan dos puntos pendientes antes de firmar el contrato.",
    ],
    "ja": [
        "会議の議事録をお送りします。",
        "ご確認のほど、よろしくお願いいたします。",
        "来週の打ち合わせは水曜日の午後二時からに変更になりました。",
        "新年あけましておめでとうございます。",
        "本年もどうぞよろしくお願い申し上げます。",
        "資料は共有フォルダに保存してあります。",
        "ご不明な点がございましたら、お気軽にお問い合わせください。",
        "見積書の修正版を添付いたしました。",
    ],
}
FROM_LINES = [   # body lines that start with "From " (mbox quoting matters)
    "From what I can see in the logs, the job ran twice on Tuesday.",
    "From Monday on, the office opens at 8:00 instead of 9:00.",
    "From the customer's point of view, nothing changes.",
    "From here on, please use the new ticket queue.",
    "From 1 January, travel requests go through the new portal.",
    "From our side everything is ready for the launch.",
]
GT_FROM_LINES = [  # lines that already start with ">From " (mboxrd quotes them again)
    ">From the old archive (this line was mangled by an mboxo tool years ago).",
    ">From the 2019 export: the totals were already wrong back then.",
]
GREETING = {"en": ["Hi {f},", "Hello {f},", "Dear {f},"], "de": ["Hallo {f},", "Guten Tag {f},"],
            "fr": ["Bonjour {f},"], "es": ["Hola {f},"], "ja": ["{f}様", "各位"]}
SIGNOFF = {"en": ["Best regards,", "Thanks,", "Cheers,", "Kind regards,"],
           "de": ["Viele Grüße", "Mit freundlichen Grüßen"], "fr": ["Bien cordialement,", "Cordialement,"],
           "es": ["Saludos,", "Un abrazo,"], "ja": ["よろしくお願いいたします。"]}
SUBJECTS = {
    "en": ["Quarterly report draft", "Budget review for Q1", "Meeting notes 2025-12-30",
           "Server maintenance window tonight", "Offsite planning", "Holiday schedule",
           "Updated onboarding checklist", "Invoice INV-2025-1184", "Your access request was approved",
           "Lunch on Friday?", "Contract renewal with the cleaning company",
           "Action items from the customer workshop", "New VPN profile for remote access",
           "Expense reports due on 5 January", "Draft agenda for the all-hands meeting next week",
           "Office closed on 2 January"],
    "de": ["Protokoll der Sitzung vom 30.12.", "Grüße aus München", "Überprüfung der Zugangsdaten",
           "Rückfrage zur Rechnung", "Schulungstermine im Januar", "Änderung der Öffnungszeiten"],
    "fr": ["Réunion de lundi — ordre du jour", "Compte rendu : atelier sécurité", "Bonne année 2026 !",
           "Accès à l'outil de facturation", "Déménagement du bureau de Lyon"],
    "es": ["Presupuesto año 2026", "Reunión de mañana", "¿Comemos el viernes?",
           "Revisión del contrato con el proveedor"],
    "ja": ["会議の議事録", "新年のご挨拶", "来週の打ち合わせについて", "見積書の修正版"],
}
MAILERS = ["Microsoft Outlook 16.0", "Apple Mail (2.3774.300.61.1.2)", "Mozilla Thunderbird 128.5.2",
           "Roundcube Webmail/1.6.9", "Evolution 3.46.4"]


def wrap(text, lang, width=72):
    if lang == "ja":
        return [text[i:i + 36] for i in range(0, len(text), 36)]
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


def paragraphs(rng, lang, n_min, n_max):
    paras = []
    for _ in range(rng.randint(n_min, n_max)):
        k = rng.randint(1, 4)
        sep = "" if lang == "ja" else " "
        paras.append(wrap(sep.join(rng.sample(SENTENCES[lang], k)), lang))
    return paras


def lines_to_bytes(lines):
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------
# message drafts: each profile returns a Msg and a few facts about it

class Ctx:
    def __init__(self, rng, index):
        self.rng = rng
        self.index = index
        self.stats = {}
        self.msgid_seen = set()
        self.gt_from_budget = 3
        self.time_base = T_SIGN     # messages are written shortly before this

    def msgid(self, host, ts):
        while True:
            mid = "<%s.%s@%s>" % (rfc_stamp(ts),
                                  "%016x" % self.rng.getrandbits(64), host)
            if mid not in self.msgid_seen:
                self.msgid_seen.add(mid)
                return mid


def rfc_stamp(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y%m%d%H%M%S")


def set_body(msg, info, rng, lang, text_lines, html_paras=None, cte=None, multipart=False):
    """Fill MIME-Version / Content-Type / Content-Transfer-Encoding and the body."""
    text = lines_to_bytes(text_lines)
    ascii_only = all(b < 128 for b in text)
    if cte is None:
        if ascii_only:
            cte = "7bit"
        elif lang == "ja":
            cte = rng.choice(["base64", "8bit"])
        else:
            cte = rng.choice(["8bit", "quoted-printable"])
    charset = "us-ascii" if ascii_only else "utf-8"

    def encode(data, how):
        if how == "quoted-printable":
            return quopri.encodestring(data)
        if how == "base64":
            return base64.encodebytes(data)
        return data

    info["cte"] = cte
    msg.add("MIME-Version", "1.0")
    if not multipart:
        msg.add("Content-Type", "text/plain; charset=%s" % ('"UTF-8"' if charset == "utf-8" and rng.random() < 0.5 else charset))
        if cte != "7bit" or rng.random() < 0.5:
            msg.add("Content-Transfer-Encoding", cte)
        msg.body = encode(text, cte)
        return
    info["multipart"] = True
    boundary = "----=_Part_%d_%d.%d" % (rng.randint(100000, 999999), rng.randint(1000, 9999), T_SIGN * 1000)
    msg.add("Content-Type", 'multipart/alternative;\n boundary="%s"' % boundary)
    html_lines = ["<!DOCTYPE html>", "<html><head><meta charset=\"%s\"></head>" % charset,
                  "<body style=\"font-family: sans-serif\">"]
    for p in html_paras or []:
        html_lines.append("<p>" + " ".join(p).replace("&", "&amp;") + "</p>")
    html_lines.append("</body></html>")
    html = lines_to_bytes(html_lines)
    hcte = cte if cte != "7bit" else rng.choice(["7bit", "quoted-printable"])
    if hcte == "7bit" and any(b >= 128 for b in html):
        hcte = "quoted-printable"
    parts = [b"This is a multi-part message in MIME format.\n"]
    for ctype, data, how in (("text/plain", text, cte), ("text/html", html, hcte)):
        parts.append(("--%s\nContent-Type: %s; charset=%s\nContent-Transfer-Encoding: %s\n\n"
                      % (boundary, ctype, charset, how)).encode() + encode(data, how))
    msg.body = b"\n".join(parts) + ("\n--%s--\n" % boundary).encode()


def pick_lang(rng, weights):
    langs, w = zip(*weights)
    return rng.choices(langs, weights=w)[0]


def first_name(name, addr):
    return (name or addr.split("@")[0]).split(" ")[0]


def draft_corp(ctx, lang=None, sender=None, to=None, allow_multipart=True, cte=None,
               org="Example Corp, 1 Example Street, Springfield", msgid_host="mail.example.com"):
    """A person-to-person or team message (from example.com unless `sender`)."""
    rng = ctx.rng
    info = {}
    if lang is None:
        lang = pick_lang(rng, [("en", 62), ("de", 12), ("fr", 10), ("es", 8), ("ja", 8)])
    if sender is None:
        name, local = rng.choice(CORP_PEOPLE)
        sender = (name, local + "@example.com")
    name, from_addr = sender
    to_name, to_addr = to or rng.choice(RECIPIENTS + COLLEAGUES)
    subject = rng.choice(SUBJECTS[lang])
    reply = rng.random() < 0.3
    if reply:
        subject = ("AW: " if lang == "de" else "RE: " if rng.random() < 0.3 else "Re: ") + subject
    date = ctx.time_base - rng.randint(3, 900)
    m = Msg()
    order = rng.choice(["outlook", "thunderbird", "plain"])
    hdr = {
        "From": address(name, from_addr),
        "To": address(to_name, to_addr),
        "Subject": text_header("Subject", subject),
        "Date": rfc5322_date(date, rng.choice([60, 60, 0, -300, 540])),
        "Message-ID": ctx.msgid(msgid_host, date),
    }
    if rng.random() < 0.25:
        cc = rng.choice([c for c in COLLEAGUES if c[1] != to_addr])
        hdr["Cc"] = address(*cc)
    if reply:
        parent = ctx.msgid(to_addr.split("@")[1], date - rng.randint(3600, 86400))
        hdr["In-Reply-To"] = parent
        hdr["References"] = parent
    if order == "outlook":
        keys = ["From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References"]
    elif order == "thunderbird":
        keys = ["Message-ID", "Date", "From", "To", "Cc", "Subject", "In-Reply-To", "References"]
    else:
        keys = ["Date", "From", "To", "Cc", "Subject", "Message-ID", "In-Reply-To", "References"]
    for k in keys:
        if k in hdr:
            m.add(k, hdr[k])
    # body
    fn = first_name(to_name, to_addr)
    body = [rng.choice(GREETING[lang]).format(f=fn), ""]
    paras = paragraphs(rng, lang, 1, 5)
    if lang == "en" and rng.random() < 0.35:
        paras.insert(rng.randint(0, len(paras)), wrap(rng.choice(FROM_LINES), lang))
        info["from_line"] = True
    if lang == "en" and ctx.gt_from_budget and rng.random() < 0.08:
        paras.insert(rng.randint(0, len(paras)), [rng.choice(GT_FROM_LINES)])
        ctx.gt_from_budget -= 1
    for p in paras:
        body += p + [""]
    body.append(rng.choice(SIGNOFF[lang]))
    if rng.random() < 0.5:
        body += ["-- ", name, org]
    else:
        body.append(name.split(" ")[0])
    if reply and rng.random() < 0.7:
        body += ["", "On %s, %s wrote:" % (rfc5322_date(date - rng.randint(3600, 86400), 0),
                                          "%s <%s>" % (to_name, to_addr) if to_name else to_addr)]
        for p in paragraphs(rng, lang, 1, 2):
            body += ["> " + ln for ln in p] + [">"]
        body.pop()
    if rng.random() < 0.3:
        m.add("X-Mailer" if rng.random() < 0.5 else "User-Agent", rng.choice(MAILERS))
    multipart = allow_multipart and rng.random() < 0.25
    html = [p for p in paras] if multipart else None
    if cte and all(b < 128 for b in lines_to_bytes(body)):
        raise Retry()          # a forced 8bit body needs non-ASCII text
    set_body(m, info, rng, lang, body, html, multipart=multipart, cte=cte)
    info.update(lang=lang, subject=subject)
    return m, info


def order_number(rng):
    return "%d" % rng.randint(100000, 999999)


def draft_shop(ctx):
    rng = ctx.rng
    info = {}
    lang = pick_lang(rng, [("en", 60), ("de", 25), ("fr", 15)])
    n = order_number(rng)
    subj = {
        "en": ["Order confirmation #{n}", "Your order #{n} has shipped", "Your receipt for order #{n}",
               "Your order #{n} is out for delivery"],
        "de": ["Bestellbestätigung Nr. {n}", "Ihre Bestellung Nr. {n} ist unterwegs", "Rückerstattung für Bestellung {n}"],
        "fr": ["Confirmation de commande n° {n}", "Votre commande n° {n} a été expédiée"],
    }[lang]
    subject = rng.choice(subj).format(n=n)
    to_name, to_addr = rng.choice(RECIPIENTS[:7])
    m = Msg()
    m.add("From", address("Example Shop", rng.choice(["orders", "shipping", "no-reply"]) + "@shop.example.net"))
    m.add("To", address(to_name, to_addr))
    m.add("Subject", text_header("Subject", subject))
    date = ctx.time_base - rng.randint(3, 600)
    m.add("Date", rfc5322_date(date, 0))
    m.add("Message-ID", ctx.msgid("shop.example.net", date))
    if rng.random() < 0.5:
        m.add("Reply-To", "Example Shop Support <support@shop.example.net>")
    items = [("USB-C cable, 2 m", 9.95), ("Desk lamp \"Luma\"", 49.00), ("Notebook A5, dotted", 4.50),
             ("Wireless mouse", 24.90), ("Coffee beans, 1 kg", 17.80), ("Café au lait mug", 12.00),
             ("Rucksack \"Städtetrip\"", 59.00), ("HDMI adapter", 14.99)]
    hello = {"en": "Hello {f},", "de": "Hallo {f},", "fr": "Bonjour {f},"}[lang].format(f=first_name(to_name, to_addr))
    intro = {"en": "thank you for your order. Here is a summary:",
             "de": "vielen Dank für Ihre Bestellung. Hier ist die Übersicht:",
             "fr": "merci pour votre commande. Voici le récapitulatif :"}[lang]
    body = [hello, "", intro, "", "Order #%s" % n, ""]
    total = 0.0
    for title, price in rng.sample(items, rng.randint(1, 4)):
        q = rng.randint(1, 3)
        total += q * price
        body.append("  %d x  %-30s %8.2f EUR" % (q, title, q * price))
    body += ["  %s %8s" % (" " * 35, "--------"), "  %-35s %8.2f EUR" % ("Total", total), ""]
    track = "1Z%08dDE" % rng.randint(0, 99999999)
    body += wrap({"en": "Your tracking number is %s. You can follow the parcel at "
                        "https://shop.example.net/track/%s" % (track, track),
                  "de": "Ihre Sendungsnummer lautet %s. Den Status finden Sie unter "
                        "https://shop.example.net/track/%s" % (track, track),
                  "fr": "Votre numéro de suivi est %s. Suivez votre colis sur "
                        "https://shop.example.net/track/%s" % (track, track)}[lang], lang)
    body += ["", {"en": "Questions? Just reply to this email.", "de": "Fragen? Antworten Sie einfach auf diese E-Mail.",
                  "fr": "Des questions ? Répondez simplement à cet e-mail."}[lang], "", "Example Shop",
             "https://shop.example.net/"]
    multipart = rng.random() < 0.55
    set_body(m, info, rng, lang, body, [[hello], [intro], ["Order #%s, total %.2f EUR" % (n, total)]],
             multipart=multipart)
    info.update(lang=lang, subject=subject)
    return m, info


def draft_news(ctx, unsub=True):
    rng = ctx.rng
    info = {}
    lang = pick_lang(rng, [("en", 75), ("fr", 25)])
    issue = rng.randint(100, 160)
    subject = rng.choice({
        "en": ["Example News Weekly — Issue #%d" % issue, "This week: mail authentication explained",
               "Year in review 2025 🎉", "5 tips for safer passwords", "What changed in 2025, in 3 minutes"],
        "fr": ["Les nouveautés de janvier", "La lettre d'Example News — n° %d" % issue, "Bilan de l'année 2025 🎉"],
    }[lang])
    to_name, to_addr = rng.choice(RECIPIENTS[:7])
    m = Msg()
    m.add("From", address("Example News", "newsletter@news.example.org"))
    m.add("To", address(to_name, to_addr))
    m.add("Subject", text_header("Subject", subject))
    date = ctx.time_base - rng.randint(3, 600)
    m.add("Date", rfc5322_date(date, -300))
    m.add("Message-ID", ctx.msgid("news.example.org", date))
    token = "%012x" % rng.getrandbits(48)
    if unsub:
        m.add("List-Unsubscribe", "<https://news.example.org/u/%s>,\n <mailto:unsubscribe@news.example.org?subject=%s>" % (token, token))
        m.add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
    heads = {"en": ["Top stories", "From the blog", "Events", "Tip of the week"],
             "fr": ["À la une", "Sur le blog", "Événements", "L'astuce de la semaine"]}[lang]
    body, html = [], []
    for h in rng.sample(heads, rng.randint(2, 4)):
        body += [h.upper() if lang == "en" else h, "=" * len(h), ""]
        ps = paragraphs(rng, "en" if lang == "en" else "fr", 1, 2)
        for p in ps:
            body += p + [""]
        link = "https://news.example.org/2026/01/%s" % rng.choice(["dkim-basics", "passwords", "year-in-review", "events"])
        body += [("Read more: " if lang == "en" else "Lire la suite : ") + link, ""]
        html += [[h]] + ps
    if lang == "en" and rng.random() < 0.4:
        body += wrap(rng.choice(FROM_LINES), "en") + [""]
        info["from_line"] = True
    body += ["--", "You receive this because you subscribed at news.example.org.",
             "Unsubscribe: https://news.example.org/u/%s" % token]
    set_body(m, info, rng, lang, body, html, multipart=rng.random() < 0.7)
    info.update(lang=lang, subject=subject)
    return m, info


def draft_simple_notice(ctx, from_hdr, host, subjects, body_lines_fn, lang="en", tz=0):
    rng = ctx.rng
    info = {}
    to_name, to_addr = rng.choice(RECIPIENTS + COLLEAGUES)
    subject = rng.choice(subjects)
    m = Msg()
    m.add("From", from_hdr)
    m.add("To", address(to_name, to_addr))
    m.add("Subject", text_header("Subject", subject))
    date = ctx.time_base - rng.randint(3, 900)
    m.add("Date", rfc5322_date(date, tz))
    m.add("Message-ID", ctx.msgid(host, date))
    set_body(m, info, rng, lang, body_lines_fn(rng, first_name(to_name, to_addr)), multipart=False)
    info.update(lang=lang, subject=subject)
    return m, info


def draft_helpdesk(ctx):
    n = ctx.rng.randint(40000, 49999)
    subjects = ["[Ticket #%d] Printer on 3rd floor not working" % n, "[Ticket #%d] Password reset request" % n,
                "[Ticket #%d] New laptop for onboarding" % n, "[Ticket #%d] VPN disconnects every hour" % n]

    def body(rng, fn):
        agent = rng.choice(["Sam", "Robin", "Kai", "Jo"])
        return ["Ticket #%d has been updated by %s." % (n, agent), "",
                "Status:   %s" % rng.choice(["Open -> In progress", "In progress -> Resolved", "New -> Open"]),
                "Priority: %s" % rng.choice(["Low", "Normal", "High"]), "",
                "Comment:"] + ["  " + ln for ln in wrap(" ".join(rng.sample(SENTENCES["en"], 2)), "en", 68)] + [
                "", "View the ticket: https://helpdesk.legacy.example.net/ticket/%d" % n, "",
                "-- ", "This message was sent by the Legacy Helpdesk 3.2 notification service."]
    return draft_simple_notice(ctx, address("Helpdesk", "helpdesk@legacy.example.net"), "helpdesk.legacy.example.net",
                               subjects, body)


def draft_crm(ctx):
    co = ctx.rng.choice(["ACME Corp", "Globex", "Initech", "Umbrella Logistics", "Stark Components"])
    subjects = ["Reminder: follow up with %s" % co, "New lead assigned: %s" % co, "Weekly pipeline summary",
                "Deal stage changed: %s" % co]

    def body(rng, fn):
        return ["Hi %s," % fn, ""] + wrap("This is an automatic notification from Example CRM about the account "
                                          "%s. The deal value is %d EUR and the next step is due on %s." %
                                          (co, rng.randint(5, 90) * 1000, rng.choice(["5 January", "7 January", "12 January"])), "en") + [
                "", "Open in CRM: https://crm.example.com/accounts/%d" % rng.randint(1000, 9999), "",
                "You get these emails because you own this account.", "Example CRM"]
    return draft_simple_notice(ctx, address("Example CRM", "notifications@crm.example.com"), "crm.example.com",
                               subjects, body, tz=60)


def draft_smallbiz(ctx):
    n = ctx.rng.randint(100, 199)
    subjects = ["Ihre Rechnung 2025-%d" % n, "Unsere Öffnungszeiten zwischen den Jahren",
                "Bestellung für Freitag bestätigt", "Neu: Sauerteigbrot mit Dinkel"]

    def body(rng, fn):
        return ["Hallo %s," % fn, ""] + wrap("vielen Dank für Ihre Bestellung bei der Bäckerei Beispiel. "
                                             "Die Rechnung Nr. 2025-%d über %d,%02d € finden Sie unten." %
                                             (n, rng.randint(8, 60), rng.randint(0, 99)), "de") + [
                "", "  3 x Brötchen", "  1 x Roggenmischbrot", "  1 x Käsekuchen (Stück)", ""] + \
            wrap(rng.choice(SENTENCES["de"]), "de") + ["", "Herzliche Grüße", "Ihre Bäckerei Beispiel",
                                                       "Hauptstraße 5, 12345 Beispielstadt"]
    return draft_simple_notice(ctx, address("Bäckerei Beispiel", "info@smallbiz.example.net"), "smallbiz.example.net",
                               subjects, body, lang="de", tz=60)


def draft_events(ctx):
    ev = ctx.rng.choice(["New Year concert", "Winter jazz night", "City marathon 2026", "Open-air cinema"])
    subjects = ["Your tickets for the %s" % ev, "Booking confirmation: %s" % ev, "Reminder: %s starts soon" % ev]

    def body(rng, fn):
        return ["Dear %s," % fn, ""] + wrap("Thank you for booking the %s. Your seats are in row %d, seats %d-%d. "
                                            "Please bring the QR code below or the PDF ticket." %
                                            (ev, rng.randint(1, 30), rng.randint(1, 20), rng.randint(21, 30)), "en") + [
                "", "Booking reference: EV-%06d" % rng.randint(0, 999999), "Doors open: 19:00", "",
                "City Events", "https://events.flaky.example.org/"]
    return draft_simple_notice(ctx, address("City Events", "tickets@flaky.example.org"), "flaky.example.org",
                               subjects, body, tz=60)


def draft_unsigned(ctx):
    rng = ctx.rng
    kind = rng.choice(["cron", "personal", "personal", "monitor"])
    if kind == "cron":
        host = rng.choice(["build01", "db02", "backup03"])

        def body(rng, fn):
            return ["backup: starting incremental run", "backup: 1432 files, 2.%d GiB transferred" % rng.randint(0, 9),
                    "backup: pruning snapshots older than 30 days", "backup: done in %dm%02ds" % (rng.randint(1, 40), rng.randint(0, 59))]
        return draft_simple_notice(ctx, "Cron Daemon <root@%s.example.com>" % host, "%s.example.com" % host,
                                   ["Cron <root@%s> /usr/local/bin/backup.sh" % host], body)
    if kind == "monitor":
        def body(rng, fn):
            return ["** PROBLEM Service Alert: db02/Disk usage is WARNING **", "",
                    "Service: Disk usage /var", "Host: db02.example.org", "State: WARNING",
                    "Info: DISK WARNING - free space: /var %d MB (%d%% inode=97%%)" % (rng.randint(800, 2000), rng.randint(6, 10)),
                    "", "Date/Time: Thu Jan 1 00:%02d:00 UTC 2026" % rng.randint(0, 59)]
        return draft_simple_notice(ctx, "Monitoring <monitor@status.example.org>", "status.example.org",
                                   ["** PROBLEM Service Alert: db02/Disk usage is WARNING **"], body)
    lang = pick_lang(rng, [("en", 60), ("de", 40)])
    who = rng.choice([("Ilse Meyer", "ilse.meyer@family.example"), ("Paul Novak", "paul@home.example"),
                      ("Lena Hoffmann", "lena.h@family.example")])
    return draft_corp(ctx, lang=lang, sender=who, allow_multipart=False, org="Sent from my phone",
                      msgid_host=who[1].split("@")[1])


# ---------------------------------------------------------------------------
# signing plans

H_STYLE_A = ["from", "sender", "reply-to", "to", "cc", "subject", "date", "message-id", "in-reply-to",
             "references", "list-id", "list-post", "list-unsubscribe", "list-unsubscribe-post",
             "mime-version", "content-type"]
H_STYLE_B = ["mime-version", "date", "message-id", "in-reply-to", "references", "subject", "from",
             "reply-to", "to", "cc", "content-type", "list-unsubscribe", "list-unsubscribe-post"]


def h_list(msg, style="A", drop=(), oversign=()):
    names = [n for n in (H_STYLE_A if style == "A" else H_STYLE_B) if msg.has(n) and n not in drop]
    for n in oversign:
        names.insert(names.index(n) + 1, n)
    return names


def do_sign(ctx, msg, keys, sel, canon="relaxed/relaxed", algo=None, style=None, **kw):
    spec = SELECTORS[sel]
    key = keys[spec["key"]]
    if algo is None:
        algo = "ed25519-sha256" if spec["key"] == "ed25519" else "rsa-sha256"
    hn = kw.pop("hnames", None) or h_list(msg, style or ctx.rng.choice("AB"),
                                         kw.pop("drop", ()), kw.pop("oversign", ()))
    sign(msg, key, spec["d"], spec["s"], algo, canon, hn, **kw)
    return {"d": spec["d"], "s": spec["s"]}


# The mix: (case id, count, description, signature results top first)
PLAN = [
    ("pass-rsa2048-relaxed-relaxed", 48, "rsa-sha256, RSA 2048, c=relaxed/relaxed (example.com or shop.example.net)", ["pass/ok"]),
    ("pass-rsa2048-simple-simple", 15, "rsa-sha256, RSA 2048, c=simple/simple", ["pass/ok"]),
    ("pass-rsa2048-relaxed-simple", 15, "rsa-sha256, RSA 2048, c=relaxed/simple", ["pass/ok"]),
    ("pass-rsa2048-simple-relaxed", 10, "rsa-sha256, RSA 2048, c=simple/relaxed", ["pass/ok"]),
    ("pass-rsa1024", 12, "newsletter, rsa-sha256, RSA 1024 (news.example.org)", ["pass/ok"]),
    ("pass-ed25519", 8, "ed25519-sha256 only (example.com s=ed2026)", ["pass/ok"]),
    ("pass-ed25519-and-rsa", 10, "double-signed: ed25519-sha256 on top of rsa-sha256, same domain", ["pass/ok", "pass/ok"]),
    ("pass-oversigned-from", 8, "h= lists from twice (oversigned From)", ["pass/ok"]),
    ("pass-list-resigned", 4, "mailing list added a footer and List-* headers and signed again: list signature passes, author's fails", ["pass/ok", "fail/body_hash_mismatch"]),
    ("fail-body-qp-reencoded", 4, "8bit UTF-8 body re-encoded to quoted-printable by a relay after signing", ["fail/body_hash_mismatch"]),
    ("fail-body-charset-line", 3, "one body line converted from UTF-8 to ISO-8859-1 by a gateway after signing", ["fail/body_hash_mismatch"]),
    ("fail-body-trailing-space", 3, "trailing spaces appended to body lines after signing, c=simple/simple", ["fail/body_hash_mismatch"]),
    ("fail-subject-edited", 6, "Subject tagged by a gateway after signing ([EXTERNAL] ...)", ["fail/signature_mismatch"]),
    ("permerror-key-typo", 6, "key record `v=DKIM1; ;=rsa; p=...` (crm.example.com)", ["permerror/key_syntax"]),
    ("permerror-key-revoked", 5, "key record with empty p= (example.com s=mail2025)", ["permerror/key_revoked"]),
    ("policy-key-512", 5, "RSA 512 key (smallbiz.example.net)", ["policy/key_too_small"]),
    ("policy-rsa-sha1", 6, "a=rsa-sha1 (legacy.example.net)", ["policy/weak_hash"]),
    ("permerror-key-nxdomain", 5, "selector deleted: NXDOMAIN (shop.example.net s=s2025)", ["permerror/key_not_found"]),
    ("temperror-key-servfail", 5, "key lookup SERVFAIL (flaky.example.org)", ["temperror/key_unavailable"]),
    ("none-unsigned", 12, "no DKIM-Signature (cron, monitoring, personal mail)", []),
    ("permerror-from-not-signed", 5, "h= without from (news.example.org)", ["permerror/from_not_signed"]),
    ("permerror-expired", 5, "x= 8 days before --now (signed 2025-12-22, x= 2025-12-25)", ["permerror/expired"]),
]


def build_case(ctx, case, keys):
    """Return (msg, sigs [{d,s,result,reason}], info)."""
    rng = ctx.rng
    sigs = []

    def sig(meta, rr):
        res, reason = rr.split("/")
        sigs.insert(0, dict(meta, result=res, reason=reason))   # newest is on top

    def corp_or_shop():
        if rng.random() < 0.7:
            m, info = draft_corp(ctx)
            return m, info, "corp"
        m, info = draft_shop(ctx)
        return m, info, "shop"

    if case.startswith("pass-rsa2048-"):
        canon = case[len("pass-rsa2048-"):].replace("-", "/")
        m, info, sel = corp_or_shop()
        sig(do_sign(ctx, m, keys, sel, canon), "pass/ok")
    elif case == "pass-rsa1024":
        m, info = draft_news(ctx)
        sig(do_sign(ctx, m, keys, "news", rng.choice(["relaxed/relaxed", "relaxed/simple"])), "pass/ok")
    elif case == "pass-ed25519":
        m, info = draft_corp(ctx)
        sig(do_sign(ctx, m, keys, "corp-ed"), "pass/ok")
    elif case == "pass-ed25519-and-rsa":
        m, info = draft_corp(ctx)
        sig(do_sign(ctx, m, keys, "corp", "relaxed/relaxed", style="A"), "pass/ok")
        sig(do_sign(ctx, m, keys, "corp-ed", "relaxed/relaxed", style="A"), "pass/ok")
    elif case == "pass-oversigned-from":
        m, info, sel = corp_or_shop()
        sig(do_sign(ctx, m, keys, sel, rng.choice(["relaxed/relaxed", "relaxed/simple"]), oversign=("from",)), "pass/ok")
    elif case == "pass-list-resigned":
        m, info = draft_corp(ctx, lang="en", allow_multipart=False, to=("Team list", "team@lists.example.org"))
        sig(do_sign(ctx, m, keys, "corp", "relaxed/relaxed"), "fail/body_hash_mismatch")
        m.body += (b"_______________________________________________\n"
                   b"team mailing list -- team@lists.example.org\n"
                   b"To unsubscribe send an email to team-leave@lists.example.org\n")
        m.add("List-Id", "Team discussions <team.lists.example.org>")
        m.add("List-Post", "<mailto:team@lists.example.org>")
        m.add("List-Unsubscribe", "<mailto:team-leave@lists.example.org>")
        m.add("Precedence", "list")
        m.add("Sender", '"team" <team-bounces@lists.example.org>')
        info["rcpt"] = rng.choice(RECIPIENTS[:7])[1]
        sig(do_sign(ctx, m, keys, "list", "relaxed/simple", style="A"), "pass/ok")
    elif case == "fail-body-qp-reencoded":
        lang = rng.choice(["de", "fr", "es"])
        m, info = draft_corp(ctx, lang=lang, allow_multipart=False, cte="8bit")
        sig(do_sign(ctx, m, keys, "corp", "relaxed/relaxed"), "fail/body_hash_mismatch")
        m.body = quopri.encodestring(m.body)
        if m.has("Content-Transfer-Encoding"):
            m.set("Content-Transfer-Encoding", "quoted-printable")
        else:
            m.add("Content-Transfer-Encoding", "quoted-printable")
        info["cte"] = "quoted-printable (re-encoded)"
    elif case == "fail-body-charset-line":
        lang = rng.choice(["de", "fr", "es"])
        m, info = draft_corp(ctx, lang=lang, allow_multipart=False, cte="8bit")
        sig(do_sign(ctx, m, keys, "corp", rng.choice(["relaxed/relaxed", "simple/relaxed"])), "fail/body_hash_mismatch")
        lines = m.body.split(b"\n")
        nonascii = [j for j, ln in enumerate(lines) if any(b >= 128 for b in ln)]
        j = nonascii[0]
        lines[j] = lines[j].decode("utf-8").encode("iso-8859-1", errors="replace")
        m.body = b"\n".join(lines)
    elif case == "fail-body-trailing-space":
        m, info = draft_shop(ctx) if rng.random() < 0.5 else draft_corp(ctx)
        sig(do_sign(ctx, m, keys, "shop" if m.get("From").endswith("shop.example.net>") else "corp",
                    "simple/simple"), "fail/body_hash_mismatch")
        lines = m.body.split(b"\n")
        cand = [j for j, ln in enumerate(lines) if ln.strip()]
        for j in rng.sample(cand, min(len(cand), rng.randint(1, 4))):
            lines[j] += b" " * rng.randint(1, 3)
        m.body = b"\n".join(lines)
    elif case == "fail-subject-edited":
        m, info, sel = corp_or_shop()
        sig(do_sign(ctx, m, keys, sel, rng.choice(["relaxed/relaxed", "simple/simple", "relaxed/simple"])),
            "fail/signature_mismatch")
        tag = rng.choice(["[EXTERNAL] ", "[EXT] ", "*** SPAM *** "])
        m.set("Subject", text_header("Subject", info["subject"], prefix=tag))
    elif case == "permerror-key-typo":
        m, info = draft_crm(ctx)
        sig(do_sign(ctx, m, keys, "typo", rng.choice(["relaxed/relaxed", "relaxed/simple"])), "permerror/key_syntax")
    elif case == "permerror-key-revoked":
        m, info = draft_corp(ctx)
        sig(do_sign(ctx, m, keys, "revoked", "relaxed/relaxed"), "permerror/key_revoked")
    elif case == "policy-key-512":
        m, info = draft_smallbiz(ctx)
        sig(do_sign(ctx, m, keys, "small", "relaxed/relaxed"), "policy/key_too_small")
    elif case == "policy-rsa-sha1":
        m, info = draft_helpdesk(ctx)
        sig(do_sign(ctx, m, keys, "legacy", rng.choice(["simple/simple", "relaxed/simple"]), algo="rsa-sha1"),
            "policy/weak_hash")
    elif case == "permerror-key-nxdomain":
        m, info = draft_shop(ctx)
        sig(do_sign(ctx, m, keys, "nx", "relaxed/relaxed"), "permerror/key_not_found")
    elif case == "temperror-key-servfail":
        m, info = draft_events(ctx)
        sig(do_sign(ctx, m, keys, "servfail", "relaxed/relaxed"), "temperror/key_unavailable")
    elif case == "none-unsigned":
        m, info = draft_unsigned(ctx)
    elif case == "permerror-from-not-signed":
        m, info = draft_news(ctx)
        sig(do_sign(ctx, m, keys, "news", "relaxed/relaxed", drop=("from",)), "permerror/from_not_signed")
    elif case == "permerror-expired":
        t = T_SIGN - 10 * DAY
        ctx.time_base = t
        m, info = draft_shop(ctx)
        ctx.time_base = T_SIGN
        sig(do_sign(ctx, m, keys, "shop", "relaxed/relaxed", t=t, x=t + 3 * DAY), "permerror/expired")
        info["t"] = t
    else:
        raise ValueError(case)
    return m, sigs, info


class Retry(Exception):
    pass


def add_trace(ctx, m, info):
    """Headers added by the receiving side, after signing, on top."""
    rng = ctx.rng
    t0 = info.get("t", T_SIGN)
    to = m.get("To")
    rcpt = info.get("rcpt") or (re.search(r"<([^>]+)>", to).group(1) if "<" in to else to)
    frm = m.get("From")
    sender = re.search(r"<([^>]+)>", frm).group(1)
    if m.has("Sender"):
        sender = re.search(r"<([^>]+)>", m.get("Sender")).group(1)
    info["envelope"] = sender
    hops = rng.choice([0, 1, 1, 2, 2, 3])
    trace = []
    t = t0 + rng.randint(1, 20)
    sdom = sender.split("@")[1]
    for h in range(hops):
        ip = rng.choice(["192.0.2.%d", "198.51.100.%d", "203.0.113.%d"]) % rng.randint(2, 250)
        by = "mx%d.example.org" % rng.randint(1, 3) if h == 0 else "mailstore%d.example.org" % rng.randint(1, 2)
        frm_host = ("mail-out%d.%s" % (rng.randint(1, 4), sdom)) if h == 0 else "mx1.example.org"
        qid = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTVWXYZ") for _ in range(12))
        trace.insert(0, "Received: from %s (%s [%s])\n\tby %s (Postfix) with ESMTPS id %s\n\tfor <%s>; %s" % (
            frm_host, frm_host, ip, by, qid, rcpt, rfc5322_date(t, 0) + " (UTC)"))
        t += rng.randint(1, 5)
    if hops and rng.random() < 0.7:
        trace.insert(0, "Delivered-To: " + rcpt)
    if rng.random() < 0.8:
        trace.insert(0, "Return-Path: <%s>" % sender)
    m.headers[0:0] = trace
    info["received"] = hops
    info["delivered"] = t


def generate(out, keys):
    rng = random.Random(SEED)
    ctx = Ctx(rng, 0)
    pubkeys = {}
    for sel, spec in SELECTORS.items():
        pubkeys[(spec["d"], spec["s"])] = keys[spec["key"]].public_key()
    cases = [c for c, n, _, _ in PLAN for _ in range(n)]
    rng.shuffle(cases)
    plan_expect = {c: e for c, _, _, e in PLAN}
    messages = []
    for i, case in enumerate(cases):
        for _attempt in range(50):
            try:
                m, sigs, info = build_case(ctx, case, keys)
                break
            except Retry:
                continue
        else:
            raise SystemExit("could not build case %s" % case)
        add_trace(ctx, m, info)
        raw = m.bytes()
        # check what each signature's crypto gives, with our own verifier
        rawc = crlf(raw)
        for idx, s in enumerate(sigs):
            got = own_verify(rawc, idx, pubkeys)
            want = s["reason"] if s["reason"] in ("body_hash_mismatch", "signature_mismatch") else "ok"
            assert got == want, (i, case, idx, got, want)
        assert [("%s/%s" % (s["result"], s["reason"])) for s in sigs] == plan_expect[case], (case, sigs)
        messages.append(dict(case=case, raw=raw, sigs=sigs, info=info, msgid=m.get("Message-ID")))
    return messages


def best(sigs):
    if not sigs:
        return "none"
    return min((s["result"] for s in sigs), key=RESULT_ORDER.index)


def mboxrd_quote(raw):
    return re.sub(rb"(?m)^(>*From )", rb">\1", raw)


def write_if_changed(path, data):
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read() == data:
                return
    with open(path, "wb") as f:
        f.write(data)


def maildir_names(rng_seed, n):
    rng = random.Random(rng_seed + 1)
    in_new = set(rng.sample(range(n), n // 4))
    names = []
    for i in range(n):
        base = "%d.M%06d.sample" % (MAILDIR_STAMP, i)
        if i in in_new:
            names.append(("new", base))
        else:
            names.append(("cur", base + rng.choice([":2,S"] * 6 + [":2,RS", ":2,FS", ":2,"])))
    return names


# ---------------------------------------------------------------------------
# README

def readme(messages, made_stats):
    n = len(messages)
    count = {}
    for msg in messages:
        count[msg["case"]] = count.get(msg["case"], 0) + 1
    dkim_count = {}
    for msg in messages:
        r = best(msg["sigs"])
        dkim_count[r] = dkim_count.get(r, 0) + 1
    nsig = sum(len(m["sigs"]) for m in messages)
    st = made_stats
    rows = "\n".join("| `%s` | %d | %s | %s |" % (c, count[c], d, ", ".join(e) if e else "none (no signature)")
                     for c, _, d, e in PLAN)
    keyrows = "\n".join("| `%s` | %s | %s |" % (dns_name(sel), spec.get("rcode", "NOERROR"), spec["note"])
                        for sel, spec in SELECTORS.items())
    dk = ", ".join("%s %d" % (r, dkim_count[r]) for r in RESULT_ORDER + ["none"] if r in dkim_count)
    return f"""# Demo sample

{n} synthetic but realistic messages signed with DKIM, the key cache to verify
them offline, and the verdict `dkimbatch` must give for each one. The same
messages are stored twice: as one mbox file and as a Maildir.

**The private keys in `keys/` are TEST ONLY, published on purpose** so that the
sample can be regenerated. Never use them for real mail; no real DNS name
publishes them (all domains are `example.*`).

## Files

| path | what |
|---|---|
| `sample.mbox` | the {n} messages, mboxrd (body lines matching `^>*From ` quoted with one more `>`), LF line ends, `From sender Thu Jan  1 00:00:42 2026` separators, an empty line after each message |
| `maildir/cur`, `maildir/new` | the same messages, unquoted, LF line ends, one file each ({st['cur']} in `cur/`, {st['new']} in `new/`); file names (`1767225600.M000123.sample:2,S`, `1767225600.M000124.sample`) sort in mbox order across both folders |
| `maildir/tmp` | empty (a `.keep` file so git keeps it; dkimbatch ignores `tmp/` and dot-files) |
| `keys.jsonl` | the key cache (DESIGN.md format), {len(SELECTORS)} names, all `fetched_at` 2026-01-01T00:00:00Z |
| `expected.jsonl` | one line per message in mbox order: `index`, `message_id`, `dkim` (message level), `signatures` (`d`, `s`, `result`, `reason`, top first) and `case` (the row of the table below) |
| `keys/TEST-ONLY-*.pem` | the private keys (RSA 2048 a and b, RSA 1024, RSA 512, Ed25519), PKCS#8 |

## Verify it

```
dkimbatch verify --keys datasets/sample/keys.jsonl --now 1767312000 datasets/sample/sample.mbox > /tmp/v.jsonl
scripts/compare_verdicts.py datasets/sample/expected.jsonl /tmp/v.jsonl --label mbox
dkimbatch verify --keys datasets/sample/keys.jsonl --now 1767312000 datasets/sample/maildir > /tmp/m.jsonl
scripts/compare_verdicts.py datasets/sample/expected.jsonl /tmp/m.jsonl --label maildir
```

`expected.jsonl` holds for `--now 1767312000` (2026-01-02T00:00:00Z) and the
defaults (`--min-key-bits 1024`, rsa-sha1 not allowed, mbox read as mboxrd).

## The mix

Message level: {dk} ({nsig} signatures in all).

| case | messages | what | signature results (top first) |
|---|---|---|---|
{rows}

Every failing signature has exactly one thing wrong with it: the broken key
records carry the right public key apart from the fault, the 512-bit and
rsa-sha1 signatures are otherwise valid, and the generator re-checks with its
own verifier that each mutation breaks the body hash or the header signature
as intended and nothing else.

Also in the messages: {st['multipart']} multipart/alternative, {st['nonascii_subject']} with an
RFC 2047 encoded (non-ASCII) Subject, bodies in English, German, French,
Spanish and Japanese ({st['cte_8bit']} 8bit, {st['cte_qp']} quoted-printable, {st['cte_b64']} base64, the
rest 7bit), {st['received']} with `Received:` headers added on top after signing,
{st['from_lines']} with body lines starting with `From ` (quoted `>From ` in the mbox) and
{st['gt_from']} with a line starting with `>From ` (quoted `>>From `). Signatures use
`t=1767225600` (2026-01-01T00:00:00Z; the expired ones `t=` 2025-12-22 and
`x=` 2025-12-25), `h=` lists in two common orders (some folded before a `:`)
and a folded `b=`.

## Key cache

| name | rcode | record |
|---|---|---|
{keyrows}

## Regenerate

```
/usr/bin/python3 scripts/make_dataset.py          # rewrites everything here; keys/ is reused
/usr/bin/python3 scripts/make_dataset.py --check  # mbox == Maildir, and every signature checked with dkimpy
```

Deterministic: with the PEM files present a re-run gives the same bytes. A
missing PEM file is generated anew (key generation is random), which changes
every signature made with that key. Needs Debian's python3 with
python3-cryptography; `--check` also needs python3-dkim and python3-nacl.

`--check` verifies every signature with dkimpy offline (TXT records fed from
`keys.jsonl`, clock pinned to `--now`, `minkey=1024`). Every signature expected
to pass passes dkimpy. Known, documented differences on the others: dkimpy
accepts rsa-sha1 (we follow RFC 8301: `policy/weak_hash`) and does not require
From in `h=` (RFC 6376 5.4 / 6.1.1: `permerror/from_not_signed`); dkimpy has no
policy result word, a 512-bit key is an error (non-pass) there too.
"""


# ---------------------------------------------------------------------------
# main: write everything

def write_all(out):
    keys, made = load_or_make_keys(os.path.join(out, "keys"))
    if made:
        print("generated new keys: %s" % ", ".join(made), file=sys.stderr)
    messages = generate(out, keys)
    write_if_changed(os.path.join(out, "keys.jsonl"), ("\n".join(key_cache_lines(keys)) + "\n").encode())
    mbox = bytearray()
    exp = []
    for i, msg in enumerate(messages):
        env = msg["info"]["envelope"]
        mbox += b"From %s %s\n" % (env.encode(), asctime_utc(msg["info"]["delivered"]).encode())
        mbox += mboxrd_quote(msg["raw"])
        mbox += b"\n"
        exp.append(json.dumps({"index": i, "message_id": msg["msgid"], "dkim": best(msg["sigs"]),
                               "signatures": [{"d": s["d"], "s": s["s"], "result": s["result"], "reason": s["reason"]}
                                              for s in msg["sigs"]],
                               "case": msg["case"]}, separators=(",", ":"), ensure_ascii=False))
    write_if_changed(os.path.join(out, "sample.mbox"), bytes(mbox))
    write_if_changed(os.path.join(out, "expected.jsonl"), ("\n".join(exp) + "\n").encode())
    md = os.path.join(out, "maildir")
    for sub in ("cur", "new"):
        shutil.rmtree(os.path.join(md, sub), ignore_errors=True)
        os.makedirs(os.path.join(md, sub))
    os.makedirs(os.path.join(md, "tmp"), exist_ok=True)
    for f in os.listdir(os.path.join(md, "tmp")):
        if f != ".keep":
            os.remove(os.path.join(md, "tmp", f))
    write_if_changed(os.path.join(md, "tmp", ".keep"), b"")
    names = maildir_names(SEED, len(messages))
    for (sub, name), msg in zip(names, messages):
        with open(os.path.join(md, sub, name), "wb") as f:
            f.write(msg["raw"])
    st = dict(cur=sum(1 for s, _ in names if s == "cur"), new=sum(1 for s, _ in names if s == "new"),
              multipart=sum(1 for m in messages if m["info"].get("multipart")),
              nonascii_subject=sum(1 for m in messages if b"=?UTF-8?" in re.search(
                  rb"(?m)^Subject:.*(?:\n[ \t].*)*", m["raw"].split(b"\n\n")[0]).group(0)),
              cte_8bit=sum(1 for m in messages if m["info"].get("cte") == "8bit"),
              cte_qp=sum(1 for m in messages if str(m["info"].get("cte")).startswith("quoted-printable")),
              cte_b64=sum(1 for m in messages if m["info"].get("cte") == "base64"),
              received=sum(1 for m in messages if m["info"].get("received")),
              from_lines=sum(1 for m in messages if re.search(rb"(?m)^From ", m["raw"])),
              gt_from=sum(1 for m in messages if re.search(rb"(?m)^>+From ", m["raw"])))
    write_if_changed(os.path.join(out, "README.md"), readme(messages, st).encode())
    print("wrote %d messages (%d signatures) to %s" % (len(messages), sum(len(m["sigs"]) for m in messages), out),
          file=sys.stderr)


# ---------------------------------------------------------------------------
# --check

def split_mboxrd(data):
    """Independent of the writer: separators are `From ` lines at the start or
    after an empty line; the empty line before a separator is framing."""
    msgs, cur, prev_empty = [], None, True
    for line in data.splitlines(keepends=True):
        if line.startswith(b"From ") and prev_empty:
            if cur is not None:
                msgs.append(cur)
            cur = []
        elif cur is not None:
            cur.append(line)
        prev_empty = line in (b"\n", b"\r\n")
    if cur is not None:
        msgs.append(cur)
    out = []
    for lines in msgs:
        if lines and lines[-1] == b"\n":
            lines = lines[:-1]
        raw = b"".join(lines)
        out.append(re.sub(rb"(?m)^>(>*From )", rb"\1", raw))
    return out


KNOWN_DKIMPY = {
    "policy-rsa-sha1": "dkimpy accepts rsa-sha1; RFC 8301 3.1 says verifiers MUST NOT (policy/weak_hash)",
    "permerror-from-not-signed": "dkimpy does not require From in h=; RFC 6376 5.4 / 6.1.1 (permerror/from_not_signed)",
}


def check(out):
    import logging
    import time
    try:
        import dkim
    except ImportError:
        raise SystemExit("--check needs dkimpy (Debian python3-dkim); run with /usr/bin/python3")
    problems = []
    keys = {}
    for line in open(os.path.join(out, "keys.jsonl")):
        r = json.loads(line)
        keys[r["name"].lower()] = r
    expected = [json.loads(line) for line in open(os.path.join(out, "expected.jsonl"))]
    with open(os.path.join(out, "sample.mbox"), "rb") as f:
        mbox = split_mboxrd(f.read())
    md = os.path.join(out, "maildir")
    files = []
    for sub in ("cur", "new"):
        files += [(name, os.path.join(md, sub, name)) for name in os.listdir(os.path.join(md, sub))
                  if not name.startswith(".")]
    files.sort()
    maildir = [open(p, "rb").read() for _, p in files]
    tmp = os.listdir(os.path.join(md, "tmp"))
    print("framing: %d expected lines, %d mbox messages, %d Maildir files, tmp/ = %s"
          % (len(expected), len(mbox), len(maildir), tmp))
    if not (len(expected) == len(mbox) == len(maildir)):
        problems.append("message counts differ")
    if tmp != [".keep"]:
        problems.append("maildir/tmp holds %s" % tmp)
    same = sum(1 for a, b in zip(mbox, maildir) if a == b)
    print("framing: %d / %d mbox messages (un-quoted) byte-identical to the Maildir file of the same rank"
          % (same, len(mbox)))
    if same != len(mbox):
        problems.append("mbox and Maildir differ")
    for i, (raw, e) in enumerate(zip(maildir, expected)):
        if b"\r" in raw:
            problems.append("message %d has CR" % i)
        mid = re.search(rb"(?mi)^Message-ID:\s*(\S+)", raw.split(b"\n\n")[0]).group(1).decode()
        if mid != e["message_id"]:
            problems.append("message %d: Message-ID %s != expected %s" % (i, mid, e["message_id"]))

    def dnsfunc(name, timeout=5):
        name = (name.decode() if isinstance(name, bytes) else name).rstrip(".").lower()
        rec = keys.get(name)
        if rec is None or rec["rcode"] in ("SERVFAIL", "TIMEOUT"):
            raise dkim.DnsTimeoutError(rec["rcode"] if rec else "not in key cache")
        if rec["rcode"] == "NXDOMAIN" or not rec["txt"]:
            return None
        return rec["txt"][0].encode()

    class Collect(logging.Handler):
        def __init__(self):
            super().__init__()
            self.msgs = []

        def emit(self, record):
            self.msgs.append(record.getMessage())

    real_time = time.time
    time.time = lambda: NOW
    per_case = {}
    should_pass = passed = 0
    try:
        for i, (raw, e) in enumerate(zip(maildir, expected)):
            data = crlf(raw)
            nsig = len([h for h in dkim.DKIM(data).headers if h[0].lower() == b"dkim-signature"])
            if nsig != len(e["signatures"]):
                problems.append("message %d: dkimpy sees %d signatures, expected %d" % (i, nsig, len(e["signatures"])))
                continue
            for idx, s in enumerate(e["signatures"]):
                log = logging.getLogger("make-dataset-check-%d-%d" % (i, idx))
                log.propagate = False
                log.setLevel(logging.INFO)
                col = Collect()
                log.addHandler(col)
                try:
                    ok = dkim.DKIM(data, logger=log, minkey=1024).verify(idx=idx, dnsfunc=dnsfunc)
                    detail = ("logged: " + "; ".join(col.msgs)) if col.msgs else "verify() returned False"
                except dkim.DKIMException as ex:
                    ok, detail = False, "%s: %s" % (type(ex).__name__, ex)
                log.removeHandler(col)
                got = "pass" if ok else "non-pass"
                want = "pass" if s["result"] == "pass" else "non-pass"
                key = (e["case"], idx, "%s/%s" % (s["result"], s["reason"]))
                row = per_case.setdefault(key, {"n": 0, "pass": 0, "details": []})
                row["n"] += 1
                row["pass"] += ok
                if not ok and len(row["details"]) < 1:
                    row["details"].append(detail[:110])
                if want == "pass":
                    should_pass += 1
                    passed += ok
                if got != want:
                    if want == "pass":
                        problems.append("message %d (%s) signature %d: dkimpy does not pass it: %s"
                                        % (i, e["case"], idx, detail[:200]))
                    elif e["case"] not in KNOWN_DKIMPY:
                        problems.append("message %d (%s) signature %d: dkimpy passes it, expected %s/%s"
                                        % (i, e["case"], idx, s["result"], s["reason"]))
    finally:
        time.time = real_time
    try:
        import importlib.metadata
        version = importlib.metadata.version("dkimpy")
    except Exception:
        version = "?"
    print("dkimpy %s, offline (keys.jsonl), clock pinned to %d, minkey=1024:" % (version, NOW))
    print("  %-30s %3s  %-28s %s" % ("case", "sig", "expected", "dkimpy"))
    order = [c for c, _, _, _ in PLAN]
    for (case, idx, want), row in sorted(per_case.items(), key=lambda kv: (order.index(kv[0][0]) if kv[0][0] in order else 99, kv[0][1])):
        npass, n = row["pass"], row["n"]
        verdict = ("pass %d/%d" % (npass, n)) if npass else ("non-pass %d/%d" % (n, n))
        if npass and npass != n:
            verdict = "pass %d, non-pass %d" % (npass, n - npass)
        note = ""
        if row["details"] and not npass:
            note = "  (" + row["details"][0] + ")"
        if case in KNOWN_DKIMPY and npass:
            note = "  [known: %s]" % KNOWN_DKIMPY[case]
        print("  %-30s %3d  %-28s %s%s" % (case, idx, want, verdict, note))
    print("should-pass signatures: %d, passed by dkimpy: %d" % (should_pass, passed))
    if problems:
        print("PROBLEMS (%d):" % len(problems))
        for p in problems:
            print("  " + p)
        return 1
    print("check OK")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: datasets/sample)")
    ap.add_argument("--check", action="store_true",
                    help="do not write: check the files in --out (mbox == Maildir, dkimpy cross-check)")
    args = ap.parse_args()
    if args.check:
        sys.exit(check(args.out))
    write_all(args.out)


if __name__ == "__main__":
    main()
