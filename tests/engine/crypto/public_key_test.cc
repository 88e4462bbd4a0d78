// tests/engine/crypto/public_key_test.cc
//
// p= key decoding (RSA SPKI / PKCS#1, Ed25519 raw per RFC 8463) and
// RSA / Ed25519 signature verification, with keys made by OpenSSL here.
#include "engine/crypto/public_key.h"

#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/engine/test_keys.h"

namespace dkimbatch::engine {
namespace {

using testutil::Bytes;
using testutil::CachedEd25519;
using testutil::CachedRsa;

bool Parse(KeyType type, const Bytes& der, PublicKey* out,
           std::string* error = nullptr) {
  std::string local;
  return ParsePublicKey(type, der, out, error != nullptr ? error : &local);
}

struct RsaForm {
  const char* label;
  int bits;
  bool spki;
};

// PrintTo names a table row by its label in failure messages.
void PrintTo(const RsaForm& row, std::ostream* os) { *os << row.label; }

class PublicKeyRsa : public ::testing::TestWithParam<RsaForm> {};

TEST_P(PublicKeyRsa, ParsesBothEncodings) {
  const RsaForm& f = GetParam();
  EVP_PKEY* key = CachedRsa(f.bits);
  const Bytes der = f.spki ? testutil::SpkiDer(key) : testutil::Pkcs1Der(key);
  PublicKey pk;
  std::string error;
  ASSERT_TRUE(Parse(KeyType::kRsa, der, &pk, &error)) << error;
  EXPECT_EQ(pk.type, KeyType::kRsa);
  EXPECT_EQ(pk.bits, f.bits);
  ASSERT_NE(pk.pkey, nullptr);
  EXPECT_EQ(EVP_PKEY_eq(pk.pkey.get(), key), 1);
}

INSTANTIATE_TEST_SUITE_P(Rfc6376, PublicKeyRsa,
                         ::testing::Values(RsaForm{"spki_1024", 1024, true},
                                           RsaForm{"pkcs1_1024", 1024, false},
                                           RsaForm{"spki_2048", 2048, true},
                                           RsaForm{"pkcs1_2048", 2048, false},
                                           RsaForm{"spki_512", 512, true},
                                           RsaForm{"pkcs1_512", 512, false}),
                         [](const ::testing::TestParamInfo<RsaForm>& p) {
                           return std::string(p.param.label);
                         });

TEST(PublicKey, RejectsGarbageAndTruncatedRsa) {
  PublicKey pk;
  std::string error;
  EXPECT_FALSE(Parse(KeyType::kRsa, testutil::ToBytes("testkey"), &pk, &error));
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(pk.pkey, nullptr);
  EXPECT_FALSE(Parse(KeyType::kRsa, Bytes(), &pk));
  EXPECT_FALSE(Parse(KeyType::kRsa, Bytes(300, 0x30), &pk));
  for (const Bytes& full : {testutil::SpkiDer(CachedRsa(1024)),
                            testutil::Pkcs1Der(CachedRsa(1024))}) {
    for (size_t cut :
         {size_t{1}, size_t{10}, full.size() / 2, full.size() - 1}) {
      Bytes truncated(full.begin(), full.begin() + (full.size() - cut));
      EXPECT_FALSE(Parse(KeyType::kRsa, truncated, &pk))
          << "cut " << cut << " of " << full.size();
    }
    // Trailing junk after a complete key is not a key either.
    Bytes extended = full;
    extended.push_back(0);
    EXPECT_FALSE(Parse(KeyType::kRsa, extended, &pk));
  }
}

TEST(PublicKey, RsaTypeRejectsEd25519KeyAndViceVersa) {
  PublicKey pk;
  EXPECT_FALSE(Parse(KeyType::kRsa, testutil::SpkiDer(CachedEd25519()), &pk));
  EXPECT_FALSE(
      Parse(KeyType::kRsa, testutil::RawEd25519(CachedEd25519()), &pk));
  EXPECT_FALSE(
      Parse(KeyType::kEd25519, testutil::SpkiDer(CachedRsa(1024)), &pk));
  EXPECT_FALSE(
      Parse(KeyType::kUnknown, testutil::SpkiDer(CachedRsa(1024)), &pk));
}

TEST(PublicKey, Ed25519Raw32Bytes) {
  EVP_PKEY* key = CachedEd25519();
  const Bytes raw = testutil::RawEd25519(key);
  ASSERT_EQ(raw.size(), 32u);
  PublicKey pk;
  std::string error;
  ASSERT_TRUE(Parse(KeyType::kEd25519, raw, &pk, &error)) << error;
  EXPECT_EQ(pk.type, KeyType::kEd25519);
  EXPECT_EQ(EVP_PKEY_eq(pk.pkey.get(), key), 1);
  // Wrong lengths are not keys.
  EXPECT_FALSE(
      Parse(KeyType::kEd25519, Bytes(raw.begin(), raw.end() - 1), &pk));
  Bytes longer = raw;
  longer.push_back(1);
  EXPECT_FALSE(Parse(KeyType::kEd25519, longer, &pk));
  EXPECT_FALSE(Parse(KeyType::kEd25519, Bytes(), &pk));
}

TEST(PublicKey, VerifyRsaAcceptsAndRejects) {
  const std::string data = "canonical header data\r\n";
  for (int bits : {1024, 2048}) {
    EVP_PKEY* key = CachedRsa(bits);
    PublicKey pk;
    ASSERT_TRUE(Parse(KeyType::kRsa, testutil::SpkiDer(key), &pk));
    for (bool sha1 : {false, true}) {
      const HashAlg alg = sha1 ? HashAlg::kSha1 : HashAlg::kSha256;
      const Bytes digest = testutil::Sha(data, sha1);
      const Bytes sig = testutil::SignRsa(key, data, sha1);
      EXPECT_TRUE(VerifyRsa(pk, alg, digest, sig)) << bits << " " << sha1;
      // Any single flipped bit in the signature fails.
      for (size_t bit : {size_t{0}, sig.size() * 4, sig.size() * 8 - 1}) {
        Bytes bad = sig;
        bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        EXPECT_FALSE(VerifyRsa(pk, alg, digest, bad)) << "bit " << bit;
      }
      // A flipped bit in the digest fails.
      Bytes bad_digest = digest;
      bad_digest[3] ^= 0x10;
      EXPECT_FALSE(VerifyRsa(pk, alg, bad_digest, sig));
      // Truncated or empty signatures fail.
      EXPECT_FALSE(
          VerifyRsa(pk, alg, digest, Bytes(sig.begin(), sig.end() - 1)));
      EXPECT_FALSE(VerifyRsa(pk, alg, digest, Bytes()));
    }
    // Wrong hash algorithm: a SHA-256 signature checked as SHA-1 (with the
    // SHA-1 digest, or the SHA-256 digest under the SHA-1 label).
    const Bytes sig256 = testutil::SignRsa(key, data, false);
    EXPECT_FALSE(
        VerifyRsa(pk, HashAlg::kSha1, testutil::Sha(data, true), sig256));
    EXPECT_FALSE(
        VerifyRsa(pk, HashAlg::kSha1, testutil::Sha(data, false), sig256));
    const Bytes sig1 = testutil::SignRsa(key, data, true);
    EXPECT_FALSE(
        VerifyRsa(pk, HashAlg::kSha256, testutil::Sha(data, false), sig1));
  }
}

TEST(PublicKey, VerifyRsaRejectsOtherKey) {
  const std::string data = "x";
  PublicKey other;
  ASSERT_TRUE(
      Parse(KeyType::kRsa, testutil::Pkcs1Der(CachedRsa(1024, 1)), &other));
  const Bytes sig = testutil::SignRsa(CachedRsa(1024, 0), data);
  EXPECT_FALSE(VerifyRsa(other, HashAlg::kSha256, testutil::Sha(data), sig));
}

// RFC 8463 §3: Ed25519 signs the SHA-256 hash of the canonical header data
// (PureEd25519 over those 32 bytes).
TEST(PublicKey, VerifyEd25519AcceptsAndRejects) {
  EVP_PKEY* key = CachedEd25519();
  PublicKey pk;
  ASSERT_TRUE(Parse(KeyType::kEd25519, testutil::RawEd25519(key), &pk));
  const Bytes message = testutil::Sha("canonical header data\r\n");
  const Bytes sig = testutil::SignEd25519(key, message);
  ASSERT_EQ(sig.size(), 64u);
  EXPECT_TRUE(VerifyEd25519(pk, message, sig));
  for (size_t bit : {size_t{0}, size_t{100}, size_t{511}}) {
    Bytes bad = sig;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(VerifyEd25519(pk, message, bad)) << "bit " << bit;
  }
  Bytes bad_message = message;
  bad_message[0] ^= 1;
  EXPECT_FALSE(VerifyEd25519(pk, bad_message, sig));
  EXPECT_FALSE(VerifyEd25519(pk, message, Bytes(sig.begin(), sig.end() - 1)));
  PublicKey other;
  ASSERT_TRUE(
      Parse(KeyType::kEd25519, testutil::RawEd25519(CachedEd25519(1)), &other));
  EXPECT_FALSE(VerifyEd25519(other, message, sig));
}

// Ed25519 p= given as SubjectPublicKeyInfo is accepted too (engine choice;
// RFC 8463 says raw, some publishers use SPKI).
TEST(PublicKey, Ed25519SpkiAccepted) {
  EVP_PKEY* key = CachedEd25519();
  PublicKey pk;
  ASSERT_TRUE(Parse(KeyType::kEd25519, testutil::SpkiDer(key), &pk));
  EXPECT_EQ(EVP_PKEY_eq(pk.pkey.get(), key), 1);
}

}  // namespace
}  // namespace dkimbatch::engine
