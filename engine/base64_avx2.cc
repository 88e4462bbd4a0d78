// engine/base64_avx2.cc
//
// Base64 decoding on AVX2 (see base64_simd.inc): 32 characters to 24 bytes
// per step, by the pshufb translation and multiply-add packing of Muła and
// Lemire ("Faster Base64 Encoding and Decoding Using AVX2 Instructions").
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "engine/base64_internal.h"

// Everything from here to avx2_end.h is compiled for AVX2.
#include "engine/simd/avx2_begin.h"

namespace dkimbatch::engine::internal {
namespace {

// clang-format off
#include "engine/simd/block64_avx2.inc"
#include "engine/simd/block_edit.inc"
// clang-format on

constexpr size_t kChunkChars = 32;

// DecodeChunk decodes 32 alphabet characters to 24 bytes, storing 32.
inline void DecodeChunk(const char* in, uint8_t* out) {
  __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in));
  // Sextet = character + an offset picked by its high nibble ('/' and '+'
  // share nibble 2; '/' is moved to slot 1).
  const __m256i hi =
      _mm256_and_si256(_mm256_srli_epi32(v, 4), _mm256_set1_epi8(0x0f));
  const __m256i slash = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('/'));
  const __m256i offsets = _mm256_setr_epi8(
      0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,  //
      0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
  v = _mm256_add_epi8(v,
                      _mm256_shuffle_epi8(offsets, _mm256_add_epi8(hi, slash)));
  // Four 6-bit values -> one 24-bit value per 32-bit lane, then pack.
  v = _mm256_maddubs_epi16(v, _mm256_set1_epi32(0x01400140));
  v = _mm256_madd_epi16(v, _mm256_set1_epi32(0x00011000));
  v = _mm256_shuffle_epi8(
      v,
      _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
                       2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1));
  v = _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), v);
}

// clang-format off
#include "engine/base64_simd.inc"
// clang-format on

}  // namespace

bool Base64DecodeAvx2(std::string_view text, std::vector<uint8_t>* out) {
  return Base64DecodeSimd(text, out);
}

}  // namespace dkimbatch::engine::internal

#include "engine/simd/avx2_end.h"
