// engine/base64.h
//
// Base64 decoding of tag values (b=, bh=, p=): RFC 4648 alphabet, folding
// white space anywhere ignored (RFC 6376 §3.5 / §3.6.1), padding optional.
#ifndef DKIMBATCH_ENGINE_BASE64_H_
#define DKIMBATCH_ENGINE_BASE64_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace dkimbatch::engine {

// Base64Decode decodes `text` into `*out` (replacing its contents) and
// returns true. Returns false (with `*out` unspecified) on a character outside
// the alphabet and FWS, on '=' anywhere but at the end, on more than two '=',
// or on a length that cannot be base64 (one dangling character).
bool Base64Decode(std::string_view text, std::vector<uint8_t>* out);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_BASE64_H_
