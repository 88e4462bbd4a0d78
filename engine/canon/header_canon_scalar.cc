// engine/canon/header_canon_scalar.cc
//
// Scalar header canonicalization: simple for every SIMD level, and the
// relaxed reference that the vector versions must match byte for byte.
#include "engine/canon/header_canon_internal.h"
#include "engine/internal/ascii.h"

namespace dkimbatch::engine::internal {

void AppendSimpleHeader(std::string_view raw, bool with_final_crlf,
                        std::string* out) {
  if (!with_final_crlf && !raw.empty() && raw.back() == '\n') {
    raw.remove_suffix(1);
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
  }
  // Bare LF -> CRLF; everything else byte for byte.
  size_t start = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) {
      out->append(raw.substr(start, i - start));
      out->append("\r\n");
      start = i + 1;
    }
  }
  out->append(raw.substr(start));
  if (with_final_crlf && (raw.empty() || raw.back() != '\n')) {
    out->append("\r\n");  // a field cut off at the end of the message
  }
}

void AppendRelaxedHeaderScalar(std::string_view raw, bool with_final_crlf,
                               std::string* out) {
  size_t colon = FindColon(raw);
  if (colon == std::string_view::npos) colon = raw.size();
  // Name: lowercased, WSP before the colon removed.
  std::string_view name = raw.substr(0, colon);
  while (!name.empty() && IsWsp(name.back())) name.remove_suffix(1);
  for (char c : name) out->push_back(ToLower(c));
  out->push_back(':');
  // Value: unfold (drop CR/LF of line breaks), WSP runs -> one SP, no
  // leading or trailing WSP.
  bool pending_space = false;
  bool any = false;
  for (size_t i = colon + 1; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\n') continue;
    if (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') continue;
    if (IsWsp(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space && any) out->push_back(' ');
    pending_space = false;
    out->push_back(c);
    any = true;
  }
  if (with_final_crlf) out->append("\r\n");
}

}  // namespace dkimbatch::engine::internal
