// bench/bm_tag_list.cc
//
// Tag-list parsing (folded DKIM-Signature values, 2048-bit key records) and
// the whole ParseSignature.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench_data.h"
#include "engine/signature.h"
#include "engine/tag_list.h"

namespace dkimbatch::bench {
namespace {

// Inputs are a pool of distinct texts (see kPoolBytes), one per iteration.
template <typename Make>
std::vector<std::string> Pool(Make make, uint64_t seed) {
  const size_t count = PoolCount(make(seed).size());
  std::vector<std::string> pool;
  pool.reserve(count);
  for (size_t i = 0; i < count; ++i) pool.push_back(make(seed + i));
  return pool;
}

void ReportPool(benchmark::State& state, const std::vector<std::string>& pool,
                uint64_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["avg_bytes"] =
      static_cast<double>(bytes) / static_cast<double>(state.iterations());
  state.counters["pool"] = static_cast<double>(pool.size());
}

void ParseTagListBench(benchmark::State& state,
                       const std::vector<std::string>& pool) {
  engine::TagList list;
  size_t next = 0;
  uint64_t bytes = 0;
  bool ok = true;
  for (auto _ : state) {
    const std::string& text = pool[next];
    next = next + 1 == pool.size() ? 0 : next + 1;
    engine::ParseTagList(text, &list);
    benchmark::DoNotOptimize(list);
    ok &= list.ok();
    bytes += text.size();
  }
  if (!ok) state.SkipWithError("an input did not parse");
  ReportPool(state, pool, bytes);
}

// ParseTagList over folded rsa-sha256 DKIM-Signature values (~650 bytes,
// 11-12 tags).
void BM_ParseTagListSignature(benchmark::State& state) {
  ParseTagListBench(state, Pool(DkimSignatureValue, 0x516));
}
BENCHMARK(BM_ParseTagListSignature);

// ParseTagList over key records with a 2048-bit RSA p= (392 base64 chars).
void BM_ParseTagListKeyRecord(benchmark::State& state) {
  ParseTagListBench(state, Pool(KeyRecordRsa2048, 0xC0));
}
BENCHMARK(BM_ParseTagListKeyRecord);

// ParseSignature: the tag list plus validation, base64 decoding of b= and
// bh=, h= splitting and the i=/d= check (the whole per-signature parse).
void BM_ParseSignature(benchmark::State& state) {
  const std::vector<std::string> pool = Pool(DkimSignatureValue, 0x516);
  engine::Signature sig;
  std::string detail;
  size_t next = 0;
  uint64_t bytes = 0;
  bool ok = true;
  for (auto _ : state) {
    const std::string& text = pool[next];
    next = next + 1 == pool.size() ? 0 : next + 1;
    const engine::Reason reason = engine::ParseSignature(text, &sig, &detail);
    benchmark::DoNotOptimize(sig);
    ok &= reason == engine::Reason::kOk;
    bytes += text.size();
  }
  if (!ok) state.SkipWithError(("ParseSignature failed: " + detail).c_str());
  ReportPool(state, pool, bytes);
}
BENCHMARK(BM_ParseSignature);

}  // namespace
}  // namespace dkimbatch::bench
