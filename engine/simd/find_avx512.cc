// engine/simd/find_avx512.cc
//
// FindSubstring, FindAfterEither, FindTagValueStop and ScanField on AVX-512 BW
// (see find_simd.inc).
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "engine/simd/find.h"

// Everything from here to avx512_end.h is compiled for AVX-512 BW.
#include "engine/simd/avx512_begin.h"

namespace dkimbatch::engine::simd::internal {
namespace {

// clang-format off
#include "engine/simd/block64_avx512.inc"
#include "engine/simd/find_simd.inc"
// clang-format on

}  // namespace

size_t FindSubstringAvx512(std::string_view haystack, size_t from,
                           std::string_view needle) {
  return FindSubstringSimd(haystack, from, needle);
}

size_t FindAfterEitherAvx512(std::string_view haystack, size_t from, char a,
                             char b, std::string_view rest) {
  return FindAfterEitherSimd(haystack, from, a, b, rest);
}

size_t FindTagValueStopAvx512(std::string_view text, size_t from) {
  return FindTagValueStopSimd(text, from);
}

FieldScan ScanFieldAvx512(std::string_view text, size_t from) {
  return ScanFieldSimd(text, from);
}

}  // namespace dkimbatch::engine::simd::internal

#include "engine/simd/avx512_end.h"
