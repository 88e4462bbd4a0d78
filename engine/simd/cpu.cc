// engine/simd/cpu.cc
//
// SIMD level detection (cpuid through libgcc, which also checks that the OS
// saves the YMM / ZMM state) and the process-wide active level.
#include "engine/simd/cpu.h"

#include <array>
#include <atomic>

namespace dkimbatch::engine::simd {
namespace {

constexpr uint8_t kUnset = 0xff;

// Relaxed atomics: the level is written once at startup and only read after.
std::atomic<uint8_t> g_active{kUnset};

bool CpuHasAvx2() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
#else
  return false;
#endif
}

bool CpuHasAvx512() {
#if defined(__x86_64__) || defined(__i386__)
  return CpuHasAvx2() && __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl");
#else
  return false;
#endif
}

}  // namespace

std::string_view SimdLevelName(SimdLevel level) {
  switch (level) {
    case SimdLevel::kScalar:
      return "scalar";
    case SimdLevel::kAvx2:
      return "avx2";
    case SimdLevel::kAvx512:
      return "avx512";
  }
  return "?";
}

std::optional<SimdLevel> ParseSimdLevel(std::string_view name) {
  if (name == "scalar") return SimdLevel::kScalar;
  if (name == "avx2") return SimdLevel::kAvx2;
  if (name == "avx512") return SimdLevel::kAvx512;
  if (name == "best") return DetectSimdLevel();
  return std::nullopt;
}

SimdLevel DetectSimdLevel() {
  static const SimdLevel detected = CpuHasAvx512() ? SimdLevel::kAvx512
                                    : CpuHasAvx2() ? SimdLevel::kAvx2
                                                   : SimdLevel::kScalar;
  return detected;
}

bool CpuHasAvx512Vbmi2() {
#if defined(__x86_64__) || defined(__i386__)
  static const bool vbmi2 = CpuHasAvx512() &&
                            __builtin_cpu_supports("avx512vbmi") &&
                            __builtin_cpu_supports("avx512vbmi2");
  return vbmi2;
#else
  return false;
#endif
}

bool SimdLevelSupported(SimdLevel level) {
  return static_cast<uint8_t>(level) <= static_cast<uint8_t>(DetectSimdLevel());
}

std::span<const SimdLevel> SupportedSimdLevels() {
  static constexpr std::array<SimdLevel, 3> kAll = {
      SimdLevel::kScalar, SimdLevel::kAvx2, SimdLevel::kAvx512};
  return std::span<const SimdLevel>(kAll).first(
      static_cast<size_t>(DetectSimdLevel()) + 1);
}

SimdLevel ActiveSimdLevel() {
  uint8_t level = g_active.load(std::memory_order_relaxed);
  if (level == kUnset) [[unlikely]] {
    level = static_cast<uint8_t>(DetectSimdLevel());
    g_active.store(level, std::memory_order_relaxed);
  }
  return static_cast<SimdLevel>(level);
}

bool SetSimdLevel(SimdLevel level) {
  if (!SimdLevelSupported(level)) return false;
  g_active.store(static_cast<uint8_t>(level), std::memory_order_relaxed);
  return true;
}

}  // namespace dkimbatch::engine::simd
