// engine/canon/body_canon.h
//
// Body canonicalization, simple (RFC 6376 §3.4.3) and relaxed (§3.4.4),
// streamed into a ByteSink through a small buffer, honouring l= (§3.5).
// A bare LF is read as CRLF. Empty body: simple gives one CRLF, relaxed gives
// nothing (§3.4.3, §3.4.4 and errata).
#ifndef DKIMBATCH_ENGINE_CANON_BODY_CANON_H_
#define DKIMBATCH_ENGINE_CANON_BODY_CANON_H_

#include <cstdint>
#include <string_view>

#include "engine/canon/canon_mode.h"
#include "engine/canon/sink.h"

namespace dkimbatch::engine {

inline constexpr uint64_t kNoBodyLimit = UINT64_MAX;

// CanonicalizeBody writes the first `limit` bytes of the canonical form of
// `body` to `*sink` and returns the full canonical length (which may exceed
// `limit`; the caller compares it with l=).
uint64_t CanonicalizeBody(Canon canon, std::string_view body, uint64_t limit,
                          ByteSink* sink);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CANON_BODY_CANON_H_
