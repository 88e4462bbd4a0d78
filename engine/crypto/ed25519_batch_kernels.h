// engine/crypto/ed25519_batch_kernels.h
//
// Internal to ed25519_batch.cc: the curve arithmetic behind the batched
// Ed25519 verifier, 8 lanes per call. Every array is lane-interleaved (word
// w of lane l at [w * 8 + l]); field elements are 5 limbs of 52 bits. The
// scalar and IFMA kernels are one source (ed25519_batch_kernel.inc) and
// must give identical words.
#ifndef DKIMBATCH_ENGINE_CRYPTO_ED25519_BATCH_KERNELS_H_
#define DKIMBATCH_ENGINE_CRYPTO_ED25519_BATCH_KERNELS_H_

#include <cstdint>

namespace dkimbatch::engine::internal {

inline constexpr int kEdLanes = 8;
inline constexpr int kEdLimbs = 5;
inline constexpr int kEdWindows = 64;  // signed radix-16 digits of a scalar
// Words of one lane's table of 1A..8A (Y+X, Y-X, 2Z, 2dT) and of the
// table of 1B..8B (y+x, y-x, 2dxy, affine).
inline constexpr int kEdCachedTableWords = 8 * 4 * kEdLimbs;
inline constexpr int kEdBaseTableWords = 8 * 3 * kEdLimbs;

struct Ed25519Kernel {
  // Decode decodes y (bit 255 cleared, limbs below 2^52; values >= p are
  // taken modulo p) with x's sign bit `sign` (0 or 1) into the table of
  // 1A..8A, and sets ok to 1 where (x, y) is on the curve, else 0.
  void (*decode)(const uint64_t* y, const uint64_t* sign, uint64_t* table,
                 uint64_t* ok);
  // BaseTable writes 1B..8B for every lane (all lanes equal).
  void (*base_table)(uint64_t* table);
  // Combine computes [s]B + [h]A from the signed digits (in [-8, 8], least
  // significant first) of s and h, with A's table from Decode and B's from
  // BaseTable, and writes its affine x then y, fully reduced mod p.
  void (*combine)(const uint64_t* a_table, const uint64_t* b_table,
                  const int64_t* s_digits, const int64_t* h_digits,
                  uint64_t* xy);
};

// Ed25519BaseTable returns the words BaseTable writes (1B..8B for every
// lane), held as constants: the verifier never calls BaseTable.
const uint64_t* Ed25519BaseTable();

const Ed25519Kernel& Ed25519ScalarKernel();

// Ed25519IfmaSupported reports whether the CPU and OS run AVX-512F, VL, DQ
// and IFMA code; Ed25519IfmaKernel() may be called only then.
bool Ed25519IfmaSupported();
const Ed25519Kernel& Ed25519IfmaKernel();
// Ed25519IfmaKernel4 works on lanes 0-3 only (of the same 8-lane arrays):
// the words of lanes 4-7 are neither read nor written.
const Ed25519Kernel& Ed25519IfmaKernel4();

}  // namespace dkimbatch::engine::internal

#endif  // DKIMBATCH_ENGINE_CRYPTO_ED25519_BATCH_KERNELS_H_
