// engine/crypto/ed25519_batch.h
//
// Batched Ed25519 verification (PureEdDSA, RFC 8032 §5.1.7, the check DKIM's
// ed25519-sha256 uses, RFC 8463): up to 8 signatures at once, one per 64-bit
// lane of AVX-512 IFMA registers (field elements in five 52-bit limbs). The
// acceptance rule is exactly OpenSSL 3's, which stays the reference and the
// path on CPUs without IFMA: S must be below L, the key's y is read modulo p
// (255 bits, non-canonical values and x = 0 with the sign bit set allowed),
// and encode([S]B - [h]A) must equal R byte for byte (no cofactor), with
// h = SHA-512(R || A || M) mod L (see ed25519_batch_test.cc).
// The kernel is written once (ed25519_batch_kernel.inc) and compiled twice:
// with IFMA, and as a portable scalar twin that tests compare against.
#ifndef DKIMBATCH_ENGINE_CRYPTO_ED25519_BATCH_H_
#define DKIMBATCH_ENGINE_CRYPTO_ED25519_BATCH_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

typedef struct bignum_st BIGNUM;
typedef struct bignum_ctx BN_CTX;
typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace dkimbatch::engine {

// Signatures verified together by one kernel call.
inline constexpr size_t kEd25519BatchLanes = 8;

// Ed25519BatchKernel names a kernel, for tests and benchmarks.
enum class Ed25519BatchKernel : uint8_t { kScalar, kIfma };

// Ed25519BatchKey is a public key prepared for the batched verifier: the
// point A decoded once and its multiples 1A..8A in the coordinates the
// kernel adds, computed once per key (the parsed-key cache keeps it).
struct Ed25519BatchKey {
  // Entries of the multiples table: [k][coordinate][limb] for kA, k = 1..8;
  // coordinates Y+X, Y-X, 2Z, 2dT, limbs of 52 bits.
  static constexpr size_t kTableWords = 8 * 4 * 5;

  // Make decodes the 32-byte public key `raw`. Returns nullopt when it is
  // not a point (OpenSSL rejects every signature under such a key). Runs
  // the IFMA kernel when Ed25519BatchAvailable(), else the scalar one; the
  // second form runs `kernel`, which must be supported
  // (Ed25519BatchKernelSupported). Both give the same table.
  static std::optional<Ed25519BatchKey> Make(std::span<const uint8_t> raw);
  static std::optional<Ed25519BatchKey> Make(std::span<const uint8_t> raw,
                                             Ed25519BatchKernel kernel);

  std::array<uint8_t, 32> raw{};
  std::array<uint64_t, kTableWords> table{};
};

// Ed25519BatchItem is one check of `signature` over `message` with `key`
// (which must not be null).
struct Ed25519BatchItem {
  const Ed25519BatchKey* key = nullptr;
  std::span<const uint8_t> message;
  std::span<const uint8_t> signature;
};

// Ed25519BatchAvailable reports whether the IFMA kernel runs here (same rule
// as RsaBatchAvailable: AVX-512F/VL/DQ/IFMA and DKIMBATCH_NO_IFMA unset,
// empty or "0"). When false, callers verify through OpenSSL.
bool Ed25519BatchAvailable();

// Ed25519BatchKernelSupported reports whether `kernel` can run on this CPU
// (kScalar always; kIfma regardless of DKIMBATCH_NO_IFMA).
bool Ed25519BatchKernelSupported(Ed25519BatchKernel kernel);

// Ed25519BatchVerifier holds the scratch (SHA-512 context, bignums) of the
// checks; not thread-safe: one per thread. A warmed-up verifier allocates
// nothing.
class Ed25519BatchVerifier {
 public:
  Ed25519BatchVerifier();
  ~Ed25519BatchVerifier();
  Ed25519BatchVerifier(const Ed25519BatchVerifier&) = delete;
  Ed25519BatchVerifier& operator=(const Ed25519BatchVerifier&) = delete;

  // Verify sets `out[i]` (out.size() == items.size()) to whether items[i]
  // is a valid signature, in groups of up to 8 (a partial group still
  // runs), with the IFMA kernel when Ed25519BatchAvailable(), else the
  // scalar one; the second form runs `kernel`, which must be supported.
  void Verify(std::span<const Ed25519BatchItem> items, std::span<bool> out);
  void Verify(std::span<const Ed25519BatchItem> items, std::span<bool> out,
              Ed25519BatchKernel kernel);

 private:
  EVP_MD_CTX* sha512_;
  BN_CTX* bn_ctx_;
  BIGNUM* wide_;     // SHA-512 output as a number
  BIGNUM* order_;    // L
  BIGNUM* reduced_;  // wide_ mod L
};

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CRYPTO_ED25519_BATCH_H_
