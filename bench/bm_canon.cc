// bench/bm_canon.cc
//
// Header (simple, relaxed) and body (simple, relaxed) canonicalization at
// each SIMD level (scalar, avx2, avx512; a level this CPU cannot run is
// skipped), into a null sink and into SHA-256, with a BM_Sha256 ceiling
// beside them. On a VBMI2 CPU, avx512 relaxed bodies run the VBMI2 kernel
// and BM_RelaxedBodyPlainAvx512 the plain one.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bench/bench_data.h"
#include "bench/simd_level.h"
#include "engine/canon/body_canon.h"
#include "engine/canon/body_canon_internal.h"
#include "engine/canon/header_canon.h"
#include "engine/crypto/digest.h"

namespace dkimbatch::bench {
namespace {

using engine::Canon;
using engine::simd::SimdLevel;

// Header canonicalization of 15-field blocks (two folded Received fields
// and a folded DKIM-Signature among them), appended into one string as the
// verifier builds its header hash input; each iteration takes the next of
// a pool of distinct blocks. Bytes are raw header bytes.
void BM_HeaderCanon(benchmark::State& state, Canon canon, SimdLevel level) {
  LevelScope scope(state, level);
  if (!scope.ok()) return;
  std::vector<std::vector<std::string>> blocks;
  for (uint64_t i = 0; blocks.size() < PoolCount(1536); ++i) {
    blocks.push_back(HeaderBlock(0x4EAD + i));
  }
  std::string out;
  out.reserve(4096);
  size_t next = 0;
  uint64_t bytes = 0;
  uint64_t fields_done = 0;
  for (auto _ : state) {
    const std::vector<std::string>& fields = blocks[next];
    next = next + 1 == blocks.size() ? 0 : next + 1;
    out.clear();
    for (const std::string& f : fields) {
      engine::AppendCanonicalHeader(canon, f, /*with_final_crlf=*/true, &out);
      bytes += f.size();
    }
    fields_done += fields.size();
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(fields_done));
  state.counters["block_bytes"] =
      static_cast<double>(bytes) / static_cast<double>(state.iterations());
}
BENCHMARK_CAPTURE(BM_HeaderCanon, relaxed_scalar, Canon::kRelaxed,
                  SimdLevel::kScalar);
BENCHMARK_CAPTURE(BM_HeaderCanon, relaxed_avx2, Canon::kRelaxed,
                  SimdLevel::kAvx2);
BENCHMARK_CAPTURE(BM_HeaderCanon, relaxed_avx512, Canon::kRelaxed,
                  SimdLevel::kAvx512);
// Simple header canonicalization is scalar at every level.
BENCHMARK_CAPTURE(BM_HeaderCanon, simple, Canon::kSimple, SimdLevel::kScalar);

// Bodies of one (size, kind) are a pool of distinct bodies (see kPoolBytes),
// made once and shared by every benchmark, so all rows of one size measure
// the same bytes.
const std::vector<std::string>& Bodies(int64_t bytes, int64_t kind) {
  static std::map<std::pair<int64_t, int64_t>, std::vector<std::string>> cache;
  auto [it, inserted] = cache.try_emplace({bytes, kind});
  if (inserted) {
    const size_t count = PoolCount(static_cast<size_t>(bytes));
    for (size_t i = 0; i < count; ++i) {
      it->second.push_back(
          MakeBody(static_cast<size_t>(bytes), static_cast<int>(kind),
                   0x5EED0000u + static_cast<uint64_t>(bytes) * 1000 + i * 2 +
                       static_cast<uint64_t>(kind)));
    }
  }
  return it->second;
}

// Sizes 2 KB, 10 KB, 100 KB of typical text with LF line ends (kind:0, as
// archives store it), a base64 attachment-like body (kind:1, LF), and the
// same text with CRLF line ends (kind:2, as sent).
void BodyArgs(benchmark::internal::Benchmark* b) {
  b->ArgNames({"bytes", "kind"});
  for (int64_t kind : {kTextLf, kBase64Lf, kTextCrlf}) {
    for (int64_t size : {2 << 10, 10 << 10, 100 << 10}) {
      b->Args({size, kind});
    }
  }
}

// Body canonicalization into a null sink (the canonicalizer alone) or
// streamed into SHA-256 (the verifier's body hash), at one SIMD level.
// Named BM_<Canon>Body/<isa>_<sink>/bytes:N/kind:K.
// `kernel`, when given, is called in place of the entry point (the plain
// AVX-512 kernel, which the entry point passes over on a VBMI2 CPU).
using BodyFn = uint64_t (*)(Canon, std::string_view, uint64_t,
                            engine::ByteSink*);
void BodyBench(benchmark::State& state, Canon canon, SimdLevel level,
               bool to_sha256, BodyFn kernel = engine::CanonicalizeBody) {
  LevelScope scope(state, level);
  if (!scope.ok()) return;
  const std::vector<std::string>& bodies =
      Bodies(state.range(0), state.range(1));
  NullSink null_sink;
  engine::Digest digest;
  uint8_t out[engine::kMaxDigestSize];
  uint64_t canonical = 0;
  uint64_t canonical_total = 0;
  uint64_t bytes = 0;
  size_t next = 0;
  for (auto _ : state) {
    const std::string& body = bodies[next];
    next = next + 1 == bodies.size() ? 0 : next + 1;
    bytes += body.size();
    if (to_sha256) {
      digest.Reset(engine::HashAlg::kSha256);
      canonical = kernel(canon, body, engine::kNoBodyLimit, &digest);
      benchmark::DoNotOptimize(digest.Final(out));
    } else {
      canonical = kernel(canon, body, engine::kNoBodyLimit, &null_sink);
    }
    canonical_total += canonical;
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  // Canonical bytes per input byte (> 1 for LF bodies: LF becomes CRLF).
  state.counters["out/in"] =
      static_cast<double>(canonical_total) / static_cast<double>(bytes);
}

void BM_SimpleBody(benchmark::State& state, SimdLevel level, bool to_sha256) {
  BodyBench(state, Canon::kSimple, level, to_sha256);
}
void BM_RelaxedBody(benchmark::State& state, SimdLevel level, bool to_sha256) {
  BodyBench(state, Canon::kRelaxed, level, to_sha256);
}
void BM_RelaxedBodyPlainAvx512(benchmark::State& state, bool to_sha256) {
  if (!engine::simd::CpuHasAvx512Vbmi2()) {
    state.SkipWithError("no VBMI2: the avx512 runs are this kernel's");
    return;
  }
  BodyBench(state, Canon::kRelaxed, SimdLevel::kAvx512, to_sha256,
            engine::internal::CanonicalizeBodyAvx512);
}
#define DKB_BODY_BENCH(fn, isa, level)                              \
  BENCHMARK_CAPTURE(fn, isa##_null, level, false)->Apply(BodyArgs); \
  BENCHMARK_CAPTURE(fn, isa##_sha256, level, true)->Apply(BodyArgs)
DKB_BODY_BENCH(BM_SimpleBody, scalar, SimdLevel::kScalar);
DKB_BODY_BENCH(BM_SimpleBody, avx2, SimdLevel::kAvx2);
DKB_BODY_BENCH(BM_SimpleBody, avx512, SimdLevel::kAvx512);
DKB_BODY_BENCH(BM_RelaxedBody, scalar, SimdLevel::kScalar);
DKB_BODY_BENCH(BM_RelaxedBody, avx2, SimdLevel::kAvx2);
DKB_BODY_BENCH(BM_RelaxedBody, avx512, SimdLevel::kAvx512);
#undef DKB_BODY_BENCH
BENCHMARK_CAPTURE(BM_RelaxedBodyPlainAvx512, null, false)->Apply(BodyArgs);
BENCHMARK_CAPTURE(BM_RelaxedBodyPlainAvx512, sha256, true)->Apply(BodyArgs);

// The ceiling: SHA-256 of the raw body bytes in one Write, no
// canonicalization at all.
void BM_Sha256(benchmark::State& state) {
  const std::vector<std::string>& bodies =
      Bodies(state.range(0), state.range(1));
  engine::Digest digest;
  uint8_t out[engine::kMaxDigestSize];
  uint64_t bytes = 0;
  size_t next = 0;
  for (auto _ : state) {
    const std::string& body = bodies[next];
    next = next + 1 == bodies.size() ? 0 : next + 1;
    bytes += body.size();
    digest.Reset(engine::HashAlg::kSha256);
    digest.Write(body);
    benchmark::DoNotOptimize(digest.Final(out));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_Sha256)->Apply(BodyArgs);

}  // namespace
}  // namespace dkimbatch::bench
