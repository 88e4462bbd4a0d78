#!/usr/bin/python3
"""scripts/bench_report.py: turn the measurements of one scripts/bench.sh run
into the results table (Markdown + JSON) and the summary line.

The ceiling is what this machine can do for this exact corpus: for every
signature dkimbatch checked, the cost of its public-key verify (from the
`openssl speed` verify rate for that algorithm and key size, measured in the
same run) plus the bytes it hashed divided by the SHA rate (largest-block
`openssl speed -evp` rate); ceiling msgs/s = cores / mean cost per message.
Only the work a verifier must do counts: a signature that failed before the
key was parsed costs nothing, one whose body hash failed costs only hashing.

A run is several rounds, each one `openssl speed` and then dkimbatch at 1
and 2 threads, back to back: each round's ratio compares dkimbatch with the
ceiling measured next to it, and the run reports the median round (the
machine's speed drifts by 10-20% within a minute on a shared host, so one
ceiling against the best of several dkimbatch runs was neither paired nor
steady).
"""
import argparse
import json
import os
import platform
import statistics


def load_openssl_sig(path):
    rsa, ed25519 = {}, None
    for line in open(path):
        f = line.strip().split(":")
        if f[0] == "+F2":  # +F2:i:bits:sign/s:verify/s
            rsa[int(f[2])] = float(f[4])
        elif f[0] == "+F6" and f[3] == "Ed25519":  # +F6:i:bits:name:sign:verify
            ed25519 = float(f[5])
    return rsa, ed25519


def load_openssl_hash(path):
    for line in open(path):
        f = line.strip().split(":")
        if f[0] == "+F":  # +F:i:name:rate per block size (bytes/s)...
            return max(float(x) for x in f[3:])
    raise SystemExit("no hash rate in " + path)


def rsa_verify_rate(rsa, bits):
    if bits in rsa:
        return rsa[bits]
    # Other sizes: scale from the nearest measured size (cost ~ bits^2 for
    # the small public exponent).
    near = min(rsa, key=lambda b: abs(b - bits))
    return rsa[near] * (near / bits) ** 2


def message_sizes(mbox_path, verdicts):
    """Bytes of each message: from one verdict's offset to the next."""
    total = os.path.getsize(mbox_path)
    offsets = [v["offset"] for v in verdicts] + [total]
    return [b - a for a, b in zip(offsets, offsets[1:])], total


HASHED = {"ok", "body_hash_mismatch", "signature_mismatch",
          "length_exceeds_body", "key_too_small", "weak_hash",
          "future_timestamp"}
VERIFIED = {"ok", "signature_mismatch", "key_too_small", "weak_hash",
            "future_timestamp"}


def corpus_cost(verdicts, sizes, rsa, ed, sha256, sha1):
    """Seconds of one core per pass over the corpus at openssl's rates."""
    cost = 0.0
    for size, v in zip(sizes, verdicts):
        for sig in v["signatures"]:
            reason = sig.get("reason")
            alg = (sig.get("a") or "").lower()
            if reason in HASHED:
                cost += size / (sha1 if alg == "rsa-sha1" else sha256)
            if reason in VERIFIED and sig.get("key_bits"):
                rate = ed if alg.startswith("ed25519") else rsa_verify_rate(
                    rsa, sig["key_bits"])
                cost += 1.0 / rate
    return cost


def main():
    ap = argparse.ArgumentParser()
    for name in ("corpus", "verdicts", "peers", "json", "markdown", "command",
                 "load"):
        ap.add_argument("--" + name, required=True)
    # One file per round, in round order.
    for name in ("dkimbatch1", "dkimbatch2", "openssl-sig", "openssl-sha256",
                 "openssl-sha1"):
        ap.add_argument("--" + name, required=True, nargs="+", action="extend")
    ap.add_argument("--cores", type=int, required=True)
    a = ap.parse_args()
    rounds = len(a.dkimbatch1)
    if any(len(x) != rounds for x in (a.dkimbatch2, a.openssl_sig,
                                      a.openssl_sha256, a.openssl_sha1)):
        raise SystemExit("bench_report.py: one file of each kind per round")

    verdicts = [json.loads(l) for l in open(a.verdicts)]
    sizes, total_bytes = message_sizes(a.corpus + "/corpus.mbox", verdicts)
    n = len(verdicts)

    def run(path):
        wall, rss, cpu = open(path).read().split()
        wall, cpu = float(wall), float(cpu)
        return {"seconds": wall, "msgs_per_s": n / wall,
                "mb_per_s": total_bytes / wall / 1e6, "peak_rss_mb": int(rss) / 1024,
                "cpu_seconds": cpu, "msgs_per_cpu_s": n / cpu}

    per_round = []
    for r in range(rounds):
        rsa, ed = load_openssl_sig(a.openssl_sig[r])
        sha256 = load_openssl_hash(a.openssl_sha256[r])
        sha1 = load_openssl_hash(a.openssl_sha1[r])
        cost = corpus_cost(verdicts, sizes, rsa, ed, sha256, sha1)
        t1, t2 = run(a.dkimbatch1[r]), run(a.dkimbatch2[r])
        ceiling = a.cores * n / cost if cost > 0 else float("inf")
        per_round.append({
            "openssl": {"rsa_verify_per_s": rsa, "ed25519_verify_per_s": ed,
                        "sha256_bytes_per_s": sha256, "sha1_bytes_per_s": sha1},
            "threads_1": t1, "threads_2": t2,
            "ceiling_msgs_per_s": ceiling,
            "ceiling_msgs_per_cpu_s": n / cost if cost > 0 else float("inf"),
            "ratio": t2["msgs_per_s"] / ceiling,
            # openssl speed divides by CPU time (not -elapsed): the same
            # ratio per CPU-second.
            "cpu_ratio": (t2["msgs_per_cpu_s"] * cost / n) if cost > 0 else 0.0,
        })

    def median(get):
        return statistics.median(get(r) for r in per_round)

    def summary(threads):
        key = "threads_%d" % threads
        s = {k: median(lambda r: r[key][k]) for k in per_round[0][key]}
        s["peak_rss_mb"] = max(r[key]["peak_rss_mb"] for r in per_round)
        s["best_msgs_per_s"] = max(r[key]["msgs_per_s"] for r in per_round)
        return s

    t1, t2 = summary(1), summary(2)
    ratios = [r["ratio"] for r in per_round]
    ceiling = median(lambda r: r["ceiling_msgs_per_s"])
    peers = json.load(open(a.peers))
    best_peer, best_rate = None, None
    for name, p in peers.items():
        if best_rate is None or p["msgs_per_s"] > best_rate:
            best_peer, best_rate = name, p["msgs_per_s"]
    result = {
        "command": a.command,
        "machine": {"cores": a.cores, "cpu": platform.processor() or platform.machine(),
                    "load_average_before_after": [float(x) for x in a.load.split()]},
        "corpus": {"path": a.corpus, "messages": n, "bytes": total_bytes},
        "rounds": per_round,
        # Medians over the rounds (peak RSS: the largest).
        "dkimbatch": {"threads_1": t1, "threads_2": t2,
                      "scaling_2_over_1": t2["msgs_per_s"] / t1["msgs_per_s"]},
        "ceiling_msgs_per_s": ceiling,
        "ceiling_msgs_per_cpu_s": median(lambda r: r["ceiling_msgs_per_cpu_s"]),
        "ratio": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "cpu_ratio": median(lambda r: r["cpu_ratio"]),
        "peers": peers,
        "best_peer": best_peer,
        "speedup_over_best_peer": (t2["msgs_per_s"] / best_rate) if best_rate else None,
    }
    json.dump(result, open(a.json, "w"), indent=2)

    rows = [
        ("dkimbatch, 1 thread", f"{t1['msgs_per_s']:,.0f}", f"{t1['mb_per_s']:,.1f}",
         f"{t1['peak_rss_mb']:,.0f}", f"{t1['msgs_per_cpu_s']:,.0f}"),
        ("dkimbatch, 2 threads", f"{t2['msgs_per_s']:,.0f}", f"{t2['mb_per_s']:,.1f}",
         f"{t2['peak_rss_mb']:,.0f}", f"{t2['msgs_per_cpu_s']:,.0f}"),
        (f"machine ceiling (openssl speed, {a.cores} cores)", f"{ceiling:,.0f}", "", "",
         f"{result['ceiling_msgs_per_cpu_s']:,.0f}"),
    ]
    for name, p in sorted(peers.items(), key=lambda kv: -kv[1]["msgs_per_s"]):
        rows.append((f"{name} (2 processes, first {p['messages']:,} msgs)",
                     f"{p['msgs_per_s']:,.0f}", "", "", ""))
    load = a.load.split()
    openssl = {k: median(lambda r: r["openssl"][k])
               for k in ("ed25519_verify_per_s", "sha256_bytes_per_s")}
    rsa_bits = sorted(per_round[0]["openssl"]["rsa_verify_per_s"])
    md = [f"Corpus: {n:,} messages, {total_bytes / 1e6:,.1f} MB "
          f"(`{a.corpus}`), {a.cores} cores; 1-minute load average "
          f"{load[0]} before the runs, {load[1]} after. Medians of {rounds} "
          "rounds (peak RSS: the largest).", "",
          "| what | msgs/s | MB/s | peak RSS MB | msgs per CPU-s |",
          "|---|---:|---:|---:|---:|"]
    md += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} |" for r in rows]
    md += ["",
           f"ratio to ceiling: {result['ratio']:.2f} (rounds: "
           + ", ".join(f"{x:.2f}" for x in ratios)
           + f"; per CPU-second: {result['cpu_ratio']:.2f}); 2 threads / 1 thread: "
           f"{result['dkimbatch']['scaling_2_over_1']:.2f}"
           + (f"; speedup over {best_peer}: {result['speedup_over_best_peer']:.1f}x"
              if best_peer else "; no peer installed"),
           "", "openssl speed (medians of the rounds): RSA verify/s "
           + ", ".join(f"{b}: {median(lambda r: r['openssl']['rsa_verify_per_s'][b]):,.0f}"
                       for b in rsa_bits)
           + f"; Ed25519 verify/s: {openssl['ed25519_verify_per_s']:,.0f}; "
           f"SHA-256: {openssl['sha256_bytes_per_s'] / 1e9:.2f} GB/s",
           "", f"Command: `{a.command}`", ""]
    open(a.markdown, "w").write("\n".join(md))
    print("\n".join(md))
    print(f"msgs_per_s={t2['msgs_per_s']:.0f} ceiling={ceiling:.0f} "
          f"ratio={result['ratio']:.2f} ratio_range={min(ratios):.2f}-{max(ratios):.2f} "
          f"best_peer={best_peer or 'none'} "
          f"speedup={result['speedup_over_best_peer'] or 0:.1f}")


if __name__ == "__main__":
    main()
