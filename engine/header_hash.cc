// engine/header_hash.cc
//
// Bottom-up header field selection for h= (RFC 6376 §5.4.2).
#include "engine/header_hash.h"

#include "absl/container/inlined_vector.h"
#include "engine/canon/header_canon.h"
#include "engine/internal/ascii.h"

namespace dkimbatch::engine {

void AppendSignedHeaders(const Message& message,
                         std::span<const std::string_view> signed_headers,
                         Canon canon, size_t exclude_index, std::string* out) {
  const size_t n = message.headers.size();
  absl::InlinedVector<bool, 64> used(n, false);
  if (exclude_index < n) used[exclude_index] = true;
  for (std::string_view wanted : signed_headers) {
    for (size_t j = n; j-- > 0;) {
      if (used[j]) continue;
      if (internal::EqualsIgnoreCase(message.headers[j].name, wanted)) {
        used[j] = true;
        AppendCanonicalHeader(canon, message.headers[j].raw, true, out);
        break;
      }
    }
  }
}

}  // namespace dkimbatch::engine
