// engine/crypto/rsa_batch_ifma.cc
//
// The AVX-512 IFMA kernel of the batched RSA verifier: rsa_batch_scalar.cc's
// algorithm with each variable a vector of 8 lanes (limb i of 8 independent
// numbers, possibly of 8 different moduli of one size), vpmadd52luq /
// vpmadd52huq for the limb products. Only the functions marked
// DKB_TARGET_IFMA use AVX-512, so the rest of the binary (and any inline
// function this file instantiates) stays baseline x86-64.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "engine/crypto/rsa_batch_kernels.h"

#define DKB_TARGET_IFMA __attribute__((target("avx512f,avx512ifma")))

namespace dkimbatch::engine::internal {
namespace {

using V = __m512i;
constexpr int kLanes = 8;

DKB_TARGET_IFMA inline V MulLo(V acc, V a, V b) {
  return _mm512_madd52lo_epu64(acc, a, b);
}
DKB_TARGET_IFMA inline V MulHi(V acc, V a, V b) {
  return _mm512_madd52hi_epu64(acc, a, b);
}
// Shr52 is v >> 52 per lane, written as a GCC vector operation: GCC 12's
// _mm512_srli_epi64 trips -Wuninitialized inside its own header.
DKB_TARGET_IFMA inline V Shr52(V v) {
  using U64x8 = uint64_t __attribute__((vector_size(64)));
  return reinterpret_cast<V>(reinterpret_cast<U64x8>(v) >> kLimbBits);
}

// Product sets t[0, 2L) to a * b in unnormalized limbs. Limb t[i + j]
// takes the low half of a_i b_j and the high half of a_i b_(j-1) in one
// go, so each row touches each limb of t once.
template <int L>
DKB_TARGET_IFMA void Product(const V* a, const V* b, V* t) {
  const V zero = _mm512_setzero_si512();
  for (int k = 0; k < 2 * L; ++k) t[k] = zero;
  for (int i = 0; i < L; ++i) {
    const V ai = a[i];
    V* ti = t + i;
    ti[0] = MulLo(ti[0], ai, b[0]);
#pragma GCC unroll 8
    for (int j = 1; j < L; ++j) {
      ti[j] = MulHi(MulLo(ti[j], ai, b[j]), ai, b[j - 1]);
    }
    ti[L] = MulHi(ti[L], ai, b[L - 1]);
  }
}

// Square sets t[0, 2L) to a * a: the products a_i a_j (i < j) once,
// doubled, plus the squares a_i a_i.
template <int L>
DKB_TARGET_IFMA void Square(const V* a, V* t) {
  const V zero = _mm512_setzero_si512();
  for (int k = 0; k < 2 * L; ++k) t[k] = zero;
  for (int i = 0; i + 1 < L; ++i) {
    const V ai = a[i];
    V* ti = t + i;
    ti[i + 1] = MulLo(ti[i + 1], ai, a[i + 1]);
#pragma GCC unroll 8
    for (int j = i + 2; j < L; ++j) {
      ti[j] = MulHi(MulLo(ti[j], ai, a[j]), ai, a[j - 1]);
    }
    ti[L] = MulHi(ti[L], ai, a[L - 1]);
  }
  for (int i = 0; i < L; ++i) {
    const V ai = a[i];
    t[2 * i] = MulLo(_mm512_add_epi64(t[2 * i], t[2 * i]), ai, ai);
    t[2 * i + 1] = MulHi(_mm512_add_epi64(t[2 * i + 1], t[2 * i + 1]), ai, ai);
  }
}

// Reduce sets out (normalized, below 2n) to t * R^-1 mod n.
template <int L>
DKB_TARGET_IFMA void Reduce(V* t, const V* n, V k0, V* out) {
  const V zero = _mm512_setzero_si512();
  const V mask = _mm512_set1_epi64(static_cast<long long>(kLimbMask));
  for (int i = 0; i < L; ++i) {
    V* ti = t + i;
    const V m = MulLo(zero, ti[0], k0);
    ti[0] = MulLo(ti[0], n[0], m);
#pragma GCC unroll 8
    for (int j = 1; j < L; ++j) {
      ti[j] = MulHi(MulLo(ti[j], n[j], m), n[j - 1], m);
    }
    ti[L] = MulHi(ti[L], n[L - 1], m);
    ti[1] = _mm512_add_epi64(ti[1], Shr52(ti[0]));
  }
  V carry = zero;
  for (int j = 0; j < L; ++j) {
    const V v = _mm512_add_epi64(t[L + j], carry);
    out[j] = _mm512_and_si512(v, mask);
    carry = Shr52(v);
  }
}

template <int L>
DKB_TARGET_IFMA void Pow65537(std::span<const RsaLane> lanes) {
  // Lane-interleaved copies: limb j of lane l at [j][l]. Unused lanes
  // repeat lane 0 and their results are dropped.
  alignas(64) uint64_t n[L][kLanes];
  alignas(64) uint64_t rr[L][kLanes];
  alignas(64) uint64_t s[L][kLanes];
  alignas(64) uint64_t x[L][kLanes];
  alignas(64) uint64_t k0[kLanes];
  V t[2 * L];
  for (int l = 0; l < kLanes; ++l) {
    const RsaLane& lane =
        lanes[static_cast<size_t>(l) < lanes.size() ? static_cast<size_t>(l)
                                                    : 0];
    for (int j = 0; j < L; ++j) {
      n[j][l] = lane.n[j];
      rr[j][l] = lane.rr[j];
      s[j][l] = lane.s[j];
    }
    k0[l] = lane.k0;
  }
  // __m512i may alias any type, so the arrays can be read as vectors.
  const V* nv = reinterpret_cast<const V*>(n);
  const V* sv = reinterpret_cast<const V*>(s);
  V* xv = reinterpret_cast<V*>(x);
  const V k0v = _mm512_load_si512(k0);

  Product<L>(sv, reinterpret_cast<const V*>(rr), t);
  Reduce<L>(t, nv, k0v, xv);
  for (int i = 0; i < 16; ++i) {
    Square<L>(xv, t);
    Reduce<L>(t, nv, k0v, xv);
  }
  Product<L>(xv, sv, t);
  Reduce<L>(t, nv, k0v, xv);

  for (size_t l = 0; l < lanes.size(); ++l) {
    for (int j = 0; j < L; ++j) lanes[l].out[j] = x[j][l];
  }
}

}  // namespace

bool IfmaKernelSupported() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512ifma");
}

void Pow65537Ifma(int limbs, std::span<const RsaLane> lanes) {
  if (lanes.empty() || lanes.size() > static_cast<size_t>(kLanes)) return;
  switch (limbs) {
    case 20:
      return Pow65537<20>(lanes);
    case 40:
      return Pow65537<40>(lanes);
    case 60:
      return Pow65537<60>(lanes);
    case 79:
      return Pow65537<79>(lanes);
  }
}

}  // namespace dkimbatch::engine::internal
