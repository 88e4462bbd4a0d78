// tests/engine/canon/byte_arena_test.cc
//
// ByteArena: appends and in-place windows keep every byte written before,
// across growth (on the heap, into huge pages and between huge buffers);
// Truncate, clear and Release.
#include "engine/canon/byte_arena.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace dkimbatch::engine {
namespace {

std::string_view View(const ByteArena& arena) {
  return std::string_view(arena.data(), arena.size());
}

TEST(ByteArena, WritesAndWindowsKeepEveryByteAcrossGrowth) {
  ByteArena arena;
  std::string want;
  for (int i = 0; i < 2000; ++i) {
    const std::string piece(static_cast<size_t>(i % 97) + 1,
                            static_cast<char>('a' + i % 26));
    if (i % 3 == 0) {
      arena.Write(piece);
    } else {
      // Ask for more room than is used: only the committed bytes count.
      char* room = arena.Window(piece.size() + 300);
      ASSERT_NE(room, nullptr);
      ASSERT_GE(arena.capacity() - arena.size(), piece.size() + 300);
      std::memset(room, '#', piece.size() + 300);
      std::memcpy(room, piece.data(), piece.size());
      arena.Commit(piece.size());
    }
    want += piece;
    ASSERT_EQ(View(arena), want) << "after piece " << i;
  }
  EXPECT_GT(arena.capacity(), size_t{4096});  // it grew
}

// Past 64 KiB the arena moves into huge-page buffers (whole 2 MiB, aligned
// to 2 MiB) and, growing on, from one to a larger one: no byte is lost.
TEST(ByteArena, GrowsThroughHugeBuffersKeepingEveryByte) {
  ByteArena arena;
  std::string want;
  size_t moves = 0;
  const char* last = nullptr;
  while (want.size() < (size_t{5} << 20)) {
    std::string piece(size_t{1000} + want.size() % 7919, '\0');
    for (size_t k = 0; k < piece.size(); ++k) {
      piece[k] = static_cast<char>((want.size() + k) * 131 % 251);
    }
    arena.Write(piece);
    want += piece;
    if (arena.data() != last) ++moves;
    last = arena.data();
    if (arena.capacity() > (size_t{64} << 10)) {
      ASSERT_EQ(arena.capacity() % (size_t{2} << 20), 0u);
      ASSERT_EQ(reinterpret_cast<uintptr_t>(arena.data()) % (size_t{2} << 20),
                0u);
    }
  }
  EXPECT_TRUE(View(arena) == want);
  EXPECT_GE(moves, 3u);  // heap, then at least two huge buffers
  arena.Release();
  EXPECT_EQ(arena.capacity(), 0u);
  arena.Write("after");
  EXPECT_EQ(View(arena), "after");
}

TEST(ByteArena, TruncateClearAndRelease) {
  ByteArena arena;
  arena.Write("0123456789");
  arena.Truncate(20);  // longer: no change
  EXPECT_EQ(View(arena), "0123456789");
  arena.Truncate(4);
  EXPECT_EQ(View(arena), "0123");
  arena.Write("xy");
  EXPECT_EQ(View(arena), "0123xy");
  const size_t capacity = arena.capacity();
  arena.clear();
  EXPECT_EQ(arena.size(), 0u);
  EXPECT_EQ(arena.capacity(), capacity);  // memory kept
  arena.Release();
  EXPECT_EQ(arena.capacity(), 0u);
  arena.Write("again");
  EXPECT_EQ(View(arena), "again");
}

TEST(ByteArena, EmptyWriteNeedsNoMemory) {
  ByteArena arena;
  arena.Write("");
  EXPECT_EQ(arena.size(), 0u);
  EXPECT_EQ(arena.capacity(), 0u);
}

// A null window means "no window" to a writer (ByteSink), so an arena must
// never return one, even asked for no room before it has memory.
TEST(ByteArena, WindowIsNeverNull) {
  ByteArena arena;
  EXPECT_NE(arena.Window(0), nullptr);
  arena.Commit(0);
  EXPECT_EQ(arena.size(), 0u);
}

}  // namespace
}  // namespace dkimbatch::engine
