// engine/verifier.h
//
// One message in, one Verdict out: every DKIM-Signature checked top to bottom
// against a key snapshot store (RFC 6376 §6.1), with the RFC 8301 policy.
// A Verifier is not thread-safe; use one per thread (it reuses its digest
// contexts and scratch buffers across messages).
#ifndef DKIMBATCH_ENGINE_VERIFIER_H_
#define DKIMBATCH_ENGINE_VERIFIER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/crypto/digest.h"
#include "engine/crypto/rsa_verify_queue.h"
#include "engine/key_store.h"
#include "engine/message.h"
#include "engine/verdict.h"

namespace dkimbatch::engine {

struct VerifyOptions {
  int64_t now = 0;            // Unix seconds: x=, t= and key snapshots
  int min_key_bits = 1024;    // RFC 8301 §3.2
  bool allow_sha1 = false;    // RFC 8301 §3.1
  int64_t clock_skew = 3600;  // allowed t= beyond `now` (seconds)
};

class Verifier {
 public:
  // `keys` must outlive the Verifier.
  Verifier(const KeyStore& keys, VerifyOptions options);

  // Verify checks every DKIM-Signature of `message` and returns the verdict.
  // Never fails: problems are signature reasons or `Verdict::error`.
  Verdict Verify(std::string_view message);

  // VerifyDeferred is Verify for callers that verify several messages before
  // they need the verdicts (a pipeline batch): it fills `*out` as Verify
  // would, except that the RSA signature checks the batched verifier takes
  // (rsa_batch.h: RsaBatchAvailable() and a key it handles) are queued.
  // Until the next Flush() such a signature reads as if its check passed;
  // Flush() makes the failed ones signature_mismatch and recomputes
  // out->dkim, so the verdicts end up identical to Verify's. `*out` must stay
  // at its address, untouched, until Flush() returns.
  void VerifyDeferred(std::string_view message, Verdict* out);

  // Flush runs the queued RSA checks, 8 per kernel call, and completes the
  // verdicts VerifyDeferred left pending.
  void Flush();

 private:
  // A signature whose RSA check waits in rsa_queue_.
  struct Pending {
    Verdict* verdict;
    size_t signature;                        // index in verdict->signatures
    size_t ticket;                           // in rsa_queue_
    std::shared_ptr<const RsaBatchKey> key;  // alive until Flush()
  };

  SignatureVerdict VerifyOne(const HeaderField& field, size_t field_index,
                             size_t signature_index);

  const KeyStore& keys_;
  VerifyOptions options_;
  Message message_;
  Digest digest_;
  std::string header_data_;
  Verdict* deferred_into_ = nullptr;  // set while VerifyDeferred runs
  RsaVerifyQueue rsa_queue_;
  std::vector<Pending> pending_;
};

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_VERIFIER_H_
