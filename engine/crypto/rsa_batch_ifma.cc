// engine/crypto/rsa_batch_ifma.cc
//
// The AVX-512 IFMA kernel of the batched RSA verifier: rsa_batch_scalar.cc's
// Montgomery arithmetic computed column by column instead of row by row
// (same multipliers, same limbs), each variable a vector of 8 lanes (limb i
// of 8 independent numbers, possibly of 8 different moduli of one size),
// vpmadd52luq / vpmadd52huq for the limb products; 512-bit vectors for 5 to
// 8 lanes, 256-bit ones for up to 4. Only the functions marked
// DKB_TARGET_IFMA use AVX-512, so the rest of the binary (and any inline
// function this file instantiates) stays baseline x86-64.
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "engine/crypto/rsa_batch_kernels.h"

#define DKB_TARGET_IFMA __attribute__((target("avx512f,avx512vl,avx512ifma")))

namespace dkimbatch::engine::internal {
namespace {

// Zmm and Ymm run 8 and 4 lanes per vector. Where a core issues 512-bit
// IFMA at half the rate of 256-bit IFMA (Ice Lake), a call with at most 4
// lanes takes Ymm at half the time of a Zmm call; where both issue two per
// cycle (the Xeon this was measured on) it costs the same.
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
// multiple of 2^52 (t is far below 2^64 - 2^52).
template <typename W>
DKB_TARGET_IFMA inline typename W::V CarryOfCleared(typename W::V t) {
  using U = typename W::U;
  return reinterpret_cast<typename W::V>((reinterpret_cast<U>(t) + kLimbMask) >>
                                         kLimbBits);
}

// Sums is one accumulator set of a two-column block (columns c and c + 1):
// lo halves of the pairs summing to c, hi halves of those summing to c,
// lo halves of those summing to c + 1, hi halves of those summing to c + 1
// (which belong to column c + 2, the next block's first column).
template <typename W>
struct Sums {
  typename W::V c0, c1a, c1b, c2;
};

template <typename W>
DKB_TARGET_IFMA inline Sums<W> ZeroSums() {
  return {Zero<W>(), Zero<W>(), Zero<W>(), Zero<W>()};
}

// AddLower adds the pair (x_i, y_j) summing to c; AddUpper the pair summing
// to c + 1.
template <typename W>
DKB_TARGET_IFMA inline void AddLower(typename W::V xi, typename W::V yj,
                                     Sums<W>& s) {
  s.c0 = W::MulLo(s.c0, xi, yj);
  s.c1a = W::MulHi(s.c1a, xi, yj);
}
template <typename W>
DKB_TARGET_IFMA inline void AddUpper(typename W::V xi, typename W::V yj,
                                     Sums<W>& s) {
  s.c1b = W::MulLo(s.c1b, xi, yj);
  s.c2 = W::MulHi(s.c2, xi, yj);
}

// AddRows adds, for rows i = first .. last, the pairs (x_i, y_(c-i)) and
// (x_i, y_(c+1-i)) to a block's sums; both y limbs must exist. Rows
// alternate between s0 and s1, so that each sum waits on the IFMA latency
// only every other row. y_(c-i) of row i is y_(c+1-i) of row i + 1.
template <typename W>
DKB_TARGET_IFMA inline void AddRows(const typename W::V* x,
                                    const typename W::V* y, int c, int first,
                                    int last, Sums<W>& s0, Sums<W>& s1) {
  using V = typename W::V;
  if (first > last) return;
  V upper = y[c + 1 - first];
  int i = first;
  for (; i < last; i += 2) {
    const V lower0 = y[c - i];
    const V lower1 = y[c - i - 1];
    AddLower<W>(x[i], lower0, s0);
    AddUpper<W>(x[i], upper, s0);
    AddLower<W>(x[i + 1], lower1, s1);
    AddUpper<W>(x[i + 1], lower0, s1);
    upper = lower1;
  }
  if (i == last) {
    AddLower<W>(x[i], y[c - i], s0);
    AddUpper<W>(x[i], upper, s0);
  }
}

// AddProductPairs adds block c's pairs of x * y: (x_i, y_(c-i)) and
// (x_i, y_(c+1-i)) for every i that has them.
template <typename W, int L>
DKB_TARGET_IFMA inline void AddProductPairs(const typename W::V* x,
                                            const typename W::V* y, int c,
                                            Sums<W>& s0, Sums<W>& s1) {
  // Row c - L + 1 has y_(L-1) only, row c + 1 y_0 only.
  if (c - L + 1 >= 0) AddLower<W>(x[c - L + 1], y[L - 1], s1);
  AddRows<W>(x, y, c, std::max(0, c - L + 2), std::min(c, L - 1), s0, s1);
  if (c + 1 <= L - 1) AddUpper<W>(x[c + 1], y[0], s1);
}

// AddSquarePairs adds block c's pairs of x * x, i < j, once each (the
// caller doubles them): those summing to c have i < c / 2, those summing
// to c + 1 have i <= c / 2 (c is even).
template <typename W, int L>
DKB_TARGET_IFMA inline void AddSquarePairs(const typename W::V* x, int c,
                                           Sums<W>& s0, Sums<W>& s1) {
  const int half = c / 2;
  if (c - L + 1 >= 0 && c - L + 1 < half) {
    AddLower<W>(x[c - L + 1], x[L - 1], s1);
  }
  AddRows<W>(x, x, c, std::max(0, c - L + 2), half - 1, s0, s1);
  if (half + 1 <= L - 1) AddUpper<W>(x[half], x[half + 1], s1);
}

// AddReductionPairs adds block c's pairs of m * n of rows i <= c - 3, with
// n_(c-i) and n_(c+1-i) (MontMul adds those of m_(c-2) and m_(c-1) as soon
// as it finds them).
template <typename W, int L>
DKB_TARGET_IFMA inline void AddReductionPairs(const typename W::V* m,
                                              const typename W::V* n, int c,
                                              Sums<W>& s0, Sums<W>& s1) {
  if (c - L + 1 >= 0) AddLower<W>(m[c - L + 1], n[L - 1], s1);
  AddRows<W>(m, n, c, std::max(0, c - L + 2), std::min(c - 3, L - 1), s0, s1);
}

template <typename W>
DKB_TARGET_IFMA inline Sums<W> AddSums(const Sums<W>& a, const Sums<W>& b) {
  return {Add<W>(a.c0, b.c0), Add<W>(a.c1a, b.c1a), Add<W>(a.c1b, b.c1b),
          Add<W>(a.c2, b.c2)};
}

// MontMul sets out (normalized, below 2n) to x y R^-1 mod n (x * x if
// kSquare), with x and y normalized and below 2n. Product scanning: two
// columns at a time, each column's sum held in registers (in 64-bit lanes:
// at most 4L terms below 2^52 each). A column c below L, once summed, gives
// its Montgomery multiplier m_c (the one that clears it). The pairs of a
// new m_c that reach the next block are added at once, so that a block's
// own rows wait on no multiplier found in the block just before: the chain
// from one multiplier to the next stays short. The limbs are those of the
// row-by-row algorithm (rsa_batch_scalar.cc): the same m, the same
// (xy + mn) / R. (L >= 4.)
template <typename W, int L, bool kSquare>
DKB_TARGET_IFMA void MontMul(const typename W::V* x, const typename W::V* y,
                             const typename W::V* n, typename W::V k0,
                             typename W::V* out) {
  using V = typename W::V;
  static_assert(L >= 4);
  V m[L];
  // Columns c, c + 1 and c + 2's sums carried from the block before.
  V carried0 = Zero<W>(), carried1 = Zero<W>(), carried2 = Zero<W>();
  for (int c = 0; c < 2 * L; c += 2) {
    Sums<W> p0 = ZeroSums<W>(), p1 = ZeroSums<W>();
    Sums<W> r0 = ZeroSums<W>(), r1 = ZeroSums<W>();
    if constexpr (kSquare) {
      AddSquarePairs<W, L>(x, c, p0, p1);
    } else {
      AddProductPairs<W, L>(x, y, c, p0, p1);
    }
    AddReductionPairs<W, L>(m, n, c, r0, r1);
    Sums<W> p = AddSums<W>(p0, p1);
    if constexpr (kSquare) {
      p = AddSums<W>(p, p);
      const V xh = x[c / 2];
      p.c0 = W::MulLo(p.c0, xh, xh);
      p.c1a = W::MulHi(p.c1a, xh, xh);
    }
    const Sums<W> s = AddSums<W>(p, AddSums<W>(r0, r1));
    V t0 = Add<W>(s.c0, carried0);
    V t1 = Add<W>(Add<W>(s.c1a, s.c1b), carried1);
    V t2 = Add<W>(s.c2, carried2);
    // The next block's columns c + 2 .. c + 4 get the pairs (m_c, n_2),
    // (m_c, n_3), (m_(c+1), n_1) and (m_(c+1), n_2).
    V u0 = Zero<W>(), u1 = Zero<W>(), u2 = Zero<W>();
    if (c < L) {
      const V mc = W::MulLo(Zero<W>(), t0, k0);
      m[c] = mc;
      t1 = Add<W>(t1, CarryOfCleared<W>(t0));
      t1 = W::MulLo(W::MulHi(t1, mc, n[0]), mc, n[1]);
      t2 = W::MulHi(t2, mc, n[1]);
      u0 = W::MulLo(u0, mc, n[2]);
      u1 = W::MulLo(W::MulHi(u1, mc, n[2]), mc, n[3]);
      u2 = W::MulHi(u2, mc, n[3]);
    } else {
      out[c - L] = Mask52<W>(t0);
      t1 = Add<W>(t1, Shr52<W>(t0));
    }
    if (c + 1 < L) {
      const V mc = W::MulLo(Zero<W>(), t1, k0);
      m[c + 1] = mc;
      t2 = Add<W>(t2, CarryOfCleared<W>(t1));
      t2 = W::MulLo(W::MulHi(t2, mc, n[0]), mc, n[1]);
      u1 = W::MulLo(W::MulHi(u1, mc, n[1]), mc, n[2]);
      u2 = W::MulHi(u2, mc, n[2]);
    } else {
      out[c + 1 - L] = Mask52<W>(t1);
      t2 = Add<W>(t2, Shr52<W>(t1));
    }
    carried0 = Add<W>(t2, u0);
    carried1 = u1;
    carried2 = u2;
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
  alignas(64) uint64_t result[L][kLanes];  // also every other square
  alignas(64) uint64_t k0[kLanes];
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

  V* rv = reinterpret_cast<V*>(result);

  // x = s R mod n (Montgomery form), then x = s^65536 R by 16 squarings,
  // then one multiplication by plain s: s^65536 R s R^-1 = s^65537.
  MontMul<W, L, false>(sv, reinterpret_cast<const V*>(rr), nv, k0v, xv);
  for (int i = 0; i < 16; i += 2) {
    MontMul<W, L, true>(xv, xv, nv, k0v, rv);
    MontMul<W, L, true>(rv, rv, nv, k0v, xv);
  }
  MontMul<W, L, false>(xv, sv, nv, k0v, rv);

  for (size_t l = 0; l < lanes.size(); ++l) {
    for (int j = 0; j < L; ++j) lanes[l].out[j] = result[j][l];
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
