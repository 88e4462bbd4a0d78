// engine/crypto/private_key.cc
//
// PEM private keys and signing through OpenSSL 3 EVP.
#include "engine/crypto/private_key.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

namespace dkimbatch::engine {

bool ParsePrivateKeyPem(std::string_view pem, PrivateKey* out,
                        std::string* error) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) {
    *error = "out of memory";
    return false;
  }
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ERR_clear_error();
  if (pkey == nullptr) {
    *error = "not a PEM private key";
    return false;
  }
  out->pkey.reset(pkey);
  switch (EVP_PKEY_get_id(pkey)) {
    case EVP_PKEY_RSA:
      out->type = KeyType::kRsa;
      out->bits = EVP_PKEY_get_bits(pkey);
      return true;
    case EVP_PKEY_ED25519:
      out->type = KeyType::kEd25519;
      out->bits = 256;
      return true;
    default:
      out->pkey.reset();
      *error = "not an RSA or Ed25519 private key";
      return false;
  }
}

bool SignRsa(const PrivateKey& key, HashAlg alg,
             std::span<const uint8_t> digest, std::vector<uint8_t>* out) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key.pkey.get(), nullptr);
  if (ctx == nullptr) return false;
  size_t len = 0;
  bool ok =
      EVP_PKEY_sign_init(ctx) == 1 &&
      EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
      EVP_PKEY_CTX_set_signature_md(ctx, EvpMd(alg)) == 1 &&
      EVP_PKEY_sign(ctx, nullptr, &len, digest.data(), digest.size()) == 1;
  if (ok) {
    out->resize(len);
    ok = EVP_PKEY_sign(ctx, out->data(), &len, digest.data(), digest.size()) ==
         1;
    out->resize(len);
  }
  EVP_PKEY_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

bool SignEd25519(const PrivateKey& key, std::span<const uint8_t> message,
                 std::vector<uint8_t>* out) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  size_t len = 64;
  out->resize(len);
  bool ok =
      EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key.pkey.get()) == 1 &&
      EVP_DigestSign(ctx, out->data(), &len, message.data(), message.size()) ==
          1;
  out->resize(ok ? len : 0);
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

std::string Base64Encode(std::span<const uint8_t> bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) |
                 bytes[i + 2];
    out.push_back(kAlphabet[v >> 18]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (i < bytes.size()) {
    uint32_t v = uint32_t{bytes[i]} << 16;
    if (i + 1 < bytes.size()) v |= uint32_t{bytes[i + 1]} << 8;
    out.push_back(kAlphabet[v >> 18]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string PublicKeyRecordValue(const PrivateKey& key) {
  std::vector<uint8_t> der;
  if (key.type == KeyType::kEd25519) {
    size_t len = 32;
    der.resize(len);
    if (EVP_PKEY_get_raw_public_key(key.pkey.get(), der.data(), &len) != 1) {
      ERR_clear_error();
      return "";
    }
    der.resize(len);
  } else {
    int len = i2d_PUBKEY(key.pkey.get(), nullptr);
    if (len <= 0) return "";
    der.resize(static_cast<size_t>(len));
    unsigned char* p = der.data();
    i2d_PUBKEY(key.pkey.get(), &p);
  }
  return Base64Encode(der);
}

}  // namespace dkimbatch::engine
