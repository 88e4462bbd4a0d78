// engine/simd/find.h
//
// Searches over large views with the implementation of the active SIMD
// level (engine/simd/cpu.h): substrings, e.g. io/'s scan of multi-GB mbox
// archives for "\nFrom " separators (a memmem()), and the end of a DKIM
// tag-value, and the end and name of a header field.
#ifndef DKIMBATCH_ENGINE_SIMD_FIND_H_
#define DKIMBATCH_ENGINE_SIMD_FIND_H_

#include <cstddef>
#include <string_view>

namespace dkimbatch::engine::simd {

// FindSubstring returns the position of the first `needle` in `haystack`
// that starts at or after `from`, or std::string_view::npos (also when
// `from` is past the end). An empty needle is found at `from`.
size_t FindSubstring(std::string_view haystack, size_t from,
                     std::string_view needle);

// FindAfterEither returns the first position p at or after `from` where
// haystack[p] is `a` or `b` and `rest` follows, or npos: the mbox scan
// finds "\nFrom " separators and ">From " lines to un-quote in one pass.
size_t FindAfterEither(std::string_view haystack, size_t from, char a, char b,
                       std::string_view rest);

// FindTagValueStop returns the position of the first byte at or after
// `from` (at most text.size()) that ends or breaks an RFC 6376 tag-value:
// ';', DEL, or a control other than SP, HTAB, CR and LF; text.size() if
// there is none. Bytes >= 0x80 do not stop it.
size_t FindTagValueStop(std::string_view text, size_t from);

// FieldScan is one RFC 5322 header field as engine/message.h splits it.
struct FieldScan {
  // Just past the field's last line break: the first '\n' that no SP or
  // HTAB follows (a folded line goes on); the text's end if there is none.
  size_t end;
  // The name's length: the bytes before the field's first ':', trailing SP
  // and HTAB removed; 0 if that is empty or has a byte outside 0x21-0x7e
  // (so also when the field's first line has no ':').
  size_t name_len;
  // The first ':' (from the field's start); meaningful when name_len > 0.
  size_t colon;
};

// ScanField scans the field that starts at `from` (at most text.size()).
FieldScan ScanField(std::string_view text, size_t from);

namespace internal {

// One implementation per level; the scalar one is the reference.
size_t FindSubstringScalar(std::string_view haystack, size_t from,
                           std::string_view needle);
size_t FindSubstringAvx2(std::string_view haystack, size_t from,
                         std::string_view needle);
size_t FindSubstringAvx512(std::string_view haystack, size_t from,
                           std::string_view needle);
size_t FindAfterEitherScalar(std::string_view haystack, size_t from, char a,
                             char b, std::string_view rest);
size_t FindAfterEitherAvx2(std::string_view haystack, size_t from, char a,
                           char b, std::string_view rest);
size_t FindAfterEitherAvx512(std::string_view haystack, size_t from, char a,
                             char b, std::string_view rest);

size_t FindTagValueStopScalar(std::string_view text, size_t from);
size_t FindTagValueStopAvx2(std::string_view text, size_t from);
size_t FindTagValueStopAvx512(std::string_view text, size_t from);

FieldScan ScanFieldScalar(std::string_view text, size_t from);
FieldScan ScanFieldAvx2(std::string_view text, size_t from);
FieldScan ScanFieldAvx512(std::string_view text, size_t from);

}  // namespace internal
}  // namespace dkimbatch::engine::simd

#endif  // DKIMBATCH_ENGINE_SIMD_FIND_H_
