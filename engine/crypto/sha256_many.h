// engine/crypto/sha256_many.h
//
// SHA-256 of many independent messages at once: with the x86 SHA extensions
// the compression function's latency, not its throughput, bounds a single
// stream, so several streams are interleaved block by block (a finished
// stream's slot takes the next message); with AVX-512, 16 messages are
// hashed side by side, one per 32-bit lane. Digests are identical to
// OpenSSL's, which is the reference and the path on CPUs with neither.
#ifndef DKIMBATCH_ENGINE_CRYPTO_SHA256_MANY_H_
#define DKIMBATCH_ENGINE_CRYPTO_SHA256_MANY_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace dkimbatch::engine {

// Sha256Job is one message: `len` bytes at `data` (may be null when len is
// 0); the 32-byte digest goes to `out`.
struct Sha256Job {
  const uint8_t* data = nullptr;
  size_t len = 0;
  uint8_t* out = nullptr;
};

// Sha256ManyKernel names an implementation, for tests and benchmarks.
enum class Sha256ManyKernel : uint8_t {
  kOpenssl,  // one EVP digest per job: the reference
  kShaNi,    // interleaved SHA-NI streams
  kAvx512,   // 16 messages side by side in AVX-512 lanes
};

// Sha256ManyKernelSupported reports whether `kernel` runs on this CPU
// (kOpenssl always; kShaNi needs SHA-NI and SSE4.1; kAvx512 needs AVX-512
// F, BW and VL, and AVX2, BMI1, BMI2 and POPCNT).
bool Sha256ManyKernelSupported(Sha256ManyKernel kernel);

// Sha256Many computes every job's digest with the fastest supported kernel
// the active SIMD level allows (engine/simd/cpu.h; dkimbatch --simd):
// kAvx512 at avx512, else kShaNi (avx2 and up), else kOpenssl (scalar). (On the
// Xeon measured, with Golden Cove cores, a batch of 250 mail bodies and their
// header blocks hashes at 2.8 GiB/s with kAvx512, 1.7 with kShaNi, 1.3 with
// kOpenssl: bench/bm_sha256_many.cc.) Jobs given longest first are started in
// that order; others are sorted into a temporary (one allocation per call, not
// per job).
void Sha256Many(std::span<const Sha256Job> jobs);

// SortLongestFirst puts `*jobs` in an order Sha256Many takes as it is (by
// block count, most first; ties in any order), so that the call allocates
// nothing: a counting sort for the usual sizes, built in `*scratch` and
// swapped in (both vectors keep their memory for the next call).
void SortLongestFirst(std::vector<Sha256Job>* jobs,
                      std::vector<Sha256Job>* scratch);

// Sha256ManyWith runs `kernel`, which must be supported.
void Sha256ManyWith(Sha256ManyKernel kernel, std::span<const Sha256Job> jobs);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CRYPTO_SHA256_MANY_H_
