// tests/engine/ascii_test.cc
//
// engine/internal/ascii.h's FindColon against std::string_view::find: a
// colon at every position of texts around the length of its short loop,
// none, several, and texts that start or end at a page boundary. And
// AssignExcerpt's copies of every short length, over longer and shorter
// strings, and its cut.
#include "engine/internal/ascii.h"

#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "tests/engine/simd_test_util.h"

namespace dkimbatch::engine::internal {
namespace {

TEST(FindColon, AgreesWithFind) {
  for (size_t size = 0; size <= 100; ++size) {
    const std::string none(size, 'a');
    EXPECT_EQ(FindColon(none), std::string_view::npos) << size;
    for (size_t at = 0; at < size; ++at) {
      std::string one = none;
      one[at] = ':';
      EXPECT_EQ(FindColon(one), at) << size;
      // A later colon does not count, an earlier one does.
      std::string two = one;
      two[size - 1] = ':';
      EXPECT_EQ(FindColon(two), std::string_view(two).find(':')) << size;
      testutil::GuardedCopy guarded(two);
      EXPECT_EQ(FindColon(guarded.at_end()), at) << size;
      EXPECT_EQ(FindColon(guarded.at_start()), at) << size;
    }
  }
  EXPECT_EQ(FindColon(std::string_view()), std::string_view::npos);
}

TEST(AssignExcerpt, CopiesEveryShortLengthExactly) {
  std::string source;
  for (size_t size = 0; size <= 40; ++size) {
    source.push_back(static_cast<char>('A' + size % 26));
    const std::string_view s(source.data(), size);
    // Into an empty string, a longer one and a shorter one.
    for (const std::string& before :
         {std::string(), std::string(50, '#'), std::string(3, '#')}) {
      std::string out = before;
      AssignExcerpt(s, &out);
      EXPECT_EQ(out, s) << size << " over " << before.size();
    }
    // The bytes past the view are not copied: the same view with other
    // bytes after it.
    std::string other = source + "zzzz";
    std::string out;
    AssignExcerpt(std::string_view(other.data(), size), &out);
    EXPECT_EQ(out, s) << size;
  }
}

TEST(AssignExcerpt, CutsLongStringsBeforeAContinuationByte) {
  std::string out;
  AssignExcerpt(std::string(12, 'x'), &out, 10);
  EXPECT_EQ(out, std::string(10, 'x') + "...");
  AssignExcerpt(std::string(10, 'x'), &out, 10);
  EXPECT_EQ(out, std::string(10, 'x'));
  // "\xC3\xA9" (é) across the cut at 10: cut before it.
  AssignExcerpt(std::string(9, 'x') + "\xC3\xA9yy", &out, 10);
  EXPECT_EQ(out, std::string(9, 'x') + "...");
}

}  // namespace
}  // namespace dkimbatch::engine::internal
