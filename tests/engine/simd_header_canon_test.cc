// tests/engine/simd_header_canon_test.cc
//
// Differential tests of relaxed header canonicalization: every vector level
// this CPU runs against the scalar reference, on random fields over biased
// alphabets and on adversarial ones (no colon, WSP around the colon, all
// white space, CR without LF, LF without CR, folding at every offset 0..200
// so that 64-byte block edges cut through CRLF pairs and WSP runs, 1 MB
// values, names longer than a block), with and without the final CRLF, and
// appended after existing output. Any difference fails.
#include <string>
#include <string_view>
#include <vector>

#include "engine/canon/header_canon.h"
#include "engine/canon/header_canon_internal.h"
#include "engine/simd/cpu.h"
#include "gtest/gtest.h"
#include "tests/engine/simd_test_util.h"

namespace dkimbatch::engine {
namespace {

using simd::SimdLevel;
using testutil::Printable;
using testutil::RandomBytes;
using testutil::VectorLevels;

using HeaderFn = void (*)(std::string_view, bool, std::string*);

HeaderFn RelaxedFnFor(SimdLevel level) {
  return ForLevel<HeaderFn>(level, internal::AppendRelaxedHeaderAvx512,
                            internal::AppendRelaxedHeaderAvx2,
                            internal::AppendRelaxedHeaderScalar);
}

// ExpectSameAsScalar compares every vector level with scalar on `raw`, with
// and without the final CRLF, into an empty string and after a prefix.
bool ExpectSameAsScalar(std::string_view raw, std::string_view label) {
  for (bool crlf : {true, false}) {
    for (std::string_view prefix : {"", "prefix:x\r\n"}) {
      std::string want(prefix);
      internal::AppendRelaxedHeaderScalar(raw, crlf, &want);
      for (SimdLevel level : VectorLevels()) {
        std::string got(prefix);
        RelaxedFnFor(level)(raw, crlf, &got);
        if (got == want) continue;
        ADD_FAILURE() << simd::SimdLevelName(level)
                      << " differs from scalar on " << label
                      << (crlf ? "" : " (no final CRLF)")
                      << "\n  raw:  " << Printable(raw)
                      << "\n  want: " << Printable(want)
                      << "\n  got:  " << Printable(got);
        return false;
      }
    }
  }
  return true;
}

TEST(SimdHeaderCanon, KnownVectors) {
  const std::vector<std::string> cases = {
      "",
      ":",
      "A",
      "A:",
      "Subject: hello\r\n",
      "SUBJECT : hello  world \r\n",
      "Subject \t:\t hello\r\n\tworld  \r\n",
      "X:\r\n",
      "X: \r\n \r\n\t\r\n",
      "X:a\r\n b\r\n",
      "X:a\n\tb\n",
      "X:a \r b\r\n",
      "X:a\r",
      "X:a \r",
      "X: a\r\r\n",
      "X:\n\n\na",
      "DKIM-Signature: v=1; a=rsa-sha256;\r\n\tb=abc\r\n\t def\r\n",
      "No colon at all  \r\n",
      "Name With Space: v\r\n",
      "x: \xc3\xa9t\xc3\xa9 \x80\r\n",
  };
  for (const std::string& c : cases) {
    if (!ExpectSameAsScalar(c, "known vector")) return;
  }
}

TEST(SimdHeaderCanon, RandomFieldsEveryLengthUpTo300) {
  RandomBytes rng(0x4EAD1);
  for (const auto* alphabet :
       {&testutil::WspHeavyAlphabet(), &testutil::TextAlphabet(),
        &testutil::LineEndAlphabet()}) {
    for (size_t n = 0; n <= 300; ++n) {
      for (int rep = 0; rep < 3; ++rep) {
        std::string raw = rng.Draw(rng.Below(20), testutil::TextAlphabet());
        raw += rep == 2 ? "" : ":";  // sometimes no colon at all
        raw += rng.Draw(n, *alphabet);
        if (!ExpectSameAsScalar(raw, "random field")) return;
      }
    }
  }
}

TEST(SimdHeaderCanon, RandomFoldedFields) {
  RandomBytes rng(0x4EAD2);
  for (int rep = 0; rep < 2000; ++rep) {
    std::string raw = "X-Field-" + std::to_string(rep) +
                      std::string(rng.Below(3), ' ') + ":" +
                      std::string(rng.Below(3), ' ');
    const size_t pieces = 1 + rng.Below(12);
    for (size_t p = 0; p < pieces; ++p) {
      raw += rng.Draw(rng.Below(90), testutil::TextAlphabet());
      raw += rng.Below(2) == 0 ? "\r\n" : "\n";
      raw += rng.Below(2) == 0 ? "\t" : std::string(1 + rng.Below(3), ' ');
    }
    raw += rng.Draw(rng.Below(40), testutil::TextAlphabet());
    if (rng.Below(3) != 0) raw += rng.Below(2) == 0 ? "\r\n" : "\n";
    if (!ExpectSameAsScalar(raw, "folded field")) return;
  }
}

TEST(SimdHeaderCanon, PatternsAtEveryOffset) {
  const std::vector<std::string> patterns = {
      "\r\n\t", "  \r\n  ", " \t\r\n", "\r\r\n", "\r\n",     "\n",
      "\r",     " \r ",     "  ",      "\t",     "\r\n\r\n", " \r\n\t\n \n"};
  for (const std::string& pattern : patterns) {
    for (size_t offset = 0; offset <= 200; ++offset) {
      const std::string label =
          "'" + Printable(pattern) + "' at " + std::to_string(offset);
      const std::string value(offset, 'v');
      if (!ExpectSameAsScalar("Subject:" + value + pattern, label) ||
          !ExpectSameAsScalar("Subject:" + value + pattern + "w\r\n", label) ||
          !ExpectSameAsScalar(
              "S:" + value + pattern + std::string(150, 'w') + pattern,
              label) ||
          !ExpectSameAsScalar(std::string(offset, 'N') + pattern + ":v",
                              label + " (in the name)")) {
        return;
      }
    }
  }
}

TEST(SimdHeaderCanon, AllWhiteSpaceAndLineBreaks) {
  const std::vector<std::string> units = {" ",  "\t",    "\r\n",  "\n",
                                          "\r", " \r\n", "\r\n ", "\t\n"};
  for (const std::string& unit : units) {
    for (size_t reps :
         {1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 5000}) {
      std::string value;
      for (size_t i = 0; i < reps; ++i) value += unit;
      if (!ExpectSameAsScalar("X:" + value, "white space value") ||
          !ExpectSameAsScalar("X:a" + value + "b" + value,
                              "inner white space") ||
          !ExpectSameAsScalar("X:a " + value + " b", "between SPs") ||
          !ExpectSameAsScalar(value + ":" + value, "white space name")) {
        return;
      }
    }
  }
}

TEST(SimdHeaderCanon, LongNamesAndValues) {
  RandomBytes rng(0x4EAD3);
  for (size_t name_len : {63, 64, 65, 127, 128, 129, 1000}) {
    std::string name = rng.Draw(name_len, {{'A', 3}, {'z', 3}, {'-', 1}});
    if (!ExpectSameAsScalar(name + " : value \r\n", "long name") ||
        !ExpectSameAsScalar(name + "\t", "long name, no colon")) {
      return;
    }
  }
  std::string value = rng.Draw(size_t{1} << 20, testutil::WspHeavyAlphabet());
  EXPECT_TRUE(ExpectSameAsScalar("X-Huge:" + value, "1 MB value"));
  std::string folded;
  while (folded.size() < (size_t{1} << 20)) folded += "word  \r\n\t ";
  EXPECT_TRUE(ExpectSameAsScalar("X-Folded:" + folded, "1 MB folded value"));
}

TEST(SimdHeaderCanon, NeverReadsOutsideTheField) {
  RandomBytes rng(0x4EAD4);
  for (size_t n = 0; n <= 300; ++n) {
    const std::string raw = "H:" + rng.Draw(n, testutil::WspHeavyAlphabet());
    testutil::GuardedCopy guarded(raw);
    if (!ExpectSameAsScalar(guarded.at_end(), "field at a page end") ||
        !ExpectSameAsScalar(guarded.at_start(), "field at a page start")) {
      return;
    }
  }
}

TEST(SimdHeaderCanon, NullEmptyView) {
  EXPECT_TRUE(ExpectSameAsScalar(std::string_view(), "a null empty view"));
}

TEST(SimdHeaderCanon, PublicEntryPointFollowsTheActiveLevel) {
  const std::string raw = "SubJect :  a \r\n\t b  \r\n";
  const SimdLevel saved = simd::ActiveSimdLevel();
  for (SimdLevel level : simd::SupportedSimdLevels()) {
    ASSERT_TRUE(simd::SetSimdLevel(level));
    std::string out;
    AppendCanonicalHeader(Canon::kRelaxed, raw, true, &out);
    EXPECT_EQ(out, "subject:a b\r\n") << simd::SimdLevelName(level);
  }
  simd::SetSimdLevel(saved);
}

}  // namespace
}  // namespace dkimbatch::engine
