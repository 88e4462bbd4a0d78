// tests/engine/simd_cpu_test.cc
//
// SIMD level selection: names, detection, and forcing a level (the forced
// level is the one the kernels report as active).
#include "engine/simd/cpu.h"
#include "gtest/gtest.h"

namespace dkimbatch::engine::simd {
namespace {

TEST(SimdCpu, NamesRoundTrip) {
  for (SimdLevel level :
       {SimdLevel::kScalar, SimdLevel::kAvx2, SimdLevel::kAvx512}) {
    EXPECT_EQ(ParseSimdLevel(SimdLevelName(level)), level);
  }
  EXPECT_EQ(ParseSimdLevel("best"), DetectSimdLevel());
  EXPECT_EQ(ParseSimdLevel("sse2"), std::nullopt);
  EXPECT_EQ(ParseSimdLevel(""), std::nullopt);
  EXPECT_EQ(ParseSimdLevel("AVX2"), std::nullopt);
}

TEST(SimdCpu, SupportedLevelsEndAtTheDetectedOne) {
  const auto levels = SupportedSimdLevels();
  ASSERT_FALSE(levels.empty());
  EXPECT_EQ(levels.front(), SimdLevel::kScalar);
  EXPECT_EQ(levels.back(), DetectSimdLevel());
  for (SimdLevel level : levels) EXPECT_TRUE(SimdLevelSupported(level));
}

// VBMI2 kernels are variants of the AVX-512 level's: they need all of it.
TEST(SimdCpu, Vbmi2OnlyWithAvx512) {
  if (CpuHasAvx512Vbmi2()) {
    EXPECT_TRUE(SimdLevelSupported(SimdLevel::kAvx512));
  }
}

TEST(SimdCpu, ForcedLevelIsActive) {
  const SimdLevel saved = ActiveSimdLevel();
  for (SimdLevel level : SupportedSimdLevels()) {
    ASSERT_TRUE(SetSimdLevel(level));
    EXPECT_EQ(ActiveSimdLevel(), level);
  }
  for (SimdLevel level : {SimdLevel::kAvx2, SimdLevel::kAvx512}) {
    if (!SimdLevelSupported(level)) {
      EXPECT_FALSE(SetSimdLevel(level));
      EXPECT_NE(ActiveSimdLevel(), level);
    }
  }
  SetSimdLevel(saved);
}

}  // namespace
}  // namespace dkimbatch::engine::simd
