// engine/crypto/public_key.cc
//
// Key decoding and EVP verification.
#include "engine/crypto/public_key.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

namespace dkimbatch::engine {

void PkeyDeleter::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

bool ParsePublicKey(KeyType type, std::span<const uint8_t> der, PublicKey* out,
                    std::string* error) {
  out->pkey.reset();
  out->type = type;
  out->bits = 0;
  EVP_PKEY* pkey = nullptr;
  if (type == KeyType::kEd25519) {
    if (der.size() == 32) {
      pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, der.data(),
                                         der.size());
    } else {
      const unsigned char* p = der.data();
      pkey = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
      if (pkey != nullptr && EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(pkey);
        pkey = nullptr;
      }
    }
    if (pkey == nullptr) {
      ERR_clear_error();
      *error = "p= is not a 32-byte Ed25519 public key";
      return false;
    }
  } else if (type == KeyType::kRsa) {
    const unsigned char* p = der.data();
    pkey = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
    if (pkey != nullptr && (EVP_PKEY_get_id(pkey) != EVP_PKEY_RSA ||
                            p != der.data() + der.size())) {
      EVP_PKEY_free(pkey);
      pkey = nullptr;
    }
    if (pkey == nullptr) {
      p = der.data();
      pkey = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p,
                           static_cast<long>(der.size()));
      if (pkey != nullptr && p != der.data() + der.size()) {
        EVP_PKEY_free(pkey);
        pkey = nullptr;
      }
    }
    if (pkey == nullptr) {
      ERR_clear_error();
      *error = "p= is not an RSA public key";
      return false;
    }
  } else {
    *error = "unknown key type";
    return false;
  }
  out->pkey.reset(pkey);
  // Ed25519 keys are reported by their size (256 bits), not OpenSSL's 253.
  out->bits = type == KeyType::kEd25519 ? 256 : EVP_PKEY_get_bits(pkey);
  return true;
}

bool VerifyRsa(const PublicKey& key, HashAlg alg,
               std::span<const uint8_t> digest,
               std::span<const uint8_t> signature) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key.pkey.get(), nullptr);
  if (ctx == nullptr) return false;
  bool ok = EVP_PKEY_verify_init(ctx) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
            EVP_PKEY_CTX_set_signature_md(ctx, EvpMd(alg)) == 1 &&
            EVP_PKEY_verify(ctx, signature.data(), signature.size(),
                            digest.data(), digest.size()) == 1;
  EVP_PKEY_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

bool VerifyEd25519(const PublicKey& key, std::span<const uint8_t> message,
                   std::span<const uint8_t> signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr,
                                 key.pkey.get()) == 1 &&
            EVP_DigestVerify(ctx, signature.data(), signature.size(),
                             message.data(), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

}  // namespace dkimbatch::engine
