// engine/canon/header_canon_avx2.cc
//
// Relaxed header canonicalization on AVX2 (see header_canon_simd.inc).
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "engine/canon/header_canon_internal.h"
#include "engine/internal/ascii.h"

// Everything from here to avx2_end.h is compiled for AVX2.
#include "engine/simd/avx2_begin.h"

namespace dkimbatch::engine::internal {
namespace {

// clang-format off
#include "engine/simd/block64_avx2.inc"
#include "engine/simd/block_edit.inc"
#include "engine/canon/header_canon_simd.inc"
// clang-format on

}  // namespace

void AppendRelaxedHeaderAvx2(std::string_view raw, bool with_final_crlf,
                             std::string* out) {
  AppendRelaxedHeaderSimd(raw, with_final_crlf, out);
}

}  // namespace dkimbatch::engine::internal

#include "engine/simd/avx2_end.h"
