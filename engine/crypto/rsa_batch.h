// engine/crypto/rsa_batch.h
//
// Batched RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2) for public keys
// of 1024, 2048, 3072 and 4096 bits with e = 65537: up to 8 signatures at
// once, one per 64-bit lane of AVX-512 IFMA registers (52-bit limbs,
// Montgomery arithmetic). Acceptance is exactly OpenSSL 3's EVP_PKEY_verify
// with RSA_PKCS1_PADDING and a signature digest set, which stays the
// reference and the path for every other key (see rsa_batch_test.cc).
// The scalar kernel is the readable twin of the IFMA one; both are always
// compiled, the IFMA one runs only where the CPU has it.
#ifndef DKIMBATCH_ENGINE_CRYPTO_RSA_BATCH_H_
#define DKIMBATCH_ENGINE_CRYPTO_RSA_BATCH_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "engine/crypto/digest.h"

namespace dkimbatch::engine {

// Signatures verified together by one IFMA kernel call.
inline constexpr size_t kRsaBatchLanes = 8;

// RsaBatchKey is an RSA public key prepared for the batched verifier: the
// modulus in 52-bit limbs and its Montgomery constants, computed once per
// key (the parsed-key cache keeps it next to the EVP_PKEY).
struct RsaBatchKey {
  static constexpr int kMaxLimbs = 79;  // 4096-bit moduli
  static constexpr size_t kMaxModulusBytes = 512;

  // Make prepares the key with big-endian modulus `modulus_be` (leading zero
  // bytes allowed) and public exponent `exponent`. Returns nullopt when the
  // batched verifier does not handle the key: a modulus of other than 128,
  // 256, 384 or 512 bytes, an even modulus, or an exponent other than 65537.
  static std::optional<RsaBatchKey> Make(std::span<const uint8_t> modulus_be,
                                         uint64_t exponent);

  size_t modulus_bytes = 0;  // k of RFC 8017: signatures must be this long
  int limbs = 0;             // 20, 40, 60 or 79; R = 2^(52 * limbs)
  uint64_t k0 = 0;           // -n^-1 mod 2^52
  std::array<uint64_t, kMaxLimbs> n{};   // modulus, little-endian limbs
  std::array<uint64_t, kMaxLimbs> rr{};  // R^2 mod n
  std::array<uint8_t, kMaxModulusBytes> modulus_be{};  // first k bytes used
  // EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of an all-zero SHA-256 and SHA-1 digest
  // in k bytes, as limbs: a valid signature's result is this with the
  // digest's bits in its low 256 (160) bits.
  std::array<uint64_t, kMaxLimbs> em_sha256{};
  std::array<uint64_t, kMaxLimbs> em_sha1{};
};

// RsaBatchItem is one signature check: `signature` over the precomputed
// `digest` of `alg` with `key` (which must not be null).
struct RsaBatchItem {
  const RsaBatchKey* key = nullptr;
  HashAlg alg = HashAlg::kSha256;
  std::span<const uint8_t> digest;
  std::span<const uint8_t> signature;
};

// RsaBatchAvailable reports whether the IFMA kernel runs here: the CPU (and
// OS) support AVX-512F, AVX-512VL and AVX-512 IFMA, and the environment
// variable DKIMBATCH_NO_IFMA is unset, empty or "0". Decided once per process.
// Callers verify through OpenSSL when it is false: the scalar kernel is a
// reference, slower than OpenSSL.
bool RsaBatchAvailable();

// RsaBatchVerify checks every item and sets `out[i]` (out.size() must equal
// items.size()) to whether items[i] is a valid signature: the signature is
// exactly k bytes, below n as a number, and its public-key operation yields
// 0x00 0x01 0xff.. 0x00 DigestInfo(alg) digest with at least 8 0xff. Items
// may mix keys and key sizes; they are grouped by size into lanes
// internally, and a partial group still runs. Uses the IFMA kernel when
// RsaBatchAvailable(), otherwise the scalar one.
void RsaBatchVerify(std::span<const RsaBatchItem> items, std::span<bool> out);

// RsaBatchKernel names a kernel, for tests and benchmarks that compare them.
enum class RsaBatchKernel : uint8_t { kScalar, kIfma };

// RsaBatchKernelSupported reports whether `kernel` can run on this CPU
// (kScalar always; kIfma regardless of DKIMBATCH_NO_IFMA).
bool RsaBatchKernelSupported(RsaBatchKernel kernel);

// RsaBatchVerifyWith is RsaBatchVerify with the kernel chosen by the caller;
// `kernel` must be supported.
void RsaBatchVerifyWith(RsaBatchKernel kernel,
                        std::span<const RsaBatchItem> items,
                        std::span<bool> out);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CRYPTO_RSA_BATCH_H_
