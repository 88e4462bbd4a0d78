// engine/crypto/private_key.h
//
// Private keys for signing (RSA, Ed25519) from PEM text, RSASSA-PKCS1-v1_5
// and PureEd25519 signing, and the matching public key record value (p=).
// PEM text comes in as bytes: reading the file is the caller's business.
#ifndef DKIMBATCH_ENGINE_CRYPTO_PRIVATE_KEY_H_
#define DKIMBATCH_ENGINE_CRYPTO_PRIVATE_KEY_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/crypto/digest.h"
#include "engine/crypto/public_key.h"

namespace dkimbatch::engine {

struct PrivateKey {
  std::unique_ptr<EVP_PKEY, PkeyDeleter> pkey;
  KeyType type = KeyType::kUnknown;
  int bits = 0;
};

// ParsePrivateKeyPem reads a PEM private key (PKCS#8 or traditional RSA)
// into `*out`. Returns false with `*error` when it is not an RSA or Ed25519
// private key.
bool ParsePrivateKeyPem(std::string_view pem, PrivateKey* out,
                        std::string* error);

// SignRsa makes an RSASSA-PKCS1-v1_5 signature over the precomputed
// `digest` of `alg`. Returns false on an OpenSSL failure.
bool SignRsa(const PrivateKey& key, HashAlg alg,
             std::span<const uint8_t> digest, std::vector<uint8_t>* out);

// SignEd25519 makes a PureEd25519 signature over `message`.
bool SignEd25519(const PrivateKey& key, std::span<const uint8_t> message,
                 std::vector<uint8_t>* out);

// PublicKeyRecordValue returns the base64 p= value for `key`'s public half:
// SubjectPublicKeyInfo for RSA, the 32 raw bytes for Ed25519 (RFC 8463).
std::string PublicKeyRecordValue(const PrivateKey& key);

// Base64Encode encodes `bytes` (RFC 4648, padded, no line breaks).
std::string Base64Encode(std::span<const uint8_t> bytes);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CRYPTO_PRIVATE_KEY_H_
