// engine/header_hash.cc
//
// Bottom-up header field selection for h= (RFC 6376 §5.4.2). Small cases
// (the usual dozen names over a few dozen fields) scan; large ones (a hostile
// h= of 10,000 names over 10,000 fields) go through an index of the fields by
// lowercased name, so the cost stays linear.
#include "engine/header_hash.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "engine/canon/header_canon.h"
#include "engine/internal/ascii.h"

namespace dkimbatch::engine {
namespace {

// Above this many (name, field) comparisons the index is cheaper.
constexpr size_t kScanLimit = 4096;

void AppendByScan(const Message& message,
                  std::span<const std::string_view> signed_headers, Canon canon,
                  size_t exclude_index, std::string* out) {
  const size_t n = message.headers.size();
  absl::InlinedVector<bool, 64> used(n, false);
  if (exclude_index < n) used[exclude_index] = true;
  for (std::string_view wanted : signed_headers) {
    if (wanted.empty()) continue;  // nameless fields are never selected
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

void AppendByIndex(const Message& message,
                   std::span<const std::string_view> signed_headers,
                   Canon canon, size_t exclude_index, std::string* out) {
  // Lowercased name -> indices of its fields, bottom first (the order in
  // which h= takes them), and how many of them h= has taken so far.
  struct Fields {
    std::vector<size_t> indices;
    size_t taken = 0;
  };
  std::unordered_map<std::string, Fields> by_name;
  const size_t n = message.headers.size();
  for (size_t j = n; j-- > 0;) {
    if (j == exclude_index || message.headers[j].name.empty()) continue;
    by_name[internal::Lower(message.headers[j].name)].indices.push_back(j);
  }
  std::string key;
  for (std::string_view wanted : signed_headers) {
    key.assign(wanted);
    for (char& c : key) c = internal::ToLower(c);
    auto it = by_name.find(key);
    if (it == by_name.end()) continue;
    Fields& fields = it->second;
    if (fields.taken >= fields.indices.size()) continue;
    AppendCanonicalHeader(
        canon, message.headers[fields.indices[fields.taken++]].raw, true, out);
  }
}

}  // namespace

void AppendSignedHeaders(const Message& message,
                         std::span<const std::string_view> signed_headers,
                         Canon canon, size_t exclude_index, std::string* out) {
  if (message.headers.size() * signed_headers.size() <= kScanLimit) {
    AppendByScan(message, signed_headers, canon, exclude_index, out);
  } else {
    AppendByIndex(message, signed_headers, canon, exclude_index, out);
  }
}

}  // namespace dkimbatch::engine
