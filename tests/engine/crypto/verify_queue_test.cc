// tests/engine/crypto/verify_queue_test.cc
//
// VerifyQueue: tickets, results across several Run() calls, copies of
// the caller's bytes, Clear() and Truncate(), mixed key sizes, RSA and
// Ed25519 items together.
#include "engine/crypto/verify_queue.h"

#include <openssl/core_names.h>

#include <optional>
#include <vector>

#include "gtest/gtest.h"
#include "tests/engine/test_keys.h"

namespace dkimbatch::engine {
namespace {

using testutil::Bytes;

std::optional<RsaBatchKey> BatchKeyOf(EVP_PKEY* key) {
  BIGNUM* n = nullptr;
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) != 1) {
    std::abort();
  }
  Bytes modulus(static_cast<size_t>(BN_num_bytes(n)));
  BN_bn2bin(n, modulus.data());
  BN_free(n);
  return RsaBatchKey::Make(modulus, 65537);
}

TEST(VerifyQueue, ResultsByTicketAcrossRuns) {
  const std::optional<RsaBatchKey> k1024 =
      BatchKeyOf(testutil::CachedRsa(1024));
  const std::optional<RsaBatchKey> k2048 =
      BatchKeyOf(testutil::CachedRsa(2048));
  ASSERT_TRUE(k1024 && k2048);
  VerifyQueue queue;
  std::vector<bool> want;
  for (int round = 0; round < 3; ++round) {
    // 11 items: more than one 8-lane batch, two sizes, some invalid.
    for (int i = 0; i < 11; ++i) {
      const bool big = i % 3 == 0;
      const std::string data = "message " + std::to_string(round * 100 + i);
      Bytes digest = testutil::Sha(data);
      Bytes sig =
          testutil::SignRsa(testutil::CachedRsa(big ? 2048 : 1024), data);
      const bool valid = i % 4 != 1;
      if (!valid) sig[sig.size() / 2] ^= 4;
      const size_t ticket =
          queue.AddRsa(big ? *k2048 : *k1024, HashAlg::kSha256, digest, sig);
      EXPECT_EQ(ticket, want.size());
      want.push_back(valid);
      // The queue holds its own copies.
      digest.assign(digest.size(), 0);
      sig.assign(sig.size(), 0);
    }
    queue.Run();
    queue.Run();  // nothing new: no effect
    ASSERT_EQ(queue.size(), want.size());
    for (size_t t = 0; t < want.size(); ++t) {
      EXPECT_EQ(queue.Result(t), want[t]) << "round " << round << " " << t;
    }
  }
  queue.Clear();
  EXPECT_EQ(queue.size(), 0u);
  const Bytes digest = testutil::Sha("x");
  const Bytes sig = testutil::SignRsa(testutil::CachedRsa(1024), "x");
  EXPECT_EQ(queue.AddRsa(*k1024, HashAlg::kSha256, digest, sig), 0u);
  queue.Run();
  EXPECT_TRUE(queue.Result(0));
}

TEST(VerifyQueue, TruncateDropsLaterItems) {
  const std::optional<RsaBatchKey> key = BatchKeyOf(testutil::CachedRsa(1024));
  ASSERT_TRUE(key);
  VerifyQueue queue;
  const Bytes digest = testutil::Sha("y");
  const Bytes sig = testutil::SignRsa(testutil::CachedRsa(1024), "y");
  queue.AddRsa(*key, HashAlg::kSha256, digest, sig);
  queue.AddRsa(*key, HashAlg::kSha256, digest, Bytes(sig.size(), 1));
  queue.AddRsa(*key, HashAlg::kSha1, digest, sig);
  queue.Truncate(1);
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue.AddRsa(*key, HashAlg::kSha256, digest, sig), 1u);
  queue.Run();
  EXPECT_TRUE(queue.Result(0));
  EXPECT_TRUE(queue.Result(1));
}

// RSA and Ed25519 items interleaved: each result lands on its own ticket.
TEST(VerifyQueue, MixesRsaAndEd25519) {
  const std::optional<RsaBatchKey> rsa = BatchKeyOf(testutil::CachedRsa(1024));
  const std::optional<Ed25519BatchKey> ed =
      Ed25519BatchKey::Make(testutil::RawEd25519(testutil::CachedEd25519()),
                            Ed25519BatchKernel::kScalar);
  ASSERT_TRUE(rsa && ed);
  VerifyQueue queue;
  std::vector<bool> want;
  for (int i = 0; i < 20; ++i) {
    const std::string data = "mixed " + std::to_string(i);
    const bool valid = i % 3 != 2;
    if (i % 2 == 0) {
      const Bytes digest = testutil::Sha(data);
      Bytes sig = testutil::SignEd25519(testutil::CachedEd25519(), digest);
      if (!valid) sig[5] ^= 1;
      EXPECT_EQ(queue.AddEd25519(*ed, digest, sig), want.size());
    } else {
      Bytes sig = testutil::SignRsa(testutil::CachedRsa(1024), data);
      if (!valid) sig[5] ^= 1;
      EXPECT_EQ(queue.AddRsa(*rsa, HashAlg::kSha256, testutil::Sha(data), sig),
                want.size());
    }
    want.push_back(valid);
  }
  queue.Run();
  for (size_t t = 0; t < want.size(); ++t) {
    EXPECT_EQ(queue.Result(t), want[t]) << t;
  }
}

}  // namespace
}  // namespace dkimbatch::engine
