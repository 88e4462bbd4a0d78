// tests/engine/ascii_test.cc
//
// engine/internal/ascii.h's FindColon against std::string_view::find: a
// colon at every position of texts around the length of its short loop,
// none, several, and texts that start or end at a page boundary.
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

}  // namespace
}  // namespace dkimbatch::engine::internal
