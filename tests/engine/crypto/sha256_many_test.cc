// tests/engine/crypto/sha256_many_test.cc
//
// Sha256Many against OpenSSL's one-shot SHA-256 (EVP_Digest), which is the
// reference, for each kernel (kOpenssl; kShaNi where the CPU has SHA-NI,
// with its default and every other number of interleaved streams; kAvx512
// where the CPU has AVX-512, with its default hand-over of the last busy
// lanes to SHA-NI, with every block through the AVX-512 kernel, as on CPUs
// without SHA-NI, and handing every lane over once the last job has
// started): FIPS 180 known answers, every length 0..300 (all the padding
// edge cases) alone and in one batch, random batches of 0 to 500 jobs with
// random contents, lengths up to 1 MB, odd data alignments and shared data,
// and a 10 MB job among empty ones.
#include "engine/crypto/sha256_many.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/crypto/sha256_many_kernels.h"
#include "gtest/gtest.h"

namespace dkimbatch::engine {
namespace {

constexpr size_t kDigestSize = 32;

// Runner is one way of running the jobs: a kernel with its defaults, or
// the SHA-NI path with `streams` > 0 streams, or the AVX-512 path with
// `avx512` options.
struct Runner {
  std::string name;
  Sha256ManyKernel kernel;
  int streams = 0;
  std::optional<internal::Sha256Avx512Options> avx512;
};

void RunJobs(const Runner& runner, std::span<const Sha256Job> jobs) {
  if (runner.streams > 0) {
    internal::Sha256ManyShaNi(runner.streams, jobs);
  } else if (runner.avx512.has_value()) {
    internal::Sha256ManyAvx512(*runner.avx512, jobs);
  } else {
    Sha256ManyWith(runner.kernel, jobs);
  }
}

std::string Hex(const uint8_t* data, size_t len) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < len; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

std::string Reference(const uint8_t* data, size_t len) {
  static const uint8_t kNothing = 0;
  uint8_t out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  EXPECT_EQ(EVP_Digest(len > 0 ? data : &kNothing, len, out, &out_len,
                       EVP_sha256(), nullptr),
            1);
  EXPECT_EQ(out_len, kDigestSize);
  return Hex(out, out_len);
}

std::vector<uint8_t> RandomBytes(size_t n, std::mt19937_64& rng) {
  std::vector<uint8_t> bytes(n);
  for (size_t i = 0; i < n; i += 8) {
    const uint64_t word = rng();
    std::memcpy(&bytes[i], &word, std::min<size_t>(8, n - i));
  }
  return bytes;
}

// Piece is one message: `len` bytes at `data`.
struct Piece {
  const uint8_t* data;
  size_t len;
};

// CheckBatch runs `pieces` as one batch and compares every digest with the
// reference; digests go to one buffer with guard bytes after each, which
// must stay untouched.
void CheckBatch(const Runner& runner, const std::vector<Piece>& pieces) {
  constexpr size_t kStride = kDigestSize + 8;
  constexpr uint8_t kGuard = 0xA5;
  std::vector<uint8_t> outs(pieces.size() * kStride, kGuard);
  std::vector<Sha256Job> jobs;
  for (size_t i = 0; i < pieces.size(); ++i) {
    jobs.push_back({pieces[i].data, pieces[i].len, &outs[i * kStride]});
  }
  RunJobs(runner, jobs);
  for (size_t i = 0; i < pieces.size(); ++i) {
    ASSERT_EQ(Hex(&outs[i * kStride], kDigestSize),
              Reference(pieces[i].data, pieces[i].len))
        << "job " << i << " of " << pieces.size() << ", " << pieces[i].len
        << " bytes";
    for (size_t j = kDigestSize; j < kStride; ++j) {
      ASSERT_EQ(outs[i * kStride + j], kGuard) << "job " << i;
    }
  }
}

class Sha256ManyKernelTest : public ::testing::TestWithParam<Runner> {
 protected:
  void SetUp() override {
    if (!Sha256ManyKernelSupported(GetParam().kernel)) {
      GTEST_SKIP() << "this CPU cannot run " << GetParam().name
                   << " (kShaNi needs SHA-NI and SSE4.1, kAvx512 AVX-512 F, "
                      "BW and VL): not tested";
    }
  }
};

TEST_P(Sha256ManyKernelTest, KnownAnswers) {
  // FIPS 180-2 appendix B.1 and B.2, and the empty message.
  const std::string abc = "abc";
  const std::string two_blocks =
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  uint8_t out[3][kDigestSize];
  const Sha256Job jobs[] = {
      {nullptr, 0, out[0]},
      {reinterpret_cast<const uint8_t*>(abc.data()), abc.size(), out[1]},
      {reinterpret_cast<const uint8_t*>(two_blocks.data()), two_blocks.size(),
       out[2]},
  };
  RunJobs(GetParam(), jobs);
  EXPECT_EQ(Hex(out[0], kDigestSize),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hex(out[1], kDigestSize),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex(out[2], kDigestSize),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // Each alone too (a single stream).
  for (const Sha256Job& job : jobs) {
    uint8_t alone[kDigestSize];
    const Sha256Job one[] = {{job.data, job.len, alone}};
    RunJobs(GetParam(), one);
    EXPECT_EQ(Hex(alone, kDigestSize), Hex(job.out, kDigestSize));
  }
}

TEST_P(Sha256ManyKernelTest, NoJobs) {
  RunJobs(GetParam(), {});
  const Sha256Job* none = nullptr;
  RunJobs(GetParam(), std::span<const Sha256Job>(none, 0));
}

TEST_P(Sha256ManyKernelTest, EveryLengthUpTo300) {
  std::mt19937_64 rng(300);
  const std::vector<uint8_t> bytes = RandomBytes(400, rng);
  std::vector<Piece> all;
  for (size_t len = 0; len <= 300; ++len) {
    // Offsets 0..7 and odd ones: every alignment.
    const Piece piece{bytes.data() + len % 13, len};
    CheckBatch(GetParam(), {piece});
    if (HasFatalFailure()) return;
    all.push_back(piece);
  }
  CheckBatch(GetParam(), all);
  std::reverse(all.begin(), all.end());
  CheckBatch(GetParam(), all);
}

TEST_P(Sha256ManyKernelTest, PaddingEdgesInEveryStream) {
  // Lengths around the one/two final block boundary, rotated so each lands
  // in each stream (or lane) and next to each other one.
  constexpr size_t kEdges[] = {0,   1,   55,  56,  63,  64,  65,  119,
                               120, 127, 128, 129, 183, 184, 191, 192};
  std::mt19937_64 rng(56);
  const std::vector<uint8_t> bytes = RandomBytes(256, rng);
  for (size_t shift = 0; shift < std::size(kEdges); ++shift) {
    for (size_t count : {1, 2, 3, 4, 5, 6, 15, 16, 17, 31, 33}) {
      std::vector<Piece> pieces;
      for (size_t i = 0; i < count; ++i) {
        pieces.push_back(
            {bytes.data() + 1, kEdges[(shift + i) % std::size(kEdges)]});
      }
      CheckBatch(GetParam(), pieces);
      if (HasFatalFailure()) return;
    }
  }
}

TEST_P(Sha256ManyKernelTest, RandomBatches) {
  std::mt19937_64 rng(0x5A256);
  const std::vector<uint8_t> bytes = RandomBytes((1 << 20) + 64, rng);
  for (size_t count : {0, 1, 2, 3, 4, 5, 15, 16, 17, 100, 500}) {
    for (int round = 0; round < (count < 500 ? 8 : 2); ++round) {
      std::vector<Piece> pieces;
      for (size_t i = 0; i < count; ++i) {
        const unsigned kind = rng() % 100;
        size_t len;
        if (kind < 50) {
          len = rng() % 301;
        } else if (kind < 97) {
          len = rng() % (20 << 10);
        } else {
          len = (1 << 20) - rng() % 64;
        }
        if (!pieces.empty() && rng() % 8 == 0) {
          // The same data as an earlier job, whole or a prefix.
          const Piece& earlier = pieces[rng() % pieces.size()];
          pieces.push_back(
              {earlier.data, rng() % 2 == 0 ? earlier.len : earlier.len / 2});
          continue;
        }
        const size_t offset = rng() % (bytes.size() - len + 1);
        pieces.push_back({bytes.data() + offset, len});
      }
      SCOPED_TRACE("count " + std::to_string(count) + " round " +
                   std::to_string(round));
      CheckBatch(GetParam(), pieces);
      if (HasFatalFailure()) return;
    }
  }
}

TEST_P(Sha256ManyKernelTest, HugeAmongEmpty) {
  std::mt19937_64 rng(10);
  const std::vector<uint8_t> huge = RandomBytes(10 << 20, rng);
  for (size_t position : {0, 3, 20}) {
    std::vector<Piece> pieces(21, Piece{nullptr, 0});
    pieces[position] = {huge.data() + 3, huge.size() - 3};
    pieces[7] = {huge.data(), 1};
    CheckBatch(GetParam(), pieces);
    if (HasFatalFailure()) return;
  }
}

std::vector<Runner> Runners() {
  std::vector<Runner> runners = {
      {"Openssl", Sha256ManyKernel::kOpenssl, 0, std::nullopt},
      {"ShaNi", Sha256ManyKernel::kShaNi, 0, std::nullopt}};
  for (int streams = 1; streams <= internal::kSha256ShaNiMaxStreams;
       ++streams) {
    runners.push_back({"ShaNi" + std::to_string(streams) + "Streams",
                       Sha256ManyKernel::kShaNi, streams, std::nullopt});
  }
  runners.push_back({"Avx512", Sha256ManyKernel::kAvx512, 0, std::nullopt});
  // Every block through the AVX-512 kernel, idle lanes and all.
  runners.push_back({"Avx512Alone", Sha256ManyKernel::kAvx512, 0,
                     internal::Sha256Avx512Options{0, false}});
  // As on CPUs without SHA-NI: the longest jobs may go to OpenSSL.
  runners.push_back({"Avx512NoShaNi", Sha256ManyKernel::kAvx512, 0,
                     internal::Sha256Avx512Options{0, true}});
  // Every lane to SHA-NI once the last job has started.
  runners.push_back(
      {"Avx512ShaNiTail", Sha256ManyKernel::kAvx512, 0,
       internal::Sha256Avx512Options{internal::kSha256Avx512Lanes + 1, true}});
  return runners;
}

INSTANTIATE_TEST_SUITE_P(Sha256Many, Sha256ManyKernelTest,
                         ::testing::ValuesIn(Runners()),
                         [](const ::testing::TestParamInfo<Runner>& info) {
                           return info.param.name;
                         });

TEST(Sha256ManyTest, DefaultMatchesReference) {
  EXPECT_TRUE(Sha256ManyKernelSupported(Sha256ManyKernel::kOpenssl));
  std::mt19937_64 rng(1);
  const std::vector<uint8_t> bytes = RandomBytes(10000, rng);
  std::vector<uint8_t> outs(50 * kDigestSize);
  std::vector<Sha256Job> jobs;
  for (size_t i = 0; i < 50; ++i) {
    jobs.push_back({bytes.data() + i, i * 199, &outs[i * kDigestSize]});
  }
  Sha256Many(jobs);
  for (size_t i = 0; i < jobs.size(); ++i) {
    EXPECT_EQ(Hex(jobs[i].out, kDigestSize),
              Reference(jobs[i].data, jobs[i].len));
  }
}

// SortLongestFirst against a stable sort by block count: the same jobs,
// in non-increasing block count, for short jobs (one bucket each), long
// ones (sorted among themselves), ties and the bucket edges.
TEST(Sha256ManyTest, SortLongestFirstOrdersByBlockCount) {
  const auto blocks = [](const Sha256Job& job) {
    return (job.len + 8) / 64 + 1;
  };
  std::mt19937_64 rng(7);
  std::vector<Sha256Job> jobs, scratch;
  for (int round = 0; round < 200; ++round) {
    const size_t n = rng() % 700;
    jobs.clear();
    for (size_t i = 0; i < n; ++i) {
      size_t len;
      switch (rng() % 4) {
        case 0:  // around the edge of the counted sizes (511, 512 blocks)
          len = 511 * 64 - 9 + rng() % 130;
          break;
        case 1:  // long: sorted among themselves
          len = rng() % (size_t{1} << 21);
          break;
        default:  // a usual header block or body
          len = rng() % 20000;
      }
      // `out` tells the jobs apart; `data` is not read.
      jobs.push_back({nullptr, len, reinterpret_cast<uint8_t*>(i + 1)});
    }
    std::vector<Sha256Job> expected = jobs;
    std::stable_sort(expected.begin(), expected.end(),
                     [&](const Sha256Job& a, const Sha256Job& b) {
                       return blocks(a) > blocks(b);
                     });
    SortLongestFirst(&jobs, &scratch);
    ASSERT_EQ(jobs.size(), n);
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(blocks(jobs[i]), blocks(expected[i])) << round << " " << i;
    }
    // The same jobs: compare the sets of `out` tags with their lengths.
    const auto by_tag = [](const Sha256Job& a, const Sha256Job& b) {
      return a.out < b.out;
    };
    std::vector<Sha256Job> got = jobs;
    std::sort(got.begin(), got.end(), by_tag);
    std::sort(expected.begin(), expected.end(), by_tag);
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(got[i].out, expected[i].out) << round;
      EXPECT_EQ(got[i].len, expected[i].len) << round;
    }
  }
}

}  // namespace
}  // namespace dkimbatch::engine
