// engine/crypto/verify_contexts.h
//
// Per-thread OpenSSL verify contexts, initialised once per (key, hash) and
// reused for every signature that key checks, instead of a new EVP context
// per verification.
#ifndef DKIMBATCH_ENGINE_CRYPTO_VERIFY_CONTEXTS_H_
#define DKIMBATCH_ENGINE_CRYPTO_VERIFY_CONTEXTS_H_

#include <cstdint>
#include <memory>
#include <span>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "engine/crypto/digest.h"
#include "engine/crypto/public_key.h"

typedef struct evp_pkey_ctx_st EVP_PKEY_CTX;
typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace dkimbatch::engine {

// VerifyContexts is not thread-safe: one per thread. The keys passed in must
// outlive it (they live in the KeyStore's parsed-key cache).
class VerifyContexts {
 public:
  VerifyContexts();
  ~VerifyContexts();
  VerifyContexts(VerifyContexts&&) noexcept;
  VerifyContexts& operator=(VerifyContexts&&) noexcept;

  // Same contracts as VerifyRsa / VerifyEd25519 in public_key.h.
  bool VerifyRsa(const PublicKey& key, HashAlg alg,
                 std::span<const uint8_t> digest,
                 std::span<const uint8_t> signature);
  bool VerifyEd25519(const PublicKey& key, std::span<const uint8_t> message,
                     std::span<const uint8_t> signature);

 private:
  struct PkeyCtxDeleter {
    void operator()(EVP_PKEY_CTX* ctx) const;
  };
  struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const;
  };
  // Bounded: past this many (key, hash) pairs the cache starts afresh.
  static constexpr size_t kMaxContexts = 1024;

  absl::flat_hash_map<std::pair<const EVP_PKEY*, HashAlg>,
                      std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>>
      rsa_;
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> md_ctx_;
};

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CRYPTO_VERIFY_CONTEXTS_H_
