// tests/engine/crypto/digest_test.cc
//
// SHA-256 / SHA-1 digests as a ByteSink: known vectors, streaming, reuse.
#include "engine/crypto/digest.h"

#include <cstdint>
#include <string>

#include "gtest/gtest.h"
#include "tests/engine/test_keys.h"

namespace dkimbatch::engine {
namespace {

std::string Hex(const uint8_t* data, size_t len) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < len; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

std::string HexDigest(HashAlg alg, std::string_view data) {
  Digest digest;
  digest.Reset(alg);
  digest.Write(data);
  uint8_t out[kMaxDigestSize];
  size_t len = digest.Final(out);
  EXPECT_EQ(len, DigestSize(alg));
  return Hex(out, len);
}

struct Vector {
  HashAlg alg;
  std::string input;
  std::string hex;
};

class DigestVectors : public ::testing::TestWithParam<Vector> {};

// FIPS 180 examples; the empty string SHA-256 is the bh= of an empty
// relaxed body ("47DEQpj8...").
TEST_P(DigestVectors, Known) {
  EXPECT_EQ(HexDigest(GetParam().alg, GetParam().input), GetParam().hex);
}

INSTANTIATE_TEST_SUITE_P(
    Fips180, DigestVectors,
    ::testing::Values(
        Vector{
            HashAlg::kSha256, "abc",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        Vector{
            HashAlg::kSha256, "",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        Vector{HashAlg::kSha1, "abc",
               "a9993e364706816aba3e25717850c26c9cd0d89d"},
        Vector{HashAlg::kSha1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
        // The simple canonical empty body (CRLF):
        // bh=frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=
        Vector{HashAlg::kSha256, "\r\n",
               "7eb70257593da06f682a3ddda54a9d260d4fc514f645237f5ca74b08f8da61a"
               "6"}));

TEST(Digest, SizesAndEvpMd) {
  EXPECT_EQ(DigestSize(HashAlg::kSha256), 32u);
  EXPECT_EQ(DigestSize(HashAlg::kSha1), 20u);
  EXPECT_NE(EvpMd(HashAlg::kSha256), nullptr);
  EXPECT_NE(EvpMd(HashAlg::kSha1), nullptr);
  EXPECT_NE(EvpMd(HashAlg::kSha256), EvpMd(HashAlg::kSha1));
  EXPECT_EQ(EvpMd(HashAlg::kSha256), EvpMd(HashAlg::kSha256));  // cached
}

TEST(Digest, StreamingEqualsOneShotAndResetReuses) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data += static_cast<char>(i * 131 % 251);
  for (HashAlg alg : {HashAlg::kSha256, HashAlg::kSha1}) {
    const testutil::Bytes want = testutil::Sha(data, alg == HashAlg::kSha1);
    Digest digest;
    for (size_t chunk : {1u, 7u, 4096u, 65536u}) {
      digest.Reset(alg);
      ByteSink* sink = &digest;  // used through the sink interface
      for (size_t pos = 0; pos < data.size(); pos += chunk) {
        sink->Write(std::string_view(data).substr(pos, chunk));
      }
      uint8_t out[kMaxDigestSize];
      size_t len = digest.Final(out);
      EXPECT_EQ(testutil::Bytes(out, out + len), want) << "chunk " << chunk;
    }
  }
}

TEST(Digest, ResetDiscardsPartialInput) {
  Digest digest;
  digest.Reset(HashAlg::kSha1);
  digest.Write("garbage that must not count");
  digest.Reset(HashAlg::kSha256);
  digest.Write("abc");
  uint8_t out[kMaxDigestSize];
  ASSERT_EQ(digest.Final(out), 32u);
  EXPECT_EQ(Hex(out, 32),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace dkimbatch::engine
