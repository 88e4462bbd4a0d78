// cli/simd_option.cc
//
// --simd / DKIMBATCH_SIMD: parse, check against the CPU, set once before any
// thread starts.
#include "cli/simd_option.h"

#include <cstdlib>
#include <optional>
#include <string_view>

#include "engine/simd/cpu.h"

namespace dkimbatch::cli {
namespace {

namespace simd = engine::simd;

std::string SupportedList() {
  std::string out;
  for (simd::SimdLevel level : simd::SupportedSimdLevels()) {
    if (!out.empty()) out += ", ";
    out += simd::SimdLevelName(level);
  }
  return out;
}

}  // namespace

bool ApplySimdOption(std::vector<char*>* args, std::string* error) {
  std::optional<std::string> wanted;
  std::string origin;
  if (const char* env = std::getenv("DKIMBATCH_SIMD");
      env != nullptr && *env != '\0') {
    wanted = env;
    origin = "DKIMBATCH_SIMD";
  }
  std::vector<char*> kept;
  bool options_ended = false;
  for (size_t i = 0; i < args->size(); ++i) {
    std::string_view arg = (*args)[i];
    if (!options_ended && arg == "--") options_ended = true;
    if (options_ended) {
      kept.push_back((*args)[i]);
      continue;
    }
    if (arg == "--simd") {
      if (i + 1 == args->size()) {
        *error = "--simd needs a level (scalar, avx2, avx512 or best)";
        return false;
      }
      wanted = (*args)[++i];
      origin = "--simd";
    } else if (arg.starts_with("--simd=")) {
      wanted = std::string(arg.substr(7));
      origin = "--simd";
    } else {
      kept.push_back((*args)[i]);
    }
  }
  if (wanted) {
    std::optional<simd::SimdLevel> level = simd::ParseSimdLevel(*wanted);
    if (!level) {
      *error = origin + ": unknown SIMD level '" + *wanted +
               "' (scalar, avx2, avx512 or best)";
      return false;
    }
    if (!simd::SetSimdLevel(*level)) {
      *error = origin + ": this CPU cannot run " + *wanted + " (it supports " +
               SupportedList() + ")";
      return false;
    }
  }
  *args = std::move(kept);
  return true;
}

}  // namespace dkimbatch::cli
