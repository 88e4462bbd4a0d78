// io/timestamp.cc
//
// ParseTimestamp / FormatTimestamp: Unix seconds and RFC 3339 §5.6 date-times,
// converted with Howard Hinnant's days-from-civil algorithm so that the result
// depends on neither the locale, nor TZ, nor timegm().
#include "io/timestamp.h"

#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace dkimbatch::io {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

// Longest accepted run of digits for Unix seconds (INT64_MAX has 19).
constexpr size_t kMaxUnixDigits = 19;

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// DaysFromCivil returns the number of days from 1970-01-01 to the proleptic
// Gregorian date `y`-`m`-`d` (m in 1..12, d in 1..31); negative before 1970.
constexpr int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;  // [0, 399]
  const int64_t doy =
      (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;        // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // [0, 146096]
  return era * 146097 + doe - 719468;
}

// CivilFromDays is the inverse of DaysFromCivil.
constexpr void CivilFromDays(int64_t z, int64_t* out_y, int* out_m,
                             int* out_d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;  // [0, 146096]
  const int64_t yoe =
      (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;    // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);  // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                       // [0, 11]
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;               // [1, 31]
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;                  // [1, 12]
  *out_y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  *out_m = static_cast<int>(m);
  *out_d = static_cast<int>(d);
}

static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(DaysFromCivil(2000, 3, 1) == 11017);
static_assert(DaysFromCivil(1969, 12, 31) == -1);

constexpr bool IsLeapYear(int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

constexpr int DaysInMonth(int64_t y, int m) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// ParseFixedDigits reads exactly `n` digits at `text[*pos]`, advancing `*pos`.
bool ParseFixedDigits(std::string_view text, size_t* pos, size_t n, int* out) {
  if (text.size() - *pos < n) return false;
  int value = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[*pos + i];
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  *pos += n;
  *out = value;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

std::optional<int64_t> ParseUnixSeconds(std::string_view text) {
  if (text.empty() || text.size() > kMaxUnixDigits) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');  // < 10^19: no wrap
  }
  if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return std::nullopt;
  }
  return static_cast<int64_t>(value);
}

// ParseRfc3339 accepts RFC 3339 §5.6 `date-time`, with the §5.6 note's
// lowercase `t`/`z` and a space instead of `T`. A fraction is truncated. A
// leap second (:60) is accepted and counts as the next second, as POSIX time
// does; `-00:00` ("offset unknown") is read as UTC.
std::optional<int64_t> ParseRfc3339(std::string_view text) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ParseFixedDigits(text, &pos, 4, &year) || !Expect(text, &pos, '-') ||
      !ParseFixedDigits(text, &pos, 2, &month) || !Expect(text, &pos, '-') ||
      !ParseFixedDigits(text, &pos, 2, &day)) {
    return std::nullopt;
  }
  if (pos >= text.size() ||
      (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) {
    return std::nullopt;
  }
  ++pos;
  if (!ParseFixedDigits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') ||
      !ParseFixedDigits(text, &pos, 2, &minute) || !Expect(text, &pos, ':') ||
      !ParseFixedDigits(text, &pos, 2, &second)) {
    return std::nullopt;
  }
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const size_t digits_start = pos;
    while (pos < text.size() && IsDigit(text[pos])) ++pos;
    if (pos == digits_start) return std::nullopt;
  }
  if (pos >= text.size()) return std::nullopt;  // the offset is required
  int offset_seconds = 0;
  const char zone = text[pos++];
  if (zone == 'Z' || zone == 'z') {
    // UTC.
  } else if (zone == '+' || zone == '-') {
    int offset_hour, offset_minute;
    if (!ParseFixedDigits(text, &pos, 2, &offset_hour) ||
        !Expect(text, &pos, ':') ||
        !ParseFixedDigits(text, &pos, 2, &offset_minute) || offset_hour > 23 ||
        offset_minute > 59) {
      return std::nullopt;
    }
    offset_seconds = offset_hour * 3600 + offset_minute * 60;
    if (zone == '-') offset_seconds = -offset_seconds;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) ||
      hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  // Local time minus the offset is UTC ("+02:00" is two hours ahead of UTC).
  return DaysFromCivil(year, month, day) * kSecondsPerDay + hour * 3600 +
         minute * 60 + second - offset_seconds;
}

}  // namespace

std::optional<int64_t> ParseTimestamp(std::string_view text) {
  // Both forms start with a digit; an RFC 3339 time has '-' at index 4.
  if (text.size() > 4 && text[4] == '-') return ParseRfc3339(text);
  return ParseUnixSeconds(text);
}

std::string FormatTimestamp(int64_t unix_seconds) {
  // Floor division, so that times before 1970 get a time of day in [0, 86400).
  int64_t days = unix_seconds / kSecondsPerDay;
  int64_t secs = unix_seconds % kSecondsPerDay;
  if (secs < 0) {
    secs += kSecondsPerDay;
    --days;
  }
  int64_t year;
  int month, day;
  CivilFromDays(days, &year, &month, &day);
  const int hour = static_cast<int>(secs / 3600);
  const int minute = static_cast<int>(secs / 60 % 60);
  const int second = static_cast<int>(secs % 60);
  // Years outside 0000..9999 (not RFC 3339) are printed as they are.
  char buf[64];
  const int n = std::snprintf(
      buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02dZ",
      static_cast<long long>(year), month, day, hour, minute, second);
  return std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
}

}  // namespace dkimbatch::io
