// tests/fuzz/fuzz_body_canon.cc
//
// Differential fuzzer for body canonicalization (RFC 6376 §3.4.3, §3.4.4,
// l= of §3.5): every implementation in kBodyImpls must produce exactly the
// bytes of the naive reference (tests/engine/reference_canon.h) and report
// the full canonical length, through a plain sink and in place in a
// ByteArena; any difference aborts.
//
// Input: byte 0 picks the algorithm (bit 0) and whether l= applies (bit 1);
// with l=, bytes 1-2 are its value (little endian); the rest is the body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/canon/body_canon.h"
#include "engine/canon/body_canon_internal.h"
#include "engine/canon/byte_arena.h"
#include "engine/canon/sink.h"
#include "engine/simd/cpu.h"
#include "tests/engine/reference_canon.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using dkimbatch::engine::ByteSink;
using dkimbatch::engine::Canon;

using BodyCanonFn = uint64_t (*)(Canon, std::string_view, uint64_t, ByteSink*);

struct BodyImpl {
  const char* name;
  BodyCanonFn canonicalize;
};

// Implementations under test: the engine's entry point at every SIMD
// level, so that scalar and vector kernels are each compared byte for byte
// with the reference (and so with each other) on every input. On a CPU
// without a level, SetSimdLevel refuses it and the previous level runs.
template <dkimbatch::engine::simd::SimdLevel kLevel>
uint64_t BodyAt(Canon canon, std::string_view body, uint64_t limit,
                ByteSink* sink) {
  dkimbatch::engine::simd::SetSimdLevel(kLevel);
  return dkimbatch::engine::CanonicalizeBody(canon, body, limit, sink);
}

// The AVX-512 level runs the VBMI2 kernel where the CPU has VBMI2: the
// plain AVX-512 kernel is then called directly (on a CPU without AVX-512
// or VBMI2, the level's entry point stands in for the kernel it lacks).
template <bool kVbmi2>
uint64_t Avx512Kernel(Canon canon, std::string_view body, uint64_t limit,
                      ByteSink* sink) {
  namespace simd = dkimbatch::engine::simd;
  namespace internal = dkimbatch::engine::internal;
  if (!simd::CpuHasAvx512Vbmi2()) {
    return BodyAt<simd::SimdLevel::kAvx512>(canon, body, limit, sink);
  }
  return kVbmi2
             ? internal::CanonicalizeBodyAvx512Vbmi2(canon, body, limit, sink)
             : internal::CanonicalizeBodyAvx512(canon, body, limit, sink);
}

constexpr BodyImpl kBodyImpls[] = {
    {"scalar", &BodyAt<dkimbatch::engine::simd::SimdLevel::kScalar>},
    {"avx2", &BodyAt<dkimbatch::engine::simd::SimdLevel::kAvx2>},
    {"avx512", &Avx512Kernel<false>},
    {"avx512vbmi2", &Avx512Kernel<true>},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const Canon canon = (data[0] & 1) ? Canon::kRelaxed : Canon::kSimple;
  const bool with_limit = (data[0] & 2) != 0;
  size_t skip = 1;
  uint64_t limit = dkimbatch::engine::kNoBodyLimit;
  if (with_limit) {
    if (size < 3) return 0;
    limit = static_cast<uint64_t>(data[1]) | (uint64_t{data[2]} << 8);
    skip = 3;
  }
  std::string_view body(reinterpret_cast<const char*>(data) + skip,
                        size - skip);
  const std::string want = canon == Canon::kRelaxed
                               ? dkimbatch::testutil::RefRelaxedBody(body)
                               : dkimbatch::testutil::RefSimpleBody(body);
  const std::string want_prefix = want.substr(
      0, static_cast<size_t>(std::min<uint64_t>(limit, want.size())));
  for (const BodyImpl& impl : kBodyImpls) {
    std::string got;
    dkimbatch::engine::StringSink sink(&got);
    uint64_t total = impl.canonicalize(canon, body, limit, &sink);
    if (got != want_prefix || total != want.size()) {
      std::fprintf(stderr, "%s differs from the reference (%s)\n", impl.name,
                   canon == Canon::kRelaxed ? "relaxed" : "simple");
    }
    FUZZ_CHECK(got == want_prefix);
    FUZZ_CHECK(total == want.size());
    // In place, after other bytes, as the verifier's hash arena takes it.
    dkimbatch::engine::ByteArena arena;
    arena.Write("before");
    total = impl.canonicalize(canon, body, limit, &arena);
    const std::string_view in_arena(arena.data(), arena.size());
    if (in_arena.substr(0, 6) != "before" ||
        in_arena.substr(6) != want_prefix || total != want.size()) {
      std::fprintf(stderr, "%s differs from the reference in a ByteArena\n",
                   impl.name);
    }
    FUZZ_CHECK(in_arena.substr(0, 6) == "before");
    FUZZ_CHECK(in_arena.substr(6) == want_prefix);
    FUZZ_CHECK(total == want.size());
  }
  return 0;
}
