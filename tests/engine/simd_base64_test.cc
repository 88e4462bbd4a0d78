// tests/engine/simd_base64_test.cc
//
// Differential tests of base64 decoding: every vector level this CPU runs
// against the scalar reference, on random valid text (with and without
// padding, folded with FWS anywhere), on every length 0..300, with an
// invalid byte at every position, and with '=' at every position. The
// result (and on success the bytes) must be the same.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base64.h"
#include "engine/base64_internal.h"
#include "engine/simd/cpu.h"
#include "gtest/gtest.h"
#include "tests/engine/simd_test_util.h"

namespace dkimbatch::engine {
namespace {

using simd::SimdLevel;
using testutil::Printable;
using testutil::RandomBytes;
using testutil::VectorLevels;

using DecodeFn = bool (*)(std::string_view, std::vector<uint8_t>*);

DecodeFn DecodeFnFor(SimdLevel level) {
  return ForLevel<DecodeFn>(level, internal::Base64DecodeAvx512,
                            internal::Base64DecodeAvx2,
                            internal::Base64DecodeScalar);
}

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// ExpectSameAsScalar compares every vector level with scalar on `text`;
// `*ok_count` counts inputs the scalar decoder accepts.
bool ExpectSameAsScalar(std::string_view text, std::string_view label,
                        int* ok_count = nullptr) {
  std::vector<uint8_t> want;
  const bool want_ok = internal::Base64DecodeScalar(text, &want);
  if (want_ok && ok_count != nullptr) ++*ok_count;
  for (SimdLevel level : VectorLevels()) {
    std::vector<uint8_t> got = {1, 2, 3};  // replaced, not appended to
    const bool got_ok = DecodeFnFor(level)(text, &got);
    if (got_ok == want_ok && (!want_ok || got == want)) continue;
    ADD_FAILURE() << simd::SimdLevelName(level) << " differs from scalar on "
                  << label << ": text " << Printable(text) << "\n  scalar "
                  << (want_ok ? "accepts" : "rejects") << ", "
                  << simd::SimdLevelName(level) << " "
                  << (got_ok ? "accepts" : "rejects")
                  << (got_ok && want_ok ? " with other bytes" : "");
    return false;
  }
  return true;
}

std::string RandomBase64(RandomBytes& rng, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += kAlphabet[rng.Below(64)];
  return s;
}

// Fold inserts FWS at random places.
std::string Fold(RandomBytes& rng, std::string_view s, size_t every) {
  static const std::vector<std::string> kFws = {
      " ", "\t", "\r\n\t", "\n ", "\r\n \t", "  ", "\r", "\n"};
  std::string out;
  for (char c : s) {
    if (rng.Below(every) == 0) out += kFws[rng.Below(kFws.size())];
    out += c;
  }
  return out;
}

TEST(SimdBase64, KnownVectors) {
  const std::vector<std::string> cases = {
      "",         " \r\n\t",  "Zg==",         "Zg",         "Zm8=",
      "Zm8",      "Zm9v",     "Zm9vYg==",     "Zm9vYmE=",   "Zm9vYmFy",
      "Z",        "Zg=",      "Zg===",        "Z===",       "=",
      "==",       "Zm9v=",    "Zg==Zg==",     "Zg= \r\n =", "Zm8= \r\n",
      "+/+/",     "-_-_",     "Zm9v\x80",     "Zm\0v",      "Zg======",
      "Zm8=====", "Zm9v====", "Zg==\r\n====",
  };
  for (const std::string& c : cases) {
    if (!ExpectSameAsScalar(c, "known vector")) return;
  }
}

TEST(SimdBase64, RandomValidEveryLengthUpTo300) {
  RandomBytes rng(0xB64A);
  int ok = 0;
  for (size_t n = 0; n <= 300; ++n) {
    const std::string plain = RandomBase64(rng, n);
    std::string padded = plain;
    while (padded.size() % 4 != 0) padded += '=';
    for (const std::string& text :
         {plain, padded, Fold(rng, plain, 20), Fold(rng, padded, 5),
          Fold(rng, padded, 70), " " + padded + "\r\n"}) {
      if (!ExpectSameAsScalar(text, "random base64", &ok)) return;
    }
  }
  EXPECT_GT(ok, 1000);  // most of these are valid
}

TEST(SimdBase64, RandomLongValues) {
  RandomBytes rng(0xB64B);
  for (size_t n : {344, 392, 736, 4095, 4096, 4097, 5461, 10000, 100000}) {
    std::string text = RandomBase64(rng, n);
    while (text.size() % 4 != 0) text += '=';
    if (!ExpectSameAsScalar(text, "long base64") ||
        !ExpectSameAsScalar(Fold(rng, text, 70), "long folded base64") ||
        !ExpectSameAsScalar(Fold(rng, text, 3), "long densely folded")) {
      return;
    }
  }
}

TEST(SimdBase64, InvalidByteAtEveryPosition) {
  RandomBytes rng(0xB64C);
  const std::string valid = Fold(rng, RandomBase64(rng, 260), 30) + "==";
  const std::vector<char> invalid = {'!',    '-',    '_',    '.',    '\0',
                                     '\x0b', '\x0c', '\x7f', '\x80', '\xff',
                                     '@',    '[',    '`',    '{',    ':'};
  for (size_t i = 0; i < valid.size(); ++i) {
    for (char bad : invalid) {
      std::string text = valid;
      text[i] = bad;
      if (!ExpectSameAsScalar(text, "invalid byte at " + std::to_string(i))) {
        return;
      }
    }
  }
}

TEST(SimdBase64, PaddingAtEveryPosition) {
  RandomBytes rng(0xB64D);
  for (size_t n : {7, 8, 63, 64, 65, 130, 200}) {
    const std::string valid = RandomBase64(rng, n);
    for (size_t i = 0; i <= valid.size(); ++i) {
      for (std::string_view pads :
           {"=", "==", "===", "= =", "=\r\n=", "=====", "======"}) {
        std::string inserted = valid;
        inserted.insert(i, pads);
        std::string replaced = valid.substr(0, i) + std::string(pads);
        if (!ExpectSameAsScalar(inserted, "'=' inserted") ||
            !ExpectSameAsScalar(replaced, "'=' at the end")) {
          return;
        }
      }
    }
  }
}

TEST(SimdBase64, AllWhiteSpace) {
  for (size_t n : {1, 63, 64, 65, 127, 128, 129, 5000}) {
    for (char c : {' ', '\t', '\r', '\n'}) {
      if (!ExpectSameAsScalar(std::string(n, c), "all FWS") ||
          !ExpectSameAsScalar(std::string(n, c) + "Zg==" + std::string(n, c),
                              "FWS around")) {
        return;
      }
    }
  }
}

TEST(SimdBase64, NeverReadsOutsideTheValue) {
  RandomBytes rng(0xB64E);
  for (size_t n = 0; n <= 300; ++n) {
    const std::string text = Fold(rng, RandomBase64(rng, n), 10);
    testutil::GuardedCopy guarded(text);
    if (!ExpectSameAsScalar(guarded.at_end(), "value at a page end") ||
        !ExpectSameAsScalar(guarded.at_start(), "value at a page start")) {
      return;
    }
  }
}

TEST(SimdBase64, NullEmptyView) {
  EXPECT_TRUE(ExpectSameAsScalar(std::string_view(), "a null empty view"));
}

TEST(SimdBase64, PublicEntryPointFollowsTheActiveLevel) {
  const SimdLevel saved = simd::ActiveSimdLevel();
  for (SimdLevel level : simd::SupportedSimdLevels()) {
    ASSERT_TRUE(simd::SetSimdLevel(level));
    std::vector<uint8_t> out;
    ASSERT_TRUE(Base64Decode("Zm9v\r\n YmFy", &out));
    EXPECT_EQ(std::string(out.begin(), out.end()), "foobar");
    EXPECT_FALSE(Base64Decode("Zm9v!", &out));
  }
  simd::SetSimdLevel(saved);
}

}  // namespace
}  // namespace dkimbatch::engine
