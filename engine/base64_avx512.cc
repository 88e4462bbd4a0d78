// engine/base64_avx512.cc
//
// Base64 decoding on AVX-512 BW (see base64_simd.inc): 64 characters to 48
// bytes per step, the AVX2 method on four 128-bit lanes joined by a
// cross-lane dword permute.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "engine/base64_internal.h"

// Everything from here to avx512_end.h is compiled for AVX-512 BW.
#include "engine/simd/avx512_begin.h"

namespace dkimbatch::engine::internal {
namespace {

// clang-format off
#include "engine/simd/block64_avx512.inc"
#include "engine/simd/block_edit.inc"
// clang-format on

constexpr size_t kChunkChars = 64;

// Per-128-bit-lane tables (vpshufb works within lanes).
alignas(64) constexpr int8_t kOffsets[64] = {
    0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,  //
    0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,  //
    0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,  //
    0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0};
alignas(64) constexpr int8_t kPack[64] = {
    2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,  //
    2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,  //
    2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,  //
    2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1};

// DecodeChunk decodes 64 alphabet characters to 48 bytes, storing 64. (The
// 16-bit shift and the maskz permute avoid GCC 12's false
// -Wmaybe-uninitialized on intrinsics built on _mm512_undefined_epi32.)
inline void DecodeChunk(const char* in, uint8_t* out) {
  __m512i v = _mm512_loadu_si512(in);
  const __m512i hi =
      _mm512_and_si512(_mm512_srli_epi16(v, 4), _mm512_set1_epi8(0x0f));
  const __m512i slash =
      _mm512_movm_epi8(_mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('/')));
  v = _mm512_add_epi8(v, _mm512_shuffle_epi8(_mm512_load_si512(kOffsets),
                                             _mm512_add_epi8(hi, slash)));
  v = _mm512_maddubs_epi16(v, _mm512_set1_epi32(0x01400140));
  v = _mm512_madd_epi16(v, _mm512_set1_epi32(0x00011000));
  v = _mm512_shuffle_epi8(v, _mm512_load_si512(kPack));
  v = _mm512_maskz_permutexvar_epi32(
      0xffff,
      _mm512_setr_epi32(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 15, 15, 15, 15),
      v);
  _mm512_storeu_si512(out, v);
}

// clang-format off
#include "engine/base64_simd.inc"
// clang-format on

}  // namespace

bool Base64DecodeAvx512(std::string_view text, std::vector<uint8_t>* out) {
  return Base64DecodeSimd(text, out);
}

}  // namespace dkimbatch::engine::internal

#include "engine/simd/avx512_end.h"
