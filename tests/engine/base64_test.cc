// tests/engine/base64_test.cc
//
// Base64 decoding of b=, bh= and p= values: FWS, padding, malformed input.
#include "engine/base64.h"

#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/engine/test_keys.h"

namespace dkimbatch::engine {
namespace {

struct GoodCase {
  const char* label;
  std::string text;
  std::string decoded;
};

// PrintTo names a table row by its label in failure messages.
void PrintTo(const GoodCase& row, std::ostream* os) { *os << row.label; }

class Base64Good : public ::testing::TestWithParam<GoodCase> {};

TEST_P(Base64Good, Decodes) {
  const GoodCase& c = GetParam();
  std::vector<uint8_t> out = {0xde, 0xad};  // replaced, not appended to
  ASSERT_TRUE(Base64Decode(c.text, &out));
  EXPECT_EQ(std::string(out.begin(), out.end()), c.decoded);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc4648, Base64Good,
    ::testing::Values(
        GoodCase{"empty", "", ""}, GoodCase{"fws_only", " \r\n\t", ""},
        // RFC 4648 §10 test vectors, padded and unpadded.
        GoodCase{"f_pad", "Zg==", "f"}, GoodCase{"f_nopad", "Zg", "f"},
        GoodCase{"fo_pad", "Zm8=", "fo"}, GoodCase{"fo_nopad", "Zm8", "fo"},
        GoodCase{"foo", "Zm9v", "foo"},
        GoodCase{"foob_pad", "Zm9vYg==", "foob"},
        GoodCase{"foob_nopad", "Zm9vYg", "foob"},
        GoodCase{"fooba_pad", "Zm9vYmE=", "fooba"},
        GoodCase{"fooba_nopad", "Zm9vYmE", "fooba"},
        GoodCase{"foobar", "Zm9vYmFy", "foobar"},
        GoodCase{"folded_crlf", "Zm9v\r\n YmFy", "foobar"},
        GoodCase{"folded_lf_tab", "Zm9v\n\tYmFy", "foobar"},
        GoodCase{"spaces_everywhere", " Z m 9 v Y m F y ", "foobar"},
        GoodCase{"fws_inside_padding", "Zg= \r\n =", "f"},
        GoodCase{"fws_after_padding", "Zm8= \r\n", "fo"},
        GoodCase{"plus_slash", "+/+/", "\xfb\xff\xbf"}),
    [](const ::testing::TestParamInfo<GoodCase>& p) {
      return std::string(p.param.label);
    });

struct BadCase {
  const char* label;
  std::string text;
};

void PrintTo(const BadCase& row, std::ostream* os) { *os << row.label; }

class Base64Bad : public ::testing::TestWithParam<BadCase> {};

TEST_P(Base64Bad, Rejects) {
  std::vector<uint8_t> out;
  EXPECT_FALSE(Base64Decode(GetParam().text, &out));
}

INSTANTIATE_TEST_SUITE_P(
    Rfc4648, Base64Bad,
    ::testing::Values(
        BadCase{"bang", "Zm9v!mFy"}, BadCase{"url_safe_minus", "Zm9v-_Fy"},
        BadCase{"semicolon", "Zm9v;"}, BadCase{"nul", {"Zm\0v", 4}},
        BadCase{"high_byte", "Zm9v\xc3\xa9"},
        BadCase{"data_after_pad", "Zg==Zg=="},
        BadCase{"data_after_single_pad", "Zm8=Zm8="},
        BadCase{"pad_in_middle", "Zm=9v"}, BadCase{"three_pads", "Zg==="},
        BadCase{"four_pads", "===="}, BadCase{"lone_sextet", "Z"},
        BadCase{"lone_sextet_after_quad", "Zm9vY"},
        BadCase{"lone_sextet_padded", "Zm9vY==="},
        BadCase{"wrong_padding_count", "Zm8=="}),
    [](const ::testing::TestParamInfo<BadCase>& p) {
      return std::string(p.param.label);
    });

// Round trip on random data of every length 0..200, with random FWS folded
// in and padding kept or dropped.
TEST(Base64, RandomRoundTripWithFolding) {
  std::mt19937 rng(6376);
  for (size_t len = 0; len <= 200; ++len) {
    testutil::Bytes data(len);
    for (uint8_t& b : data) b = static_cast<uint8_t>(rng());
    std::string encoded = testutil::Base64Encode(data);
    if (rng() % 2 == 0) {
      while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
    }
    std::string folded;
    for (char ch : encoded) {
      folded += ch;
      switch (rng() % 16) {
        case 0:
          folded += "\r\n ";
          break;
        case 1:
          folded += "\n\t";
          break;
        case 2:
          folded += ' ';
          break;
        default:
          break;
      }
    }
    std::vector<uint8_t> out;
    ASSERT_TRUE(Base64Decode(folded, &out)) << "len " << len << ": " << folded;
    EXPECT_EQ(out, data) << "len " << len;
  }
}

}  // namespace
}  // namespace dkimbatch::engine
