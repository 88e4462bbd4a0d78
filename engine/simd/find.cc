// engine/simd/find.cc
//
// FindSubstring: the scalar reference (glibc memmem) and the dispatch.
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

}  // namespace internal
}  // namespace dkimbatch::engine::simd
