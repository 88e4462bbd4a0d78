// tests/io/timestamp_test.cc
//
// ParseTimestamp / FormatTimestamp: Unix seconds, RFC 3339 edge cases (leap
// days, impossible dates, offsets, fractions) and a sweep against gmtime_r.
#include "io/timestamp.h"

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace dkimbatch::io {
namespace {

struct ValidCase {
  std::string_view text;
  int64_t want;
};

TEST(Timestamp, ParsesValidInputs) {
  const ValidCase kCases[] = {
      // Unix seconds.
      {"0", 0},
      {"1767225600", 1767225600},
      {"0001767225600", 1767225600},  // leading zeros are still decimal
      {"9223372036854775807", std::numeric_limits<int64_t>::max()},
      // RFC 3339 UTC.
      {"1970-01-01T00:00:00Z", 0},
      {"2026-11-20T12:00:00Z", 1795176000},
      {"2026-01-01T12:00:00Z", 1767268800},
      {"1969-12-31T23:59:59Z", -1},
      {"0000-01-01T00:00:00Z", -62167219200},
      {"0001-01-01T00:00:00Z", -62135596800},
      {"9999-12-31T23:59:59Z", 253402300799},
      // Leap days: every 4 years, and in 2000 (divisible by 400).
      {"2024-02-29T00:00:00Z", 1709164800},
      {"2000-02-29T12:00:00Z", 951825600},
      // Separators and case (RFC 3339 §5.6 note).
      {"2026-01-01t12:00:00z", 1767268800},
      {"2026-01-01 12:00:00Z", 1767268800},
      // A fraction is truncated.
      {"2026-01-01T12:00:00.999999999Z", 1767268800},
      {"2026-01-01T12:00:00.5+00:00", 1767268800},
      // Offsets: local time minus offset is UTC.
      {"2026-01-01T14:00:00+02:00", 1767268800},
      {"2026-01-01T07:30:00-04:30", 1767268800},
      {"2026-01-01T12:00:00-00:00", 1767268800},
      {"2026-01-01T12:00:00+00:00", 1767268800},
      {"2026-01-01T00:30:00+01:00", 1767223800},  // previous UTC day
      {"2026-01-01T23:59:00+23:59", 1767225600},
      // A leap second counts as the next second (as POSIX time does).
      {"2016-12-31T23:59:60Z", 1483228800},
  };
  for (const ValidCase& c : kCases) {
    SCOPED_TRACE(c.text);
    std::optional<int64_t> got = ParseTimestamp(c.text);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, c.want);
  }
}

TEST(Timestamp, RejectsInvalidInputs) {
  const std::string_view kCases[] = {
      // Unix seconds.
      "",
      "-1",
      "+5",
      " 1",
      "1 ",
      "12a",
      "0x10",
      "1e9",
      "1.5",
      "9223372036854775808",   // INT64_MAX + 1
      "18446744073709551616",  // 20 digits
      "00000000000000000001",  // 20 digits, even if small
      // Impossible dates.
      "2023-02-29T00:00:00Z",  // not a leap year
      "1900-02-29T00:00:00Z",  // century, not divisible by 400
      "2024-02-30T00:00:00Z",
      "2026-04-31T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-00-10T00:00:00Z",
      "2026-01-00T00:00:00Z",
      "2026-01-32T00:00:00Z",
      // Impossible times.
      "2026-01-01T24:00:00Z",
      "2026-01-01T12:60:00Z",
      "2026-01-01T12:00:61Z",
      // Shape.
      "2026-01-01",
      "2026-01-01T12:00:00",  // the offset is required
      "2026-01-01T12:00Z",
      "2026-1-01T12:00:00Z",
      "26-01-01T12:00:00Z",
      "2026-01-01X12:00:00Z",
      "2026-01-01T12:00:00.Z",
      "2026-01-01T12:00:00,5Z",
      "2026-01-01T12:00:00UTC",
      "2026-01-01T12:00:00Z ",
      " 2026-01-01T12:00:00Z",
      "2026-01-01T12:00:00ZZ",
      "2026/01/01T12:00:00Z",
      // Offsets.
      "2026-01-01T12:00:00+0200",
      "2026-01-01T12:00:00+02",
      "2026-01-01T12:00:00+24:00",
      "2026-01-01T12:00:00+02:60",
      "2026-01-01T12:00:00+02:00:00",
  };
  for (std::string_view text : kCases) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ParseTimestamp(text).has_value());
  }
}

TEST(Timestamp, FormatsUtc) {
  const ValidCase kCases[] = {
      {"1970-01-01T00:00:00Z", 0},
      {"2026-01-01T00:00:00Z", 1767225600},
      {"2026-11-20T12:00:00Z", 1795176000},
      {"1969-12-31T23:59:59Z", -1},
      {"2000-02-29T12:00:00Z", 951825600},
      {"2024-02-29T00:00:00Z", 1709164800},
      {"0000-01-01T00:00:00Z", -62167219200},
      {"9999-12-31T23:59:59Z", 253402300799},
  };
  for (const ValidCase& c : kCases) {
    EXPECT_EQ(FormatTimestamp(c.want), c.text);
  }
}

TEST(Timestamp, FormatDoesNotCrashAtInt64Limits) {
  EXPECT_FALSE(FormatTimestamp(std::numeric_limits<int64_t>::max()).empty());
  EXPECT_FALSE(FormatTimestamp(std::numeric_limits<int64_t>::min()).empty());
}

// Every formatted time parses back, and both agree with the C library's
// gmtime_r (an independent implementation) over years 1653..2286.
TEST(Timestamp, AgreesWithGmtimeAndRoundTrips) {
  for (int64_t t = -10'000'000'000; t <= 10'000'000'000; t += 7'777'777) {
    SCOPED_TRACE(t);
    const time_t tt = static_cast<time_t>(t);
    std::tm tm{};
    ASSERT_NE(gmtime_r(&tt, &tm), nullptr);
    char want[64];
    std::snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02dZ",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec);
    const std::string formatted = FormatTimestamp(t);
    ASSERT_EQ(formatted, want);
    std::optional<int64_t> parsed = ParseTimestamp(formatted);
    ASSERT_TRUE(parsed.has_value());
    ASSERT_EQ(*parsed, t);
  }
}

}  // namespace
}  // namespace dkimbatch::io
