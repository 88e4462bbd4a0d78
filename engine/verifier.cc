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
#include "engine/crypto/sha256_many.h"
#include "engine/header_hash.h"
#include "engine/internal/ascii.h"
#include "engine/key_record.h"
#include "engine/prepared_key.h"
#include "engine/signature.h"

namespace dkimbatch::engine {
namespace {

using internal::EqualsIgnoreCase;
using internal::Excerpt;

// The largest RSA modulus OpenSSL verifies (OPENSSL_RSA_MAX_MODULUS_BITS).
constexpr int kMaxRsaBits = 16384;

void Finish(SignatureVerdict* v, Reason reason, std::string_view detail = {}) {
  v->reason = reason;
  v->result = ResultOf(reason);
  v->detail.assign(detail.empty() ? ReasonDetail(reason) : detail);
}

// Set stores `value` (cut as Excerpt does) in `*field`, reusing the string
// it may already hold.
void Set(std::optional<std::string>* field, std::string_view value) {
  if (!field->has_value()) field->emplace();
  internal::AssignExcerpt(value, &**field);
}

void SetOrReset(std::optional<std::string>* field,
                const std::optional<std::string_view>& value) {
  if (value) {
    Set(field, *value);
  } else {
    field->reset();
  }
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
  SetOrReset(&v->d, sig.d);
  SetOrReset(&v->s, sig.s);
  SetOrReset(&v->a, sig.a);
  if (sig.canon_known) {
    Set(&v->c, CanonName(sig.header_canon));
    v->c->append("/").append(CanonName(sig.body_canon));
  } else {
    v->c.reset();
  }
  if (!sig.auid.empty()) {
    Set(&v->i, sig.auid);
  } else {
    v->i.reset();
  }
}

// NoteReportedField takes the first Message-ID and From of the header for
// the verdict (VerdictOverLimit; Verify does the same in place).
void NoteReportedField(const HeaderField& field, Verdict* verdict) {
  if (!verdict->message_id && EqualsIgnoreCase(field.name, "message-id")) {
    verdict->message_id = Excerpt(UnfoldValue(field.value));
  } else if (!verdict->from_domain && EqualsIgnoreCase(field.name, "from")) {
    std::optional<std::string> domain = FromDomain(field.value);
    if (domain) verdict->from_domain = Excerpt(*domain);
  }
}

// TooManySignatures makes `*v` the entry that stands for the `count`
// DKIM-Signature fields past the --max-signatures limit.
void TooManySignatures(size_t count, const VerifyOptions& options,
                       SignatureVerdict* v) {
  *v = SignatureVerdict();
  Finish(v, Reason::kTooManySignatures,
         std::to_string(count) +
             " more DKIM-Signature fields not checked (--max-signatures " +
             std::to_string(options.max_signatures) + ")");
}

}  // namespace

Verifier::Verifier(const KeyStore& keys, VerifyOptions options)
    : keys_(keys), options_(options) {}

Verdict Verifier::Verify(std::string_view text) {
  Verdict verdict;
  Verify(text, &verdict);
  return verdict;
}

void Verifier::VerifyDeferred(std::string_view text, Verdict* out) {
  const size_t pending = pending_.size();
  const size_t queued = queue_.size();
  const size_t jobs = hash_jobs_.size();
  const size_t arena = hash_arena_.size();
  const size_t bytes = pending_bytes_.size();
  deferred_into_ = out;
  try {
    Verify(text, out);
  } catch (...) {
    // Nothing may stay queued for a verdict the caller will not get.
    deferred_into_ = nullptr;
    pending_.resize(pending);
    queue_.Truncate(queued);
    hash_jobs_.resize(jobs);
    hash_arena_.Truncate(arena);
    pending_bytes_.resize(bytes);
    throw;
  }
  deferred_into_ = nullptr;
}

void Verifier::Flush() {
  if (!hash_jobs_.empty()) {
    sha_jobs_.clear();
    const uint8_t* arena = reinterpret_cast<const uint8_t*>(hash_arena_.data());
    for (HashJob& job : hash_jobs_) {
      sha_jobs_.push_back(Sha256Job{arena + job.offset, job.len, job.digest});
    }
    SortLongestFirst(&sha_jobs_, &sha_scratch_);
    Sha256Many(sha_jobs_);
  }
  // Settle the hashes and queue (or make) the public-key checks.
  for (Pending& p : pending_) {
    if (p.body_job != kNone && std::memcmp(hash_jobs_[p.body_job].digest, p.bh,
                                           DigestSize(HashAlg::kSha256)) != 0) {
      Finish(p.signature, Reason::kBodyHashMismatch);
      continue;
    }
    if (p.header_job == kNone) continue;  // queued by VerifyOne
    const std::span<const uint8_t> digest(hash_jobs_[p.header_job].digest,
                                          DigestSize(p.hash));
    const std::span<const uint8_t> b(pending_bytes_.data() + p.b_offset,
                                     p.b_len);
    if (p.ed25519 && p.key->ed25519_batch != nullptr) {
      p.ticket = queue_.AddEd25519(*p.key->ed25519_batch, digest, b);
    } else if (!p.ed25519 && p.key->rsa_batch != nullptr) {
      p.ticket = queue_.AddRsa(*p.key->rsa_batch, p.hash, digest, b);
    } else if (!(p.ed25519 ? contexts_.VerifyEd25519(*p.key, digest, b)
                           : contexts_.VerifyRsa(*p.key, p.hash, digest, b))) {
      Finish(p.signature, Reason::kSignatureMismatch);
    }
  }
  queue_.Run();
  for (const Pending& p : pending_) {
    if (p.ticket != kNone && !queue_.Result(p.ticket)) {
      Finish(p.signature, Reason::kSignatureMismatch);
    }
  }
  for (const Pending& p : pending_) {
    p.verdict->dkim = MessageResult(p.verdict->signatures);
  }
  pending_.clear();
  queue_.Clear();
  hash_jobs_.clear();
  pending_bytes_.clear();
  // A hostile batch's arena is given back; a usual one is kept.
  if (hash_arena_.capacity() > 2 * kMaxDeferredBytes) hash_arena_.Release();
  hash_arena_.clear();
}

size_t Verifier::AddHashJob(size_t offset) {
  HashJob job;
  job.offset = offset;
  job.len = hash_arena_.size() - offset;
  hash_jobs_.push_back(job);
  return hash_jobs_.size() - 1;
}

void Verifier::CheckLater(SignatureVerdict* v, const PublicKey& key,
                          HashAlg hash, size_t body_job, size_t header_job,
                          std::span<const uint8_t> header_digest) {
  const Signature& sig = sig_;
  Pending p;
  p.verdict = deferred_into_;
  p.signature = v;
  p.key = &key;
  p.hash = hash;
  p.ed25519 = sig.algorithm == Algorithm::kEd25519Sha256;
  p.ticket = kNone;
  p.body_job = body_job;
  p.header_job = header_job;
  p.b_offset = pending_bytes_.size();
  p.b_len = sig.b.size();
  if (body_job != kNone) std::memcpy(p.bh, sig.bh.data(), sig.bh.size());
  if (header_job == kNone) {
    // The header hash is known: queue the check now.
    p.ticket = p.ed25519
                   ? queue_.AddEd25519(*key.ed25519_batch, header_digest, sig.b)
                   : queue_.AddRsa(*key.rsa_batch, hash, header_digest, sig.b);
  } else {
    pending_bytes_.insert(pending_bytes_.end(), sig.b.begin(), sig.b.end());
  }
  pending_.push_back(p);
}

void Verifier::Verify(std::string_view text, Verdict* verdict) {
  // Memory kept from a hostile message is given back before the next one.
  constexpr size_t kKeepBytes = size_t{1} << 20;
  if (header_data_.capacity() > kKeepBytes) std::string().swap(header_data_);
  body_hashes_.clear();
  verdict->error.clear();
  // Decided per message, so all its SHA-256 body hashes (cached across its
  // signatures) are deferred or none.
  defer_hashes_ = deferred_into_ != nullptr &&
                  text.size() <= kMaxDeferredBody &&
                  hash_arena_.size() < kMaxDeferredBytes;

  if (text.size() > options_.max_message_bytes) {
    *verdict = VerdictOverLimit(text, Reason::kMessageTooLarge,
                                "message of " + std::to_string(text.size()) +
                                    " bytes is larger than the limit of " +
                                    std::to_string(options_.max_message_bytes) +
                                    " (--max-message-bytes); not verified");
    return;
  }
  if (!ParseMessage(text, &message_, options_.max_headers)) {
    message_.headers.clear();
    if (message_.headers.capacity() > options_.max_headers) {
      message_.headers.shrink_to_fit();
    }
    *verdict =
        VerdictOverLimit(text, Reason::kTooManyHeaders,
                         "more than " + std::to_string(options_.max_headers) +
                             " header fields (--max-headers); not verified");
    return;
  }
  bool any_field = false, have_id = false, have_from = false;
  size_t num_signatures = 0;
  for (size_t i = 0; i < message_.headers.size(); ++i) {
    const HeaderField& field = message_.headers[i];
    if (field.name.empty()) continue;
    any_field = true;
    if (!have_id && EqualsIgnoreCase(field.name, "message-id")) {
      have_id = true;
      if (!verdict->message_id) verdict->message_id.emplace();
      UnfoldValue(field.value, &*verdict->message_id);
      internal::CutToExcerpt(&*verdict->message_id);
    } else if (!have_from && EqualsIgnoreCase(field.name, "from")) {
      // A From with no domain leaves the next From field to try.
      if (!verdict->from_domain) verdict->from_domain.emplace();
      have_from = FromDomain(field.value, &scratch_, &*verdict->from_domain);
      if (have_from) internal::CutToExcerpt(&*verdict->from_domain);
    } else if (EqualsIgnoreCase(field.name, "dkim-signature")) {
      ++num_signatures;
    }
  }
  if (!have_id) verdict->message_id.reset();
  if (!have_from) verdict->from_domain.reset();
  if (!any_field) {
    verdict->signatures.clear();
    verdict->error =
        text.empty() ? "empty message" : "not a mail message: no header fields";
    verdict->dkim = Result::kNone;
    return;
  }
  const size_t checked = std::min(num_signatures, options_.max_signatures);
  // resize, not clear: the remaining elements keep their strings' memory.
  verdict->signatures.resize(checked + (num_signatures > checked ? 1 : 0));
  size_t k = 0;
  for (size_t i = 0; i < message_.headers.size() && k < checked; ++i) {
    const HeaderField& field = message_.headers[i];
    if (EqualsIgnoreCase(field.name, "dkim-signature")) {
      VerifyOne(field, i, &verdict->signatures[k++]);
    }
  }
  if (num_signatures > checked) {
    TooManySignatures(num_signatures - checked, options_,
                      &verdict->signatures[checked]);
  }
  verdict->dkim = MessageResult(verdict->signatures);
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
        SignatureVerdict& v = verdict.signatures.emplace_back();
        (void)ParseSignature(field.value, &sig, &ignored);
        Describe(sig, &v);
        Finish(&v, reason, detail);
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
    TooManySignatures(not_checked, options_,
                      &verdict.signatures.emplace_back());
  }
  verdict.dkim = MessageResult(verdict.signatures);
  return verdict;
}

uint64_t Verifier::BodyHash(Canon canon, HashAlg hash, uint64_t limit,
                            bool defer, uint8_t* out_digest, size_t* out_len,
                            size_t* job) {
  for (const CachedBodyHash& c : body_hashes_) {
    if (c.canon == canon && c.hash == hash && c.limit == limit) {
      std::memcpy(out_digest, c.digest, c.len);
      *out_len = c.len;
      *job = c.job;
      return c.canonical_length;
    }
  }
  CachedBodyHash c;
  c.canon = canon;
  c.hash = hash;
  c.limit = limit;
  c.job = kNone;
  c.len = DigestSize(hash);
  if (defer) {
    const size_t offset = hash_arena_.size();
    c.canonical_length =
        CanonicalizeBody(canon, message_.body, limit, &hash_arena_);
    c.job = AddHashJob(offset);
    std::memset(c.digest, 0, sizeof c.digest);
  } else {
    digest_.Reset(hash);
    c.canonical_length =
        CanonicalizeBody(canon, message_.body, limit, &digest_);
    c.len = digest_.Final(c.digest);
  }
  body_hashes_.push_back(c);
  std::memcpy(out_digest, c.digest, c.len);
  *out_len = c.len;
  *job = c.job;
  return c.canonical_length;
}

void Verifier::VerifyOne(const HeaderField& field, size_t field_index,
                         SignatureVerdict* v) {
  Signature& sig = sig_;
  std::string& detail = detail_;
  detail.clear();
  v->key_bits = 0;
  Reason reason = ParseSignature(field.value, &sig, &detail);
  Describe(sig, v);
  if (reason != Reason::kOk) return Finish(v, reason, detail);

  const int64_t now = options_.now;
  if (sig.expiration && static_cast<int64_t>(std::min<uint64_t>(
                            *sig.expiration, INT64_MAX)) < now) {
    return Finish(v, Reason::kExpired,
                  "signature expired at x=" + std::to_string(*sig.expiration));
  }

  // Key lookup (§6.1.2), in the parsed-key cache.
  std::string& name = key_name_;
  name.assign(sig.selector).append("._domainkey.").append(sig.sdid);
  const std::string_view lookup = KeyStore::NormalizeInPlace(&name);
  bool has_later = false;
  const KeySnapshot* snap = keys_.FindNormalized(lookup, now, &has_later);
  // Details quote `name` cut short (a hostile s= or d= may be megabytes).
  if (snap == nullptr) {
    return Finish(
        v, Reason::kKeyUnavailable,
        Excerpt(name) + (has_later ? " has only key snapshots later than now"
                                   : " is not in the key cache"));
  }
  if (snap->rcode == DnsRcode::kNxDomain) {
    return Finish(v, Reason::kKeyNotFound, Excerpt(name) + ": NXDOMAIN");
  }
  if (snap->rcode != DnsRcode::kNoError) {
    return Finish(v, Reason::kKeyUnavailable,
                  Excerpt(name) + ": " + DnsRcodeName(snap->rcode));
  }
  const PreparedKey& key = *snap->prepared;
  if (key.record_reason != Reason::kOk) {
    return Finish(v, key.record_reason,
                  Excerpt(name) + ": " + key.record_detail);
  }
  reason = CheckKeyForSignature(key.record, sig, &detail);
  if (reason != Reason::kOk) return Finish(v, reason, detail);
  // An RSA key of B bits takes about B/8 bytes of DER plus a few dozen of
  // framing. Keys up to OpenSSL's 16,384-bit maximum are decoded (so the
  // verdict can say their size); a larger p= is refused undecoded.
  const size_t max_der =
      static_cast<size_t>(std::max(options_.max_key_bits, kMaxRsaBits)) / 8 +
      64;
  if (key.record.type == KeyType::kRsa &&
      key.record.public_key.size() > max_der) {
    return Finish(v, Reason::kKeyTooLarge,
                  Excerpt(name) + ": p= of " +
                      std::to_string(key.record.public_key.size()) +
                      " bytes is larger than any RSA key of at most " +
                      std::to_string(options_.max_key_bits) +
                      " bits (--max-key-bits)");
  }
  if (!key.key_ok) {
    return Finish(v, Reason::kKeySyntax, Excerpt(name) + ": " + key.key_error);
  }
  const PublicKey& public_key = key.public_key;
  v->key_bits = public_key.bits;
  if (public_key.type == KeyType::kRsa &&
      public_key.bits > options_.max_key_bits) {
    return Finish(v, Reason::kKeyTooLarge,
                  "RSA key of " + std::to_string(public_key.bits) +
                      " bits is larger than the limit of " +
                      std::to_string(options_.max_key_bits) +
                      " (--max-key-bits)");
  }

  // Body hash (§6.1.3 step 4). VerifyDeferred leaves SHA-256 to Flush().
  const HashAlg hash = HashOf(sig.algorithm);
  const bool defer_hashes = defer_hashes_ && hash == HashAlg::kSha256;
  uint8_t body_hash[kMaxDigestSize];
  size_t body_hash_len = 0;
  size_t body_job = kNone;
  uint64_t canonical_length =
      BodyHash(sig.body_canon, hash, sig.length.value_or(kNoBodyLimit),
               defer_hashes, body_hash, &body_hash_len, &body_job);
  if (sig.length && *sig.length > canonical_length) {
    return Finish(v, Reason::kLengthExceedsBody,
                  "l=" + std::to_string(*sig.length) +
                      " exceeds the canonical body of " +
                      std::to_string(canonical_length) + " bytes");
  }
  if (sig.bh.size() != body_hash_len ||
      (body_job == kNone &&
       std::memcmp(sig.bh.data(), body_hash, body_hash_len) != 0)) {
    return Finish(v, Reason::kBodyHashMismatch);
  }

  // Header hash (§5.4.2): each h= name takes the next instance from the
  // bottom; names with no instance left contribute nothing. Deferred, the
  // data is then copied to the hash arena.
  header_data_.clear();
  AppendSignedHeaders(message_, sig.signed_headers, sig.header_canon,
                      field_index, &header_data_);
  // The signature field itself with the b= value (and its FWS) removed.
  const size_t value_offset =
      static_cast<size_t>(field.value.data() - field.raw.data());
  own_field_.assign(field.raw.substr(0, value_offset + sig.b_tag->value_begin));
  own_field_.append(field.raw.substr(value_offset + sig.b_tag->value_end));
  AppendCanonicalHeader(sig.header_canon, own_field_, false, &header_data_);

  bool ok = true;
  const bool ed25519 = sig.algorithm == Algorithm::kEd25519Sha256;
  const bool batched = ed25519 ? public_key.ed25519_batch != nullptr
                               : public_key.rsa_batch != nullptr;
  if (defer_hashes) {
    // Provisionally valid: Flush() turns a failed check into
    // body_hash_mismatch or signature_mismatch, which take precedence over
    // the policy below.
    const size_t header_offset = hash_arena_.size();
    hash_arena_.Write(header_data_);
    CheckLater(v, public_key, hash, body_job, AddHashJob(header_offset), {});
  } else {
    uint8_t header_hash[kMaxDigestSize];
    digest_.Reset(hash);
    digest_.Write(header_data_);
    const size_t header_hash_len = digest_.Final(header_hash);
    const std::span<const uint8_t> header_digest(header_hash, header_hash_len);
    if (deferred_into_ != nullptr && batched) {
      CheckLater(v, public_key, hash, kNone, kNone, header_digest);
    } else if (ed25519) {
      ok = contexts_.VerifyEd25519(public_key, header_digest, sig.b);
    } else {
      ok = contexts_.VerifyRsa(public_key, hash, header_digest, sig.b);
    }
  }
  if (!ok) return Finish(v, Reason::kSignatureMismatch);

  // Policy on a signature that verified (RFC 8301, §3.5 t=).
  if (sig.timestamp &&
      static_cast<int64_t>(std::min<uint64_t>(*sig.timestamp, INT64_MAX)) >
          now + options_.clock_skew) {
    return Finish(v, Reason::kFutureTimestamp,
                  "t=" + std::to_string(*sig.timestamp) +
                      " is later than now plus the allowed clock skew");
  }
  if (sig.algorithm == Algorithm::kRsaSha1 && !options_.allow_sha1) {
    return Finish(v, Reason::kWeakHash);
  }
  if (public_key.type == KeyType::kRsa &&
      public_key.bits < options_.min_key_bits) {
    return Finish(v, Reason::kKeyTooSmall,
                  "RSA key of " + std::to_string(public_key.bits) +
                      " bits is below the minimum of " +
                      std::to_string(options_.min_key_bits));
  }
  return Finish(v, Reason::kOk);
}

}  // namespace dkimbatch::engine
