// cli/parse_int.h
//
// Whole-string decimal integer parsing for command-line option values.
#ifndef DKIMBATCH_CLI_PARSE_INT_H_
#define DKIMBATCH_CLI_PARSE_INT_H_

#include <string_view>

namespace dkimbatch::cli {

// ParseInt stores in `*out` the decimal integer that is the whole of `text`
// and returns true, or returns false when `text` is not one or lies outside
// [min, max].
bool ParseInt(std::string_view text, long long min, long long max,
              long long* out);

}  // namespace dkimbatch::cli

#endif  // DKIMBATCH_CLI_PARSE_INT_H_
