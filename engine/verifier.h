// engine/verifier.h
//
// One message in, one Verdict out: every DKIM-Signature checked top to bottom
// against a key snapshot store (RFC 6376 §6.1), with the RFC 8301 policy.
// A Verifier is not thread-safe; use one per thread (it reuses its digest
// contexts and scratch buffers across messages).
#ifndef DKIMBATCH_ENGINE_VERIFIER_H_
#define DKIMBATCH_ENGINE_VERIFIER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/crypto/digest.h"
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

 private:
  SignatureVerdict VerifyOne(const HeaderField& field, size_t field_index);

  const KeyStore& keys_;
  VerifyOptions options_;
  Message message_;
  Digest digest_;
  std::string header_data_;
};

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_VERIFIER_H_
