// engine/message.cc
//
// Header/body split and the small header value helpers used for reporting.
#include "engine/message.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "engine/internal/ascii.h"
#include "engine/simd/find.h"

namespace dkimbatch::engine {
namespace {

using internal::IsWsp;

// EmptyLineEnd returns the position just past the empty line ("\n" or
// "\r\n") at `pos`, or 0 if the line at `pos` is not empty.
size_t EmptyLineEnd(std::string_view text, size_t pos) {
  if (text[pos] == '\n') return pos + 1;
  if (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') {
    return pos + 2;
  }
  return 0;
}

std::string_view StripLineBreak(std::string_view s) {
  if (!s.empty() && s.back() == '\n') {
    s.remove_suffix(1);
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  }
  return s;
}

// HasCommentOrQuote tells whether `value` holds a '(' or '"': where
// neither is, there is no comment or quoted-string (and a backslash outside
// them quotes nothing). Eight bytes at a time, with the exact
// any-byte-is-zero test on the word xor the byte sought.
bool HasCommentOrQuote(std::string_view value) {
  constexpr uint64_t kOnes = 0x0101010101010101;
  constexpr uint64_t kHighs = 0x8080808080808080;
  const auto has = [](uint64_t word, char c) {
    const uint64_t x = word ^ (kOnes * static_cast<unsigned char>(c));
    return (x - kOnes) & ~x & kHighs;
  };
  size_t i = 0;
  for (; i + 8 <= value.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, value.data() + i, 8);
    if ((has(word, '(') | has(word, '"')) != 0) return true;
  }
  for (; i < value.size(); ++i) {
    if (value[i] == '(' || value[i] == '"') return true;
  }
  return false;
}

// BlankCommentsAndQuotes copies `value` to `*out` with comments (nested
// parentheses) and quoted-string contents (RFC 5322 §3.2.2, §3.2.4)
// blanked out, so that a '<', ',' or '@' inside them is not taken for
// address syntax.
void BlankCommentsAndQuotes(std::string_view value, std::string* out) {
  std::string& clean = *out;
  clean.assign(value);
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < clean.size(); ++i) {
    char c = clean[i];
    if ((quoted || depth > 0) && c == '\\' && i + 1 < clean.size()) {
      clean[i] = clean[i + 1] = ' ';
      ++i;
      continue;
    }
    if (quoted) {
      if (c == '"') {
        quoted = false;
      } else {
        clean[i] = 'x';
      }
      continue;
    }
    if (c == '(') {
      ++depth;
      clean[i] = ' ';
    } else if (c == ')' && depth > 0) {
      --depth;
      clean[i] = ' ';
    } else if (depth > 0) {
      clean[i] = ' ';
    } else if (c == '"') {
      quoted = true;
    }
  }
}

}  // namespace

bool HeaderCursor::Next(HeaderField* out) {
  const std::string_view text = text_;
  const size_t n = text.size();
  if (pos_ >= n) {
    body_ = {};
    return false;
  }
  // The empty line ends the header section.
  if (const size_t body = EmptyLineEnd(text, pos_); body != 0) {
    body_ = text.substr(body);
    pos_ = n;
    return false;
  }
  // A continuation line before any field starts a nameless field.
  const simd::FieldScan field = simd::ScanField(text, pos_);
  const std::string_view raw = text.substr(pos_, field.end - pos_);
  *out = HeaderField();
  out->raw = raw;
  if (field.name_len > 0) {
    out->name = raw.substr(0, field.name_len);
    out->value = StripLineBreak(raw.substr(field.colon + 1));
  }
  pos_ = field.end;
  return true;
}

bool ParseMessage(std::string_view text, Message* out, size_t max_fields) {
  out->headers.clear();
  out->body = {};
  HeaderCursor cursor(text);
  // Each field is written in place: a field built on the stack and then
  // copied is read back 16 bytes at a time before its 8-byte stores land.
  while (cursor.Next(&out->headers.emplace_back())) {
    if (out->headers.size() > max_fields) {
      out->headers.pop_back();
      return false;
    }
  }
  out->headers.pop_back();  // the slot Next did not fill
  out->body = cursor.body();
  return true;
}

void UnfoldValue(std::string_view value, std::string* out) {
  // Line breaks go, then WSP at both ends: the same as trimming WSP and
  // line-break bytes at both ends first.
  size_t b = 0;
  size_t e = value.size();
  const auto blank = [](char c) { return IsWsp(c) || c == '\r' || c == '\n'; };
  while (b < e && blank(value[b])) ++b;
  while (e > b && blank(value[e - 1])) --e;
  value = value.substr(b, e - b);
  out->assign(value);
  // remove_if writes nothing until the first line break, so a value with
  // none costs one read pass, as a check for one would.
  out->erase(std::remove_if(out->begin(), out->end(),
                            [](char c) { return c == '\r' || c == '\n'; }),
             out->end());
}

std::string UnfoldValue(std::string_view value) {
  std::string out;
  UnfoldValue(value, &out);
  return out;
}

std::optional<std::string> FromDomain(std::string_view from_value) {
  std::string scratch, out;
  if (!FromDomain(from_value, &scratch, &out)) return std::nullopt;
  return out;
}

bool FromDomain(std::string_view from_value, std::string* scratch,
                std::string* out) {
  // Most From fields have no comment, quoted-string or quoted-pair: then
  // there is nothing to blank out.
  std::string_view addr = from_value;
  if (HasCommentOrQuote(from_value)) {
    BlankCommentsAndQuotes(from_value, scratch);
    addr = *scratch;
  }
  // Prefer the angle-addr; otherwise the first addr-spec of the list.
  size_t lt = addr.find('<');
  if (lt != std::string_view::npos) {
    size_t gt = addr.find('>', lt);
    addr = addr.substr(lt + 1, gt == std::string_view::npos
                                   ? std::string_view::npos
                                   : gt - lt - 1);
  } else {
    size_t comma = addr.find(',');
    if (comma != std::string_view::npos) addr = addr.substr(0, comma);
  }
  size_t at = addr.rfind('@');
  if (at == std::string_view::npos) return false;
  std::string_view domain = addr.substr(at + 1);
  size_t b = 0;
  while (b < domain.size() && internal::IsFwsChar(domain[b])) ++b;
  size_t e = b;
  while (e < domain.size() && !internal::IsFwsChar(domain[e]) &&
         domain[e] != '>' && domain[e] != ';' && domain[e] != ',') {
    ++e;
  }
  domain = domain.substr(b, e - b);
  if (domain.empty()) return false;
  out->resize(domain.size());
  char* const lower = out->data();  // (not re-read after each char store)
  for (size_t k = 0; k < domain.size(); ++k) {
    lower[k] = internal::ToLower(domain[k]);
  }
  return true;
}

}  // namespace dkimbatch::engine
