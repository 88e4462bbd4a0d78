// engine/canon/header_canon_internal.h
//
// The implementations behind AppendCanonicalHeader(): simple (scalar only;
// a copy) and relaxed per SIMD level (header_canon.cc picks one). Not for use
// outside engine/canon/ and its tests.
#ifndef DKIMBATCH_ENGINE_CANON_HEADER_CANON_INTERNAL_H_
#define DKIMBATCH_ENGINE_CANON_HEADER_CANON_INTERNAL_H_

#include <string>
#include <string_view>

namespace dkimbatch::engine::internal {

// AppendSimpleHeader is AppendCanonicalHeader() for Canon::kSimple.
void AppendSimpleHeader(std::string_view raw, bool with_final_crlf,
                        std::string* out);

// AppendRelaxedHeaderScalar is AppendCanonicalHeader() for Canon::kRelaxed,
// the reference implementation; the vector versions must append exactly the
// same bytes for every input.
void AppendRelaxedHeaderScalar(std::string_view raw, bool with_final_crlf,
                               std::string* out);
void AppendRelaxedHeaderAvx2(std::string_view raw, bool with_final_crlf,
                             std::string* out);
void AppendRelaxedHeaderAvx512(std::string_view raw, bool with_final_crlf,
                               std::string* out);

}  // namespace dkimbatch::engine::internal

#endif  // DKIMBATCH_ENGINE_CANON_HEADER_CANON_INTERNAL_H_
