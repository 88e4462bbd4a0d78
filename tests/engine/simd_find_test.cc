// tests/engine/simd_find_test.cc
//
// Differential tests of FindSubstring and FindAfterEither (the mbox scan):
// every vector level this CPU runs against memmem (and a byte-by-byte
// definition), for the needles io/mbox.cc uses and a few others, from every
// start offset, on random text dense in near misses, and on haystacks that
// end right before an unreadable page. FindTagValueStop (the tag-list
// parser's value scan) likewise against its definition.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "engine/simd/cpu.h"
#include "engine/simd/find.h"
#include "gtest/gtest.h"
#include "tests/engine/simd_test_util.h"

namespace dkimbatch::engine::simd {
namespace {

using testutil::Printable;
using testutil::RandomBytes;
using testutil::VectorLevels;

using FindFn = size_t (*)(std::string_view, size_t, std::string_view);

FindFn FindFnFor(SimdLevel level) {
  return ForLevel<FindFn>(level, internal::FindSubstringAvx512,
                          internal::FindSubstringAvx2,
                          internal::FindSubstringScalar);
}

const std::vector<std::string_view> kNeedles = {"\nFrom ", ">From ", "\n\n",
                                                "ab",      "From",   "x"};

using EitherFn = size_t (*)(std::string_view, size_t, char, char,
                            std::string_view);

EitherFn EitherFnFor(SimdLevel level) {
  return ForLevel<EitherFn>(level, internal::FindAfterEitherAvx512,
                            internal::FindAfterEitherAvx2,
                            internal::FindAfterEitherScalar);
}

struct EitherCase {
  char a, b;
  std::string_view rest;
};
// The mbox scan's, and others (a rest of one byte goes to scalar).
const std::vector<EitherCase> kEitherCases = {{'\n', '>', "From "},
                                              {'\n', '\n', "From "},
                                              {'a', 'F', "rom"},
                                              {'>', 'x', "Fr"},
                                              {'\n', '>', "F"}};

// NaiveFindAfterEither is the definition, byte by byte.
size_t NaiveFindAfterEither(std::string_view h, size_t from, char a, char b,
                            std::string_view rest) {
  for (size_t p = from; p < h.size(); ++p) {
    if ((h[p] == a || h[p] == b) && h.substr(p + 1).starts_with(rest)) {
      return p;
    }
  }
  return std::string_view::npos;
}

// ExpectSameAsScalar compares every level from every start offset, and the
// scalar FindAfterEither with its definition.
bool ExpectSameAsScalar(std::string_view haystack, std::string_view label) {
  for (const EitherCase& c : kEitherCases) {
    for (size_t from = 0; from <= haystack.size() + 1; ++from) {
      const size_t want =
          NaiveFindAfterEither(haystack, from, c.a, c.b, c.rest);
      for (SimdLevel level : engine::simd::SupportedSimdLevels()) {
        const size_t got = EitherFnFor(level)(haystack, from, c.a, c.b, c.rest);
        if (got == want) continue;
        ADD_FAILURE() << SimdLevelName(level) << " finds '" << Printable(c.rest)
                      << "' after '" << Printable(std::string{c.a, c.b})
                      << "' from " << from << " at " << got << ", want " << want
                      << " in " << label << ": " << Printable(haystack);
        return false;
      }
    }
  }
  for (std::string_view needle : kNeedles) {
    for (size_t from = 0; from <= haystack.size() + 1; ++from) {
      const size_t want = internal::FindSubstringScalar(haystack, from, needle);
      for (SimdLevel level : VectorLevels()) {
        const size_t got = FindFnFor(level)(haystack, from, needle);
        if (got == want) continue;
        ADD_FAILURE() << SimdLevelName(level) << " finds '" << Printable(needle)
                      << "' from " << from << " at " << got << ", memmem at "
                      << want << " in " << label << ": " << Printable(haystack);
        return false;
      }
    }
  }
  return true;
}

// Text made of pieces of "\nFrom " and its near misses.
std::string NearMisses(RandomBytes& rng, size_t pieces) {
  static const std::vector<std::string> kPieces = {
      "\nFrom ", "\nFrom:", "\nFro", "From ", ">From ", "\n>From ", "\n",
      "\n\n",    " ",       "a",     "F",     "rom ",   "ab",       "\nF"};
  std::string s;
  for (size_t i = 0; i < pieces; ++i) s += kPieces[rng.Below(kPieces.size())];
  return s;
}

TEST(SimdFind, RandomNearMisses) {
  RandomBytes rng(0xF1);
  for (int rep = 0; rep < 300; ++rep) {
    if (!ExpectSameAsScalar(NearMisses(rng, rng.Below(60)), "near misses")) {
      return;
    }
  }
}

TEST(SimdFind, NeedleAtEveryOffset) {
  for (size_t offset = 0; offset <= 200; ++offset) {
    for (std::string_view needle : kNeedles) {
      std::string s(offset, 'x');
      s += needle;
      if (!ExpectSameAsScalar(s, "needle at the end") ||
          !ExpectSameAsScalar(s + std::string(70, 'y'), "needle inside")) {
        return;
      }
    }
  }
}

TEST(SimdFind, NeverReadsOutsideTheHaystack) {
  RandomBytes rng(0xF2);
  for (int rep = 0; rep < 100; ++rep) {
    const std::string s = NearMisses(rng, rng.Below(50));
    testutil::GuardedCopy guarded(s);
    if (!ExpectSameAsScalar(guarded.at_end(), "haystack at a page end") ||
        !ExpectSameAsScalar(guarded.at_start(), "haystack at a page start")) {
      return;
    }
  }
}

TEST(SimdFind, LongHaystack) {
  std::string s;
  RandomBytes rng(0xF3);
  while (s.size() < (size_t{1} << 20)) {
    s += rng.Draw(rng.Below(80), testutil::TextAlphabet());
    s += rng.Below(50) == 0 ? "\nFrom x\n" : "\nFrom: y\n";
  }
  for (SimdLevel level : VectorLevels()) {
    size_t want = 0;
    size_t got = 0;
    size_t hits = 0;
    for (;;) {
      want = internal::FindSubstringScalar(s, want, "\nFrom ");
      got = FindFnFor(level)(s, got, "\nFrom ");
      ASSERT_EQ(got, want) << SimdLevelName(level);
      if (want == std::string_view::npos) break;
      ++hits;
      ++want;
      ++got;
    }
    EXPECT_GT(hits, 100u);
  }
}

// ---------------------------------------------------------------------------
// FindTagValueStop.

using StopFn = size_t (*)(std::string_view, size_t);

StopFn StopFnFor(SimdLevel level) {
  return ForLevel<StopFn>(level, internal::FindTagValueStopAvx512,
                          internal::FindTagValueStopAvx2,
                          internal::FindTagValueStopScalar);
}

// IsStop is the definition: ';', DEL, or a control other than SP, HTAB, CR
// and LF.
bool IsStop(unsigned char c) {
  if (c == ';' || c == 0x7f) return true;
  return c < 0x20 && c != '\t' && c != '\r' && c != '\n';
}

size_t NaiveStop(std::string_view text, size_t from) {
  for (size_t p = from; p < text.size(); ++p) {
    if (IsStop(static_cast<unsigned char>(text[p]))) return p;
  }
  return text.size();
}

// ExpectStopsAgree checks every level (scalar included) from every offset.
bool ExpectStopsAgree(std::string_view text, const char* label) {
  std::vector<SimdLevel> levels = VectorLevels();
  levels.push_back(SimdLevel::kScalar);
  for (size_t from = 0; from <= text.size() + 1; ++from) {
    const size_t want = NaiveStop(text, std::min(from, text.size()));
    for (SimdLevel level : levels) {
      const size_t got = StopFnFor(level)(text, from);
      if (got == want) continue;
      ADD_FAILURE() << SimdLevelName(level) << " stops at " << got << " from "
                    << from << ", want " << want << " in " << label << ": "
                    << Printable(text);
      return false;
    }
  }
  return true;
}

TEST(SimdTagValueStop, EveryByteAtEveryPosition) {
  // One byte of every value in a run of value bytes, at positions around
  // both block boundaries.
  for (int c = 0; c < 256; ++c) {
    for (size_t at : {0, 1, 31, 32, 63, 64, 65, 100, 127, 128, 129}) {
      std::string s(140, 'A');
      s[at] = static_cast<char>(c);
      if (!ExpectStopsAgree(s, "one byte in a run")) return;
    }
  }
}

TEST(SimdTagValueStop, RandomTagLists) {
  RandomBytes rng(0xF4);
  static const std::vector<std::string> kPieces = {
      "b=",       "dGhpcyBpcyBiYXNl",
      "NjQ=",     ";",
      " ",        "\t",
      "\r\n\t ",  "\n",
      "\x7f",     std::string(1, '\0'),
      "\x01",     "\x1f",
      "\x80\xff", "h=from:to",
      "; ",       "=",
      "x"};
  for (int rep = 0; rep < 400; ++rep) {
    std::string s;
    const size_t pieces = rng.Below(90);
    for (size_t i = 0; i < pieces; ++i) s += kPieces[rng.Below(kPieces.size())];
    if (!ExpectStopsAgree(s, "random tag list")) return;
    testutil::GuardedCopy guarded(s);
    if (!ExpectStopsAgree(guarded.at_end(), "text at a page end") ||
        !ExpectStopsAgree(guarded.at_start(), "text at a page start")) {
      return;
    }
  }
}

}  // namespace
}  // namespace dkimbatch::engine::simd
