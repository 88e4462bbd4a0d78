// bench/bm_sha256_many.cc
//
// SHA-256 of 256 or more messages per iteration (bytes/s of message data):
// OpenSSL EVP one message at a time (engine::Digest, one reused context)
// next to Sha256Many's kernels: SHA-NI with its default number of
// interleaved streams and with 1 to 4; AVX-512 (16 lanes) with its default
// hand-over of the last busy lanes to SHA-NI, with other hand-over points
// and with none, and as on CPUs without SHA-NI; and Sha256Many itself.
// Message sizes 1 KB, 9 KB (a typical mail body) and 64 KB, all messages
// distinct; a mix of random lengths up to 18 KB, where streams finish at
// different times; a mail batch: 250 bodies of up to 20 KB, each followed
// by its header block of 0.5 to 1.5 KB; and that batch with a 4 MB body
// among them. Batches of 4 to 24 messages show where the AVX-512 path's
// hand-over to SHA-NI pays (how the defaults were chosen).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "bench/bench_data.h"
#include "engine/crypto/digest.h"
#include "engine/crypto/sha256_many.h"
#include "engine/crypto/sha256_many_kernels.h"

namespace dkimbatch::bench {
namespace {

constexpr size_t kDigestSize = 32;

// The `size` argument of the random mixes.
constexpr int64_t kRandom = 0;  // 256 messages of [0, 18 KB]
constexpr int64_t kMail = -1;   // 250 x (body [0, 20 KB], header [0.5, 1.5 KB])
constexpr int64_t kMailHuge = -2;  // kMail with body 100 of 4 MB

// Batch is the messages of one iteration, random bytes back to back, with
// a digest slot each: 256 of `size` > 0 bytes, or a mix above.
struct Batch {
  explicit Batch(int64_t size) {
    Rng rng(0x256 + static_cast<uint64_t>(size));
    std::vector<size_t> lens;
    if (size > 0) {
      lens.assign(256, static_cast<size_t>(size));
    } else if (size == kRandom) {
      for (int i = 0; i < 256; ++i) lens.push_back(rng.Below((18 << 10) + 1));
    } else {
      for (int i = 0; i < 250; ++i) {
        lens.push_back(size == kMailHuge && i == 100
                           ? 4 << 20
                           : rng.Below((20 << 10) + 1));
        lens.push_back(512 + rng.Below(1025));
      }
    }
    size_t total = 0;
    for (size_t len : lens) total += len;
    bytes.resize(total);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng.Next());
    outs.resize(lens.size() * kDigestSize);
    size_t at = 0;
    for (size_t i = 0; i < lens.size(); ++i) {
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
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(batch.jobs.size()));
}

void BM_Sha256OpensslEvp(benchmark::State& state) {
  const Batch batch(state.range(0));
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
  const Batch batch(state.range(0));
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

// shani_below -1 is Sha256ManyWith(kAvx512): the default options; 0 is
// AVX-512 alone to the end, idle lanes and all; 17 hands every lane over to
// SHA-NI once the last job has started.
void BM_Sha256ManyAvx512(benchmark::State& state) {
  if (!engine::Sha256ManyKernelSupported(engine::Sha256ManyKernel::kAvx512)) {
    state.SkipWithError("no AVX-512 on this CPU");
    return;
  }
  const Batch batch(state.range(0));
  const int shani_below = static_cast<int>(state.range(1));
  for (auto _ : state) {
    if (shani_below < 0) {
      engine::Sha256ManyWith(engine::Sha256ManyKernel::kAvx512, batch.jobs);
    } else {
      engine::internal::Sha256ManyAvx512({shani_below, false}, batch.jobs);
    }
    benchmark::ClobberMemory();
  }
  Finish(state, batch);
}

// The AVX-512 path as on a CPU without SHA-NI: no hand-over, and OpenSSL
// may take the longest jobs (outliers 1) or not (0). Run it with
// OPENSSL_ia32cap=":~0x20000000" for OpenSSL's code without SHA-NI too.
void BM_Sha256ManyAvx512NoShaNi(benchmark::State& state) {
  if (!engine::Sha256ManyKernelSupported(engine::Sha256ManyKernel::kAvx512)) {
    state.SkipWithError("no AVX-512 on this CPU");
    return;
  }
  const Batch batch(state.range(0));
  const bool outliers = state.range(1) != 0;
  for (auto _ : state) {
    engine::internal::Sha256ManyAvx512({0, outliers}, batch.jobs);
    benchmark::ClobberMemory();
  }
  Finish(state, batch);
}

// A few 9 KB messages (`count`) by the SHA-NI path (kernel 0), the AVX-512
// path (1), and the AVX-512 kernel alone with idle lanes (2): where the
// AVX-512 path's hand-over to SHA-NI pays.
void BM_Sha256ManyFew(benchmark::State& state) {
  if (!engine::Sha256ManyKernelSupported(engine::Sha256ManyKernel::kShaNi) ||
      !engine::Sha256ManyKernelSupported(engine::Sha256ManyKernel::kAvx512)) {
    state.SkipWithError("no SHA-NI or no AVX-512 on this CPU");
    return;
  }
  Batch batch(9 << 10);
  batch.jobs.resize(static_cast<size_t>(state.range(0)));
  batch.bytes.resize(batch.jobs.size() * (9 << 10));
  const int kernel = static_cast<int>(state.range(1));
  for (auto _ : state) {
    if (kernel == 0) {
      engine::Sha256ManyWith(engine::Sha256ManyKernel::kShaNi, batch.jobs);
    } else if (kernel == 1) {
      engine::Sha256ManyWith(engine::Sha256ManyKernel::kAvx512, batch.jobs);
    } else {
      engine::internal::Sha256ManyAvx512({0, false}, batch.jobs);
    }
    benchmark::ClobberMemory();
  }
  Finish(state, batch);
}

// Sha256Many: the kernel it picks on this CPU.
void BM_Sha256Many(benchmark::State& state) {
  const Batch batch(state.range(0));
  for (auto _ : state) {
    engine::Sha256Many(batch.jobs);
    benchmark::ClobberMemory();
  }
  Finish(state, batch);
}

const std::vector<int64_t> kSizes = {1 << 10, 9 << 10, 64 << 10,
                                     kRandom, kMail,   kMailHuge};

BENCHMARK(BM_Sha256OpensslEvp)->ArgName("size")->ArgsProduct({kSizes});

BENCHMARK(BM_Sha256ManyShaNi)
    ->ArgNames({"size", "streams"})
    ->ArgsProduct({kSizes, {0, 1, 2, 3, 4}});

BENCHMARK(BM_Sha256ManyAvx512)
    ->ArgNames({"size", "shani_below"})
    ->ArgsProduct({kSizes, {-1, 0, 4, 6, 8, 10, 12, 17}});

BENCHMARK(BM_Sha256ManyAvx512NoShaNi)
    ->ArgNames({"size", "outliers"})
    ->ArgsProduct({kSizes, {0, 1}});

BENCHMARK(BM_Sha256ManyFew)
    ->ArgNames({"count", "kernel"})
    ->ArgsProduct({{4, 8, 9, 10, 12, 16, 20, 24}, {0, 1, 2}});

BENCHMARK(BM_Sha256Many)->ArgName("size")->ArgsProduct({kSizes});

}  // namespace
}  // namespace dkimbatch::bench
