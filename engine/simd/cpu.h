// engine/simd/cpu.h
//
// Which SIMD level the engine's kernels run at (canonicalization, base64,
// and io's mbox scanning). The best level this CPU supports is detected once
// (`__builtin_cpu_supports`); a program may force a lower one with
// SetSimdLevel() before it starts threads (dkimbatch's `--simd` flag and
// `DKIMBATCH_SIMD` environment variable), so one x86-64 binary runs
// anywhere and the scalar reference can be checked against the vector code.
#ifndef DKIMBATCH_ENGINE_SIMD_CPU_H_
#define DKIMBATCH_ENGINE_SIMD_CPU_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace dkimbatch::engine::simd {

// kAvx2 needs AVX2, BMI1, BMI2 and POPCNT (Haswell, Zen 1 and later);
// kAvx512 adds AVX-512 F, BW and VL (Skylake-SP, Zen 4 and later).
enum class SimdLevel : uint8_t { kScalar, kAvx2, kAvx512 };

// SimdLevelName returns "scalar", "avx2" or "avx512".
std::string_view SimdLevelName(SimdLevel level);

// ParseSimdLevel maps a name of SimdLevelName() (or "best") to a level;
// "best" gives DetectSimdLevel(). Returns nullopt on any other text.
std::optional<SimdLevel> ParseSimdLevel(std::string_view name);

// DetectSimdLevel returns the best level this CPU (and OS) supports.
SimdLevel DetectSimdLevel();

// SimdLevelSupported returns true when this CPU can run `level`.
bool SimdLevelSupported(SimdLevel level);

// CpuHasAvx512Vbmi2 returns true when this CPU runs kAvx512 and AVX-512
// VBMI and VBMI2 (byte permutes, byte compress: Ice Lake, Zen 4 and later).
// Not a level of its own: a kAvx512 kernel with a VBMI2 variant runs that
// variant on such a CPU (the differential tests run both).
bool CpuHasAvx512Vbmi2();

// SupportedSimdLevels returns every level this CPU can run, scalar first.
std::span<const SimdLevel> SupportedSimdLevels();

// ActiveSimdLevel returns the level the kernels use: the one last set by
// SetSimdLevel(), else DetectSimdLevel().
SimdLevel ActiveSimdLevel();

// SetSimdLevel makes the kernels use `level` and returns true, or returns
// false (changing nothing) when this CPU cannot run it. Not synchronised
// with running kernels: call it at startup, before any thread verifies.
bool SetSimdLevel(SimdLevel level);

// ForLevel picks a kernel's implementation for `level` among its three: the
// dispatchers pass ActiveSimdLevel(), the differential tests every level.
template <typename Fn>
constexpr Fn ForLevel(SimdLevel level, Fn avx512, Fn avx2, Fn scalar) {
  switch (level) {
    case SimdLevel::kAvx512:
      return avx512;
    case SimdLevel::kAvx2:
      return avx2;
    case SimdLevel::kScalar:
      break;
  }
  return scalar;
}

}  // namespace dkimbatch::engine::simd

#endif  // DKIMBATCH_ENGINE_SIMD_CPU_H_
