// engine/canon/header_canon_avx512.cc
//
// Relaxed header canonicalization on AVX-512 BW (see header_canon_simd.inc).
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "engine/canon/header_canon_internal.h"
#include "engine/internal/ascii.h"

// Everything from here to avx512_end.h is compiled for AVX-512 BW.
#include "engine/simd/avx512_begin.h"

namespace dkimbatch::engine::internal {
namespace {

// clang-format off
#include "engine/simd/block64_avx512.inc"
#include "engine/simd/block_edit.inc"
#include "engine/canon/header_canon_simd.inc"
// clang-format on

}  // namespace

void AppendRelaxedHeaderAvx512(std::string_view raw, bool with_final_crlf,
                               std::string* out) {
  AppendRelaxedHeaderSimd(raw, with_final_crlf, out);
}

}  // namespace dkimbatch::engine::internal

#include "engine/simd/avx512_end.h"
