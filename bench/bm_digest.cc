// bench/bm_digest.cc
//
// SHA-256 and SHA-1 through engine::Digest (OpenSSL EVP) at 64 B, 2 KB, 64 KB.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "bench/bench_data.h"
#include "engine/crypto/digest.h"

namespace dkimbatch::bench {
namespace {

// One whole digest per iteration: Reset, one Write of the buffer, Final. At
// 64 B this is dominated by the per-digest EVP overhead; at 64 KB it is the
// compression function's throughput.
void DigestBench(benchmark::State& state, engine::HashAlg alg) {
  const std::string data =
      RandomBase64(static_cast<size_t>(state.range(0)), 0xD1);
  engine::Digest digest;
  uint8_t out[engine::kMaxDigestSize];
  for (auto _ : state) {
    digest.Reset(alg);
    digest.Write(data);
    benchmark::DoNotOptimize(digest.Final(out));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(data.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_DigestSha256(benchmark::State& state) {
  DigestBench(state, engine::HashAlg::kSha256);
}
BENCHMARK(BM_DigestSha256)->Arg(64)->Arg(2 << 10)->Arg(64 << 10);

void BM_DigestSha1(benchmark::State& state) {
  DigestBench(state, engine::HashAlg::kSha1);
}
BENCHMARK(BM_DigestSha1)->Arg(64)->Arg(2 << 10)->Arg(64 << 10);

}  // namespace
}  // namespace dkimbatch::bench
