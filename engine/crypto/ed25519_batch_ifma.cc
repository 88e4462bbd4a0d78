// engine/crypto/ed25519_batch_ifma.cc
//
// The Ed25519 kernel (ed25519_batch_kernel.inc) compiled for AVX-512 IFMA:
// one signature per 64-bit lane of a 512-bit vector (or of a 256-bit one,
// for 4 lanes), vpmadd52luq / vpmadd52huq for the limb products. Only this
// file's own functions are compiled for AVX-512 (the target pragma comes after
// every header), so the rest of the binary stays baseline x86-64.
#include <immintrin.h>

#include <cstdint>

#include "engine/crypto/ed25519_batch_kernels.h"
#include "engine/crypto/rsa_batch_kernels.h"

namespace dkimbatch::engine::internal {

bool Ed25519IfmaSupported() {
  // The RSA kernel's check (AVX-512 F, VL, IFMA) plus DQ.
  return IfmaKernelSupported() && __builtin_cpu_supports("avx512dq");
}

#if defined(__clang__)
#pragma clang attribute push(                                        \
    __attribute__((target("avx512f,avx512vl,avx512dq,avx512ifma"))), \
    apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512dq,avx512ifma")
#endif

namespace {

// MulLo / MulHi for both builds below: vpmadd52luq / vpmadd52huq on 512-
// or 256-bit vectors.
template <typename W>
inline W MulLo(W acc, W a, W b) {
  if constexpr (sizeof(W) == 64) {
    return (W)_mm512_madd52lo_epu64((__m512i)acc, (__m512i)a, (__m512i)b);
  } else {
    return (W)_mm256_madd52lo_epu64((__m256i)acc, (__m256i)a, (__m256i)b);
  }
}
template <typename W>
inline W MulHi(W acc, W a, W b) {
  if constexpr (sizeof(W) == 64) {
    return (W)_mm512_madd52hi_epu64((__m512i)acc, (__m512i)a, (__m512i)b);
  } else {
    return (W)_mm256_madd52hi_epu64((__m256i)acc, (__m256i)a, (__m256i)b);
  }
}

typedef uint64_t V __attribute__((vector_size(64)));
typedef int64_t S __attribute__((vector_size(64)));

}  // namespace

#include "engine/crypto/ed25519_batch_kernel.inc"

// The same kernel on 256-bit vectors, for lanes 0-3 of the same
// lane-interleaved arrays: a group of at most 4 signatures costs less (a
// call about 85% of an 8-lane one on the Xeon measured).
namespace lanes4 {
namespace {

typedef uint64_t V __attribute__((vector_size(32)));
typedef int64_t S __attribute__((vector_size(32)));

}  // namespace

#include "engine/crypto/ed25519_batch_kernel.inc"

}  // namespace lanes4

const Ed25519Kernel& Ed25519IfmaKernel() {
  static const Ed25519Kernel kernel{DecodeKernel, BaseTableKernel,
                                    CombineKernel};
  return kernel;
}

const Ed25519Kernel& Ed25519IfmaKernel4() {
  static const Ed25519Kernel kernel{
      lanes4::DecodeKernel, lanes4::BaseTableKernel, lanes4::CombineKernel};
  return kernel;
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

}  // namespace dkimbatch::engine::internal
