// tests/engine/huge_buffer_test.cc
//
// HugeBuffer: capacity in whole 2 MiB, aligned to 2 MiB, writable; Reserve
// keeps the bytes asked for and no more is needed; moves and Release.
#include "engine/huge_buffer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <utility>

namespace dkimbatch::engine {
namespace {

constexpr size_t kHuge = HugeBuffer::kHugePage;

bool Aligned(const char* p) {
  return reinterpret_cast<uintptr_t>(p) % kHuge == 0;
}

TEST(HugeBuffer, ReserveRoundsUpAlignsAndKeeps) {
  HugeBuffer buffer;
  EXPECT_EQ(buffer.data(), nullptr);
  EXPECT_EQ(buffer.capacity(), 0u);
  buffer.Reserve(1, 0);
  EXPECT_EQ(buffer.capacity(), kHuge);
  EXPECT_TRUE(Aligned(buffer.data()));
  for (size_t i = 0; i < kHuge; ++i) buffer.data()[i] = static_cast<char>(i);

  const char* before = buffer.data();
  buffer.Reserve(kHuge, kHuge);  // already there: nothing moves
  EXPECT_EQ(buffer.data(), before);

  buffer.Reserve(kHuge + 1, 1000);  // only 1000 bytes asked to be kept
  EXPECT_EQ(buffer.capacity(), 2 * kHuge);
  EXPECT_TRUE(Aligned(buffer.data()));
  for (size_t i = 0; i < 1000; ++i) {
    ASSERT_EQ(buffer.data()[i], static_cast<char>(i)) << i;
  }
  std::memset(buffer.data(), 7, buffer.capacity());  // all of it writable

  buffer.Reserve(5 * kHuge, 2 * kHuge);
  EXPECT_EQ(buffer.capacity(), 5 * kHuge);
  for (size_t i = 0; i < 2 * kHuge; ++i) ASSERT_EQ(buffer.data()[i], 7) << i;
}

TEST(HugeBuffer, MovesAndReleases) {
  HugeBuffer a;
  a.Reserve(100, 0);
  std::memcpy(a.data(), "bytes", 5);
  HugeBuffer b(std::move(a));
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_EQ(a.capacity(), 0u);
  ASSERT_NE(b.data(), nullptr);
  EXPECT_EQ(std::memcmp(b.data(), "bytes", 5), 0);
  HugeBuffer c;
  c.Reserve(3 * kHuge, 0);
  c = std::move(b);  // c's own memory is given back
  EXPECT_EQ(c.capacity(), kHuge);
  EXPECT_EQ(std::memcmp(c.data(), "bytes", 5), 0);
  c.Release();
  EXPECT_EQ(c.data(), nullptr);
  EXPECT_EQ(c.capacity(), 0u);
  c.Release();  // twice is fine
}

}  // namespace
}  // namespace dkimbatch::engine
