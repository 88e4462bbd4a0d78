// tests/engine/crypto/ed25519_batch_test.cc
//
// The batched Ed25519 verifier against OpenSSL (EVP_DigestVerify), which is
// the reference: random keys and messages, valid signatures and mangled
// ones, verified by both kernels in full and partial batches; any
// difference fails. The IFMA half skips, saying so, without AVX-512 IFMA.
#include "engine/crypto/ed25519_batch.h"

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace dkimbatch::engine {
namespace {

using Bytes = std::vector<uint8_t>;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey NewKey() {
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  EXPECT_EQ(EVP_PKEY_keygen_init(ctx), 1);
  EXPECT_EQ(EVP_PKEY_keygen(ctx, &key), 1);
  EVP_PKEY_CTX_free(ctx);
  return Pkey(key);
}

Bytes RawPublic(EVP_PKEY* key) {
  Bytes raw(32);
  size_t len = raw.size();
  EXPECT_EQ(EVP_PKEY_get_raw_public_key(key, raw.data(), &len), 1);
  return raw;
}

Bytes Sign(EVP_PKEY* key, const Bytes& message) {
  Bytes sig(64);
  size_t len = sig.size();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EXPECT_EQ(EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key), 1);
  EXPECT_EQ(
      EVP_DigestSign(ctx, sig.data(), &len, message.data(), message.size()), 1);
  EVP_MD_CTX_free(ctx);
  return sig;
}

bool OpensslVerify(const Bytes& raw, const Bytes& message, const Bytes& sig) {
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                              raw.data(), raw.size());
  if (key == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, sig.data(), sig.size(), message.data(),
                             message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

TEST(Ed25519Batch, ValidAndFlippedAgreeWithOpenssl) {
  std::mt19937_64 rng(1);
  for (Ed25519BatchKernel kernel :
       {Ed25519BatchKernel::kScalar, Ed25519BatchKernel::kIfma}) {
    if (!Ed25519BatchKernelSupported(kernel)) {
      GTEST_LOG_(INFO) << "no AVX-512 IFMA: IFMA kernel not tested here";
      continue;
    }
    std::vector<Bytes> raws, messages, sigs;
    for (int i = 0; i < 20; ++i) {
      Pkey key = NewKey();
      Bytes message(32);
      for (uint8_t& b : message) b = static_cast<uint8_t>(rng());
      Bytes sig = Sign(key.get(), message);
      if (i % 3 == 1) sig[rng() % 64] ^= static_cast<uint8_t>(1 << (rng() % 8));
      if (i % 5 == 2) message[rng() % 32] ^= 1;
      raws.push_back(RawPublic(key.get()));
      messages.push_back(message);
      sigs.push_back(sig);
    }
    std::vector<Ed25519BatchKey> keys;
    for (const Bytes& raw : raws) {
      std::optional<Ed25519BatchKey> k = Ed25519BatchKey::Make(raw, kernel);
      ASSERT_TRUE(k.has_value());
      keys.push_back(*k);
    }
    std::vector<Ed25519BatchItem> items;
    for (size_t i = 0; i < keys.size(); ++i) {
      items.push_back(Ed25519BatchItem{&keys[i], messages[i], sigs[i]});
    }
    std::unique_ptr<bool[]> out(new bool[items.size()]);
    Ed25519BatchVerifier verifier;
    verifier.Verify(items, std::span<bool>(out.get(), items.size()), kernel);
    int valid = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      EXPECT_EQ(out[i], OpensslVerify(raws[i], messages[i], sigs[i]))
          << "item " << i << " kernel " << static_cast<int>(kernel);
      valid += out[i];
    }
    EXPECT_GT(valid, 5);
  }
}

}  // namespace
}  // namespace dkimbatch::engine
