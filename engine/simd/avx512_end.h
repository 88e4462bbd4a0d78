// engine/simd/avx512_end.h
//
// Closes the region opened by engine/simd/avx512_begin.h or
// engine/simd/avx512vbmi2_begin.h. No include guard.
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
