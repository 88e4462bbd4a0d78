// engine/crypto/sha256_many_kernels.h
//
// Internal to sha256_many.cc (and its test and benchmark): a message in
// flight (Sha256Stream), the compression functions for several independent
// streams (SHA-NI: up to 4 interleaved; AVX-512: 16 lanes), and the SHA-NI
// and AVX-512 paths of Sha256Many with their tuning knobs exposed.
#ifndef DKIMBATCH_ENGINE_CRYPTO_SHA256_MANY_KERNELS_H_
#define DKIMBATCH_ENGINE_CRYPTO_SHA256_MANY_KERNELS_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "engine/crypto/sha256_many.h"

namespace dkimbatch::engine::internal {

inline constexpr size_t kSha256BlockSize = 64;

// FIPS 180-4 §5.3.3: the initial hash value.
inline constexpr uint32_t kSha256InitialState[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// FIPS 180-4 §4.2.2: the round constants (aligned for 128-bit loads).
alignas(16) inline constexpr uint32_t kSha256RoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// Sha256Stream is one message in flight: its state and the blocks still to
// compress, first the message's whole blocks in place, then `last`.
struct Sha256Stream {
  // Start begins `job` and builds its padded final block(s): the bytes
  // after the last whole block, 0x80, zeros, and the bit length as a
  // 64-bit big-endian number (FIPS 180-4 §5.1.1).
  void Start(const Sha256Job& job) {
    std::memcpy(state, kSha256InitialState, sizeof(state));
    out = job.out;
    const size_t whole = job.len / kSha256BlockSize;
    const size_t rest = job.len % kSha256BlockSize;
    const size_t last_size =
        rest < kSha256BlockSize - 8 ? kSha256BlockSize : 2 * kSha256BlockSize;
    std::memset(last, 0, sizeof(last));
    if (rest > 0) std::memcpy(last, job.data + whole * kSha256BlockSize, rest);
    last[rest] = 0x80;
    const uint64_t bits = static_cast<uint64_t>(job.len) * 8;
    for (int i = 0; i < 8; ++i) {
      last[last_size - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
    }
    last_blocks = last_size / kSha256BlockSize;
    if (whole > 0) {
      next = job.data;
      blocks = whole;
    } else {
      next = last;
      blocks = last_blocks;
      last_blocks = 0;
    }
  }

  // Advance notes that `n` (at most `blocks`) blocks were compressed; it
  // returns false when the message is done.
  bool Advance(size_t n) {
    next += n * kSha256BlockSize;
    blocks -= n;
    if (blocks > 0) return true;
    if (last_blocks == 0) return false;
    next = last;
    blocks = last_blocks;
    last_blocks = 0;
    return true;
  }

  void WriteDigest() const {
    for (int i = 0; i < 8; ++i) {
      out[4 * i] = static_cast<uint8_t>(state[i] >> 24);
      out[4 * i + 1] = static_cast<uint8_t>(state[i] >> 16);
      out[4 * i + 2] = static_cast<uint8_t>(state[i] >> 8);
      out[4 * i + 3] = static_cast<uint8_t>(state[i]);
    }
  }

  uint32_t state[8];
  const uint8_t* next;  // the next block to compress
  size_t blocks;        // blocks at `next` still to compress
  size_t last_blocks;   // blocks of `last` to compress after those (0 or 1-2)
  uint8_t* out;
  uint8_t last[2 * kSha256BlockSize];
};

// The most streams one Sha256ShaNiBlocks call interleaves.
inline constexpr int kSha256ShaNiMaxStreams = 4;

// The streams Sha256ManyWith(kShaNi) interleaves. On the Xeon (Golden Cove
// cores) it was measured on, 3 and 4 both keep the SHA unit busy and are
// 10% faster than 2 (bench/bm_sha256_many.cc); 4 leaves room for CPUs whose
// sha256rnds2 has a longer latency.
inline constexpr int kSha256ShaNiStreams = 4;

// Sha256ShaNiSupported reports whether the CPU has SHA-NI, SSSE3 and
// SSE4.1; Sha256ShaNiBlocks may be called only then.
bool Sha256ShaNiSupported();

// Sha256ShaNiBlocks compresses, for each stream i < `streams` (1 to
// kSha256ShaNiMaxStreams), the `blocks` consecutive 64-byte blocks at
// data[i] into states[i] (the eight words a..h in host byte order).
void Sha256ShaNiBlocks(int streams, uint32_t* const* states,
                       const uint8_t* const* data, size_t blocks);

// Sha256ManyShaNi is Sha256ManyWith(kShaNi, jobs) with `streams` (1 to
// kSha256ShaNiMaxStreams) messages in flight instead of
// kSha256ShaNiStreams; SHA-NI must be supported.
void Sha256ManyShaNi(int streams, std::span<const Sha256Job> jobs);

// The lanes (messages side by side) of Sha256Avx512Blocks.
inline constexpr int kSha256Avx512Lanes = 16;

// Sha256Avx512Blocks compresses, in each lane i < kSha256Avx512Lanes, the
// `blocks` consecutive 64-byte blocks at data[i] into the lane's state:
// word j (a..h, host byte order) of lane i is states[j * kSha256Avx512Lanes
// + i]. Lanes whose bit is set in `fresh` start from the initial hash value
// instead of their words in `states`. Only after
// simd::SimdLevelSupported(SimdLevel::kAvx512).
void Sha256Avx512Blocks(uint32_t* states, uint32_t fresh,
                        const uint8_t* const* data, size_t blocks);

// The AVX-512 path's throughput with all 16 lanes busy over OpenSSL's for
// one message without SHA-NI (its AVX2 code): 2.9 GiB/s over 0.36 GiB/s on
// the Xeon (Golden Cove cores) measured, OpenSSL's SHA-NI code masked off
// with OPENSSL_ia32cap=":~0x20000000". So a lane that runs alone is half as
// fast as OpenSSL.
inline constexpr int kSha256Avx512OverOpenssl = 8;

// Sha256Avx512Options are the AVX-512 path's tuning knobs.
struct Sha256Avx512Options {
  // Once every job has started and fewer lanes than this are busy, the
  // SHA-NI path finishes them (0: never; always 0 on CPUs without SHA-NI).
  // 10 is the measured break-even: AVX-512 does 2.9 GiB/s with all 16 lanes
  // busy, so 9 busy lanes are slower than 4 SHA-NI streams (1.75 GiB/s)
  // and 10 faster (BM_Sha256ManyFew in bench/bm_sha256_many.cc).
  int shani_below = 10;
  // Without that hand-over: OpenSSL digests the longest jobs first when one
  // lane would otherwise compress them alone for long (OpensslOutliers in
  // sha256_many.cc).
  bool openssl_outliers = true;
};

// Sha256ManyAvx512 is Sha256ManyWith(kAvx512, jobs) with `options` instead
// of the defaults; kAvx512 must be supported.
void Sha256ManyAvx512(const Sha256Avx512Options& options,
                      std::span<const Sha256Job> jobs);

}  // namespace dkimbatch::engine::internal

#endif  // DKIMBATCH_ENGINE_CRYPTO_SHA256_MANY_KERNELS_H_
