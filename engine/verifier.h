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
#include <string>
#include <string_view>

#include "engine/crypto/digest.h"
#include "engine/crypto/verify_contexts.h"
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
};

class Verifier {
 public:
  // `keys` must outlive the Verifier.
  Verifier(const KeyStore& keys, VerifyOptions options);

  // Verify checks every DKIM-Signature of `message` and returns the verdict.
  // Never fails: problems are signature reasons or `Verdict::error`.
  Verdict Verify(std::string_view message);

  // Verify into `*out`, reusing the memory `*out` already holds (the
  // allocation-free form for a loop over many messages).
  void Verify(std::string_view message, Verdict* out);

 private:
  void VerifyOne(const HeaderField& field, size_t field_index,
                 SignatureVerdict* v);

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
};

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_VERIFIER_H_
