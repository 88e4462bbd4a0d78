// engine/canon/header_canon.h
//
// Header field canonicalization, simple (§3.4.1) and relaxed (§3.4.2).
// A bare LF in the input is read as CRLF.
#ifndef DKIMBATCH_ENGINE_CANON_HEADER_CANON_H_
#define DKIMBATCH_ENGINE_CANON_HEADER_CANON_H_

#include <string>
#include <string_view>

#include "engine/canon/canon_mode.h"

namespace dkimbatch::engine {

// AppendCanonicalHeader appends the canonical form of the header field whose
// bytes are `raw` (name, ':', value, continuation lines, final line break)
// to `*out`. The result ends in CRLF unless `with_final_crlf` is false (the
// DKIM-Signature being verified is hashed without it, §3.7). A field whose
// last line has no line break (a message cut off in its header) is completed
// with CRLF under both algorithms.
void AppendCanonicalHeader(Canon canon, std::string_view raw,
                           bool with_final_crlf, std::string* out);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CANON_HEADER_CANON_H_
