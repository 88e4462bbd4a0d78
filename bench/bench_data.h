// bench/bench_data.h
//
// Deterministic (fixed-seed) synthetic mail inputs shared by the micro
// benchmarks.
//
// Everything here is a pure function of its arguments: the same seed gives
// the same bytes on every run and every machine, so numbers from two runs
// measure the code, not the input.
#ifndef DKIMBATCH_BENCH_BENCH_DATA_H_
#define DKIMBATCH_BENCH_BENCH_DATA_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canon/sink.h"

namespace dkimbatch::bench {

// Rng is SplitMix64: tiny, fast and identical everywhere (std::mt19937 is
// too, but the distributions on top of it are not specified bit for bit).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Below returns a value in [0, n).
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  // Chance returns true with probability `percent` / 100.
  bool Chance(unsigned percent) { return Next() % 100 < percent; }

 private:
  uint64_t state_;
};

// NullSink swallows canonicalized bytes (keeping them observable so the
// writes are not optimized away): canonicalization cost alone.
class NullSink final : public engine::ByteSink {
 public:
  void Write(std::string_view bytes) override {
    total_ += bytes.size();
    asm volatile("" : : "r"(bytes.data()) : "memory");
  }
  uint64_t total() const { return total_; }

 private:
  uint64_t total_ = 0;
};

inline constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// RandomBase64 returns `chars` base64 characters (a multiple of 4 is valid
// base64; pad with '=' yourself when modelling a shorter payload).
inline std::string RandomBase64(size_t chars, uint64_t seed) {
  Rng rng(seed);
  std::string out;
  out.reserve(chars);
  for (size_t i = 0; i < chars; ++i)
    out.push_back(kBase64Alphabet[rng.Below(64)]);
  return out;
}

// FoldBase64 inserts "\n\t " every `width` characters (how signers fold b=
// and p= in header fields and zone files).
inline std::string FoldBase64(std::string_view b64, size_t width) {
  std::string out;
  for (size_t i = 0; i < b64.size(); i += width) {
    if (i != 0) out.append("\n\t ");
    out.append(b64.substr(i, width));
  }
  return out;
}

// MakeTextBody returns about `bytes` bytes of plain-text mail body with LF
// line ends (as archives store it): prose lines of 40..76 characters, an
// occasional double space, tab or trailing white space (so relaxed has work
// to do), quoted replies, a few empty lines, a signature block, and two
// trailing empty lines (which both algorithms drop).
inline std::string MakeTextBody(size_t bytes, uint64_t seed) {
  static constexpr std::array<std::string_view, 48> kWords = {
      "the",    "of",       "and",     "to",       "in",       "meeting",
      "report", "please",   "review",  "attached", "invoice",  "quarter",
      "we",     "will",     "next",    "week",     "budget",   "team",
      "update", "thanks",   "regards", "project",  "schedule", "customer",
      "order",  "shipping", "account", "for",      "with",     "on",
      "is",     "this",     "that",    "have",     "from",     "your",
      "our",    "deadline", "draft",   "final",    "version",  "question",
      "answer", "Monday",   "Friday",  "office",   "server",   "release"};
  Rng rng(seed);
  std::string out;
  out.reserve(bytes + 128);
  const size_t target = bytes > 2 ? bytes - 2 : 0;
  while (out.size() < target) {
    const unsigned kind = static_cast<unsigned>(rng.Below(100));
    if (kind < 6) {  // paragraph break
      out.push_back('\n');
      continue;
    }
    const bool quoted = kind < 16;
    if (quoted) out.append("> ");
    const size_t width = 40 + rng.Below(37);
    size_t line_start = out.size();
    bool first = true;
    while (out.size() - line_start < width && out.size() < target) {
      if (!first) {
        const unsigned sep = static_cast<unsigned>(rng.Below(100));
        out.append(sep < 3 ? "  " : sep < 4 ? "\t" : " ");
      }
      first = false;
      out.append(kWords[rng.Below(kWords.size())]);
      if (rng.Chance(8)) out.push_back(rng.Chance(50) ? ',' : '.');
    }
    if (rng.Chance(5)) out.append(rng.Chance(50) ? " " : " \t ");
    out.push_back('\n');
  }
  out.resize(target);
  if (!out.empty()) out.back() = '\n';
  out.append("\n\n");
  return out;
}

// MakeBase64Body returns about `bytes` bytes of a MIME base64 attachment
// body: 76-character lines, LF ends, no white space at all (relaxed's best
// case, simple's typical case).
inline std::string MakeBase64Body(size_t bytes, uint64_t seed) {
  Rng rng(seed);
  std::string out;
  out.reserve(bytes + 77);
  while (out.size() < bytes) {
    for (int i = 0; i < 76; ++i) out.push_back(kBase64Alphabet[rng.Below(64)]);
    out.push_back('\n');
  }
  out.resize(bytes);
  if (!out.empty()) out.back() = '\n';
  return out;
}

// ToCrlf turns every LF into CRLF (mail as sent, and as some archives and
// every Maildir written by a CRLF-preserving MTA store it).
inline std::string ToCrlf(std::string_view lf_text) {
  std::string out;
  out.reserve(lf_text.size() + lf_text.size() / 32);
  for (char c : lf_text) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

// Body kinds: LF text, LF base64 attachment, CRLF text (about `bytes`
// bytes before the CRs are added).
enum BodyKind : int { kTextLf = 0, kBase64Lf = 1, kTextCrlf = 2 };

// MakeBody picks the body of `kind`.
inline std::string MakeBody(size_t bytes, int kind, uint64_t seed) {
  switch (kind) {
    case kTextLf:
      return MakeTextBody(bytes, seed);
    case kBase64Lf:
      return MakeBase64Body(bytes, seed);
    default:
      return ToCrlf(MakeTextBody(bytes, seed));
  }
}

// kPoolBytes is how much distinct input a benchmark of branchy scalar code
// cycles through. Fed the same 2 KB on every iteration, the branch
// predictor learns the input by heart and relaxed body canonicalization
// looks twice as fast as it is on real mail (measured: 950 MB/s on one
// repeated 2 KB body, 450 MB/s rotating through 128 of them); 512 KB of
// distinct inputs is well past what it can learn and still fits in L2.
inline constexpr size_t kPoolBytes = size_t{512} << 10;

// PoolCount returns how many distinct inputs of `bytes` bytes to rotate
// through (at least 4).
inline size_t PoolCount(size_t bytes) {
  const size_t n = kPoolBytes / (bytes == 0 ? 1 : bytes);
  return n < 4 ? 4 : n;
}

inline constexpr std::array<std::string_view, 6> kDomains = {
    "example.com",      "mail.example.org", "shop.example.net",
    "news.example.org", "family.example",   "bounces.mailer.example.net"};
inline constexpr std::array<std::string_view, 6> kSelectors = {
    "mail2026", "s2048", "selector1", "k1", "google", "20230601"};

// HexId returns `digits` lowercase hex digits.
inline std::string HexId(Rng& rng, size_t digits) {
  std::string out;
  for (size_t i = 0; i < digits; ++i) {
    out.push_back("0123456789abcdef"[rng.Below(16)]);
  }
  return out;
}

// DkimSignatureValue returns the value (after "DKIM-Signature:") of a
// realistic folded rsa-sha256 signature by a 2048-bit key: 600..700 bytes,
// 11 or 12 tags, b= folded in 70-character pieces, LF line ends. Domain,
// selector, times, h=, bh= and b= vary with `seed`.
inline std::string DkimSignatureValue(uint64_t seed) {
  Rng rng(seed);
  const std::string_view d = kDomains[rng.Below(kDomains.size())];
  const std::string_view sel = kSelectors[rng.Below(kSelectors.size())];
  std::string b = RandomBase64(344, rng.Next());  // 256-byte signature
  b[341] = 'A';  // a valid last quantum before "=="
  b[342] = '=';
  b[343] = '=';
  std::string bh = RandomBase64(44, rng.Next());  // 32-byte SHA-256
  bh[42] = 'A';
  bh[43] = '=';
  const uint64_t t = 1767000000 + rng.Below(1000000);
  std::string out = " v=1; a=rsa-sha256; c=relaxed/relaxed; d=";
  out.append(d).append(";\n\ts=").append(sel);
  out.append("; t=").append(std::to_string(t));
  out.append("; x=").append(std::to_string(t + 604800)).append(";\n");
  switch (rng.Below(3)) {
    case 0:
      out.append(
          "\th=from:to:cc:subject:date:message-id:mime-version:content-type:\n"
          "\t content-transfer-encoding:reply-to:from;\n");
      break;
    case 1:
      out.append(
          "\th=From:To:Subject:Date:Message-ID:MIME-Version:Content-Type:\n"
          "\t From:To:Subject;\n");
      break;
    default:
      out.append("\th=from : to : subject : date : message-id;\n");
      break;
  }
  if (rng.Chance(50)) out.append("\ti=@").append(d).append("; q=dns/txt;\n");
  out.append("\tbh=").append(bh).append(";\n\tb=").append(FoldBase64(b, 70));
  out.append("\n");
  return out;
}

// KeyRecordRsa2048 returns a DNS TXT key record for a 2048-bit RSA key: a
// 294-byte SubjectPublicKeyInfo is 392 base64 characters in p=.
inline std::string KeyRecordRsa2048(uint64_t seed) {
  return "v=DKIM1; k=rsa; h=sha256; t=s; p=" + RandomBase64(392, seed);
}

// HeaderBlock returns the 15 raw header fields (each with its LF line
// break; two Received fields and the DKIM-Signature folded) of a typical
// signed mail, about 1.5 KB. Names, ids, subject words and white space vary
// with `seed`.
inline std::vector<std::string> HeaderBlock(uint64_t seed) {
  Rng rng(seed);
  const std::string d(kDomains[rng.Below(kDomains.size())]);
  const std::string id = HexId(rng, 16);
  std::string subject = rng.Chance(50) ? "Re: " : "";
  static constexpr std::array<std::string_view, 12> kSubjectWords = {
      "Q4",    "budget",  "review",  "and",    "the",    "next",
      "steps", "invoice", "meeting", "agenda", "update", "(draft)"};
  for (size_t i = 0, n = 3 + rng.Below(6); i < n; ++i) {
    if (i != 0) subject.append(rng.Chance(15) ? "   " : " ");
    subject.append(kSubjectWords[rng.Below(kSubjectWords.size())]);
  }
  // Every draw is its own statement: the operands of a `+` chain are
  // evaluated in an unspecified order, which would make the bytes depend on
  // the compiler.
  const size_t minute = 10 + rng.Below(50);
  const size_t second = rng.Below(10);
  const std::string date = "Wed, 31 Dec 2025 23:" + std::to_string(minute) +
                           ":0" + std::to_string(second) + " +0000";
  const size_t ip = rng.Below(250);
  const std::string mx_id = HexId(rng, 9);
  const std::string local_id = HexId(rng, 7);
  const std::string signature = DkimSignatureValue(rng.Next());
  const size_t minor = rng.Below(10);
  const size_t build = 1000 + rng.Below(9000);
  return {
      "Return-Path: <alice@" + d + ">\n",
      "Received: from mail." + d + " (mail." + d + " [192.0.2." +
          std::to_string(ip) +
          "])\n\tby mx.example.org (Postfix) with ESMTPS id " + mx_id +
          "\n\tfor <bob@example.org>; " + date + " (UTC)\n",
      "Received: from localhost (localhost [127.0.0.1])\n\tby mail." + d +
          " (Postfix) with ESMTP id " + local_id +
          "\n\tfor <bob@example.org>; " + date + " (UTC)\n",
      "DKIM-Signature:" + signature,
      "From: Alice Example <alice@" + d + ">\n",
      "To: Bob Example <bob@example.org>,  Carol <carol@example.org>\n",
      "Cc: team@example.org\n",
      "Subject: " + subject + "\n",
      "Date: " + date + "\n",
      "Message-ID: <20251231235809." + id + "@" + d + ">\n",
      "Reply-To: alice@" + d + "\n",
      "MIME-Version: 1.0\n",
      "Content-Type: text/plain; charset=\"utf-8\"; format=flowed\n",
      "Content-Transfer-Encoding: quoted-printable\n",
      "X-Mailer: ExampleMail 4." + std::to_string(minor) + " (build " +
          std::to_string(build) + ")\n",
  };
}

}  // namespace dkimbatch::bench

#endif  // DKIMBATCH_BENCH_BENCH_DATA_H_
