// io/jsonl_writer.cc
//
// Verdict lines (DESIGN.md "Verdict line"), appended straight into one
// std::string. String escaping scans eight bytes at a time for the common
// all-printable-ASCII case and validates UTF-8 by the table of Unicode §3.9
// (Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
#include "io/jsonl_writer.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "engine/verdict.h"

namespace dkimbatch::io {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// SafeWord reports whether all eight bytes of `w` pass through unescaped:
// none is a control character, '"', '\\' or a non-ASCII byte. (Exact, as in
// "Bit Twiddling Hacks": the zero-byte test has no false positives overall.)
inline bool SafeWord(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const uint64_t below_space = (w - kOnes * 0x20) & ~w;
  const uint64_t q = w ^ (kOnes * '"');
  const uint64_t quote = (q - kOnes) & ~q;
  const uint64_t b = w ^ (kOnes * '\\');
  const uint64_t backslash = (b - kOnes) & ~b;
  return ((below_space | quote | backslash | w) & kHigh) == 0;
}

// Utf8SequenceLength returns the length (2..4) of the well-formed UTF-8
// sequence at the start of `p[0..n)`, whose first byte is >= 0x80, or 0 when
// it is not well formed.
inline size_t Utf8SequenceLength(const unsigned char* p, size_t n) {
  const unsigned char c = p[0];
  auto cont = [](unsigned char b) { return (b & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) {
    return n >= 2 && cont(p[1]) ? 2 : 0;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (n < 3 || !cont(p[2])) return 0;
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;  // no overlongs
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;  // no surrogates
    return p[1] >= lo && p[1] <= hi ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (n < 4 || !cont(p[2]) || !cont(p[3])) return 0;
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;  // no overlongs
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;  // <= U+10FFFF
    return p[1] >= lo && p[1] <= hi ? 4 : 0;
  }
  return 0;  // 0x80..0xC1 (continuation, overlong lead) or 0xF5..0xFF
}

inline void AppendByteEscape(unsigned char c, std::string* out) {
  const char esc[6] = {
      '\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0xF]};
  out->append(esc, sizeof(esc));
}

inline void AppendUnsigned(uint64_t value, std::string* out) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, static_cast<size_t>(res.ptr - buf));
}

// AppendKey appends `"key":`; keys are fixed ASCII words needing no escapes.
inline void AppendKey(std::string_view key, std::string* out) {
  out->push_back('"');
  out->append(key);
  out->append("\":", 2);
}

// AppendWord appends a fixed ASCII word (result word, reason code) quoted.
inline void AppendWord(std::string_view word, std::string* out) {
  out->push_back('"');
  out->append(word);
  out->push_back('"');
}

inline void AppendOptionalString(const std::optional<std::string>& value,
                                 std::string* out) {
  if (value.has_value()) {
    AppendJsonString(*value, out);
  } else {
    out->append("null", 4);
  }
}

void AppendSignature(const engine::SignatureVerdict& sig, std::string* out) {
  out->push_back('{');
  AppendKey("d", out);
  AppendOptionalString(sig.d, out);
  out->push_back(',');
  AppendKey("s", out);
  AppendOptionalString(sig.s, out);
  out->push_back(',');
  AppendKey("a", out);
  AppendOptionalString(sig.a, out);
  out->push_back(',');
  AppendKey("c", out);
  AppendOptionalString(sig.c, out);
  out->push_back(',');
  AppendKey("i", out);
  AppendOptionalString(sig.i, out);
  out->push_back(',');
  if (sig.key_bits > 0) {
    AppendKey("key_bits", out);
    AppendUnsigned(static_cast<uint64_t>(sig.key_bits), out);
    out->push_back(',');
  }
  AppendKey("result", out);
  AppendWord(engine::ResultWord(sig.result), out);
  out->push_back(',');
  AppendKey("reason", out);
  AppendWord(engine::ReasonCode(sig.reason), out);
  out->push_back(',');
  AppendKey("detail", out);
  AppendJsonString(sig.detail, out);
  out->push_back('}');
}

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  out->push_back('"');
  size_t run_start = 0;  // bytes [run_start, i) pass through unchanged
  size_t i = 0;
  while (i < n) {
    if (n - i >= 8) {
      uint64_t w;
      std::memcpy(&w, p + i, sizeof(w));
      if (SafeWord(w)) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;  // printable ASCII, including 0x7F
      continue;
    }
    if (c >= 0x80) {
      const size_t len = Utf8SequenceLength(p + i, n - i);
      if (len != 0) {
        i += len;
        continue;
      }
    }
    out->append(text.data() + run_start, i - run_start);
    switch (c) {
      case '"':
        out->append("\\\"", 2);
        break;
      case '\\':
        out->append("\\\\", 2);
        break;
      case '\b':
        out->append("\\b", 2);
        break;
      case '\f':
        out->append("\\f", 2);
        break;
      case '\n':
        out->append("\\n", 2);
        break;
      case '\r':
        out->append("\\r", 2);
        break;
      case '\t':
        out->append("\\t", 2);
        break;
      default:
        // Other control characters, and each byte that does not start a
        // well-formed UTF-8 sequence (read as Latin-1).
        AppendByteEscape(c, out);
        break;
    }
    ++i;
    run_start = i;
  }
  out->append(text.data() + run_start, n - run_start);
  out->push_back('"');
}

namespace {

// AppendPrefix is AppendVerdictLinePrefix, with AppendVerdictLine's
// `index_at`.
void AppendPrefix(const MessageLocation& where, std::string* out,
                  size_t* index_at) {
  out->push_back('{');
  AppendKey("source", out);
  AppendJsonString(where.source, out);
  out->push_back(',');
  AppendKey("index", out);
  if (index_at != nullptr) {
    *index_at = out->size();
  } else {
    AppendUnsigned(where.index, out);
  }
  out->push_back(',');
  if (where.offset.has_value()) {
    AppendKey("offset", out);
    AppendUnsigned(*where.offset, out);
    out->push_back(',');
  }
}

}  // namespace

void AppendVerdictLinePrefix(const MessageLocation& where, std::string* out) {
  AppendPrefix(where, out, nullptr);
}

void AppendVerdictLine(const MessageLocation& where,
                       const engine::Verdict& verdict, std::string* out,
                       size_t* index_at) {
  AppendPrefix(where, out, index_at);
  AppendKey("message_id", out);
  AppendOptionalString(verdict.message_id, out);
  out->push_back(',');
  AppendKey("from", out);
  AppendOptionalString(verdict.from_domain, out);
  out->push_back(',');
  AppendKey("dkim", out);
  AppendWord(engine::ResultWord(verdict.dkim), out);
  out->push_back(',');
  AppendKey("signatures", out);
  out->push_back('[');
  for (size_t k = 0; k < verdict.signatures.size(); ++k) {
    if (k != 0) out->push_back(',');
    AppendSignature(verdict.signatures[k], out);
  }
  out->push_back(']');
  if (!verdict.error.empty()) {
    out->push_back(',');
    AppendKey("error", out);
    AppendJsonString(verdict.error, out);
  }
  out->append("}\n", 2);
}

}  // namespace dkimbatch::io
