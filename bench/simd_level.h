// bench/simd_level.h
//
// LevelScope: run one benchmark row at a given SIMD level (rows named
// .../scalar, .../avx2, .../avx512 side by side).
#ifndef DKIMBATCH_BENCH_SIMD_LEVEL_H_
#define DKIMBATCH_BENCH_SIMD_LEVEL_H_

#include <benchmark/benchmark.h>

#include "engine/simd/cpu.h"

namespace dkimbatch::bench {

// LevelScope sets `level` for its lifetime and restores the previous level;
// ok() is false (and the row is skipped) when this CPU cannot run it.
class LevelScope {
 public:
  LevelScope(benchmark::State& state, engine::simd::SimdLevel level)
      : saved_(engine::simd::ActiveSimdLevel()),
        ok_(engine::simd::SetSimdLevel(level)) {
    if (!ok_) state.SkipWithError("this CPU cannot run this SIMD level");
  }
  ~LevelScope() { engine::simd::SetSimdLevel(saved_); }
  LevelScope(const LevelScope&) = delete;
  LevelScope& operator=(const LevelScope&) = delete;
  bool ok() const { return ok_; }

 private:
  engine::simd::SimdLevel saved_;
  bool ok_;
};

}  // namespace dkimbatch::bench

#endif  // DKIMBATCH_BENCH_SIMD_LEVEL_H_
