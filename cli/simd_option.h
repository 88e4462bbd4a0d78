// cli/simd_option.h
//
// The global `--simd LEVEL` option and the DKIMBATCH_SIMD environment
// variable: which SIMD level (scalar, avx2, avx512, best) the engine's
// kernels use, for every subcommand. Forcing `scalar` gives the reference
// code, whose verdicts the vector code must reproduce exactly.
#ifndef DKIMBATCH_CLI_SIMD_OPTION_H_
#define DKIMBATCH_CLI_SIMD_OPTION_H_

#include <string>
#include <vector>

namespace dkimbatch::cli {

// ApplySimdOption reads DKIMBATCH_SIMD, then removes every `--simd LEVEL` /
// `--simd=LEVEL` from `*args` (up to a `--`; the last one wins over the
// variable) and sets the engine's level. Returns false with `*error` set on
// an unknown level or one this CPU cannot run; the level is then unchanged.
bool ApplySimdOption(std::vector<char*>* args, std::string* error);

}  // namespace dkimbatch::cli

#endif  // DKIMBATCH_CLI_SIMD_OPTION_H_
