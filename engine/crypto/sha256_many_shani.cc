// engine/crypto/sha256_many_shani.cc
//
// The SHA-256 compression function with the x86 SHA extensions, for 1 to 4
// independent streams at once: one stream waits on its rounds' dependency
// chain, several keep the SHA unit busy. Only this file's own functions are
// compiled for SHA-NI (the target pragma comes after every header), so the
// rest of the binary stays baseline x86-64.
#include <cpuid.h>
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "engine/crypto/sha256_many_kernels.h"

namespace dkimbatch::engine::internal {

bool Sha256ShaNiSupported() {
  // cpuid directly: clang 14's __builtin_cpu_supports has no "sha".
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const bool ssse3_sse41 = (c & bit_SSSE3) != 0 && (c & bit_SSE4_1) != 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  return ssse3_sse41 && (b & bit_SHA) != 0;
}

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("sha,sse4.1,ssse3"))), \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("sha,sse4.1,ssse3")
#endif

namespace {

// sha256rnds2 keeps the state as two vectors, lanes 3..0 holding A B E F
// and C D G H. LoadState / StoreState convert from / to a..h in memory.
inline void LoadState(const uint32_t* state, __m128i& abef, __m128i& cdgh) {
  const __m128i badc = _mm_shuffle_epi32(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(state)), 0xB1);
  const __m128i efgh = _mm_shuffle_epi32(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4)), 0x1B);
  abef = _mm_alignr_epi8(badc, efgh, 8);
  cdgh = _mm_blend_epi16(efgh, badc, 0xF0);
}

inline void StoreState(__m128i abef, __m128i cdgh, uint32_t* state) {
  const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state),
                   _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4),
                   _mm_alignr_epi8(dchg, feba, 8));
}

// Sha256Msg1 is sha256msg1: w16 + s0 of the words after it, W[t-15..t-12]
// (w16 = W[t-16..t-13], w12 = W[t-12..t-9]). With kSigma0OnAlu it is made
// of shifts and xors instead: on the CPU measured (Xeon, Golden Cove
// cores) sha256msg1 competes with sha256rnds2 for the SHA unit, which is
// what bounds 3 or 4 streams, and the ALU version is 7% faster there.
constexpr bool kSigma0OnAlu = true;

inline __m128i Sha256Msg1(__m128i w16, __m128i w12) {
  if constexpr (kSigma0OnAlu) {
    // s0(x) = (x >>> 7) ^ (x >>> 18) ^ (x >> 3), as
    // ((x ^ x >> 4) >> 3) ^ ((x ^ x << 11) << 14) ^ (x >> 18).
    const __m128i x = _mm_alignr_epi8(w12, w16, 4);
    const __m128i right =
        _mm_srli_epi32(_mm_xor_si128(_mm_srli_epi32(x, 4), x), 3);
    const __m128i left =
        _mm_slli_epi32(_mm_xor_si128(_mm_slli_epi32(x, 11), x), 14);
    return _mm_add_epi32(
        w16, _mm_xor_si128(_mm_xor_si128(right, left), _mm_srli_epi32(x, 18)));
  } else {
    return _mm_sha256msg1_epu32(w16, w12);
  }
}

// FourRounds runs rounds 4g..4g+3 given `wk` = W[t] + K[t] for those
// rounds; abef and cdgh keep their roles.
inline void FourRounds(__m128i& abef, __m128i& cdgh, __m128i wk) {
  cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
  abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

// Blocks compresses `blocks` blocks of each of N streams. The loops over
// streams are innermost so that the N independent round chains interleave.
template <int N>
void Blocks(uint32_t* const* states, const uint8_t* const* data,
            size_t blocks) {
  // Byte order of each 32-bit word reversed: message words are big-endian.
  const __m128i bswap =
      _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
  __m128i abef[N];
  __m128i cdgh[N];
  const uint8_t* in[N];
#pragma GCC unroll 4
  for (int s = 0; s < N; ++s) {
    LoadState(states[s], abef[s], cdgh[s]);
    in[s] = data[s];
  }
  for (size_t b = 0; b < blocks; ++b) {
    __m128i abef_in[N];
    __m128i cdgh_in[N];
    // w[g % 4] holds message words 4g..4g+3 (the schedule, four at a time).
    __m128i w[4][N];
#pragma GCC unroll 4
    for (int s = 0; s < N; ++s) {
      abef_in[s] = abef[s];
      cdgh_in[s] = cdgh[s];
    }
#pragma GCC unroll 16
    for (int g = 0; g < 16; ++g) {
      const __m128i k = _mm_load_si128(
          reinterpret_cast<const __m128i*>(kSha256RoundConstants + 4 * g));
#pragma GCC unroll 4
      for (int s = 0; s < N; ++s) {
        __m128i& cur = w[g % 4][s];
        if (g < 4) {
          cur = _mm_shuffle_epi8(
              _mm_loadu_si128(reinterpret_cast<const __m128i*>(in[s] + 16 * g)),
              bswap);
        } else {
          // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]: Sha256Msg1
          // adds the s0 terms, alignr gives W[t-7..t-4], msg2 adds the s1
          // terms.
          const __m128i prev = w[(g + 3) % 4][s];
          cur = _mm_sha256msg2_epu32(
              _mm_add_epi32(Sha256Msg1(cur, w[(g + 1) % 4][s]),
                            _mm_alignr_epi8(prev, w[(g + 2) % 4][s], 4)),
              prev);
        }
        FourRounds(abef[s], cdgh[s], _mm_add_epi32(cur, k));
      }
    }
#pragma GCC unroll 4
    for (int s = 0; s < N; ++s) {
      abef[s] = _mm_add_epi32(abef[s], abef_in[s]);
      cdgh[s] = _mm_add_epi32(cdgh[s], cdgh_in[s]);
      in[s] += 64;
    }
  }
#pragma GCC unroll 4
  for (int s = 0; s < N; ++s) StoreState(abef[s], cdgh[s], states[s]);
}

}  // namespace

void Sha256ShaNiBlocks(int streams, uint32_t* const* states,
                       const uint8_t* const* data, size_t blocks) {
  static_assert(kSha256ShaNiMaxStreams == 4);
  switch (streams) {
    case 1:
      Blocks<1>(states, data, blocks);
      break;
    case 2:
      Blocks<2>(states, data, blocks);
      break;
    case 3:
      Blocks<3>(states, data, blocks);
      break;
    case 4:
      Blocks<4>(states, data, blocks);
      break;
  }
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

}  // namespace dkimbatch::engine::internal
