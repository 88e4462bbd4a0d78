// engine/message.h
//
// RFC 5322 message framing for verification: header fields (with their exact
// bytes, for simple canonicalization) and the body. Line ends may be CRLF or
// a bare LF (archives store LF; a bare LF is read as CRLF everywhere).
#ifndef DKIMBATCH_ENGINE_MESSAGE_H_
#define DKIMBATCH_ENGINE_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dkimbatch::engine {

struct HeaderField {
  std::string_view raw;    // whole field, continuation lines and final break
  std::string_view name;   // before ':', trailing WSP removed; empty if the
                           // line has no ':' (never selected by h=)
  std::string_view value;  // after ':', without the final line break
};

struct Message {
  std::vector<HeaderField> headers;  // top to bottom
  std::string_view body;             // after the empty line (may be empty)
};

// HeaderCursor walks the header fields of a message one at a time, storing
// nothing, so a header section of millions of fields costs no memory. The
// header section ends at the first empty line (or at the end of the text,
// leaving an empty body). Lines that are not fields come out as nameless
// fields; a continuation line before any field starts a nameless field.
class HeaderCursor {
 public:
  explicit HeaderCursor(std::string_view text) : text_(text) {}

  // Next stores the next field (views into the text) in `*out` and returns
  // true, or returns false at the end of the header section.
  bool Next(HeaderField* out);

  // body returns the body; valid once Next has returned false.
  std::string_view body() const { return body_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  std::string_view body_;
};

// ParseMessage splits `text` into header fields and body; views point into
// `text`. Never fails on content (see HeaderCursor). Returns false, leaving
// the first `max_fields` fields in `out->headers` and an empty body, when the
// header section has more than `max_fields` fields.
bool ParseMessage(std::string_view text, Message* out,
                  size_t max_fields = SIZE_MAX);

// FromDomain returns the lowercased domain of the first address in a From
// field value ("Alice <alice@Example.COM>" -> "example.com"), or nullopt.
std::optional<std::string> FromDomain(std::string_view from_value);

// FromDomain (allocation-free form) writes the domain to `*out` and returns
// true, or returns false; `*scratch` is working space.
bool FromDomain(std::string_view from_value, std::string* scratch,
                std::string* out);

// UnfoldValue returns a header value with line breaks removed and leading and
// trailing white space trimmed (for Message-ID reporting).
std::string UnfoldValue(std::string_view value);
void UnfoldValue(std::string_view value, std::string* out);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_MESSAGE_H_
