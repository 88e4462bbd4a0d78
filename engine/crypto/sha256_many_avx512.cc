// engine/crypto/sha256_many_avx512.cc
//
// The SHA-256 compression function (FIPS 180-4 §6.2.2) for 16 independent
// messages side by side, one per 32-bit lane of the AVX-512 registers: the
// rotations are vprord, Ch, Maj and the three-way xors of the Σ and σ
// functions one vpternlogd each. The 16 lanes' blocks are loaded as rows
// and transposed so that each vector holds one message word of every lane.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "engine/crypto/sha256_many_kernels.h"

// Everything from here to avx512_end.h is compiled for AVX-512 (F, BW, VL).
#include "engine/simd/avx512_begin.h"

namespace dkimbatch::engine::internal {
namespace {

static_assert(kSha256Avx512Lanes == 16);

// vpternlogd truth tables (bit i: the result for x, y, z = bits 2, 1, 0 of
// i).
constexpr int kXor3 = 0x96;    // x ^ y ^ z
constexpr int kChoose = 0xCA;  // x ? y : z (Ch)
constexpr int kMajority = 0xE8;

// GCC 12's intrinsics built on _mm512_undefined_epi32 trip a false
// -Wmaybe-uninitialized; their maskz forms with every lane set do not, and
// compile to the same unmasked instructions.
constexpr __mmask16 kAll = 0xffff;
constexpr __mmask8 kAll64 = 0xff;

inline __m512i Add(__m512i x, __m512i y) { return _mm512_add_epi32(x, y); }

template <int n>
inline __m512i Ror(__m512i x) {
  return _mm512_maskz_ror_epi32(kAll, x, n);
}

template <int n>
inline __m512i Shr(__m512i x) {
  return _mm512_maskz_srli_epi32(kAll, x, n);
}

inline __m512i Xor3(__m512i x, __m512i y, __m512i z) {
  return _mm512_ternarylogic_epi32(x, y, z, kXor3);
}

// FIPS 180-4 §4.1.2, (4.4) to (4.7).
inline __m512i BigSigma0(__m512i x) {
  return Xor3(Ror<2>(x), Ror<13>(x), Ror<22>(x));
}

inline __m512i BigSigma1(__m512i x) {
  return Xor3(Ror<6>(x), Ror<11>(x), Ror<25>(x));
}

inline __m512i SmallSigma0(__m512i x) {
  return Xor3(Ror<7>(x), Ror<18>(x), Shr<3>(x));
}

inline __m512i SmallSigma1(__m512i x) {
  return Xor3(Ror<17>(x), Ror<19>(x), Shr<10>(x));
}

// LoadWords sets w[j] to message word j (big-endian, converted) of each
// lane's block at in[lane]: the 16 blocks are loaded as rows and the 16x16
// matrix of 32-bit words transposed in four steps of 16 shuffles. After
// steps 1 and 2 (within pairs, then quads of rows), 128-bit chunk k of
// r[4g + m] holds word 4k + m of rows 4g..4g+3; steps 3 and 4 gather those
// chunks.
inline void LoadWords(const uint8_t* const* in, __m512i* w) {
  const __m512i bswap =
      _mm512_set4_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);
  __m512i r[16];
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) {
    r[i] = _mm512_shuffle_epi8(_mm512_loadu_si512(in[i]), bswap);
  }
  __m512i t[16];
#pragma GCC unroll 8
  for (int i = 0; i < 16; i += 2) {
    // Rows i, i + 1: words 4k, 4k + 1 and 4k + 2, 4k + 3 interleaved.
    t[i] = _mm512_maskz_unpacklo_epi32(kAll, r[i], r[i + 1]);
    t[i + 1] = _mm512_maskz_unpackhi_epi32(kAll, r[i], r[i + 1]);
  }
#pragma GCC unroll 4
  for (int g = 0; g < 16; g += 4) {
    r[g] = _mm512_maskz_unpacklo_epi64(kAll64, t[g], t[g + 2]);
    r[g + 1] = _mm512_maskz_unpackhi_epi64(kAll64, t[g], t[g + 2]);
    r[g + 2] = _mm512_maskz_unpacklo_epi64(kAll64, t[g + 1], t[g + 3]);
    r[g + 3] = _mm512_maskz_unpackhi_epi64(kAll64, t[g + 1], t[g + 3]);
  }
#pragma GCC unroll 4
  for (int m = 0; m < 4; ++m) {
    // Chunks 0, 2 (and 1, 3) of rows 0..7, then of rows 8..15.
    const __m512i lo02 = _mm512_maskz_shuffle_i32x4(kAll, r[m], r[4 + m], 0x88);
    const __m512i lo13 = _mm512_maskz_shuffle_i32x4(kAll, r[m], r[4 + m], 0xDD);
    const __m512i hi02 =
        _mm512_maskz_shuffle_i32x4(kAll, r[8 + m], r[12 + m], 0x88);
    const __m512i hi13 =
        _mm512_maskz_shuffle_i32x4(kAll, r[8 + m], r[12 + m], 0xDD);
    w[m] = _mm512_maskz_shuffle_i32x4(kAll, lo02, hi02, 0x88);
    w[8 + m] = _mm512_maskz_shuffle_i32x4(kAll, lo02, hi02, 0xDD);
    w[4 + m] = _mm512_maskz_shuffle_i32x4(kAll, lo13, hi13, 0x88);
    w[12 + m] = _mm512_maskz_shuffle_i32x4(kAll, lo13, hi13, 0xDD);
  }
}

// Round runs round t on s, where variable k (a = 0 .. h = 7) is s[(k - t) &
// 7], so that the renaming of FIPS 180-4 (6.2.2 step 3) is free: only d and
// h are written (they become e and a).
template <int t>
inline void Round(__m512i* s, __m512i w) {
  const __m512i a = s[(0 - t) & 7];
  const __m512i b = s[(1 - t) & 7];
  const __m512i c = s[(2 - t) & 7];
  __m512i& d = s[(3 - t) & 7];
  const __m512i e = s[(4 - t) & 7];
  const __m512i f = s[(5 - t) & 7];
  const __m512i g = s[(6 - t) & 7];
  __m512i& h = s[(7 - t) & 7];
  const __m512i hwk = Add(
      Add(h, w), _mm512_set1_epi32(static_cast<int>(kSha256RoundConstants[t])));
  const __m512i t1 =
      Add(Add(hwk, _mm512_ternarylogic_epi32(e, f, g, kChoose)), BigSigma1(e));
  d = Add(d, t1);
  h = Add(t1, Add(BigSigma0(a), _mm512_ternarylogic_epi32(a, b, c, kMajority)));
}

// Rounds runs rounds t..63; from 16 on, w[t % 16] first becomes W[t].
template <int t>
inline void Rounds(__m512i* s, __m512i* w) {
  if constexpr (t < 64) {
    if constexpr (t >= 16) {
      w[t % 16] = Add(Add(w[t % 16], SmallSigma0(w[(t + 1) % 16])),
                      Add(w[(t + 9) % 16], SmallSigma1(w[(t + 14) % 16])));
    }
    Round<t>(s, w[t % 16]);
    Rounds<t + 1>(s, w);
  }
}

void Blocks(uint32_t* states, uint32_t fresh, const uint8_t* const* data,
            size_t blocks) {
  __m512i s[8];
  for (int j = 0; j < 8; ++j) {
    s[j] = _mm512_mask_set1_epi32(_mm512_loadu_si512(states + 16 * j),
                                  static_cast<__mmask16>(fresh),
                                  static_cast<int>(kSha256InitialState[j]));
  }
  const uint8_t* in[16];
  for (int i = 0; i < 16; ++i) in[i] = data[i];
  for (size_t b = 0; b < blocks; ++b) {
    __m512i w[16];
    LoadWords(in, w);
    __m512i v[8];
    for (int j = 0; j < 8; ++j) v[j] = s[j];
    Rounds<0>(v, w);
    // 64 rounds rename the variables 8 times over: v[j] is variable j.
    for (int j = 0; j < 8; ++j) s[j] = Add(s[j], v[j]);
    for (int i = 0; i < 16; ++i) in[i] += kSha256BlockSize;
  }
  for (int j = 0; j < 8; ++j) {
    _mm512_storeu_si512(states + 16 * j, s[j]);
  }
}

}  // namespace

void Sha256Avx512Blocks(uint32_t* states, uint32_t fresh,
                        const uint8_t* const* data, size_t blocks) {
  Blocks(states, fresh, data, blocks);
}

}  // namespace dkimbatch::engine::internal

#include "engine/simd/avx512_end.h"
