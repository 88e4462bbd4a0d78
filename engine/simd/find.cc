// engine/simd/find.cc
//
// FindSubstring and FindAfterEither: the scalar references (built on glibc
// memmem) and the dispatch.
#include "engine/simd/find.h"

#include <cstring>

#include "engine/simd/cpu.h"

namespace dkimbatch::engine::simd {

size_t FindSubstring(std::string_view haystack, size_t from,
                     std::string_view needle) {
  switch (ActiveSimdLevel()) {
    case SimdLevel::kAvx512:
      return internal::FindSubstringAvx512(haystack, from, needle);
    case SimdLevel::kAvx2:
      return internal::FindSubstringAvx2(haystack, from, needle);
    case SimdLevel::kScalar:
      break;
  }
  return internal::FindSubstringScalar(haystack, from, needle);
}

size_t FindAfterEither(std::string_view haystack, size_t from, char a, char b,
                       std::string_view rest) {
  switch (ActiveSimdLevel()) {
    case SimdLevel::kAvx512:
      return internal::FindAfterEitherAvx512(haystack, from, a, b, rest);
    case SimdLevel::kAvx2:
      return internal::FindAfterEitherAvx2(haystack, from, a, b, rest);
    case SimdLevel::kScalar:
      break;
  }
  return internal::FindAfterEitherScalar(haystack, from, a, b, rest);
}

namespace internal {

size_t FindSubstringScalar(std::string_view haystack, size_t from,
                           std::string_view needle) {
  if (from > haystack.size()) return std::string_view::npos;
  if (needle.empty()) return from;
  const void* hit = ::memmem(haystack.data() + from, haystack.size() - from,
                             needle.data(), needle.size());
  if (hit == nullptr) return std::string_view::npos;
  return static_cast<size_t>(static_cast<const char*>(hit) - haystack.data());
}

size_t FindAfterEitherScalar(std::string_view haystack, size_t from, char a,
                             char b, std::string_view rest) {
  if (from > haystack.size()) return std::string_view::npos;
  for (size_t p = from;;) {
    const size_t q = FindSubstringScalar(haystack, p + 1, rest);
    if (q == std::string_view::npos) return q;
    if (haystack[q - 1] == a || haystack[q - 1] == b) return q - 1;
    p = q;
  }
}

}  // namespace internal
}  // namespace dkimbatch::engine::simd
