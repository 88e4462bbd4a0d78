// engine/canon/body_canon_avx512vbmi2.cc
//
// Relaxed body canonicalization on AVX-512 VBMI2 (see body_canon_simd.inc):
// the blocks of relaxed text with LF line ends almost all need an edit (a
// CR before each LF, WSP runs cut), and EditBlockCompress makes each one
// without a branch per edit. Simple canonicalization stays on the AVX-512
// kernel, whose copy-per-edit editor is faster for its one or two edits a
// block.
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "engine/canon/body_canon_internal.h"

// Everything from here to avx512_end.h is compiled for AVX-512 VBMI2.
#include "engine/simd/avx512vbmi2_begin.h"

namespace dkimbatch::engine::internal {
namespace {

// clang-format off
#include "engine/simd/block64_avx512.inc"
#include "engine/simd/block_edit.inc"
#include "engine/simd/block_compress.inc"
#include "engine/canon/body_canon_simd.inc"
// clang-format on

}  // namespace

uint64_t CanonicalizeBodyAvx512Vbmi2(Canon canon, std::string_view body,
                                     uint64_t limit, ByteSink* sink) {
  return canon == Canon::kRelaxed
             ? CanonicalizeBodySimd<true, &EditBlockCompress>(body, limit, sink)
             : CanonicalizeBodyAvx512(canon, body, limit, sink);
}

}  // namespace dkimbatch::engine::internal

#include "engine/simd/avx512_end.h"
