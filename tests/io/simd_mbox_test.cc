// tests/io/simd_mbox_test.cc
//
// mbox splitting and un-quoting at every SIMD level this CPU runs give the
// same messages as at the scalar level (memmem), on random mbox-like data
// dense in separator near misses ("\nFrom:", ">From ", "From " not after an
// empty line, CRLF framing) and on the separator at every offset 0..200.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/simd/cpu.h"
#include "gtest/gtest.h"
#include "io/mbox.h"

namespace dkimbatch::io {
namespace {

using engine::simd::SimdLevel;

struct Split {
  std::vector<uint64_t> offsets;
  std::vector<std::string_view> raws;
  std::vector<bool> maybe_quoted;
  std::vector<bool> needs_unquote[2];  // [mboxo, mboxrd]
  std::vector<std::string> unquoted;   // mboxrd
  bool operator==(const Split&) const = default;
};

Split SplitAt(SimdLevel level, std::string_view data) {
  EXPECT_TRUE(engine::simd::SetSimdLevel(level));
  Split s;
  MboxSplitter splitter(data);
  MboxMessage m;
  while (splitter.Next(&m)) {
    s.offsets.push_back(m.offset);
    s.raws.push_back(m.raw);
    // The split's note is exact: a `>From ` is in the message or not.
    EXPECT_EQ(m.maybe_quoted, m.raw.find(">From ") != std::string_view::npos)
        << SimdLevelName(level) << ": " << m.raw;
    s.maybe_quoted.push_back(m.maybe_quoted);
    s.needs_unquote[0].push_back(NeedsUnquote(m.raw, MboxFormat::kMboxo));
    s.needs_unquote[1].push_back(NeedsUnquote(m.raw, MboxFormat::kMboxrd));
    std::string out;
    Unquote(m.raw, MboxFormat::kMboxrd, &out);
    s.unquoted.push_back(out);
  }
  return s;
}

// ExpectSameAtEveryLevel splits `data` at every level and compares.
bool ExpectSameAtEveryLevel(std::string_view data, std::string_view label) {
  const SimdLevel saved = engine::simd::ActiveSimdLevel();
  const Split want = SplitAt(SimdLevel::kScalar, data);
  bool same = true;
  for (SimdLevel level : engine::simd::SupportedSimdLevels()) {
    if (SplitAt(level, data) != want) {
      ADD_FAILURE() << engine::simd::SimdLevelName(level)
                    << " splits differently from scalar: " << label;
      same = false;
      break;
    }
  }
  engine::simd::SetSimdLevel(saved);
  return same;
}

std::string RandomMbox(std::mt19937_64& rng, size_t pieces) {
  static const std::vector<std::string> kPieces = {
      "From a@b Sat Jan  1 00:00:00 2000\n",
      "From a@b Sat Jan  1 00:00:00 2000\r\n",
      "\nFrom ",
      "\n\nFrom x\n",
      "\r\n\r\nFrom y\r\n",
      "From: someone\n",
      "\nFrom: someone\n",
      ">From quoted\n",
      ">>From quoted twice\n",
      "\n>From \n",
      "Subject: s\n\n",
      "body line\n",
      "\n",
      "\r\n",
      "x",
      " ",
  };
  std::string s;
  for (size_t i = 0; i < pieces; ++i) {
    s += kPieces[std::uniform_int_distribution<size_t>(
        0, kPieces.size() - 1)(rng)];
  }
  return s;
}

TEST(SimdMbox, RandomMboxes) {
  std::mt19937_64 rng(0x3B0C);
  for (int rep = 0; rep < 500; ++rep) {
    const size_t pieces = std::uniform_int_distribution<size_t>(0, 80)(rng);
    if (!ExpectSameAtEveryLevel(RandomMbox(rng, pieces), "random mbox")) {
      return;
    }
  }
}

TEST(SimdMbox, SeparatorAtEveryOffset) {
  for (size_t offset = 0; offset <= 200; ++offset) {
    const std::string head = "From a\n" + std::string(offset, 'x');
    for (std::string_view sep :
         {"\n\nFrom b\nbody\n", "\r\n\r\nFrom b\r\nbody", "\n\n>From q\n",
          "\nFrom not a separator\n", "\n\nFrom"}) {
      if (!ExpectSameAtEveryLevel(head + std::string(sep),
                                  "separator at " + std::to_string(offset))) {
        return;
      }
    }
  }
}

}  // namespace
}  // namespace dkimbatch::io
