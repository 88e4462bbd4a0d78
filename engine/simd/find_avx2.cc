// engine/simd/find_avx2.cc
//
// FindSubstring, FindAfterEither, FindTagValueStop and ScanField on AVX2 (see
// find_simd.inc).
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "engine/simd/find.h"

// Everything from here to avx2_end.h is compiled for AVX2.
#include "engine/simd/avx2_begin.h"

namespace dkimbatch::engine::simd::internal {
namespace {

// clang-format off
#include "engine/simd/block64_avx2.inc"
#include "engine/simd/find_simd.inc"
// clang-format on

}  // namespace

size_t FindSubstringAvx2(std::string_view haystack, size_t from,
                         std::string_view needle) {
  return FindSubstringSimd(haystack, from, needle);
}

size_t FindAfterEitherAvx2(std::string_view haystack, size_t from, char a,
                           char b, std::string_view rest) {
  return FindAfterEitherSimd(haystack, from, a, b, rest);
}

size_t FindTagValueStopAvx2(std::string_view text, size_t from) {
  return FindTagValueStopSimd(text, from);
}

FieldScan ScanFieldAvx2(std::string_view text, size_t from) {
  return ScanFieldSimd(text, from);
}

}  // namespace dkimbatch::engine::simd::internal

#include "engine/simd/avx2_end.h"
