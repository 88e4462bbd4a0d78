// engine/canon/body_canon.cc
//
// Body canonicalization entry point: runs the implementation of the active
// SIMD level (engine/simd/cpu.h), and the scan for trailing blank lines that
// the vector implementations share.
#include "engine/canon/body_canon.h"

#include "engine/canon/body_canon_internal.h"
#include "engine/internal/ascii.h"
#include "engine/simd/cpu.h"

namespace dkimbatch::engine {

uint64_t CanonicalizeBody(Canon canon, std::string_view body, uint64_t limit,
                          ByteSink* sink) {
  static const auto avx512 = simd::CpuHasAvx512Vbmi2()
                                 ? internal::CanonicalizeBodyAvx512Vbmi2
                                 : internal::CanonicalizeBodyAvx512;
  return simd::ForLevel(
      simd::ActiveSimdLevel(), avx512, internal::CanonicalizeBodyAvx2,
      internal::CanonicalizeBodyScalar)(canon, body, limit, sink);
}

namespace internal {

BodyExtent FindBodyExtent(Canon canon, std::string_view body) {
  const bool relaxed = canon == Canon::kRelaxed;
  size_t end = body.size();
  // `end` is always the end of a line (after its '\n') or of the body.
  if (end > 0 && body[end - 1] != '\n') {
    // An unterminated last line: content up to the end, CR included.
    size_t k = end;
    if (relaxed) {
      while (k > 0 && IsWsp(body[k - 1])) --k;
    }
    if (k > 0 && body[k - 1] != '\n') return {k, true};
    end = k;  // blank: drop it
  }
  while (end > 0) {
    size_t k = end - 1;  // body[k] is '\n'
    if (k > 0 && body[k - 1] == '\r') --k;
    if (relaxed) {
      while (k > 0 && IsWsp(body[k - 1])) --k;
    }
    if (k > 0 && body[k - 1] != '\n') return {end, false};
    end = k;  // a blank line (or the start of the body): drop it
  }
  return {0, canon == Canon::kSimple};
}

}  // namespace internal
}  // namespace dkimbatch::engine
