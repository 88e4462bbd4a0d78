// engine/simd/find.cc
//
// FindSubstring, FindAfterEither, FindTagValueStop and ScanField: the
// scalar references (the first two built on glibc memmem) and the dispatch.
#include "engine/simd/find.h"

#include <algorithm>
#include <cstring>

#include "engine/simd/cpu.h"

namespace dkimbatch::engine::simd {

size_t FindSubstring(std::string_view haystack, size_t from,
                     std::string_view needle) {
  return ForLevel(ActiveSimdLevel(), internal::FindSubstringAvx512,
                  internal::FindSubstringAvx2,
                  internal::FindSubstringScalar)(haystack, from, needle);
}

size_t FindAfterEither(std::string_view haystack, size_t from, char a, char b,
                       std::string_view rest) {
  return ForLevel(ActiveSimdLevel(), internal::FindAfterEitherAvx512,
                  internal::FindAfterEitherAvx2,
                  internal::FindAfterEitherScalar)(haystack, from, a, b, rest);
}

size_t FindTagValueStop(std::string_view text, size_t from) {
  return ForLevel(ActiveSimdLevel(), internal::FindTagValueStopAvx512,
                  internal::FindTagValueStopAvx2,
                  internal::FindTagValueStopScalar)(text, from);
}

FieldScan ScanField(std::string_view text, size_t from) {
  return ForLevel(ActiveSimdLevel(), internal::ScanFieldAvx512,
                  internal::ScanFieldAvx2,
                  internal::ScanFieldScalar)(text, from);
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

size_t FindTagValueStopScalar(std::string_view text, size_t from) {
  for (size_t p = from; p < text.size(); ++p) {
    const unsigned char c = static_cast<unsigned char>(text[p]);
    if (c == ';' || c == 0x7f) return p;
    if (c < 0x21 && c != ' ' && c != '\t' && c != '\r' && c != '\n') return p;
  }
  return text.size();
}

FieldScan ScanFieldScalar(std::string_view text, size_t from) {
  const size_t n = text.size();
  from = std::min(from, n);
  FieldScan field{n, 0, 0};
  for (size_t p = from; p < n;) {
    const void* nl = std::memchr(text.data() + p, '\n', n - p);
    if (nl == nullptr) break;
    p = static_cast<size_t>(static_cast<const char*>(nl) - text.data()) + 1;
    if (p == n || (text[p] != ' ' && text[p] != '\t')) {
      field.end = p;
      break;
    }
  }
  const std::string_view raw = text.substr(from, field.end - from);
  const size_t colon = raw.find(':');
  if (colon == std::string_view::npos) return field;
  size_t len = colon;
  while (len > 0 && (raw[len - 1] == ' ' || raw[len - 1] == '\t')) --len;
  if (len == 0) return field;
  for (size_t i = 0; i < len; ++i) {
    const unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c <= 0x20 || c >= 0x7f) return field;
  }
  field.name_len = len;
  field.colon = colon;
  return field;
}

}  // namespace internal
}  // namespace dkimbatch::engine::simd
