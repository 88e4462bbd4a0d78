// engine/crypto/rsa_batch_ifma.cc
//
// The AVX-512 IFMA kernel of the batched RSA verifier: rsa_batch_scalar.cc's
// algorithm with each variable a vector of 8 lanes (limb i of 8 independent
// numbers, possibly of 8 different moduli of one size), vpmadd52luq /
// vpmadd52huq for the limb products; 512-bit vectors for 5 to 8 lanes,
// 256-bit ones for up to 4. Only the functions marked DKB_TARGET_IFMA use
// AVX-512, so the rest of the binary (and any inline function this file
// instantiates) stays baseline x86-64.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "engine/crypto/rsa_batch_kernels.h"

#define DKB_TARGET_IFMA __attribute__((target("avx512f,avx512vl,avx512ifma")))

namespace dkimbatch::engine::internal {
namespace {

// Zmm and Ymm run 8 and 4 lanes per vector. This CPU generation issues
// 512-bit IFMA at one per cycle and 256-bit IFMA at two, so both give the
// same lane throughput and a call with at most 4 lanes takes Ymm, at half
// the time of a Zmm call.
struct Zmm {
  using V = __m512i;
  typedef uint64_t U __attribute__((vector_size(64)));  // V as 64-bit lanes
  static constexpr int kLanes = 8;
  DKB_TARGET_IFMA static V MulLo(V acc, V a, V b) {
    return _mm512_madd52lo_epu64(acc, a, b);
  }
  DKB_TARGET_IFMA static V MulHi(V acc, V a, V b) {
    return _mm512_madd52hi_epu64(acc, a, b);
  }
  DKB_TARGET_IFMA static V Load(const uint64_t* p) {
    return _mm512_load_si512(p);
  }
};

struct Ymm {
  using V = __m256i;
  typedef uint64_t U __attribute__((vector_size(32)));
  static constexpr int kLanes = 4;
  DKB_TARGET_IFMA static V MulLo(V acc, V a, V b) {
    return _mm256_madd52lo_epu64(acc, a, b);
  }
  DKB_TARGET_IFMA static V MulHi(V acc, V a, V b) {
    return _mm256_madd52hi_epu64(acc, a, b);
  }
  DKB_TARGET_IFMA static V Load(const uint64_t* p) {
    return _mm256_load_si256(reinterpret_cast<const V*>(p));
  }
};

// Lanewise 64-bit operations, written as GCC vector operations (GCC 12's
// _mm512_srli_epi64 trips -Wuninitialized inside its own header).
template <typename W>
DKB_TARGET_IFMA inline typename W::V Add(typename W::V a, typename W::V b) {
  using U = typename W::U;
  return reinterpret_cast<typename W::V>(reinterpret_cast<U>(a) +
                                         reinterpret_cast<U>(b));
}
template <typename W>
DKB_TARGET_IFMA inline typename W::V Shr52(typename W::V a) {
  using U = typename W::U;
  return reinterpret_cast<typename W::V>(reinterpret_cast<U>(a) >> kLimbBits);
}
template <typename W>
DKB_TARGET_IFMA inline typename W::V Mask52(typename W::V a) {
  using U = typename W::U;
  return reinterpret_cast<typename W::V>(reinterpret_cast<U>(a) & kLimbMask);
}
template <typename W>
DKB_TARGET_IFMA inline typename W::V Zero() {
  return reinterpret_cast<typename W::V>(typename W::U{});
}

// CarryOfCleared returns (t + lo(n_0 m)) >> 52 without the product: m is
// chosen so that lo(n_0 m) = -t mod 2^52, so the sum is t rounded up to a
// multiple of 2^52.
template <typename W>
DKB_TARGET_IFMA inline typename W::V CarryOfCleared(typename W::V t) {
  using U = typename W::U;
  const U u = reinterpret_cast<U>(t);
  // A lanewise comparison is 0 or all ones (-1).
  return reinterpret_cast<typename W::V>(
      (u >> kLimbBits) - reinterpret_cast<U>((u & kLimbMask) != 0));
}

// Product sets t[0, 2L) to a * b in unnormalized limbs. Limb t[i + j]
// takes the low half of a_i b_j and the high half of a_i b_(j-1) in one
// go, so each row touches each limb of t once.
template <typename W, int L>
DKB_TARGET_IFMA void Product(const typename W::V* a, const typename W::V* b,
                             typename W::V* t) {
  using V = typename W::V;
  for (int k = 0; k < 2 * L; ++k) t[k] = Zero<W>();
  for (int i = 0; i < L; ++i) {
    const V ai = a[i];
    V* ti = t + i;
    ti[0] = W::MulLo(ti[0], ai, b[0]);
#pragma GCC unroll 8
    for (int j = 1; j < L; ++j) {
      ti[j] = W::MulHi(W::MulLo(ti[j], ai, b[j]), ai, b[j - 1]);
    }
    ti[L] = W::MulHi(ti[L], ai, b[L - 1]);
  }
}

// Square sets t[0, 2L) to a * a: the products a_i a_j (i < j) once,
// doubled, plus the squares a_i a_i.
template <typename W, int L>
DKB_TARGET_IFMA void Square(const typename W::V* a, typename W::V* t) {
  using V = typename W::V;
  for (int k = 0; k < 2 * L; ++k) t[k] = Zero<W>();
  for (int i = 0; i + 1 < L; ++i) {
    const V ai = a[i];
    V* ti = t + i;
    ti[i + 1] = W::MulLo(ti[i + 1], ai, a[i + 1]);
#pragma GCC unroll 8
    for (int j = i + 2; j < L; ++j) {
      ti[j] = W::MulHi(W::MulLo(ti[j], ai, a[j]), ai, a[j - 1]);
    }
    ti[L] = W::MulHi(ti[L], ai, a[L - 1]);
  }
  for (int i = 0; i < L; ++i) {
    const V ai = a[i];
    t[2 * i] = W::MulLo(Add<W>(t[2 * i], t[2 * i]), ai, ai);
    t[2 * i + 1] = W::MulHi(Add<W>(t[2 * i + 1], t[2 * i + 1]), ai, ai);
  }
}

// ReduceRows runs Montgomery rows i .. i + R - 1 on t: row r takes the
// multiplier m_r that clears limb i + r and adds m_r n, shifted by r limbs.
// Once rows before r have updated limb i + r, m_r is known, so the prelude
// finds m_0 .. m_(R-1) one after the other and a single pass over t then
// adds all R rows' products: each limb of t is loaded and stored once per R
// rows. (The sums are those of one row at a time, in another order.)
template <typename W, int L, int R>
DKB_TARGET_IFMA inline void ReduceRows(typename W::V* ti,
                                       const typename W::V* n,
                                       typename W::V k0) {
  using V = typename W::V;
  V m[R];
  V carry = Zero<W>();
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
    V v = Add<W>(ti[r], carry);
#pragma GCC unroll 4
    for (int q = 0; q < r; ++q) {
      v = W::MulHi(W::MulLo(v, n[r - q], m[q]), n[r - q - 1], m[q]);
    }
    m[r] = W::MulLo(Zero<W>(), v, k0);
    carry = CarryOfCleared<W>(v);
  }
  ti[R] = Add<W>(ti[R], carry);
#pragma GCC unroll 8
  for (int k = R; k < L; ++k) {
    V v = ti[k];
#pragma GCC unroll 4
    for (int q = 0; q < R; ++q) {
      v = W::MulHi(W::MulLo(v, n[k - q], m[q]), n[k - q - 1], m[q]);
    }
    ti[k] = v;
  }
  // Limbs L .. L + R - 1: row q's products end at limb q + L.
#pragma GCC unroll 4
  for (int k = L; k < L + R; ++k) {
    V v = ti[k];
#pragma GCC unroll 4
    for (int q = k - L; q < R; ++q) {
      if (k - q <= L - 1) v = W::MulLo(v, n[k - q], m[q]);
      v = W::MulHi(v, n[k - q - 1], m[q]);
    }
    ti[k] = v;
  }
}

// Reduce sets out (normalized, below 2n) to t * R^-1 mod n, kRows
// Montgomery rows at a time, then the rest one by one.
template <typename W, int L>
DKB_TARGET_IFMA void Reduce(typename W::V* t, const typename W::V* n,
                            typename W::V k0, typename W::V* out) {
  using V = typename W::V;
  constexpr int kRows = 2;
  int i = 0;
  for (; i + kRows <= L; i += kRows) ReduceRows<W, L, kRows>(t + i, n, k0);
  for (; i < L; ++i) ReduceRows<W, L, 1>(t + i, n, k0);
  V carry = Zero<W>();
  for (int j = 0; j < L; ++j) {
    const V v = Add<W>(t[L + j], carry);
    out[j] = Mask52<W>(v);
    carry = Shr52<W>(v);
  }
}

template <typename W, int L>
DKB_TARGET_IFMA void Pow65537(std::span<const RsaLane> lanes) {
  using V = typename W::V;
  constexpr int kLanes = W::kLanes;
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
  // Vector types may alias any type, so the arrays can be read as vectors.
  const V* nv = reinterpret_cast<const V*>(n);
  const V* sv = reinterpret_cast<const V*>(s);
  V* xv = reinterpret_cast<V*>(x);
  const V k0v = W::Load(k0);

  // x = s R mod n (Montgomery form), then x = s^65536 R by 16 squarings,
  // then one multiplication by plain s: s^65536 R s R^-1 = s^65537.
  Product<W, L>(sv, reinterpret_cast<const V*>(rr), t);
  Reduce<W, L>(t, nv, k0v, xv);
  for (int i = 0; i < 16; ++i) {
    Square<W, L>(xv, t);
    Reduce<W, L>(t, nv, k0v, xv);
  }
  Product<W, L>(xv, sv, t);
  Reduce<W, L>(t, nv, k0v, xv);

  for (size_t l = 0; l < lanes.size(); ++l) {
    for (int j = 0; j < L; ++j) lanes[l].out[j] = x[j][l];
  }
}

template <int L>
void Pow65537Any(std::span<const RsaLane> lanes) {
  if (lanes.size() <= static_cast<size_t>(Ymm::kLanes)) {
    Pow65537<Ymm, L>(lanes);
  } else {
    Pow65537<Zmm, L>(lanes);
  }
}

}  // namespace

bool IfmaKernelSupported() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512ifma");
}

void Pow65537Ifma(int limbs, std::span<const RsaLane> lanes) {
  if (lanes.empty() || lanes.size() > static_cast<size_t>(Zmm::kLanes)) {
    return;
  }
  switch (limbs) {
    case 20:
      return Pow65537Any<20>(lanes);
    case 40:
      return Pow65537Any<40>(lanes);
    case 60:
      return Pow65537Any<60>(lanes);
    case 79:
      return Pow65537Any<79>(lanes);
  }
}

}  // namespace dkimbatch::engine::internal
