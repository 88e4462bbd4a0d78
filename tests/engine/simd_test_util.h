// tests/engine/simd_test_util.h
//
// Shared pieces of the SIMD differential tests (simd_*_test.cc): the vector
// levels this CPU can run, a seeded generator of biased random bytes, a sink
// that keeps every chunk, and views that end right before an unreadable page
// (a kernel that reads past the end of its input crashes the test).
#ifndef DKIMBATCH_TESTS_ENGINE_SIMD_TEST_UTIL_H_
#define DKIMBATCH_TESTS_ENGINE_SIMD_TEST_UTIL_H_

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canon/sink.h"
#include "engine/simd/cpu.h"

namespace dkimbatch::testutil {

using engine::simd::SimdLevel;

// VectorLevels returns the non-scalar levels this CPU supports (empty on a
// CPU without AVX2: the differential tests then have nothing to compare).
inline std::vector<SimdLevel> VectorLevels() {
  std::vector<SimdLevel> out;
  for (SimdLevel level : engine::simd::SupportedSimdLevels()) {
    if (level != SimdLevel::kScalar) out.push_back(level);
  }
  return out;
}

// Alphabet: bytes to draw from, each with a weight.
struct WeightedByte {
  char byte;
  int weight;
};

// RandomBytes draws `n` bytes from `alphabet` by weight.
class RandomBytes {
 public:
  explicit RandomBytes(uint64_t seed) : rng_(seed) {}

  std::string Draw(size_t n, const std::vector<WeightedByte>& alphabet) {
    int total = 0;
    for (const WeightedByte& w : alphabet) total += w.weight;
    std::uniform_int_distribution<int> pick(0, total - 1);
    std::string out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      int r = pick(rng_);
      for (const WeightedByte& w : alphabet) {
        if (r < w.weight) {
          out.push_back(w.byte);
          break;
        }
        r -= w.weight;
      }
    }
    return out;
  }

  size_t Below(size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
  }

 private:
  std::mt19937_64 rng_;
};

// Alphabets biased towards what canonicalization cares about.
inline const std::vector<WeightedByte>& WspHeavyAlphabet() {
  static const std::vector<WeightedByte> a = {
      {' ', 8}, {'\t', 4}, {'\r', 4},   {'\n', 4},   {'a', 6},  {'Z', 2},
      {':', 1}, {'=', 1},  {'\x80', 1}, {'\xff', 1}, {'\0', 1}, {'\x0b', 1}};
  return a;
}
inline const std::vector<WeightedByte>& TextAlphabet() {
  static const std::vector<WeightedByte> a = {
      {'e', 20}, {'t', 12}, {'a', 10}, {'o', 10}, {'S', 3},    {'.', 2},
      {' ', 16}, {'\t', 1}, {'\n', 3}, {'\r', 1}, {'\xc3', 1}, {'\xa9', 1}};
  return a;
}
inline const std::vector<WeightedByte>& LineEndAlphabet() {
  static const std::vector<WeightedByte> a = {
      {'\r', 5}, {'\n', 5}, {' ', 3}, {'\t', 2}, {'x', 2}};
  return a;
}

// ChunkSink keeps every Write as one chunk.
class ChunkSink final : public engine::ByteSink {
 public:
  void Write(std::string_view bytes) override {
    chunks.emplace_back(bytes);
    all.append(bytes);
  }
  std::vector<std::string> chunks;
  std::string all;
};

// GuardedCopy holds a copy of some bytes that ends exactly where an
// inaccessible page begins, and a second copy that starts right after one.
class GuardedCopy {
 public:
  explicit GuardedCopy(std::string_view bytes) {
    const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    const size_t data_pages = (bytes.size() + page - 1) / page + 1;
    size_ = (data_pages + 2) * page;
    void* m = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) std::abort();
    base_ = static_cast<char*>(m);
    // [guard][data ... ][guard]
    ::mprotect(base_, page, PROT_NONE);
    ::mprotect(base_ + (data_pages + 1) * page, page, PROT_NONE);
    char* end = base_ + (data_pages + 1) * page;
    std::memcpy(end - bytes.size(), bytes.data(), bytes.size());
    at_end_ = std::string_view(end - bytes.size(), bytes.size());
    // The start copy overwrites the end copy when they overlap; keep them
    // apart by using the second half only for short inputs.
    if (bytes.size() <= (data_pages * page) / 2) {
      std::memcpy(base_ + page, bytes.data(), bytes.size());
      at_start_ = std::string_view(base_ + page, bytes.size());
    } else {
      at_start_ = at_end_;
    }
  }
  ~GuardedCopy() { ::munmap(base_, size_); }
  GuardedCopy(const GuardedCopy&) = delete;
  GuardedCopy& operator=(const GuardedCopy&) = delete;

  // at_end: the bytes, followed by an unreadable page.
  std::string_view at_end() const { return at_end_; }
  // at_start: the bytes, preceded by an unreadable page.
  std::string_view at_start() const { return at_start_; }

 private:
  char* base_ = nullptr;
  size_t size_ = 0;
  std::string_view at_end_;
  std::string_view at_start_;
};

// Printable renders bytes with escapes, for failure messages.
inline std::string Printable(std::string_view s, size_t max = 200) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7f) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > max) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out;
}

}  // namespace dkimbatch::testutil

#endif  // DKIMBATCH_TESTS_ENGINE_SIMD_TEST_UTIL_H_
