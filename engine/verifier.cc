// engine/verifier.cc
//
// Per-signature verification in RFC 6376 §6.1 order: signature tags, time,
// key lookup and key record, body hash, header hash and signature; then the
// RFC 8301 / time policy on signatures that verified.
#include "engine/verifier.h"

#include <algorithm>
#include <cstring>

#include "engine/canon/body_canon.h"
#include "engine/canon/header_canon.h"
#include "engine/crypto/public_key.h"
#include "engine/header_hash.h"
#include "engine/internal/ascii.h"
#include "engine/key_record.h"
#include "engine/signature.h"

namespace dkimbatch::engine {
namespace {

using internal::EqualsIgnoreCase;
using internal::Excerpt;

// The largest RSA modulus OpenSSL verifies (OPENSSL_RSA_MAX_MODULUS_BITS).
constexpr int kMaxRsaBits = 16384;

SignatureVerdict Finish(SignatureVerdict v, Reason reason,
                        std::string detail = {}) {
  v.reason = reason;
  v.result = ResultOf(reason);
  v.detail =
      detail.empty() ? std::string(ReasonDetail(reason)) : std::move(detail);
  return v;
}

std::string DnsRcodeName(DnsRcode rcode) {
  switch (rcode) {
    case DnsRcode::kNoError:
      return "NOERROR";
    case DnsRcode::kNxDomain:
      return "NXDOMAIN";
    case DnsRcode::kServFail:
      return "SERVFAIL";
    case DnsRcode::kTimeout:
      return "TIMEOUT";
  }
  return "?";
}

// Describe copies the reported tags of `sig` (as far as they parsed) to `*v`.
void Describe(const Signature& sig, SignatureVerdict* v) {
  if (sig.d) v->d = Excerpt(*sig.d);
  if (sig.s) v->s = Excerpt(*sig.s);
  if (sig.a) v->a = Excerpt(*sig.a);
  if (sig.canon_known) {
    v->c = std::string(CanonName(sig.header_canon)) + "/" +
           std::string(CanonName(sig.body_canon));
  }
  if (!sig.auid.empty()) v->i = Excerpt(sig.auid);
}

// NoteReportedField takes the first Message-ID and From of the header for
// the verdict.
void NoteReportedField(const HeaderField& field, Verdict* verdict) {
  if (!verdict->message_id && EqualsIgnoreCase(field.name, "message-id")) {
    verdict->message_id = Excerpt(UnfoldValue(field.value));
  } else if (!verdict->from_domain && EqualsIgnoreCase(field.name, "from")) {
    std::optional<std::string> domain = FromDomain(field.value);
    if (domain) verdict->from_domain = Excerpt(*domain);
  }
}

// TooManySignatures is the entry that stands for the `count` DKIM-Signature
// fields past the --max-signatures limit.
SignatureVerdict TooManySignatures(size_t count, const VerifyOptions& options) {
  return Finish(
      SignatureVerdict(), Reason::kTooManySignatures,
      std::to_string(count) +
          " more DKIM-Signature fields not checked (--max-signatures " +
          std::to_string(options.max_signatures) + ")");
}

}  // namespace

Verifier::Verifier(const KeyStore& keys, VerifyOptions options)
    : keys_(keys), options_(options) {}

Verdict Verifier::Verify(std::string_view text) {
  // Memory kept from a hostile message is given back before the next one.
  constexpr size_t kKeepBytes = size_t{1} << 20;
  if (header_data_.capacity() > kKeepBytes) std::string().swap(header_data_);
  body_hashes_.clear();

  if (text.size() > options_.max_message_bytes) {
    return VerdictOverLimit(text, Reason::kMessageTooLarge,
                            "message of " + std::to_string(text.size()) +
                                " bytes is larger than the limit of " +
                                std::to_string(options_.max_message_bytes) +
                                " (--max-message-bytes); not verified");
  }
  if (!ParseMessage(text, &message_, options_.max_headers)) {
    message_.headers.clear();
    if (message_.headers.capacity() > options_.max_headers) {
      message_.headers.shrink_to_fit();
    }
    return VerdictOverLimit(text, Reason::kTooManyHeaders,
                            "more than " +
                                std::to_string(options_.max_headers) +
                                " header fields (--max-headers); not verified");
  }
  Verdict verdict;
  bool any_field = false;
  for (size_t i = 0; i < message_.headers.size(); ++i) {
    const HeaderField& field = message_.headers[i];
    if (field.name.empty()) continue;
    any_field = true;
    NoteReportedField(field, &verdict);
  }
  if (!any_field) {
    verdict.error =
        text.empty() ? "empty message" : "not a mail message: no header fields";
    verdict.dkim = Result::kNone;
    return verdict;
  }
  size_t not_checked = 0;
  for (size_t i = 0; i < message_.headers.size(); ++i) {
    const HeaderField& field = message_.headers[i];
    if (!EqualsIgnoreCase(field.name, "dkim-signature")) continue;
    if (verdict.signatures.size() < options_.max_signatures) {
      verdict.signatures.push_back(VerifyOne(field, i));
    } else {
      ++not_checked;
    }
  }
  if (not_checked > 0) {
    verdict.signatures.push_back(TooManySignatures(not_checked, options_));
  }
  verdict.dkim = MessageResult(verdict.signatures);
  return verdict;
}

Verdict Verifier::VerdictOverLimit(std::string_view text, Reason reason,
                                   const std::string& detail) {
  Verdict verdict;
  bool any_field = false;
  size_t not_checked = 0;
  HeaderCursor cursor(text);
  HeaderField field;
  while (cursor.Next(&field)) {
    if (field.name.empty()) continue;
    any_field = true;
    NoteReportedField(field, &verdict);
    if (EqualsIgnoreCase(field.name, "dkim-signature")) {
      if (verdict.signatures.size() < options_.max_signatures) {
        Signature sig;
        std::string ignored;
        SignatureVerdict v;
        (void)ParseSignature(field.value, &sig, &ignored);
        Describe(sig, &v);
        verdict.signatures.push_back(Finish(std::move(v), reason, detail));
      } else {
        ++not_checked;
      }
    }
  }
  if (!any_field) {
    verdict.error = "not a mail message: no header fields";
    verdict.dkim = Result::kNone;
    return verdict;
  }
  if (not_checked > 0) {
    verdict.signatures.push_back(TooManySignatures(not_checked, options_));
  }
  verdict.dkim = MessageResult(verdict.signatures);
  return verdict;
}

uint64_t Verifier::BodyHash(Canon canon, HashAlg hash, uint64_t limit,
                            uint8_t* out_digest, size_t* out_len) {
  for (const CachedBodyHash& c : body_hashes_) {
    if (c.canon == canon && c.hash == hash && c.limit == limit) {
      std::memcpy(out_digest, c.digest, c.len);
      *out_len = c.len;
      return c.canonical_length;
    }
  }
  digest_.Reset(hash);
  uint64_t canonical_length =
      CanonicalizeBody(canon, message_.body, limit, &digest_);
  *out_len = digest_.Final(out_digest);
  CachedBodyHash c;
  c.canon = canon;
  c.hash = hash;
  c.limit = limit;
  c.canonical_length = canonical_length;
  c.len = *out_len;
  std::memcpy(c.digest, out_digest, c.len);
  body_hashes_.push_back(c);
  return canonical_length;
}

SignatureVerdict Verifier::VerifyOne(const HeaderField& field,
                                     size_t field_index) {
  SignatureVerdict v;
  Signature sig;
  std::string detail;
  Reason reason = ParseSignature(field.value, &sig, &detail);
  Describe(sig, &v);
  if (reason != Reason::kOk) return Finish(std::move(v), reason, detail);

  const int64_t now = options_.now;
  if (sig.expiration && static_cast<int64_t>(std::min<uint64_t>(
                            *sig.expiration, INT64_MAX)) < now) {
    return Finish(std::move(v), Reason::kExpired,
                  "signature expired at x=" + std::to_string(*sig.expiration));
  }

  // Key lookup (§6.1.2).
  std::string name =
      std::string(sig.selector) + "._domainkey." + std::string(sig.sdid);
  // `name` as quoted in details (a hostile s= or d= may be megabytes long).
  const std::string quoted_name = Excerpt(name);
  bool has_later = false;
  const KeySnapshot* snap = keys_.Find(name, now, &has_later);
  if (snap == nullptr) {
    return Finish(std::move(v), Reason::kKeyUnavailable,
                  has_later
                      ? quoted_name + " has only key snapshots later than now"
                      : quoted_name + " is not in the key cache");
  }
  if (snap->rcode == DnsRcode::kNxDomain) {
    return Finish(std::move(v), Reason::kKeyNotFound,
                  quoted_name + ": NXDOMAIN");
  }
  if (snap->rcode != DnsRcode::kNoError) {
    return Finish(std::move(v), Reason::kKeyUnavailable,
                  quoted_name + ": " + DnsRcodeName(snap->rcode));
  }
  KeyRecord key;
  Reason key_reason = Reason::kKeyNotFound;
  std::string key_detail =
      quoted_name + ": no DKIM key record among the TXT records";
  bool found = false;
  for (const std::string& txt : snap->txt) {
    if (IsDiscardedRecord(txt)) continue;
    std::string record_detail;
    Reason r = ParseKeyRecord(txt, &key, &record_detail);
    if (r == Reason::kOk) {
      found = true;
      break;
    }
    if (key_reason == Reason::kKeyNotFound) {  // report the first problem
      key_reason = r;
      key_detail = quoted_name + ": " + record_detail;
    }
  }
  if (!found) return Finish(std::move(v), key_reason, key_detail);
  reason = CheckKeyForSignature(key, sig, &detail);
  if (reason != Reason::kOk) return Finish(std::move(v), reason, detail);
  // An RSA key of B bits takes about B/8 bytes of DER plus a few dozen of
  // framing. Keys up to OpenSSL's 16,384-bit maximum are decoded (so the
  // verdict can say their size); a larger p= is refused undecoded.
  const size_t max_der =
      static_cast<size_t>(std::max(options_.max_key_bits, kMaxRsaBits)) / 8 +
      64;
  if (key.type == KeyType::kRsa && key.public_key.size() > max_der) {
    return Finish(
        std::move(v), Reason::kKeyTooLarge,
        quoted_name + ": p= of " + std::to_string(key.public_key.size()) +
            " bytes is larger than any RSA key of at most " +
            std::to_string(options_.max_key_bits) + " bits (--max-key-bits)");
  }
  PublicKey public_key;
  if (!ParsePublicKey(key.type, key.public_key, &public_key, &detail)) {
    return Finish(std::move(v), Reason::kKeySyntax,
                  quoted_name + ": " + detail);
  }
  v.key_bits = public_key.bits;
  if (public_key.type == KeyType::kRsa &&
      public_key.bits > options_.max_key_bits) {
    return Finish(std::move(v), Reason::kKeyTooLarge,
                  "RSA key of " + std::to_string(public_key.bits) +
                      " bits is larger than the limit of " +
                      std::to_string(options_.max_key_bits) +
                      " (--max-key-bits)");
  }

  // Body hash (§6.1.3 step 4).
  const HashAlg hash = HashOf(sig.algorithm);
  uint8_t body_hash[kMaxDigestSize];
  size_t body_hash_len = 0;
  uint64_t canonical_length =
      BodyHash(sig.body_canon, hash, sig.length.value_or(kNoBodyLimit),
               body_hash, &body_hash_len);
  if (sig.length && *sig.length > canonical_length) {
    return Finish(std::move(v), Reason::kLengthExceedsBody,
                  "l=" + std::to_string(*sig.length) +
                      " exceeds the canonical body of " +
                      std::to_string(canonical_length) + " bytes");
  }
  if (sig.bh.size() != body_hash_len ||
      std::memcmp(sig.bh.data(), body_hash, body_hash_len) != 0) {
    return Finish(std::move(v), Reason::kBodyHashMismatch);
  }

  // Header hash (§5.4.2): each h= name takes the next instance from the
  // bottom; names with no instance left contribute nothing.
  header_data_.clear();
  AppendSignedHeaders(message_, sig.signed_headers, sig.header_canon,
                      field_index, &header_data_);
  // The signature field itself with the b= value (and its FWS) removed.
  const size_t value_offset =
      static_cast<size_t>(field.value.data() - field.raw.data());
  std::string own(field.raw.substr(0, value_offset + sig.b_tag->value_begin));
  own.append(field.raw.substr(value_offset + sig.b_tag->value_end));
  AppendCanonicalHeader(sig.header_canon, own, false, &header_data_);

  uint8_t header_hash[kMaxDigestSize];
  digest_.Reset(hash);
  digest_.Write(header_data_);
  size_t header_hash_len = digest_.Final(header_hash);
  std::span<const uint8_t> header_digest(header_hash, header_hash_len);
  bool ok = sig.algorithm == Algorithm::kEd25519Sha256
                ? VerifyEd25519(public_key, header_digest, sig.b)
                : VerifyRsa(public_key, hash, header_digest, sig.b);
  if (!ok) return Finish(std::move(v), Reason::kSignatureMismatch);

  // Policy on a signature that verified (RFC 8301, §3.5 t=).
  if (sig.timestamp &&
      static_cast<int64_t>(std::min<uint64_t>(*sig.timestamp, INT64_MAX)) >
          now + options_.clock_skew) {
    return Finish(std::move(v), Reason::kFutureTimestamp,
                  "t=" + std::to_string(*sig.timestamp) +
                      " is later than now plus the allowed clock skew");
  }
  if (sig.algorithm == Algorithm::kRsaSha1 && !options_.allow_sha1) {
    return Finish(std::move(v), Reason::kWeakHash);
  }
  if (public_key.type == KeyType::kRsa &&
      public_key.bits < options_.min_key_bits) {
    return Finish(std::move(v), Reason::kKeyTooSmall,
                  "RSA key of " + std::to_string(public_key.bits) +
                      " bits is below the minimum of " +
                      std::to_string(options_.min_key_bits));
  }
  return Finish(std::move(v), Reason::kOk);
}

}  // namespace dkimbatch::engine
