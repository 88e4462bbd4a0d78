// tests/engine/simd_find_test.cc
//
// Differential tests of FindSubstring and FindAfterEither (the mbox scan):
// every vector level this CPU runs against memmem (and a byte-by-byte
// definition), for the needles io/mbox.cc uses and a few others, from every
// start offset, on random text dense in near misses, and on haystacks that
// end right before an unreadable page. FindTagValueStop (the tag-list
// parser's value scan) likewise against its definition, and ScanField (the
// header field splitter) against a line-by-line version of it.
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

// RandomPieces joins fewer than `max_pieces` random picks of `pieces`.
std::string RandomPieces(RandomBytes& rng,
                         const std::vector<std::string>& pieces,
                         size_t max_pieces) {
  std::string s;
  const size_t n = rng.Below(max_pieces);
  for (size_t i = 0; i < n; ++i) s += pieces[rng.Below(pieces.size())];
  return s;
}

// AgreesHereAndAtPageEdges runs `agree` (text, label -> false after a
// failure) on `s` and on copies of it that end right before, and start right
// after, an unreadable page.
bool AgreesHereAndAtPageEdges(const std::string& s, const char* label,
                              bool (*agree)(std::string_view, const char*)) {
  if (!agree(s, label)) return false;
  testutil::GuardedCopy guarded(s);
  return agree(guarded.at_end(), "the same at a page end") &&
         agree(guarded.at_start(), "the same at a page start");
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
    if (!AgreesHereAndAtPageEdges(RandomPieces(rng, kPieces, 90),
                                  "random tag list", ExpectStopsAgree)) {
      return;
    }
  }
}

// ---------------------------------------------------------------------------
// ScanField.

using ScanFn = FieldScan (*)(std::string_view, size_t);

ScanFn ScanFnFor(SimdLevel level) {
  return ForLevel<ScanFn>(level, internal::ScanFieldAvx512,
                          internal::ScanFieldAvx2, internal::ScanFieldScalar);
}

// NaiveScan is the definition, line by line: the field is its first line
// and the lines after it that start with SP or HTAB; the name is what comes
// before the first ':' of the first line, trailing SP and HTAB removed, if
// that is not empty and all of it is in 0x21-0x7e.
FieldScan NaiveScan(std::string_view text, size_t from) {
  from = std::min(from, text.size());
  auto line_end = [&](size_t p) {
    const size_t nl = text.find('\n', p);
    return nl == std::string_view::npos ? text.size() : nl + 1;
  };
  const size_t first_end = line_end(from);
  size_t end = first_end;
  while (end < text.size() && (text[end] == ' ' || text[end] == '\t')) {
    end = line_end(end);
  }
  FieldScan want{end, 0, 0};
  const std::string_view first = text.substr(from, first_end - from);
  const size_t colon = first.find(':');
  if (colon == std::string_view::npos) return want;
  std::string_view name = first.substr(0, colon);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
    name.remove_suffix(1);
  }
  if (name.empty()) return want;
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x21 ||
        static_cast<unsigned char>(c) > 0x7e) {
      return want;
    }
  }
  want.name_len = name.size();
  want.colon = colon;
  return want;
}

bool SameScan(const FieldScan& a, const FieldScan& b) {
  return a.end == b.end && a.name_len == b.name_len &&
         (a.name_len == 0 || a.colon == b.colon);
}

// ExpectScansAgree checks every level (scalar included) from every offset.
bool ExpectScansAgree(std::string_view text, const char* label) {
  std::vector<SimdLevel> levels = VectorLevels();
  levels.push_back(SimdLevel::kScalar);
  for (size_t from = 0; from <= text.size() + 1; ++from) {
    const FieldScan want = NaiveScan(text, from);
    for (SimdLevel level : levels) {
      const FieldScan got = ScanFnFor(level)(text, from);
      if (SameScan(got, want)) continue;
      ADD_FAILURE() << SimdLevelName(level) << " from " << from << ": end "
                    << got.end << " name " << got.name_len << " colon "
                    << got.colon << ", want end " << want.end << " name "
                    << want.name_len << " colon " << want.colon << " in "
                    << label << ": " << Printable(text);
      return false;
    }
  }
  return true;
}

TEST(SimdScanField, EveryByteAtEveryPosition) {
  // A folded field with one byte replaced, at positions around both block
  // boundaries and the name, ':' and line breaks.
  const std::string base = "Subject: a" + std::string(50, 'b') + "\r\n\t" +
                           std::string(60, 'c') + "\r\n x\r\nTo: y\r\n";
  for (int c = 0; c < 256; ++c) {
    for (size_t at : {0, 1, 6, 7, 8, 9, 62, 63, 64, 65, 66, 127, 128, 129}) {
      std::string s = base;
      s[at] = static_cast<char>(c);
      if (!ExpectScansAgree(s, "one byte in a field")) return;
    }
  }
}

TEST(SimdScanField, RandomHeaders) {
  RandomBytes rng(0x5C);
  static const std::vector<std::string> kPieces = {
      "From",
      "Subject",
      ":",
      ": ",
      " ",
      "\t",
      "\r\n",
      "\n",
      "\r",
      "\r\n ",
      "\n\t",
      "x",
      "long-name-" + std::string(70, 'n'),
      "\x80",
      "\x7f",
      "(c:d)",
      std::string(1, '\0'),
      "\r\n\r\n",
      "a b"};
  for (int rep = 0; rep < 600; ++rep) {
    if (!AgreesHereAndAtPageEdges(RandomPieces(rng, kPieces, 60),
                                  "random header", ExpectScansAgree)) {
      return;
    }
  }
}

TEST(SimdScanField, LongNamesAndValues) {
  // Names of 60 to 70 bytes (the ':' around the end of the first block)
  // and a colon-less first line longer than a block.
  for (size_t len = 55; len <= 75; ++len) {
    for (const char* rest : {": v\r\n", " : v\r\n\t w\r\n", "\r\n: v\r\n"}) {
      const std::string s = std::string(len, 'N') + rest + "Next: z\r\n";
      if (!ExpectScansAgree(s, "long name")) return;
    }
  }
  EXPECT_EQ(ScanField(std::string(100, 'N') + ": v\r\n", 0).name_len, 100u);
  EXPECT_EQ(ScanField(std::string(100, 'N') + "\r\n: v\r\n", 0).name_len, 0u);
}

}  // namespace
}  // namespace dkimbatch::engine::simd
