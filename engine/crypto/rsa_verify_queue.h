// engine/crypto/rsa_verify_queue.h
//
// RSA signature checks collected now and run later, together, by the batched
// verifier (rsa_batch.h): the seam that lets a caller holding many messages
// (a pipeline token) pay for RSA in full 8-lane batches. Add() copies the
// bytes it needs, Run() checks everything queued (keys of different sizes
// mixed freely), Result() reads each verdict by the ticket Add() returned.
// Not thread-safe: one per thread. Memory is kept across Clear() calls, so a
// warmed-up queue allocates nothing.
#ifndef DKIMBATCH_ENGINE_CRYPTO_RSA_VERIFY_QUEUE_H_
#define DKIMBATCH_ENGINE_CRYPTO_RSA_VERIFY_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/crypto/digest.h"
#include "engine/crypto/rsa_batch.h"

namespace dkimbatch::engine {

class RsaVerifyQueue {
 public:
  // Add queues a check of `signature` over the precomputed `digest` of
  // `alg` with `key`, and returns its ticket (0, 1, 2... since the last
  // Clear()). The bytes are copied; `key` must stay valid until Run()
  // returns.
  size_t Add(const RsaBatchKey& key, HashAlg alg,
             std::span<const uint8_t> digest,
             std::span<const uint8_t> signature);

  // Run checks every item added since the last Run() (RsaBatchVerify: same
  // acceptance as OpenSSL's EVP_PKEY_verify).
  void Run();

  // Result returns whether the item of `ticket` is a valid signature; only
  // after a Run() that followed its Add().
  bool Result(size_t ticket) const { return results_[ticket]; }

  // size returns the number of items added since the last Clear().
  size_t size() const { return entries_.size(); }

  // Clear forgets every item and result, keeping the memory.
  void Clear();

  // Truncate forgets the items added after the first `count` (a caller
  // undoing its own Add() calls, e.g. when the message being verified
  // threw); `count` must not be below the items already run.
  void Truncate(size_t count);

 private:
  struct Entry {
    const RsaBatchKey* key;
    HashAlg alg;
    size_t digest_offset, digest_len;  // in bytes_
    size_t signature_offset, signature_len;
  };

  std::vector<Entry> entries_;
  std::vector<uint8_t> bytes_;  // digests and signatures, back to back
  std::vector<RsaBatchItem> items_;
  std::unique_ptr<bool[]> results_;
  size_t results_capacity_ = 0;
  size_t done_ = 0;  // entries_[0, done_) have results
};

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CRYPTO_RSA_VERIFY_QUEUE_H_
