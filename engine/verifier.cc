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
#include "engine/crypto/rsa_batch.h"
#include "engine/header_hash.h"
#include "engine/internal/ascii.h"
#include "engine/key_record.h"
#include "engine/signature.h"

namespace dkimbatch::engine {
namespace {

using internal::EqualsIgnoreCase;

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

}  // namespace

Verifier::Verifier(const KeyStore& keys, VerifyOptions options)
    : keys_(keys), options_(options) {}

Verdict Verifier::Verify(std::string_view text) {
  Verdict verdict;
  ParseMessage(text, &message_);
  bool any_field = false;
  for (size_t i = 0; i < message_.headers.size(); ++i) {
    const HeaderField& field = message_.headers[i];
    if (field.name.empty()) continue;
    any_field = true;
    if (!verdict.message_id && EqualsIgnoreCase(field.name, "message-id")) {
      verdict.message_id = UnfoldValue(field.value);
    } else if (!verdict.from_domain && EqualsIgnoreCase(field.name, "from")) {
      verdict.from_domain = FromDomain(field.value);
    }
  }
  if (!any_field) {
    verdict.error =
        text.empty() ? "empty message" : "not a mail message: no header fields";
    verdict.dkim = Result::kNone;
    return verdict;
  }
  for (size_t i = 0; i < message_.headers.size(); ++i) {
    const HeaderField& field = message_.headers[i];
    if (EqualsIgnoreCase(field.name, "dkim-signature")) {
      verdict.signatures.push_back(
          VerifyOne(field, i, verdict.signatures.size()));
    }
  }
  verdict.dkim = MessageResult(verdict.signatures);
  return verdict;
}

void Verifier::VerifyDeferred(std::string_view text, Verdict* out) {
  const size_t pending = pending_.size();
  const size_t queued = rsa_queue_.size();
  deferred_into_ = out;
  try {
    *out = Verify(text);
  } catch (...) {
    // Nothing may stay queued for a verdict the caller will not get.
    deferred_into_ = nullptr;
    pending_.erase(pending_.begin() + static_cast<ptrdiff_t>(pending),
                   pending_.end());
    rsa_queue_.Truncate(queued);
    throw;
  }
  deferred_into_ = nullptr;
}

void Verifier::Flush() {
  rsa_queue_.Run();
  for (const Pending& p : pending_) {
    if (!rsa_queue_.Result(p.ticket)) {
      SignatureVerdict& v = p.verdict->signatures[p.signature];
      v = Finish(std::move(v), Reason::kSignatureMismatch);
    }
  }
  for (const Pending& p : pending_) {
    p.verdict->dkim = MessageResult(p.verdict->signatures);
  }
  pending_.clear();
  rsa_queue_.Clear();
}

SignatureVerdict Verifier::VerifyOne(const HeaderField& field,
                                     size_t field_index,
                                     size_t signature_index) {
  SignatureVerdict v;
  Signature sig;
  std::string detail;
  Reason reason = ParseSignature(field.value, &sig, &detail);
  if (sig.d) v.d = std::string(*sig.d);
  if (sig.s) v.s = std::string(*sig.s);
  if (sig.a) v.a = std::string(*sig.a);
  if (sig.canon_known) {
    v.c = std::string(CanonName(sig.header_canon)) + "/" +
          std::string(CanonName(sig.body_canon));
  }
  if (!sig.auid.empty()) v.i = sig.auid;
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
  bool has_later = false;
  const KeySnapshot* snap = keys_.Find(name, now, &has_later);
  if (snap == nullptr) {
    return Finish(std::move(v), Reason::kKeyUnavailable,
                  has_later ? name + " has only key snapshots later than now"
                            : name + " is not in the key cache");
  }
  if (snap->rcode == DnsRcode::kNxDomain) {
    return Finish(std::move(v), Reason::kKeyNotFound, name + ": NXDOMAIN");
  }
  if (snap->rcode != DnsRcode::kNoError) {
    return Finish(std::move(v), Reason::kKeyUnavailable,
                  name + ": " + DnsRcodeName(snap->rcode));
  }
  KeyRecord key;
  Reason key_reason = Reason::kKeyNotFound;
  std::string key_detail = name + ": no DKIM key record among the TXT records";
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
      key_detail = name + ": " + record_detail;
    }
  }
  if (!found) return Finish(std::move(v), key_reason, key_detail);
  reason = CheckKeyForSignature(key, sig, &detail);
  if (reason != Reason::kOk) return Finish(std::move(v), reason, detail);
  PublicKey public_key;
  if (!ParsePublicKey(key.type, key.public_key, &public_key, &detail)) {
    return Finish(std::move(v), Reason::kKeySyntax, name + ": " + detail);
  }
  v.key_bits = public_key.bits;

  // Body hash (§6.1.3 step 4).
  const HashAlg hash = HashOf(sig.algorithm);
  uint8_t body_hash[kMaxDigestSize];
  digest_.Reset(hash);
  uint64_t limit = sig.length.value_or(kNoBodyLimit);
  uint64_t canonical_length =
      CanonicalizeBody(sig.body_canon, message_.body, limit, &digest_);
  size_t body_hash_len = digest_.Final(body_hash);
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
  bool ok;
  if (sig.algorithm == Algorithm::kEd25519Sha256) {
    ok = VerifyEd25519(public_key, header_digest, sig.b);
  } else if (deferred_into_ != nullptr && public_key.rsa_batch != nullptr) {
    // Provisionally valid: Flush() turns a failed check into
    // signature_mismatch, which takes precedence over the policy below.
    pending_.push_back(Pending{
        deferred_into_, signature_index,
        rsa_queue_.Add(*public_key.rsa_batch, hash, header_digest, sig.b),
        public_key.rsa_batch});
    ok = true;
  } else {
    ok = VerifyRsa(public_key, hash, header_digest, sig.b);
  }
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
