// engine/crypto/rsa_batch_kernels.h
//
// Internal to rsa_batch.cc: the s^65537 mod n kernels behind the batched RSA
// verifier. Numbers are little-endian arrays of 52-bit limbs. Both kernels
// run the same almost-Montgomery multiplication (R = 2^(52 * limbs), inputs
// and results below 2n, which 4n < R allows): the scalar one per lane, the
// IFMA one on 8 lanes per vector. They must give identical limbs.
#ifndef DKIMBATCH_ENGINE_CRYPTO_RSA_BATCH_KERNELS_H_
#define DKIMBATCH_ENGINE_CRYPTO_RSA_BATCH_KERNELS_H_

#include <cstdint>
#include <span>

namespace dkimbatch::engine::internal {

inline constexpr int kLimbBits = 52;
inline constexpr uint64_t kLimbMask = (uint64_t{1} << kLimbBits) - 1;

// RsaLane is one s^65537 mod n computation; all arrays have the kernel's
// `limbs` limbs, each below 2^52.
struct RsaLane {
  const uint64_t* n;   // odd modulus with 4n < R
  const uint64_t* rr;  // R^2 mod n
  uint64_t k0;         // -n^-1 mod 2^52
  const uint64_t* s;   // base, below n
  uint64_t* out;       // s^65537 mod n, or that plus n (below 2n)
};

// Pow65537Scalar computes one lane. `limbs` is 20, 40, 60 or 79.
void Pow65537Scalar(int limbs, const RsaLane& lane);

// IfmaKernelSupported reports whether the CPU and OS run AVX-512F, VL and
// AVX-512 IFMA code.
bool IfmaKernelSupported();

// Pow65537Ifma computes 1 to 8 lanes at once with AVX-512 IFMA; only when
// IfmaKernelSupported(). `limbs` is 20, 40, 60 or 79.
void Pow65537Ifma(int limbs, std::span<const RsaLane> lanes);

}  // namespace dkimbatch::engine::internal

#endif  // DKIMBATCH_ENGINE_CRYPTO_RSA_BATCH_KERNELS_H_
