// bench/bm_sha256_many.cc
//
// SHA-256 of 256 messages per iteration (bytes/s of message data): OpenSSL
// EVP one message at a time (engine::Digest, one reused context) next to
// Sha256Many's SHA-NI kernel with its default number of interleaved streams
// and with 1 to 4 (how the default was chosen). Message sizes 1 KB, 9 KB
// (a typical mail body) and 64 KB, all messages distinct; plus a mix of
// random lengths up to 18 KB, where streams finish at different times.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "bench/bench_data.h"
#include "engine/crypto/digest.h"
#include "engine/crypto/sha256_many.h"
#include "engine/crypto/sha256_many_kernels.h"

namespace dkimbatch::bench {
namespace {

constexpr size_t kMessages = 256;
constexpr size_t kDigestSize = 32;

// Batch is kMessages messages of random bytes, back to back, with a
// digest slot each. `size` > 0: all that long; 0: random lengths in
// [0, 18 KB].
struct Batch {
  explicit Batch(size_t size) : outs(kMessages * kDigestSize) {
    Rng rng(0x256 + size);
    std::vector<size_t> lens(kMessages);
    size_t total = 0;
    for (size_t& len : lens) {
      len = size > 0 ? size : rng.Below((18 << 10) + 1);
      total += len;
    }
    bytes.resize(total);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng.Next());
    size_t at = 0;
    for (size_t i = 0; i < kMessages; ++i) {
      jobs.push_back({bytes.data() + at, lens[i], &outs[i * kDigestSize]});
      at += lens[i];
    }
  }

  std::vector<uint8_t> bytes;
  std::vector<uint8_t> outs;
  std::vector<engine::Sha256Job> jobs;
};

void Finish(benchmark::State& state, const Batch& batch) {
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(batch.bytes.size()));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kMessages));
}

void BM_Sha256OpensslEvp(benchmark::State& state) {
  const Batch batch(static_cast<size_t>(state.range(0)));
  engine::Digest digest;
  for (auto _ : state) {
    for (const engine::Sha256Job& job : batch.jobs) {
      digest.Reset(engine::HashAlg::kSha256);
      digest.Write(
          std::string_view(reinterpret_cast<const char*>(job.data), job.len));
      digest.Final(job.out);
    }
    benchmark::ClobberMemory();
  }
  Finish(state, batch);
}

// Streams 0 is Sha256ManyWith(kShaNi): the default number of streams.
void BM_Sha256ManyShaNi(benchmark::State& state) {
  if (!engine::Sha256ManyKernelSupported(engine::Sha256ManyKernel::kShaNi)) {
    state.SkipWithError("no SHA-NI on this CPU");
    return;
  }
  const Batch batch(static_cast<size_t>(state.range(0)));
  const int streams = static_cast<int>(state.range(1));
  for (auto _ : state) {
    if (streams == 0) {
      engine::Sha256ManyWith(engine::Sha256ManyKernel::kShaNi, batch.jobs);
    } else {
      engine::internal::Sha256ManyShaNi(streams, batch.jobs);
    }
    benchmark::ClobberMemory();
  }
  Finish(state, batch);
}

// Size 0 is the mix of random lengths.
constexpr int64_t kSizes[] = {1 << 10, 9 << 10, 64 << 10, 0};

BENCHMARK(BM_Sha256OpensslEvp)
    ->ArgName("size")
    ->Arg(kSizes[0])
    ->Arg(kSizes[1])
    ->Arg(kSizes[2])
    ->Arg(kSizes[3]);

BENCHMARK(BM_Sha256ManyShaNi)
    ->ArgNames({"size", "streams"})
    ->ArgsProduct({{kSizes[0], kSizes[1], kSizes[2], kSizes[3]},
                   {0, 1, 2, 3, 4}});

}  // namespace
}  // namespace dkimbatch::bench
