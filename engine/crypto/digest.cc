// engine/crypto/digest.cc
//
// EVP digest wrapper. The EVP_MD objects are fetched once (explicit fetch
// avoids a provider lookup per message in OpenSSL 3).
#include "engine/crypto/digest.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace dkimbatch::engine {

size_t DigestSize(HashAlg alg) { return alg == HashAlg::kSha256 ? 32 : 20; }

const EVP_MD* EvpMd(HashAlg alg) {
  static const EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static const EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  return alg == HashAlg::kSha256 ? sha256 : sha1;
}

Digest::Digest() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr) std::abort();  // out of memory
}

Digest::~Digest() { EVP_MD_CTX_free(ctx_); }

void Digest::Reset(HashAlg alg) {
  if (EVP_DigestInit_ex(ctx_, EvpMd(alg), nullptr) != 1) std::abort();
}

void Digest::Write(std::string_view bytes) {
  EVP_DigestUpdate(ctx_, bytes.data(), bytes.size());
}

size_t Digest::Final(uint8_t* out) {
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, out, &len);
  return len;
}

}  // namespace dkimbatch::engine
