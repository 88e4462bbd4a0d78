// engine/crypto/ed25519_batch_scalar.cc
//
// The Ed25519 kernel (ed25519_batch_kernel.inc) compiled for any x86-64:
// the same source with the 52-bit multiply-adds done lane by lane in
// 128-bit arithmetic. The reference the IFMA build is tested against; the
// product verifies through OpenSSL where IFMA is missing.
#include <cstdint>

#include "engine/crypto/ed25519_batch_kernels.h"

// The kernel passes 64-byte vectors between its own internal functions;
// their ABI without AVX-512 does not matter.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace dkimbatch::engine::internal {
namespace {

typedef uint64_t V __attribute__((vector_size(64)));
typedef int64_t S __attribute__((vector_size(64)));

constexpr uint64_t kMask52 = (uint64_t{1} << 52) - 1;

inline V MulLo(V acc, V a, V b) {
  for (int i = 0; i < 8; ++i) {
    const unsigned __int128 p =
        static_cast<unsigned __int128>(a[i] & kMask52) * (b[i] & kMask52);
    acc[i] += static_cast<uint64_t>(p) & kMask52;
  }
  return acc;
}

inline V MulHi(V acc, V a, V b) {
  for (int i = 0; i < 8; ++i) {
    const unsigned __int128 p =
        static_cast<unsigned __int128>(a[i] & kMask52) * (b[i] & kMask52);
    acc[i] += static_cast<uint64_t>(p >> 52);
  }
  return acc;
}

}  // namespace

#include "engine/crypto/ed25519_batch_kernel.inc"

const Ed25519Kernel& Ed25519ScalarKernel() {
  static const Ed25519Kernel kernel{DecodeKernel, BaseTableKernel,
                                    CombineKernel};
  return kernel;
}

}  // namespace dkimbatch::engine::internal
