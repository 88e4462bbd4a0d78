// engine/crypto/rsa_batch_scalar.cc
//
// The scalar twin of rsa_batch_ifma.cc: the same Montgomery arithmetic, one
// lane at a time and row by row (the IFMA kernel goes column by column, to
// the same multipliers and limbs), with the IFMA instructions emulated by
// 128-bit products. It is the readable reference the IFMA kernel is tested
// against.
#include <cstddef>
#include <cstdint>

#include "engine/crypto/rsa_batch_kernels.h"

namespace dkimbatch::engine::internal {
namespace {

using u128 = unsigned __int128;

// MulLo / MulHi are vpmadd52luq / vpmadd52huq on one lane: acc plus the low
// (high) 52 bits of the 104-bit product of the low 52 bits of a and b.
inline uint64_t MulLo(uint64_t acc, uint64_t a, uint64_t b) {
  const u128 p = static_cast<u128>(a & kLimbMask) * (b & kLimbMask);
  return acc + (static_cast<uint64_t>(p) & kLimbMask);
}
inline uint64_t MulHi(uint64_t acc, uint64_t a, uint64_t b) {
  const u128 p = static_cast<u128>(a & kLimbMask) * (b & kLimbMask);
  return acc + static_cast<uint64_t>(p >> kLimbBits);
}

// Product sets t[0, 2L) to a * b in unnormalized limbs (each below 2^64).
template <int L>
void Product(const uint64_t* a, const uint64_t* b, uint64_t* t) {
  for (int k = 0; k < 2 * L; ++k) t[k] = 0;
  for (int i = 0; i < L; ++i) {
    for (int j = 0; j < L; ++j) {
      t[i + j] = MulLo(t[i + j], a[i], b[j]);
      t[i + j + 1] = MulHi(t[i + j + 1], a[i], b[j]);
    }
  }
}

// Square sets t[0, 2L) to a * a: the products a_i a_j (i < j) once, doubled,
// plus the squares a_i a_i.
template <int L>
void Square(const uint64_t* a, uint64_t* t) {
  for (int k = 0; k < 2 * L; ++k) t[k] = 0;
  for (int i = 0; i < L; ++i) {
    for (int j = i + 1; j < L; ++j) {
      t[i + j] = MulLo(t[i + j], a[i], a[j]);
      t[i + j + 1] = MulHi(t[i + j + 1], a[i], a[j]);
    }
  }
  for (int k = 0; k < 2 * L; ++k) t[k] += t[k];
  for (int i = 0; i < L; ++i) {
    t[2 * i] = MulLo(t[2 * i], a[i], a[i]);
    t[2 * i + 1] = MulHi(t[2 * i + 1], a[i], a[i]);
  }
}

// Reduce sets out (normalized, below 2n) to t * R^-1 mod n, where t is the
// unnormalized product of two numbers below 2n: limb by limb, add the
// multiple m * n that clears the lowest limb and carry it up.
template <int L>
void Reduce(uint64_t* t, const uint64_t* n, uint64_t k0, uint64_t* out) {
  for (int i = 0; i < L; ++i) {
    const uint64_t m = MulLo(0, t[i], k0);
    // Limb i becomes t[i] + lo(n_0 m), a multiple of 2^52 since
    // lo(n_0 m) = -t[i] mod 2^52: only its carry is needed.
    const uint64_t carry = (t[i] >> kLimbBits) + ((t[i] & kLimbMask) != 0);
    for (int j = 1; j < L; ++j) {
      t[i + j] = MulLo(t[i + j], n[j], m);
    }
    for (int j = 0; j < L; ++j) {
      t[i + j + 1] = MulHi(t[i + j + 1], n[j], m);
    }
    t[i + 1] += carry;
  }
  uint64_t carry = 0;
  for (int j = 0; j < L; ++j) {
    const uint64_t v = t[L + j] + carry;
    out[j] = v & kLimbMask;
    carry = v >> kLimbBits;
  }
}

template <int L>
void Pow65537(const RsaLane& lane) {
  uint64_t t[2 * L];
  uint64_t x[L];
  // x = s R mod n (Montgomery form), then x = s^65536 R by 16 squarings,
  // then one multiplication by plain s: s^65536 R s R^-1 = s^65537.
  Product<L>(lane.s, lane.rr, t);
  Reduce<L>(t, lane.n, lane.k0, x);
  for (int i = 0; i < 16; ++i) {
    Square<L>(x, t);
    Reduce<L>(t, lane.n, lane.k0, x);
  }
  Product<L>(x, lane.s, t);
  Reduce<L>(t, lane.n, lane.k0, lane.out);
}

}  // namespace

void Pow65537Scalar(int limbs, const RsaLane& lane) {
  switch (limbs) {
    case 20:
      return Pow65537<20>(lane);
    case 40:
      return Pow65537<40>(lane);
    case 60:
      return Pow65537<60>(lane);
    case 79:
      return Pow65537<79>(lane);
  }
}

}  // namespace dkimbatch::engine::internal
