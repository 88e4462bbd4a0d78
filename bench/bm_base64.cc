// bench/bm_base64.cc
//
// Base64 decoding of tag values at each SIMD level: folded b= of a 2048-bit
// RSA signature (344 characters, "\n\t " every 70), unfolded p= of a
// 2048-bit key (392) and of a 4096-bit key (736), and a 16 KB value.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench_data.h"
#include "bench/simd_level.h"
#include "engine/base64.h"

namespace dkimbatch::bench {
namespace {

using engine::simd::SimdLevel;

// Kinds of value (arg "value"): 0 folded b=, 1 p= 2048, 2 p= 4096, 3 16 KB.
std::string MakeValue(int kind, uint64_t seed) {
  switch (kind) {
    case 0:
      return FoldBase64(RandomBase64(344, seed), 70);
    case 1:
      return RandomBase64(392, seed);
    case 2:
      return RandomBase64(736, seed);
    default:
      return RandomBase64(16384, seed);
  }
}

void BM_Base64Decode(benchmark::State& state, SimdLevel level) {
  LevelScope scope(state, level);
  if (!scope.ok()) return;
  const int kind = static_cast<int>(state.range(0));
  std::vector<std::string> pool;
  const size_t count = PoolCount(MakeValue(kind, 0).size());
  for (size_t i = 0; i < count; ++i) pool.push_back(MakeValue(kind, 0xB64 + i));
  std::vector<uint8_t> out;
  size_t next = 0;
  uint64_t bytes = 0;
  bool ok = true;
  for (auto _ : state) {
    const std::string& text = pool[next];
    next = next + 1 == pool.size() ? 0 : next + 1;
    ok &= engine::Base64Decode(text, &out);
    benchmark::DoNotOptimize(out.data());
    bytes += text.size();
  }
  if (!ok) state.SkipWithError("a value did not decode");
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_Base64Decode, scalar, SimdLevel::kScalar)
    ->ArgName("value")
    ->DenseRange(0, 3);
BENCHMARK_CAPTURE(BM_Base64Decode, avx2, SimdLevel::kAvx2)
    ->ArgName("value")
    ->DenseRange(0, 3);
BENCHMARK_CAPTURE(BM_Base64Decode, avx512, SimdLevel::kAvx512)
    ->ArgName("value")
    ->DenseRange(0, 3);

}  // namespace
}  // namespace dkimbatch::bench
