// engine/canon/body_canon_avx512.cc
//
// Body canonicalization on AVX-512 BW (see body_canon_simd.inc).
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "engine/canon/body_canon_internal.h"

// Everything from here to avx512_end.h is compiled for AVX-512 BW.
#include "engine/simd/avx512_begin.h"

namespace dkimbatch::engine::internal {
namespace {

// clang-format off
#include "engine/simd/block64_avx512.inc"
#include "engine/simd/block_edit.inc"
#include "engine/canon/body_canon_simd.inc"
// clang-format on

}  // namespace

uint64_t CanonicalizeBodyAvx512(Canon canon, std::string_view body,
                                uint64_t limit, ByteSink* sink) {
  return canon == Canon::kRelaxed
             ? CanonicalizeBodySimd<true>(body, limit, sink)
             : CanonicalizeBodySimd<false>(body, limit, sink);
}

}  // namespace dkimbatch::engine::internal

#include "engine/simd/avx512_end.h"
