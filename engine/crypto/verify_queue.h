// engine/crypto/verify_queue.h
//
// Signature checks collected now and run later, together, by the batched
// verifiers (rsa_batch.h, ed25519_batch.h): the seam that lets a caller
// holding many messages (a pipeline token) pay for public-key operations in
// full 8-lane batches. Add*() copies the bytes it needs, Run() checks
// everything queued (RSA keys of different sizes and Ed25519 keys mixed
// freely), Result() reads each verdict by the ticket Add*() returned.
// Not thread-safe: one per thread. Memory is kept across Clear() calls, so a
// warmed-up queue allocates nothing.
#ifndef DKIMBATCH_ENGINE_CRYPTO_VERIFY_QUEUE_H_
#define DKIMBATCH_ENGINE_CRYPTO_VERIFY_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/crypto/digest.h"
#include "engine/crypto/ed25519_batch.h"
#include "engine/crypto/rsa_batch.h"

namespace dkimbatch::engine {

class VerifyQueue {
 public:
  // AddRsa queues a check of `signature` over the precomputed `digest` of
  // `alg` with `key`, and returns its ticket (0, 1, 2... since the last
  // Clear()). The bytes are copied; `key` must stay valid until Run()
  // returns.
  size_t AddRsa(const RsaBatchKey& key, HashAlg alg,
                std::span<const uint8_t> digest,
                std::span<const uint8_t> signature);

  // AddEd25519 queues a PureEd25519 check of `signature` over `message`
  // with `key`; otherwise as AddRsa.
  size_t AddEd25519(const Ed25519BatchKey& key,
                    std::span<const uint8_t> message,
                    std::span<const uint8_t> signature);

  // Run checks every item added since the last Run() (same acceptance as
  // OpenSSL's EVP verify for each algorithm).
  void Run();

  // Result returns whether the item of `ticket` is a valid signature; only
  // after a Run() that followed its Add*().
  bool Result(size_t ticket) const { return results_[ticket]; }

  // size returns the number of items added since the last Clear().
  size_t size() const { return entries_.size(); }

  // Clear forgets every item and result, keeping the memory.
  void Clear();

  // Truncate forgets the items added after the first `count` (a caller
  // undoing its own Add*() calls, e.g. when the message being verified
  // threw); `count` must not be below the items already run.
  void Truncate(size_t count);

 private:
  struct Entry {
    const RsaBatchKey* rsa;  // one of the two keys is set
    const Ed25519BatchKey* ed25519;
    HashAlg alg;
    size_t message_offset, message_len;  // digest or message, in bytes_
    size_t signature_offset, signature_len;
  };

  size_t Add(Entry entry, std::span<const uint8_t> message,
             std::span<const uint8_t> signature);
  std::span<const uint8_t> Bytes(size_t offset, size_t len) const {
    return std::span<const uint8_t>(bytes_.data() + offset, len);
  }

  std::vector<Entry> entries_;
  std::vector<uint8_t> bytes_;  // messages and signatures, back to back
  std::vector<RsaBatchItem> rsa_items_;
  std::vector<Ed25519BatchItem> ed25519_items_;
  std::vector<size_t> rsa_tickets_, ed25519_tickets_;
  std::unique_ptr<bool[]> results_, scratch_;
  size_t results_capacity_ = 0;
  size_t done_ = 0;  // entries_[0, done_) have results
  std::unique_ptr<Ed25519BatchVerifier> ed25519_;  // made on first use
};

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CRYPTO_VERIFY_QUEUE_H_
