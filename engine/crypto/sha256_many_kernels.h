// engine/crypto/sha256_many_kernels.h
//
// Internal to sha256_many.cc (and its test and benchmark): the SHA-NI
// compression function for a few independent streams, and the SHA-NI path
// of Sha256Many with a chosen number of interleaved streams.
#ifndef DKIMBATCH_ENGINE_CRYPTO_SHA256_MANY_KERNELS_H_
#define DKIMBATCH_ENGINE_CRYPTO_SHA256_MANY_KERNELS_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/crypto/sha256_many.h"

namespace dkimbatch::engine::internal {

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

}  // namespace dkimbatch::engine::internal

#endif  // DKIMBATCH_ENGINE_CRYPTO_SHA256_MANY_KERNELS_H_
