// engine/simd/avx2_begin.h
//
// Opens a region in which every function is compiled for AVX2; close it
// with engine/simd/avx2_end.h. Include all headers before the region: code
// from headers stays baseline x86-64, so no inline function that another
// file may share is ever built with AVX2 instructions (the
// per-file -m flag hazard). Functions of the region run only after
// engine/simd/cpu.h has said the CPU supports them. No include guard.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,bmi,bmi2,popcnt"))), \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,bmi,bmi2,popcnt")
#endif
