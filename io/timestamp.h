// io/timestamp.h
//
// Parsing and formatting of the times the command line and key cache use:
// Unix seconds or RFC 3339 UTC ("2026-11-20T12:00:00Z").
#ifndef DKIMBATCH_IO_TIMESTAMP_H_
#define DKIMBATCH_IO_TIMESTAMP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dkimbatch::io {

// ParseTimestamp accepts decimal Unix seconds or an RFC 3339 date-time
// (`T` or space separator, optional fraction, `Z` or a numeric offset).
// Returns nullopt on anything else.
std::optional<int64_t> ParseTimestamp(std::string_view text);

// FormatTimestamp returns `unix_seconds` as RFC 3339 UTC with a `Z`.
std::string FormatTimestamp(int64_t unix_seconds);

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_TIMESTAMP_H_
