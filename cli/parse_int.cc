// cli/parse_int.cc
//
// Whole-string decimal integer parsing for command-line option values.
#include "cli/parse_int.h"

#include <cerrno>
#include <cstdlib>
#include <string>

namespace dkimbatch::cli {

bool ParseInt(std::string_view text, long long min, long long max,
              long long* out) {
  if (text.empty()) return false;
  std::string s(text);
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size() || v < min || v > max) {
    return false;
  }
  *out = v;
  return true;
}

}  // namespace dkimbatch::cli
