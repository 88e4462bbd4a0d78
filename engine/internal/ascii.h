// engine/internal/ascii.h
//
// Tiny ASCII helpers on std::string_view. (Debian's Abseil 20220623 has its
// own absl::string_view, not std::string_view, so its string helpers do not
// take our views.)
#ifndef DKIMBATCH_ENGINE_INTERNAL_ASCII_H_
#define DKIMBATCH_ENGINE_INTERNAL_ASCII_H_

#include <cstring>
#include <string>
#include <string_view>

namespace dkimbatch::engine::internal {

constexpr char ToLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

constexpr bool IsWsp(char c) { return c == ' ' || c == '\t'; }

// IsFwsChar: characters that may make up folding white space, with a bare LF
// accepted as a line break (archives store LF line ends).
constexpr bool IsFwsChar(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// FindColon returns the position of the first ':' in `s`, or npos: for
// the ':' after a header field name, which comes within a few bytes, a
// short loop costs less than a call to memchr, which takes the rest.
inline size_t FindColon(std::string_view s) {
  constexpr size_t kNear = 32;
  const size_t near = s.size() < kNear ? s.size() : kNear;
  for (size_t i = 0; i < near; ++i) {
    if (s[i] == ':') return i;
  }
  return near == s.size() ? std::string_view::npos : s.find(':', near);
}

inline std::string_view TrimFws(std::string_view s) {
  while (!s.empty() && IsFwsChar(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsFwsChar(s.back())) s.remove_suffix(1);
  return s;
}

// Reported strings (verdict fields and details) are cut to this many bytes,
// so a hostile 50 MB header value cannot make a 50 MB (or, escaped, 300 MB)
// verdict line.
inline constexpr size_t kMaxReportedBytes = 1000;

// ExcerptCut returns how many bytes of `s` an excerpt of at most `max` bytes
// keeps (cut before a UTF-8 continuation byte), or s.size() when it fits.
inline size_t ExcerptCut(std::string_view s, size_t max = kMaxReportedBytes) {
  if (s.size() <= max) return s.size();
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return cut;
}

// AssignExcerpt stores in `*out` (reusing its memory) `s`, or when it is
// longer than `max` bytes its first bytes followed by "...".
inline void AssignExcerpt(std::string_view s, std::string* out,
                          size_t max = kMaxReportedBytes) {
  // The common case first, copied by hand: GCC inlines the copy of a
  // string that fits in std::string's own buffer (15 bytes or fewer) as
  // `rep movsq`, which costs tens of cycles to start, and a memcpy call
  // costs more than two 8-byte moves, for each of the short names (d=,
  // s=, a=) copied per signature.
  if (s.size() <= max) {
    const size_t n = s.size();
    out->resize(n);
    char* const to = out->data();
    if (n > 16) {
      std::memcpy(to, s.data(), n);
    } else if (n >= 8) {  // two 8-byte moves that may overlap
      std::memcpy(to, s.data(), 8);
      std::memcpy(to + n - 8, s.data() + n - 8, 8);
    } else {
      for (size_t i = 0; i < n; ++i) to[i] = s[i];
    }
    return;
  }
  const size_t cut = ExcerptCut(s, max);
  out->assign(s.substr(0, cut));
  out->append("...");
}

// CutToExcerpt shortens `*s` in place as AssignExcerpt would.
inline void CutToExcerpt(std::string* s, size_t max = kMaxReportedBytes) {
  const size_t cut = ExcerptCut(*s, max);
  if (cut < s->size()) s->resize(cut), s->append("...");
}

// Excerpt returns `s` as AssignExcerpt stores it.
inline std::string Excerpt(std::string_view s, size_t max = kMaxReportedBytes) {
  std::string out;
  AssignExcerpt(s, &out, max);
  return out;
}

}  // namespace dkimbatch::engine::internal

#endif  // DKIMBATCH_ENGINE_INTERNAL_ASCII_H_
