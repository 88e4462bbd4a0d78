#!/usr/bin/env node
'use strict';
// mailauth peer harness: verify messages offline with mailauth (npm, pinned in
// scripts/peers/package.json, installed into .peers/ by scripts/peers.sh).
//
// usage: node mailauth_verify.js --keys keys.jsonl --now UNIX_SECONDS [--shard K/N] PATH...
//
// PATH: a Maildir (cur/ + new/ merged in file-name order, tmp/ and dot-files
// ignored), any other directory (recursive, sorted, dot-files skipped), or one
// message file.  With --shard K/N only the messages whose position in the whole
// list is congruent to K modulo N are verified (run N processes for N cores).
//
// Output: one JSON line per message, in input order:
//   {"file": PATH, "index": POSITION, "pass": BOOL,
//    "signatures": [{"d": ..., "s": ..., "result": ..., "detail": ...}], "error": ...}
// "result" is mailauth's own word (pass, fail, neutral, policy, temperror...;
// mailauth says "neutral" for a body hash mismatch, an expired signature and an
// unusable key record), "detail" its comment / policy; "pass" is true when any
// signature passes.
//
// Keys come from keys.jsonl through mailauth's `resolver` option: per name the
// latest snapshot not later than --now, answered as node:dns would (NXDOMAIN ->
// ENOTFOUND, NOERROR without TXT -> ENODATA, SERVFAIL -> ESERVFAIL, TIMEOUT and
// names missing from the cache -> ETIMEOUT).  `curTime` is --now.  Options:
// mailauth defaults (minBitLength 1024).
// Messages are stored with LF line ends; every bare LF is turned into CRLF first.
//
// mailauth is found in $MAILAUTH_NODE_PATH, else <repo>/.peers/node_modules.
const fs = require('fs');
const path = require('path');

const modDirs = [process.env.MAILAUTH_NODE_PATH, path.join(__dirname, '..', '..', '.peers', 'node_modules')].filter(Boolean);
let dkimVerify;
try {
    ({ dkimVerify } = require(require.resolve('mailauth/lib/dkim/verify', { paths: modDirs })));
} catch (err) {
    process.stderr.write(`mailauth_verify: mailauth not found in ${modDirs.join(', ')}: run scripts/peers.sh\n`);
    process.exit(2);
}

// mailauth prints a debug line for l= mismatches on stdout; keep stdout for JSON.
console.log = (...args) => process.stderr.write(args.join(' ') + '\n');

function usage(msg) {
    if (msg) process.stderr.write(`mailauth_verify: ${msg}\n`);
    process.stderr.write('usage: mailauth_verify.js --keys keys.jsonl --now UNIX_SECONDS [--shard K/N] PATH...\n');
    process.exit(2);
}

// ---- arguments ----
let keysPath = null;
let nowArg = null;
let shard = '0/1';
const paths = [];
{
    const argv = process.argv.slice(2);
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const m = /^--(keys|now|shard)(?:=(.*))?$/.exec(a);
        if (m) {
            const v = m[2] !== undefined ? m[2] : argv[++i];
            if (v === undefined) usage(`${a} needs a value`);
            if (m[1] === 'keys') keysPath = v;
            else if (m[1] === 'now') nowArg = v;
            else shard = v;
        } else if (a.startsWith('--')) {
            usage(`unknown option ${a}`);
        } else {
            paths.push(a);
        }
    }
}
if (!keysPath || nowArg === null || !paths.length) usage();
const sm = /^(\d+)\/(\d+)$/.exec(shard);
if (!sm || +sm[2] < 1 || +sm[1] >= +sm[2]) usage('--shard wants K/N with 0 <= K < N');
const SK = +sm[1];
const SN = +sm[2];
const now = /^-?\d+$/.test(nowArg) ? Number(nowArg) : Date.parse(nowArg) / 1000;
if (!Number.isFinite(now)) usage(`bad --now ${nowArg}`);

// ---- key cache: name -> latest snapshot not later than now ----
const best = new Map();
for (const line of fs.readFileSync(keysPath, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    const at = Date.parse(r.fetched_at) / 1000;
    if (at > now) continue;
    const name = r.name.replace(/\.$/, '').toLowerCase();
    const cur = best.get(name);
    if (!cur || at >= cur.at) best.set(name, { at, r });
}

function dnsError(code) {
    const e = new Error(code);
    e.code = code;
    return e;
}

const resolver = async name => {
    const b = best.get(String(name).replace(/\.$/, '').toLowerCase());
    if (!b) throw dnsError('ETIMEOUT');
    const rec = b.r;
    if (rec.rcode === 'NXDOMAIN') throw dnsError('ENOTFOUND');
    if (rec.rcode === 'SERVFAIL') throw dnsError('ESERVFAIL');
    if (rec.rcode !== 'NOERROR') throw dnsError('ETIMEOUT');
    if (!rec.txt.length) throw dnsError('ENODATA');
    return rec.txt.map(t => [t]);
};

// ---- inputs ----
// join as the other harnesses do (no normalisation, so "file" is spelled alike by all)
const join = (d, n) => (d.endsWith('/') ? d + n : `${d}/${n}`);
const byName = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));
function entries(d) {
    try {
        return fs.readdirSync(d).sort(byName);
    } catch (err) {
        process.stderr.write(`mailauth_verify: ${d}: ${err.message}\n`);
        return [];
    }
}
function realDir(p) {
    try {
        return fs.lstatSync(p).isDirectory();
    } catch {
        return false;
    }
}
function isFile(p) {
    try {
        return fs.statSync(p).isFile();
    } catch {
        return false;
    }
}
const isMaildir = d => realDir(join(d, 'cur')) || realDir(join(d, 'new'));

function listMaildir(d, out) {
    const files = [];
    for (const sub of ['cur', 'new']) {
        const sd = join(d, sub);
        if (!realDir(sd)) continue;
        for (const n of entries(sd)) {
            if (n.startsWith('.')) continue;
            const p = join(sd, n);
            if (isFile(p)) files.push([n, p]);
        }
    }
    files.sort((a, b) => byName(a[0], b[0]) || byName(a[1], b[1]));
    for (const [, p] of files) out.push(p);
    for (const n of entries(d)) {
        // Maildir++ sub-folders (.Name/)
        const p = join(d, n);
        if (n.startsWith('.') && realDir(p) && isMaildir(p)) listMaildir(p, out);
    }
}

function listTree(d, out) {
    for (const n of entries(d)) {
        if (n.startsWith('.')) continue;
        const p = join(d, n);
        if (realDir(p)) (isMaildir(p) ? listMaildir : listTree)(p, out);
        else if (isFile(p)) out.push(p);
    }
}

const files = [];
for (const p of paths) {
    let dir = false;
    try {
        dir = fs.statSync(p).isDirectory();
    } catch {
        dir = false;
    }
    if (dir) (isMaildir(p) ? listMaildir : listTree)(p, files);
    else files.push(p);
}

// ---- verify ----
const curTime = new Date(now * 1000);
const LF = /\r?\n/g;
const out = [];
const flush = () => {
    if (out.length) {
        fs.writeSync(1, out.join(''));
        out.length = 0;
    }
};

(async () => {
    for (let pos = 0; pos < files.length; pos++) {
        if (pos % SN !== SK) continue;
        const file = files[pos];
        const rec = { file, index: pos, pass: false, signatures: [] };
        let data = null;
        try {
            data = Buffer.from(fs.readFileSync(file, 'latin1').replace(LF, '\r\n'), 'latin1');
        } catch (err) {
            rec.error = `cannot read: ${err.message}`;
        }
        if (data) {
            try {
                const res = await dkimVerify(data, { resolver, curTime, minBitLength: 1024 });
                for (const r of res.results) {
                    if (!r.status || r.status.result === 'none') continue;
                    const detail = [r.status.comment, r.status.policy ? JSON.stringify(r.status.policy) : null].filter(Boolean).join(' ');
                    rec.signatures.push({ d: r.signingDomain ?? null, s: r.selector ?? null, result: r.status.result, detail });
                    if (r.status.result === 'pass') rec.pass = true;
                }
            } catch (err) {
                rec.error = `mailauth threw: ${err && err.message}`;
            }
        }
        out.push(JSON.stringify(rec) + '\n');
        if (out.length >= 256) flush();
    }
    flush();
})().catch(err => {
    flush();
    process.stderr.write(`mailauth_verify: ${err && err.stack}\n`);
    process.exit(1);
});
