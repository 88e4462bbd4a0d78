// engine/verifier.h
//
// One message in, one Verdict out: every DKIM-Signature checked top to bottom
// against a key snapshot store (RFC 6376 §6.1), with the RFC 8301 policy.
// A Verifier is not thread-safe; use one per thread. It reuses its digest and
// OpenSSL verify contexts, parse structures and scratch buffers across
// messages, so a warmed-up Verifier allocates nothing per message on the
// common path (keys come parsed from the KeyStore).
#ifndef DKIMBATCH_ENGINE_VERIFIER_H_
#define DKIMBATCH_ENGINE_VERIFIER_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canon/byte_arena.h"
#include "engine/canon/canon_mode.h"
#include "engine/crypto/digest.h"
#include "engine/crypto/public_key.h"
#include "engine/crypto/sha256_many.h"
#include "engine/crypto/verify_contexts.h"
#include "engine/crypto/verify_queue.h"
#include "engine/key_store.h"
#include "engine/message.h"
#include "engine/signature.h"
#include "engine/verdict.h"

namespace dkimbatch::engine {

struct VerifyOptions {
  int64_t now = 0;            // Unix seconds: x=, t= and key snapshots
  int min_key_bits = 1024;    // RFC 8301 §3.2
  bool allow_sha1 = false;    // RFC 8301 §3.1
  int64_t clock_skew = 3600;  // allowed t= beyond `now` (seconds)

  // Resource limits (README "Limits"); hitting one is a reason in the
  // verdict. A larger message, or one with more header fields, is not
  // verified: each of its DKIM-Signature fields gets message_too_large or
  // too_many_headers.
  uint64_t max_message_bytes = uint64_t{64} << 20;
  size_t max_headers = 10000;
  // Only the first `max_signatures` DKIM-Signature fields are listed and
  // checked; one more entry (too_many_signatures) counts the rest.
  size_t max_signatures = 32;
  // Larger RSA keys are permerror/key_too_large (RSA verification cost
  // grows with the square of the size). At most 16384, OpenSSL's limit.
  int max_key_bits = 8192;
};

class Verifier {
 public:
  // `keys` must outlive the Verifier.
  Verifier(const KeyStore& keys, VerifyOptions options);

  // Verify checks every DKIM-Signature of `message` and returns the verdict.
  // Never fails: problems are signature reasons or `Verdict::error`. Time
  // and memory stay linear in the message size whatever its content.
  Verdict Verify(std::string_view message);

  // Verify into `*out`, reusing the memory `*out` already holds (the
  // allocation-free form for a loop over many messages).
  void Verify(std::string_view message, Verdict* out);

  // VerifyDeferred is Verify for callers that verify several messages before
  // they need the verdicts (a pipeline batch): it fills `*out` as Verify
  // would, except that the work that runs faster many at a time is queued:
  // SHA-256 body and header hashes (crypto/sha256_many.h; bodies up to
  // messages up to kMaxDeferredBody) and then the public-key checks (batched by
  // crypto/rsa_batch.h and crypto/ed25519_batch.h where IFMA and the key
  // allow, else OpenSSL). Until the next Flush() such a signature reads as
  // if its checks passed; Flush() makes the failed ones body_hash_mismatch
  // or signature_mismatch and recomputes out->dkim, so the verdicts end up
  // identical to Verify's. `*out` must stay at its address, untouched,
  // until Flush() returns.
  void VerifyDeferred(std::string_view message, Verdict* out);

  // Flush runs the queued hashes and checks and completes the verdicts
  // VerifyDeferred left pending.
  void Flush();

  // Messages larger than this are hashed at once, not queued; and past
  // kMaxDeferredBytes of queued bodies and header data, hashing is no
  // longer deferred until the next Flush() (memory stays bounded).
  static constexpr size_t kMaxDeferredBody = size_t{1} << 20;
  static constexpr size_t kMaxDeferredBytes = size_t{16} << 20;

 private:
  void VerifyOne(const HeaderField& field, size_t field_index,
                 SignatureVerdict* v);

  // VerdictOverLimit lists the DKIM-Signature fields of a message that is
  // not verified because it is over a limit, each with `reason`.
  Verdict VerdictOverLimit(std::string_view text, Reason reason,
                           const std::string& detail);

  // BodyHash computes (or takes from this message's cache) the body hash
  // for `canon`, `hash` and l= `limit`; returns the canonical body length.
  // With `defer`, a new SHA-256 body hash is left to Flush(): the canonical
  // body goes to hash_arena_ and `*job` is its index in hash_jobs_ (else
  // kNone, and the digest is in out_digest).
  uint64_t BodyHash(Canon canon, HashAlg hash, uint64_t limit, bool defer,
                    uint8_t* out_digest, size_t* out_len, size_t* job);

  // AddHashJob queues the SHA-256 of hash_arena_[offset, end) for Flush().
  size_t AddHashJob(size_t offset);

  // CheckLater queues the public-key check of the current signature for
  // Flush(): `v` reads as passed until then.
  void CheckLater(SignatureVerdict* v, const PublicKey& key, HashAlg hash,
                  size_t body_job, size_t header_job,
                  std::span<const uint8_t> header_digest);

  static constexpr size_t kNone = ~size_t{0};

  struct CachedBodyHash {
    Canon canon;
    HashAlg hash;
    uint64_t limit;
    uint64_t canonical_length;
    size_t job;  // in hash_jobs_ when deferred, else kNone
    size_t len;
    uint8_t digest[kMaxDigestSize];
  };

  const KeyStore& keys_;
  VerifyOptions options_;
  Message message_;
  Signature sig_;
  Digest digest_;
  VerifyContexts contexts_;
  std::string header_data_;
  std::string own_field_;  // the signature field with b= emptied
  std::string key_name_;   // <s>._domainkey.<d>, lowercased
  std::string scratch_;
  std::string detail_;
  std::vector<CachedBodyHash> body_hashes_;  // of the current message

  // A signature whose checks wait for Flush(): the hashes (when body_job
  // and header_job are set; the body hash is compared with `bh`), then the
  // public-key check, batched in queue_ where the key allows (`ticket`)
  // and through OpenSSL otherwise.
  struct Pending {
    Verdict* verdict;
    SignatureVerdict* signature;  // in verdict->signatures
    const PublicKey* key;
    HashAlg hash;
    bool ed25519;
    size_t ticket;           // in queue_, or kNone
    size_t body_job;         // in hash_jobs_, or kNone
    size_t header_job;       // in hash_jobs_, or kNone
    size_t b_offset, b_len;  // the signature's b= in pending_bytes_
    uint8_t bh[kMaxDigestSize];
  };
  struct HashJob {
    size_t offset, len;  // in hash_arena_
    uint8_t digest[kMaxDigestSize];
  };
  Verdict* deferred_into_ = nullptr;  // set while VerifyDeferred runs
  bool defer_hashes_ = false;         // for the current message
  VerifyQueue queue_;
  std::vector<Pending> pending_;
  ByteArena hash_arena_;  // canonical bodies and header data, back to back
  std::vector<HashJob> hash_jobs_;
  std::vector<Sha256Job> sha_jobs_;
  std::vector<Sha256Job> sha_scratch_;  // for SortLongestFirst
  std::vector<uint8_t> pending_bytes_;
};

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_VERIFIER_H_
