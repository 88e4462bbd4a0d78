// engine/simd/avx512vbmi2_begin.h
//
// Opens a region like engine/simd/avx512_begin.h's, with AVX-512 VBMI and
// VBMI2 added; close it with engine/simd/avx512_end.h. Its functions run
// only after simd::CpuHasAvx512Vbmi2() has returned true. No include guard.
#if defined(__clang__)
#pragma clang attribute push(                                      \
    __attribute__((target("avx2,bmi,bmi2,popcnt,avx512f,avx512bw," \
                          "avx512vl,avx512vbmi,avx512vbmi2"))),    \
    apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target( \
    "avx2,bmi,bmi2,popcnt,avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2")
#endif
