// engine/crypto/verify_contexts.cc
//
// Reused OpenSSL verify contexts: an RSA EVP_PKEY_CTX per (key, hash), set up
// once (verify init, PKCS#1 v1.5 padding, digest) and then only verified
// with; one EVP_MD_CTX for Ed25519.
#include "engine/crypto/verify_contexts.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

namespace dkimbatch::engine {

void VerifyContexts::PkeyCtxDeleter::operator()(EVP_PKEY_CTX* ctx) const {
  EVP_PKEY_CTX_free(ctx);
}

void VerifyContexts::MdCtxDeleter::operator()(EVP_MD_CTX* ctx) const {
  EVP_MD_CTX_free(ctx);
}

VerifyContexts::VerifyContexts() = default;
VerifyContexts::~VerifyContexts() = default;
VerifyContexts::VerifyContexts(VerifyContexts&&) noexcept = default;
VerifyContexts& VerifyContexts::operator=(VerifyContexts&&) noexcept = default;

bool VerifyContexts::VerifyRsa(const PublicKey& key, HashAlg alg,
                               std::span<const uint8_t> digest,
                               std::span<const uint8_t> signature) {
  auto slot = std::make_pair(static_cast<const EVP_PKEY*>(key.pkey.get()), alg);
  auto it = rsa_.find(slot);
  if (it == rsa_.end()) {
    if (rsa_.size() >= kMaxContexts) rsa_.clear();
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(
        EVP_PKEY_CTX_new(key.pkey.get(), nullptr));
    if (ctx == nullptr || EVP_PKEY_verify_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx.get(), EvpMd(alg)) != 1) {
      ERR_clear_error();
      return false;
    }
    it = rsa_.emplace(slot, std::move(ctx)).first;
  }
  bool ok =
      EVP_PKEY_verify(it->second.get(), signature.data(), signature.size(),
                      digest.data(), digest.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

bool VerifyContexts::VerifyEd25519(const PublicKey& key,
                                   std::span<const uint8_t> message,
                                   std::span<const uint8_t> signature) {
  // OpenSSL 3.0 offers Ed25519 only as a one-shot EVP_DigestVerify, which
  // finalises its context: the context is reset and set up for each call.
  if (md_ctx_ == nullptr) {
    md_ctx_.reset(EVP_MD_CTX_new());
    if (md_ctx_ == nullptr) return false;
  } else {
    EVP_MD_CTX_reset(md_ctx_.get());
  }
  bool ok = EVP_DigestVerifyInit(md_ctx_.get(), nullptr, nullptr, nullptr,
                                 key.pkey.get()) == 1 &&
            EVP_DigestVerify(md_ctx_.get(), signature.data(), signature.size(),
                             message.data(), message.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace dkimbatch::engine
