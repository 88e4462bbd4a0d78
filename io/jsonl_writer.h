// io/jsonl_writer.h
//
// One JSON verdict line per message, exactly as DESIGN.md "Verdict line".
// Every string is escaped so that the line is valid UTF-8 JSON whatever bytes
// the headers held: invalid UTF-8 bytes are written as \u00XX (each byte read
// as Latin-1), control characters as \n, \t, ... or \u00XX.
#ifndef DKIMBATCH_IO_JSONL_WRITER_H_
#define DKIMBATCH_IO_JSONL_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/verdict.h"

namespace dkimbatch::io {

// Where a verdict's message came from.
struct MessageLocation {
  std::string_view source;  // input path as given, or message file
  uint64_t index = 0;
  std::optional<uint64_t> offset;  // absent for Maildir / eml
};

// AppendJsonString appends `text` to `*out` as a quoted, escaped JSON string.
void AppendJsonString(std::string_view text, std::string* out);

// AppendVerdictLine appends one verdict line, ending in '\n', to `*out`.
// Field order: source, index, offset (if any), message_id, from, dkim,
// signatures [ {d, s, a, c, i, key_bits (if > 0), result, reason, detail} ],
// error (only when non-empty). Missing optional strings are JSON null.
// When `verdict.error` is non-empty, `dkim` is still written (its value as
// computed, usually "none").
// With `index_at` non-null, `where.index` is left out: `*index_at` is then
// the position in `*out` where its digits belong, for the caller to insert
// once it knows them.
void AppendVerdictLine(const MessageLocation& where,
                       const engine::Verdict& verdict, std::string* out,
                       size_t* index_at = nullptr);

// AppendVerdictLinePrefix appends the start of the verdict line for `where`
// (`{"source":...,"index":...,` and the offset, if any): the bytes by which
// `dkimbatch verify --resume` recognises the last message already written.
void AppendVerdictLinePrefix(const MessageLocation& where, std::string* out);

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_JSONL_WRITER_H_
