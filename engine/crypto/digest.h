// engine/crypto/digest.h
//
// SHA-256 / SHA-1 through OpenSSL 3 EVP, as a ByteSink so canonicalization
// streams straight into it. A Digest is reusable: Reset() starts over.
#ifndef DKIMBATCH_ENGINE_CRYPTO_DIGEST_H_
#define DKIMBATCH_ENGINE_CRYPTO_DIGEST_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/canon/sink.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_md_st EVP_MD;

namespace dkimbatch::engine {

enum class HashAlg : uint8_t { kSha256, kSha1 };

inline constexpr size_t kMaxDigestSize = 32;

// DigestSize returns 32 for SHA-256, 20 for SHA-1.
size_t DigestSize(HashAlg alg);

// EvpMd returns the (fetched once, shared) OpenSSL EVP_MD for `alg`.
const EVP_MD* EvpMd(HashAlg alg);

class Digest final : public ByteSink {
 public:
  Digest();
  ~Digest() override;
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  // Reset starts a new digest with `alg`.
  void Reset(HashAlg alg);
  void Write(std::string_view bytes) override;
  // Final writes the digest to `out` (kMaxDigestSize bytes of room) and
  // returns its length.
  size_t Final(uint8_t* out);

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CRYPTO_DIGEST_H_
