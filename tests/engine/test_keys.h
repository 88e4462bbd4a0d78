// tests/engine/test_keys.h
//
// Test-only key material and signing through OpenSSL EVP directly (never the
// engine): RSA / Ed25519 key generation, public key export (SPKI, PKCS#1,
// raw), signing, SHA digests and a base64 encoder.
#ifndef DKIMBATCH_TESTS_ENGINE_TEST_KEYS_H_
#define DKIMBATCH_TESTS_ENGINE_TEST_KEYS_H_

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dkimbatch::testutil {

using Bytes = std::vector<uint8_t>;

struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

// GenerateRsa makes a fresh RSA key of `bits` (aborts on failure).
inline PkeyPtr GenerateRsa(int bits) {
  EVP_PKEY* key =
      EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
  if (key == nullptr) std::abort();
  return PkeyPtr(key);
}

inline PkeyPtr GenerateEd25519() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) std::abort();
  return PkeyPtr(key);
}

// CachedRsa returns a process-wide RSA key of `bits`; `slot` tells apart
// several keys of one size. Key generation is slow; tests share keys.
inline EVP_PKEY* CachedRsa(int bits, int slot = 0) {
  static auto* keys = new std::map<std::pair<int, int>, PkeyPtr>();
  PkeyPtr& key = (*keys)[{bits, slot}];
  if (!key) key = GenerateRsa(bits);
  return key.get();
}

inline EVP_PKEY* CachedEd25519(int slot = 0) {
  static auto* keys = new std::map<int, PkeyPtr>();
  PkeyPtr& key = (*keys)[slot];
  if (!key) key = GenerateEd25519();
  return key.get();
}

// SpkiDer: SubjectPublicKeyInfo DER (i2d_PUBKEY).
inline Bytes SpkiDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  if (len <= 0) std::abort();
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

// Pkcs1Der: bare RSAPublicKey DER (i2d_PublicKey on an RSA key).
inline Bytes Pkcs1Der(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PublicKey(key, &der);
  if (len <= 0) std::abort();
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

// RawEd25519: the 32-byte public key (RFC 8463 p=).
inline Bytes RawEd25519(EVP_PKEY* key) {
  size_t len = 0;
  if (EVP_PKEY_get_raw_public_key(key, nullptr, &len) != 1) std::abort();
  Bytes out(len);
  if (EVP_PKEY_get_raw_public_key(key, out.data(), &len) != 1) std::abort();
  return out;
}

// Sha computes SHA-256 (`sha1` false) or SHA-1 of `data` with EVP_Digest.
inline Bytes Sha(std::string_view data, bool sha1 = false) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len,
                 sha1 ? EVP_sha1() : EVP_sha256(), nullptr) != 1) {
    std::abort();
  }
  return Bytes(md, md + len);
}

// SignRsa signs `data` (hashing it itself) with RSASSA-PKCS1-v1_5.
inline Bytes SignRsa(EVP_PKEY* key, std::string_view data, bool sha1 = false) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  if (EVP_DigestSignInit(ctx, nullptr, sha1 ? EVP_sha1() : EVP_sha256(),
                         nullptr, key) != 1 ||
      EVP_DigestSign(ctx, nullptr, &len,
                     reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    std::abort();
  }
  Bytes sig(len);
  if (EVP_DigestSign(ctx, sig.data(), &len,
                     reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    std::abort();
  }
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  return sig;
}

// SignEd25519 makes a PureEd25519 signature over `message`.
inline Bytes SignEd25519(EVP_PKEY* key, const Bytes& message) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 64;
  Bytes sig(len);
  if (EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key) != 1 ||
      EVP_DigestSign(ctx, sig.data(), &len, message.data(), message.size()) !=
          1) {
    std::abort();
  }
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  return sig;
}

// Ed25519FromSeed: the private key whose 32-byte secret is `seed`.
inline PkeyPtr Ed25519FromSeed(const Bytes& seed) {
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                               seed.data(), seed.size());
  if (key == nullptr) std::abort();
  return PkeyPtr(key);
}

// VerifyEd25519Raw: OpenSSL's verdict on a PureEd25519 `sig` over `message`
// with the 32-byte public key `raw` (false when `raw` is not a key). The
// reference the batched verifier is compared with.
inline bool VerifyEd25519Raw(const Bytes& raw, const Bytes& message,
                             const Bytes& sig) {
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                              raw.data(), raw.size());
  if (key == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, sig.data(), sig.size(), message.data(),
                       message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

// Base64Encode: RFC 4648 with padding.
inline std::string Base64Encode(const Bytes& data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (data.size() - i == 1) {
    uint32_t v = data[i] << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (data.size() - i == 2) {
    uint32_t v = (data[i] << 16) | (data[i + 1] << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

inline Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

}  // namespace dkimbatch::testutil

#endif  // DKIMBATCH_TESTS_ENGINE_TEST_KEYS_H_
