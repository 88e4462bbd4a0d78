// engine/crypto/public_key.h
//
// Public keys from key records' p= (RSA as SubjectPublicKeyInfo or bare
// RSAPublicKey, Ed25519 as 32 raw bytes per RFC 8463) and signature
// verification through OpenSSL 3 EVP.
#ifndef DKIMBATCH_ENGINE_CRYPTO_PUBLIC_KEY_H_
#define DKIMBATCH_ENGINE_CRYPTO_PUBLIC_KEY_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "engine/crypto/digest.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace dkimbatch::engine {

struct RsaBatchKey;      // rsa_batch.h
struct Ed25519BatchKey;  // ed25519_batch.h

enum class KeyType : uint8_t { kRsa, kEd25519, kUnknown };

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const;
};

struct PublicKey {
  std::unique_ptr<EVP_PKEY, PkeyDeleter> pkey;
  KeyType type = KeyType::kUnknown;
  int bits = 0;
  // The key prepared for batched verification (rsa_batch.h), when it is an
  // RSA key the batched verifier takes and RsaBatchAvailable(); else null.
  std::shared_ptr<const RsaBatchKey> rsa_batch;
  // Likewise for Ed25519 keys (ed25519_batch.h) when Ed25519BatchAvailable()
  // and the key is a point; else null.
  std::shared_ptr<const Ed25519BatchKey> ed25519_batch;
};

// ParsePublicKey parses the decoded p= bytes `der` as a key of `type` into
// `*out`. Returns false, with a reason in `*error`, when the bytes are not a
// key of that type. It also prepares `out->rsa_batch` or
// `out->ed25519_batch` (once per key: the parsed-key cache keeps it).
bool ParsePublicKey(KeyType type, std::span<const uint8_t> der, PublicKey* out,
                    std::string* error);

// VerifyRsa checks an RSASSA-PKCS1-v1_5 `signature` over the precomputed
// `digest` (of `alg`). False on any mismatch or malformed signature.
bool VerifyRsa(const PublicKey& key, HashAlg alg,
               std::span<const uint8_t> digest,
               std::span<const uint8_t> signature);

// VerifyEd25519 checks a PureEd25519 `signature` over `message` (for DKIM,
// the SHA-256 of the canonical header data, RFC 8463 §3).
bool VerifyEd25519(const PublicKey& key, std::span<const uint8_t> message,
                   std::span<const uint8_t> signature);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CRYPTO_PUBLIC_KEY_H_
