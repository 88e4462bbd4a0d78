// engine/canon/canon_mode.h
//
// The two canonicalization algorithms of RFC 6376 §3.4.
#ifndef DKIMBATCH_ENGINE_CANON_CANON_MODE_H_
#define DKIMBATCH_ENGINE_CANON_CANON_MODE_H_

#include <cstdint>

namespace dkimbatch::engine {

enum class Canon : uint8_t { kSimple, kRelaxed };

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CANON_CANON_MODE_H_
