// engine/canon/header_canon.cc
//
// Header canonicalization entry point: relaxed runs the implementation of
// the active SIMD level (engine/simd/cpu.h); simple is a plain copy with
// bare LF made CRLF, scalar at every level.
#include "engine/canon/header_canon.h"

#include "engine/canon/header_canon_internal.h"
#include "engine/simd/cpu.h"

namespace dkimbatch::engine {

void AppendCanonicalHeader(Canon canon, std::string_view raw,
                           bool with_final_crlf, std::string* out) {
  if (canon == Canon::kSimple) {
    internal::AppendSimpleHeader(raw, with_final_crlf, out);
    return;
  }
  simd::ForLevel(simd::ActiveSimdLevel(), internal::AppendRelaxedHeaderAvx512,
                 internal::AppendRelaxedHeaderAvx2,
                 internal::AppendRelaxedHeaderScalar)(raw, with_final_crlf,
                                                      out);
}

}  // namespace dkimbatch::engine
