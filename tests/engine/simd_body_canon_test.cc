// tests/engine/simd_body_canon_test.cc
//
// Differential tests of body canonicalization: every vector kernel this
// CPU runs (AVX2, AVX-512, AVX-512 VBMI2) against the scalar reference, on
// random input over biased alphabets and on adversarial input (all white
// space, CR without LF, LF without CR, 1 MB lines, trailing empty lines,
// patterns placed at every offset 0..200 so that the kernels' 64-byte block
// edges and their 128-byte tail fall inside CRLF pairs and WSP runs), each
// at several l= limits. Any difference in the bytes written or the length
// returned fails, through a plain sink or in place in a ByteArena.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canon/body_canon.h"
#include "engine/canon/body_canon_internal.h"
#include "engine/canon/byte_arena.h"
#include "engine/simd/cpu.h"
#include "gtest/gtest.h"
#include "tests/engine/simd_test_util.h"

namespace dkimbatch::engine {
namespace {

using simd::SimdLevel;
using testutil::ChunkSink;
using testutil::Printable;
using testutil::RandomBytes;
using testutil::VectorLevels;

using BodyFn = uint64_t (*)(Canon, std::string_view, uint64_t, ByteSink*);

// PlainKernelFor returns the kernel of `level` (at kAvx512, the one
// without VBMI2).
BodyFn PlainKernelFor(SimdLevel level) {
  return ForLevel<BodyFn>(level, internal::CanonicalizeBodyAvx512,
                          internal::CanonicalizeBodyAvx2,
                          internal::CanonicalizeBodyScalar);
}

// BodyFnFor returns the kernel CanonicalizeBody() runs at `level`.
BodyFn BodyFnFor(SimdLevel level) {
  return level == SimdLevel::kAvx512 && simd::CpuHasAvx512Vbmi2()
             ? internal::CanonicalizeBodyAvx512Vbmi2
             : PlainKernelFor(level);
}

struct BodyKernel {
  std::string_view name;
  BodyFn fn;
};

// VectorKernels returns the vector kernels this CPU runs: one per vector
// level, and the AVX-512 level's VBMI2 variant besides its plain one.
std::vector<BodyKernel> VectorKernels() {
  std::vector<BodyKernel> out;
  for (SimdLevel level : VectorLevels()) {
    out.push_back({simd::SimdLevelName(level), PlainKernelFor(level)});
  }
  if (simd::CpuHasAvx512Vbmi2()) {
    out.push_back({"avx512vbmi2", internal::CanonicalizeBodyAvx512Vbmi2});
  }
  return out;
}

// A run's output through a plain sink (the buffered path) and, appended
// after other bytes, through a ByteArena (the in-place path); both must
// agree with the reference's.
struct BodyRun {
  std::string bytes;
  uint64_t total = 0;
  std::string arena_bytes;
  uint64_t arena_total = 0;
  bool operator==(const BodyRun&) const = default;
};

BodyRun RunBody(BodyFn fn, Canon canon, std::string_view body, uint64_t limit) {
  ChunkSink sink;
  BodyRun r;
  r.total = fn(canon, body, limit, &sink);
  r.bytes = std::move(sink.all);
  constexpr std::string_view kBefore = "bytes before";
  ByteArena arena;
  arena.Write(kBefore);
  r.arena_total = fn(canon, body, limit, &arena);
  const std::string_view all(arena.data(), arena.size());
  r.arena_bytes = all.substr(0, kBefore.size()) == kBefore
                      ? std::string(all.substr(kBefore.size()))
                      : "(the bytes before were overwritten)";
  return r;
}

size_t FirstDifference(std::string_view a, std::string_view b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

// ExpectSameAsScalar runs every vector level on `body` under both
// algorithms, with no limit and (unless `limits` is false) at limits around
// 0, the middle and the end of the canonical body; returns false after the
// first difference (reported with `label`).
bool ExpectSameAsScalar(std::string_view body, std::string_view label,
                        bool limits = true) {
  for (Canon canon : {Canon::kSimple, Canon::kRelaxed}) {
    const BodyRun want =
        RunBody(internal::CanonicalizeBodyScalar, canon, body, kNoBodyLimit);
    std::vector<uint64_t> limit_list = {kNoBodyLimit};
    if (limits) {
      limit_list.insert(limit_list.end(),
                        {0, 1, want.total / 2, want.total, want.total + 1});
      if (want.total > 0) limit_list.push_back(want.total - 1);
    }
    for (const BodyKernel& kernel : VectorKernels()) {
      for (uint64_t limit : limit_list) {
        const BodyRun expected =
            limit == kNoBodyLimit
                ? want
                : RunBody(internal::CanonicalizeBodyScalar, canon, body, limit);
        const BodyRun got = RunBody(kernel.fn, canon, body, limit);
        if (got == expected) continue;
        // Show the path that differs: the plain sink's, else the arena's.
        const bool plain =
            got.bytes != expected.bytes || got.total != expected.total;
        const std::string& want_bytes =
            plain ? expected.bytes : expected.arena_bytes;
        const std::string& got_bytes = plain ? got.bytes : got.arena_bytes;
        const size_t at = FirstDifference(got_bytes, want_bytes);
        ADD_FAILURE() << kernel.name << " "
                      << (canon == Canon::kSimple ? "simple" : "relaxed")
                      << (plain ? "" : " (in a ByteArena)")
                      << " differs from scalar on " << label << ", limit "
                      << limit << "\n  body:   " << Printable(body)
                      << "\n  want:   total "
                      << (plain ? expected.total : expected.arena_total) << " "
                      << Printable(std::string_view(want_bytes)
                                       .substr(at > 20 ? at - 20 : 0, 80))
                      << "\n  got:    total "
                      << (plain ? got.total : got.arena_total) << " "
                      << Printable(std::string_view(got_bytes).substr(
                             at > 20 ? at - 20 : 0, 80))
                      << "\n  (first difference at output byte " << at << ")";
        return false;
      }
    }
  }
  return true;
}

TEST(SimdBodyCanon, CpuHasVectorLevels) {
  if (VectorLevels().empty()) {
    GTEST_SKIP() << "no AVX2 on this CPU: only the scalar code runs";
  }
  SUCCEED();
}

TEST(SimdBodyCanon, CpuHasVbmi2) {
  if (!simd::CpuHasAvx512Vbmi2()) {
    GTEST_SKIP() << "no AVX-512 VBMI2 on this CPU: its relaxed kernel is "
                    "not tested";
  }
  SUCCEED();
}

TEST(SimdBodyCanon, KnownVectors) {
  const std::vector<std::string> cases = {
      "",
      "\r\n",
      "\n",
      "\r\n\r\n\r\n",
      " \r\n",
      "a",
      "a\r",
      "a\r\r",
      "a\r\r\n",
      "\r",
      " ",
      "\t\t",
      "abc \t ",
      " C \r\nD \t E\r\n\r\n\r\n",
      " C \nD \t E\n\n\n",
      "x  \r\n\t\r\n \r\n",
      "a \r b\r\n",
      "a \r \n",
      "a\tb\t\tc \td\r\n",
      "line\n\n\nline\n\n",
      "\n\n\nx",
      "x\n \t \n\t\n",
      "x\r\n\r",
      "x\r\n \r",
      "x\r\n\r\r\n",
  };
  for (const std::string& c : cases) {
    if (!ExpectSameAsScalar(c, "known vector")) return;
  }
}

TEST(SimdBodyCanon, RandomEveryLengthUpTo300) {
  RandomBytes rng(0xB0D1);
  for (const auto* alphabet :
       {&testutil::WspHeavyAlphabet(), &testutil::TextAlphabet(),
        &testutil::LineEndAlphabet()}) {
    for (size_t n = 0; n <= 300; ++n) {
      for (int rep = 0; rep < 3; ++rep) {
        const std::string body = rng.Draw(n, *alphabet);
        if (!ExpectSameAsScalar(body, "random body")) return;
      }
    }
  }
}

TEST(SimdBodyCanon, RandomLongBodies) {
  RandomBytes rng(0xB0D2);
  for (int rep = 0; rep < 150; ++rep) {
    const auto& alphabet = rep % 3 == 0   ? testutil::WspHeavyAlphabet()
                           : rep % 3 == 1 ? testutil::TextAlphabet()
                                          : testutil::LineEndAlphabet();
    const std::string body = rng.Draw(300 + rng.Below(40000), alphabet);
    if (!ExpectSameAsScalar(body, "long random body")) return;
  }
}

// Text-like bodies: lines of words with occasional WSP runs, tabs and
// trailing WSP, LF or CRLF ends, as in mail.
TEST(SimdBodyCanon, RandomMailText) {
  RandomBytes rng(0xB0D3);
  for (int rep = 0; rep < 200; ++rep) {
    std::string body;
    const bool crlf = rep % 2 == 0;
    const size_t lines = rng.Below(200);
    for (size_t l = 0; l < lines; ++l) {
      const size_t words = rng.Below(14);
      for (size_t w = 0; w < words; ++w) {
        if (w > 0) {
          const size_t sep = rng.Below(40);
          body += sep == 0 ? "  " : sep == 1 ? "\t" : sep == 2 ? " \t " : " ";
        }
        body += std::string(1 + rng.Below(9), static_cast<char>('a' + w));
      }
      if (rng.Below(12) == 0) body += rng.Below(2) == 0 ? " " : "\t \t";
      body += crlf ? "\r\n" : "\n";
    }
    for (size_t t = rng.Below(4); t > 0; --t) body += crlf ? "\r\n" : "\n";
    if (!ExpectSameAsScalar(body, "mail text")) return;
  }
}

TEST(SimdBodyCanon, AllWhiteSpace) {
  const std::vector<std::string> units = {
      " ", "\t", " \t", "\r\n", "\n", " \n", "\t\r\n", " \r\n ", "\r", "\r \n"};
  for (const std::string& unit : units) {
    for (size_t reps :
         {1, 2, 3, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1000, 4096, 10000}) {
      std::string body;
      for (size_t i = 0; i < reps; ++i) body += unit;
      if (!ExpectSameAsScalar(body, "all white space '" + Printable(unit) +
                                        "' x" + std::to_string(reps))) {
        return;
      }
    }
  }
  std::string mb(size_t{1} << 20, ' ');
  for (size_t i = 0; i < mb.size(); i += 7) mb[i] = '\t';
  EXPECT_TRUE(ExpectSameAsScalar(mb, "1 MB of SP and TAB", false));
  mb += "\r\n";
  EXPECT_TRUE(ExpectSameAsScalar(mb, "1 MB of SP and TAB, CRLF", false));
}

TEST(SimdBodyCanon, CrWithoutLf) {
  const std::vector<std::string> units = {"\r",   "a\r",   "a \r",   "a\r ",
                                          "\r\r", " \r\t", "ab\r\rc"};
  for (const std::string& unit : units) {
    for (size_t reps : {1, 2, 21, 22, 64, 65, 200, 5000}) {
      std::string body;
      for (size_t i = 0; i < reps; ++i) body += unit;
      if (!ExpectSameAsScalar(body, "CR without LF")) return;
      if (!ExpectSameAsScalar(body + "\n", "CR without LF, then LF")) return;
      if (!ExpectSameAsScalar(body + "x\r\n", "CR without LF, CRLF")) return;
    }
  }
}

TEST(SimdBodyCanon, LfWithoutCr) {
  const std::vector<std::string> units = {"\n",    "a\n",  "a \n",
                                          " \t\n", "\n\n", "ab c\n"};
  for (const std::string& unit : units) {
    for (size_t reps : {1, 2, 21, 64, 65, 200, 5000}) {
      std::string body;
      for (size_t i = 0; i < reps; ++i) body += unit;
      if (!ExpectSameAsScalar(body, "LF without CR")) return;
      if (!ExpectSameAsScalar("x" + body + "y", "LF without CR, framed")) {
        return;
      }
    }
  }
}

TEST(SimdBodyCanon, OneMegabyteLines) {
  RandomBytes rng(0xB0D4);
  std::string line = rng.Draw(size_t{1} << 20, testutil::TextAlphabet());
  for (char& c : line) {
    if (c == '\r' || c == '\n') c = 'x';
  }
  for (const char* end : {"", "\r\n", "\n", "  \t\r\n", " \t", "\r"}) {
    EXPECT_TRUE(
        ExpectSameAsScalar(line + end, "1 MB line + " + Printable(end), false));
  }
  EXPECT_TRUE(
      ExpectSameAsScalar(line + "\r\n" + line + "\n\n", "two 1 MB lines"));
}

// Places each pattern at every offset 0..200 from the start of the body
// (and the body's end at every offset after it), so that 64-byte block
// edges, the end of the main loop and the 128-byte tail cut through CRLF
// pairs, WSP runs and trailing empty lines.
TEST(SimdBodyCanon, PatternsAtEveryOffset) {
  const std::vector<std::string> patterns = {
      "\r\n",   "  \t  \r\n", " \n",         "\t\r\n", "\r\r\n",
      " \r \n", "a  b",       "\r\n\r\n",    "  ",     "\r",
      "\n",     " \t \t ",    "\r\n \r\n\n", "a \t\n", " \r\n\t\r\n \r\n"};
  for (const std::string& pattern : patterns) {
    for (size_t offset = 0; offset <= 200; ++offset) {
      const std::string lead(offset, 'x');
      const std::string label =
          "'" + Printable(pattern) + "' at " + std::to_string(offset);
      if (!ExpectSameAsScalar(lead + pattern, label + ", at the end")) return;
      if (!ExpectSameAsScalar(lead + pattern + "y\r\n" + std::string(150, 'z'),
                              label + ", in the middle")) {
        return;
      }
      if (!ExpectSameAsScalar(lead + pattern + "\r\n\r\n \r\n",
                              label + ", before trailing empty lines")) {
        return;
      }
    }
  }
}

TEST(SimdBodyCanon, TrailingEmptyLinesAcrossBoundaries) {
  const std::vector<std::string> tails = {
      "\r\n\r\n",  "\n\n\n",     "\r\n \t\r\n\t\n",
      " \n \n \n", "\r\n\r\n  ", "\n\r\n\n\r\n\r\n"};
  RandomBytes rng(0xB0D5);
  for (const std::string& tail : tails) {
    for (size_t n = 0; n <= 260; ++n) {
      std::string body = rng.Draw(n, testutil::TextAlphabet());
      if (!ExpectSameAsScalar(body + tail, "text + trailing empty lines")) {
        return;
      }
      std::string many = body;
      for (int i = 0; i < 100; ++i) many += tail;
      if (!ExpectSameAsScalar(many, "text + many trailing empty lines")) {
        return;
      }
    }
  }
}

// Inputs that end right before (or start right after) an unreadable page:
// a kernel that loads past its view crashes here.
TEST(SimdBodyCanon, NeverReadsOutsideTheBody) {
  RandomBytes rng(0xB0D6);
  for (size_t n = 0; n <= 400; ++n) {
    const std::string body = rng.Draw(n, testutil::WspHeavyAlphabet());
    testutil::GuardedCopy guarded(body);
    if (!ExpectSameAsScalar(guarded.at_end(), "body at a page end", false) ||
        !ExpectSameAsScalar(guarded.at_start(), "body at a page start",
                            false)) {
      return;
    }
  }
}

// Simple canonicalization of CRLF text changes nothing but the trailing
// empty lines: the kernels hand the input to the sink without copying it.
TEST(SimdBodyCanon, CleanCrlfBodyGoesToTheSinkUncopied) {
  std::string body;
  while (body.size() < 100000) body += "A clean line of mail text.\r\n";
  body += "\r\n\r\n";
  class PointerSink final : public ByteSink {
   public:
    void Write(std::string_view bytes) override { views.push_back(bytes); }
    std::vector<std::string_view> views;
  };
  for (const BodyKernel& kernel : VectorKernels()) {
    PointerSink sink;
    const uint64_t total = kernel.fn(Canon::kSimple, body, kNoBodyLimit, &sink);
    EXPECT_EQ(total, body.size() - 4);
    size_t uncopied = 0;
    for (std::string_view v : sink.views) {
      if (v.data() >= body.data() && v.data() < body.data() + body.size()) {
        uncopied += v.size();
      }
    }
    EXPECT_GE(uncopied, body.size() - 256) << kernel.name;
  }
}

// l= limits that end inside (and right around) the spans handed to the
// sink uncopied, and inside the edited blocks between them.
TEST(SimdBodyCanon, LimitsInsideUncopiedSpans) {
  std::string body;
  RandomBytes rng(0xB0D7);
  while (body.size() < 60000) {
    body += rng.Below(40) == 0 ? "a  dirty\tline \r\n" : "clean line\r\n";
  }
  body += "\r\n";
  for (const BodyKernel& kernel : VectorKernels()) {
    for (Canon canon : {Canon::kSimple, Canon::kRelaxed}) {
      for (uint64_t limit = 0; limit < body.size() + 10; limit += 997) {
        const BodyRun want =
            RunBody(internal::CanonicalizeBodyScalar, canon, body, limit);
        const BodyRun got = RunBody(kernel.fn, canon, body, limit);
        ASSERT_EQ(got.total, want.total) << limit;
        ASSERT_TRUE(got.bytes == want.bytes)
            << kernel.name << " limit " << limit;
        ASSERT_EQ(got.arena_total, want.total) << limit;
        ASSERT_TRUE(got.arena_bytes == want.bytes)
            << kernel.name << " in a ByteArena, limit " << limit;
      }
    }
  }
}

// Every l= from 0 to past the end, on short adversarial bodies: the cut
// falls inside CRLF pairs, inserted CRs, collapsed WSP runs and trailing
// empty lines.
TEST(SimdBodyCanon, LimitAtEveryByte) {
  const std::vector<std::string> bodies = {
      "a  \t b \r\n\tc\n\n \r\n\r\n",
      "x\ny\n\nz \n \n",
      " \t \r \r\n\r\r\n  a\t\tb\r",
      std::string(70, ' ') + "a" + std::string(70, '\t') + "b\n\n\n",
      std::string(63, 'q') + " \r\n" + std::string(60, 'r') + "\t\n \n",
  };
  for (const std::string& body : bodies) {
    for (Canon canon : {Canon::kSimple, Canon::kRelaxed}) {
      const uint64_t total =
          RunBody(internal::CanonicalizeBodyScalar, canon, body, kNoBodyLimit)
              .total;
      for (uint64_t limit = 0; limit <= total + 1; ++limit) {
        const BodyRun want =
            RunBody(internal::CanonicalizeBodyScalar, canon, body, limit);
        for (const BodyKernel& kernel : VectorKernels()) {
          const BodyRun got = RunBody(kernel.fn, canon, body, limit);
          ASSERT_TRUE(got == want)
              << kernel.name << " limit " << limit << " on " << Printable(body);
        }
      }
    }
  }
}

TEST(SimdBodyCanon, NullEmptyView) {
  EXPECT_TRUE(ExpectSameAsScalar(std::string_view(), "a null empty view"));
}

// The public entry point runs the level set with SetSimdLevel().
TEST(SimdBodyCanon, PublicEntryPointFollowsTheActiveLevel) {
  const std::string body = "a  b \t\r\nc\n\n";
  const SimdLevel saved = simd::ActiveSimdLevel();
  for (SimdLevel level : simd::SupportedSimdLevels()) {
    ASSERT_TRUE(simd::SetSimdLevel(level));
    ChunkSink via_api;
    ChunkSink direct;
    EXPECT_EQ(CanonicalizeBody(Canon::kRelaxed, body, kNoBodyLimit, &via_api),
              BodyFnFor(level)(Canon::kRelaxed, body, kNoBodyLimit, &direct));
    EXPECT_EQ(via_api.all, "a b\r\nc\r\n");
    EXPECT_EQ(via_api.all, direct.all);
  }
  simd::SetSimdLevel(saved);
}

}  // namespace
}  // namespace dkimbatch::engine
