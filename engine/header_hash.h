// engine/header_hash.h
//
// The header part of the data a DKIM signature covers (RFC 6376 §5.4.2,
// §3.7): each name of h= takes the next unused instance from the bottom of the
// header; a name with no instance left contributes nothing (over-signing).
// Shared by the verifier and the signer.
#ifndef DKIMBATCH_ENGINE_HEADER_HASH_H_
#define DKIMBATCH_ENGINE_HEADER_HASH_H_

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "engine/canon/canon_mode.h"
#include "engine/message.h"

namespace dkimbatch::engine {

inline constexpr size_t kNoField = static_cast<size_t>(-1);

// AppendSignedHeaders appends to `*out` the canonical form (`canon`) of the
// header fields of `message` selected by `signed_headers`, in h= order. The
// field at `exclude_index` (the DKIM-Signature being verified) is never
// selected; pass kNoField when signing.
void AppendSignedHeaders(const Message& message,
                         std::span<const std::string_view> signed_headers,
                         Canon canon, size_t exclude_index, std::string* out);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_HEADER_HASH_H_
