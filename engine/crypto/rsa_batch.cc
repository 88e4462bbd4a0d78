// engine/crypto/rsa_batch.cc
//
// Batched RSA verification around the kernels: key preparation, the checks
// OpenSSL makes before and after the public-key operation, grouping items
// into same-size lanes, and the kernel choice.
#include "engine/crypto/rsa_batch.h"

#include <openssl/bn.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "engine/crypto/rsa_batch_kernels.h"

namespace dkimbatch::engine {
namespace {

using internal::kLimbBits;
using internal::kLimbMask;
using internal::RsaLane;

constexpr uint64_t kExponent = 65537;

// DigestInfo prefixes (RFC 8017 §9.2 note 1): DER of the AlgorithmIdentifier
// with NULL parameters and the OCTET STRING header. OpenSSL 3 accepts only
// this exact encoding, whatever the digest's length.
constexpr uint8_t kSha256Prefix[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                     0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                     0x01, 0x05, 0x00, 0x04, 0x20};
constexpr uint8_t kSha1Prefix[] = {0x30, 0x21, 0x30, 0x09, 0x06,
                                   0x05, 0x2b, 0x0e, 0x03, 0x02,
                                   0x1a, 0x05, 0x00, 0x04, 0x14};

// The limb counts with a kernel, for 128-, 256-, 384- and 512-byte moduli:
// the fewest 52-bit limbs with 4n < R = 2^(52 * limbs).
constexpr int kLimbCounts[] = {20, 40, 60, 79};

// LimbsFor returns the limb count for a k-byte modulus, or 0 for sizes
// without a kernel.
int LimbsFor(size_t modulus_bytes) {
  switch (modulus_bytes) {
    case 128:
      return kLimbCounts[0];
    case 256:
      return kLimbCounts[1];
    case 384:
      return kLimbCounts[2];
    case 512:
      return kLimbCounts[3];
  }
  return 0;
}

// Little-endian scratch for BytesToLimbs: every limb of a 4096-bit number,
// read as one 8-byte word, stays inside.
constexpr size_t kLeBytes = RsaBatchKey::kMaxModulusBytes + 16;

uint64_t LoadWord(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;  // x86-64: little-endian
}
void StoreWord(uint8_t* p, uint64_t v) { std::memcpy(p, &v, sizeof v); }

// ReverseBytes writes `in` to `out` in reverse byte order, 8 bytes at a
// time (the byte swap of each word) and then the leftover head bytes.
void ReverseBytes(const uint8_t* in, size_t size, uint8_t* out) {
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    StoreWord(out + i, __builtin_bswap64(LoadWord(in + size - 8 - i)));
  }
  for (; i < size; ++i) out[i] = in[size - 1 - i];
}

// BytesToLimbs splits big-endian `be` (at most kMaxModulusBytes + 8 bytes)
// into `limbs` 52-bit limbs: limb j is the 8-byte word at bit 52 j, shifted.
void BytesToLimbs(std::span<const uint8_t> be, int limbs, uint64_t* out) {
  uint8_t le[kLeBytes];
  const size_t n = std::min(be.size(), kLeBytes - 8);
  ReverseBytes(be.data() + be.size() - n, n, le);
  // Only the bytes the limbs read past the number need zeros (zeroing the
  // whole scratch took longer than the conversion).
  const size_t read_end = std::min(
      kLeBytes, size_t{kLimbBits} * static_cast<size_t>(limbs) / 8 + 8);
  if (read_end > n) std::memset(le + n, 0, read_end - n);
  for (int j = 0; j < limbs; ++j) {
    const size_t bit = size_t{kLimbBits} * static_cast<size_t>(j);
    out[j] = (LoadWord(le + bit / 8) >> (bit % 8)) & kLimbMask;
  }
}

// LimbsToBytes writes the low 8 * out.size() bits (out.size() at most
// kMaxModulusBytes, a multiple of 8) of normalized `limbs` as big-endian
// bytes: each 64-bit word gathers the two or three limbs it overlaps.
void LimbsToBytes(const uint64_t* limbs, std::span<uint8_t> out) {
  uint8_t le[RsaBatchKey::kMaxModulusBytes];
  const size_t count = (8 * out.size() + kLimbBits - 1) / kLimbBits;
  for (size_t w = 0; w < out.size() / 8; ++w) {
    const size_t j = 64 * w / kLimbBits;
    const size_t shift = 64 * w % kLimbBits;
    uint64_t v = limbs[j] >> shift;
    if (j + 1 < count) v |= limbs[j + 1] << (kLimbBits - shift);
    if (j + 2 < count && 2 * kLimbBits - shift < 64) {
      v |= limbs[j + 2] << (2 * kLimbBits - shift);
    }
    StoreWord(le + 8 * w, v);
  }
  ReverseBytes(le, out.size(), out.data());
}

// SubtractIfNotBelow sets x to x - n when x >= n (normalized limbs).
void SubtractIfNotBelow(uint64_t* x, const uint64_t* n, int limbs) {
  for (int j = limbs - 1; j >= 0; --j) {
    if (x[j] != n[j]) {
      if (x[j] < n[j]) return;
      break;
    }
  }
  uint64_t borrow = 0;
  for (int j = 0; j < limbs; ++j) {
    const uint64_t v = x[j] - n[j] - borrow;
    x[j] = v & kLimbMask;
    borrow = v >> 63;
  }
}

// InverseMod2_64 returns a^-1 mod 2^64 for odd a (Newton: each step
// doubles the number of correct low bits, starting from 3).
uint64_t InverseMod2_64(uint64_t a) {
  uint64_t x = a;  // a * a == 1 mod 8
  for (int i = 0; i < 5; ++i) x *= 2 - a * x;
  return x;
}

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct BnCtxFree {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};

// Prefix returns the DigestInfo prefix of `alg` (SHA-256 or SHA-1).
std::span<const uint8_t> Prefix(HashAlg alg) {
  return alg == HashAlg::kSha256 ? std::span<const uint8_t>(kSha256Prefix)
                                 : std::span<const uint8_t>(kSha1Prefix);
}

// PreChecks makes OpenSSL's checks around the public-key operation that do
// not need its result: signature length (RSA_verify), s < n
// (rsa_ossl_public_decrypt), and room for the encoding with 8 bytes of
// padding (RSA_padding_check_PKCS1_type_1), so a result can match.
bool PreChecks(const RsaBatchItem& item) {
  const RsaBatchKey& key = *item.key;
  const size_t k = key.modulus_bytes;
  if (item.signature.size() != k) return false;
  if (std::memcmp(item.signature.data(), key.modulus_be.data(), k) >= 0) {
    return false;
  }
  return Prefix(item.alg).size() + item.digest.size() + 11 <= k;
}

// EncodeEm writes EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of `digest` under `alg`
// to `em` (k bytes, room for it checked by PreChecks):
// 0x00 0x01 0xff.. 0x00 DigestInfo digest.
void EncodeEm(HashAlg alg, std::span<const uint8_t> digest,
              std::span<uint8_t> em) {
  const std::span<const uint8_t> prefix = Prefix(alg);
  const size_t t_len = prefix.size() + digest.size();
  const size_t ps_end = em.size() - t_len - 1;  // the 0x00 separator
  em[0] = 0x00;
  em[1] = 0x01;
  std::fill(em.begin() + 2, em.begin() + ps_end, uint8_t{0xff});
  em[ps_end] = 0x00;
  std::copy(prefix.begin(), prefix.end(), em.begin() + ps_end + 1);
  std::copy(digest.begin(), digest.end(),
            em.begin() + ps_end + 1 + prefix.size());
}

// EncodingMatches checks the public-key operation's result (normalized
// limbs, below n) against EMSA-PKCS1-v1_5 of the item's digest. For a
// digest of its algorithm's size the encoding is the key's em_sha256 /
// em_sha1 with the digest's limbs added, compared limb by limb; any other
// size goes through bytes (`em`: k bytes of scratch).
bool EncodingMatches(const RsaBatchItem& item, const uint64_t* result,
                     std::span<uint8_t> em) {
  const RsaBatchKey& key = *item.key;
  const bool sha256 = item.alg == HashAlg::kSha256;
  if (item.digest.size() ==
      DigestSize(sha256 ? HashAlg::kSha256 : HashAlg::kSha1)) {
    const uint64_t* base = sha256 ? key.em_sha256.data() : key.em_sha1.data();
    const int digest_limbs =
        static_cast<int>((8 * item.digest.size() + kLimbBits - 1) / kLimbBits);
    uint64_t digest[RsaBatchKey::kMaxLimbs];
    BytesToLimbs(item.digest, digest_limbs, digest);
    for (int j = 0; j < digest_limbs; ++j) {
      if (result[j] != (base[j] | digest[j])) return false;
    }
    return std::equal(result + digest_limbs, result + key.limbs,
                      base + digest_limbs);
  }
  LimbsToBytes(result, em);
  uint8_t want[RsaBatchKey::kMaxModulusBytes];
  const std::span<uint8_t> want_em(want, em.size());
  EncodeEm(item.alg, item.digest, want_em);
  return std::equal(em.begin(), em.end(), want_em.begin());
}

// Scratch for one group of up to kRsaBatchLanes items.
struct LaneBuffers {
  uint64_t s[kRsaBatchLanes][RsaBatchKey::kMaxLimbs];
  uint64_t out[kRsaBatchLanes][RsaBatchKey::kMaxLimbs];
  uint8_t em[RsaBatchKey::kMaxModulusBytes];
};

// RunGroup verifies items[index[0..count)], all of one limb count.
void RunGroup(RsaBatchKernel kernel, int limbs,
              std::span<const RsaBatchItem> items, const size_t* index,
              size_t count, LaneBuffers* buf, std::span<bool> out) {
  RsaLane lanes[kRsaBatchLanes];
  for (size_t l = 0; l < count; ++l) {
    const RsaBatchItem& item = items[index[l]];
    BytesToLimbs(item.signature, limbs, buf->s[l]);
    lanes[l] = RsaLane{item.key->n.data(), item.key->rr.data(), item.key->k0,
                       buf->s[l], buf->out[l]};
  }
  if (kernel == RsaBatchKernel::kIfma) {
    internal::Pow65537Ifma(limbs, std::span<const RsaLane>(lanes, count));
  } else {
    for (size_t l = 0; l < count; ++l) {
      internal::Pow65537Scalar(limbs, lanes[l]);
    }
  }
  for (size_t l = 0; l < count; ++l) {
    const RsaBatchItem& item = items[index[l]];
    SubtractIfNotBelow(buf->out[l], item.key->n.data(), limbs);
    out[index[l]] =
        EncodingMatches(item, buf->out[l],
                        std::span<uint8_t>(buf->em, item.key->modulus_bytes));
  }
}

}  // namespace

std::optional<RsaBatchKey> RsaBatchKey::Make(
    std::span<const uint8_t> modulus_be, uint64_t exponent) {
  while (!modulus_be.empty() && modulus_be[0] == 0) {
    modulus_be = modulus_be.subspan(1);
  }
  const int limbs = LimbsFor(modulus_be.size());
  if (exponent != kExponent || limbs == 0 || (modulus_be.back() & 1) == 0) {
    return std::nullopt;
  }
  RsaBatchKey key;
  key.modulus_bytes = modulus_be.size();
  key.limbs = limbs;
  std::copy(modulus_be.begin(), modulus_be.end(), key.modulus_be.begin());
  BytesToLimbs(modulus_be, limbs, key.n.data());
  key.k0 = (0 - InverseMod2_64(key.n[0])) & kLimbMask;

  // R^2 mod n with R = 2^(52 * limbs).
  std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_new());
  std::unique_ptr<BIGNUM, BnFree> n(BN_bin2bn(
      modulus_be.data(), static_cast<int>(modulus_be.size()), nullptr));
  std::unique_ptr<BIGNUM, BnFree> rr(BN_new());
  if (!ctx || !n || !rr || BN_set_bit(rr.get(), 2 * kLimbBits * limbs) != 1 ||
      BN_mod(rr.get(), rr.get(), n.get(), ctx.get()) != 1) {
    return std::nullopt;
  }
  uint8_t rr_be[kMaxModulusBytes];
  const std::span<uint8_t> rr_bytes(rr_be, key.modulus_bytes);
  if (BN_bn2binpad(rr.get(), rr_bytes.data(),
                   static_cast<int>(rr_bytes.size())) < 0) {
    return std::nullopt;
  }
  BytesToLimbs(rr_bytes, limbs, key.rr.data());
  // The encodings of all-zero digests, when they fit (PreChecks refuses
  // the items they would be for otherwise).
  const uint8_t zeros[32] = {};
  uint8_t em[kMaxModulusBytes];
  const std::span<uint8_t> em_bytes(em, key.modulus_bytes);
  for (HashAlg alg : {HashAlg::kSha256, HashAlg::kSha1}) {
    const size_t digest_size = DigestSize(alg);
    if (Prefix(alg).size() + digest_size + 11 > key.modulus_bytes) continue;
    EncodeEm(alg, std::span<const uint8_t>(zeros, digest_size), em_bytes);
    BytesToLimbs(
        em_bytes, limbs,
        alg == HashAlg::kSha256 ? key.em_sha256.data() : key.em_sha1.data());
  }
  return key;
}

bool RsaBatchKernelSupported(RsaBatchKernel kernel) {
  static const bool ifma = internal::IfmaKernelSupported();
  return kernel == RsaBatchKernel::kScalar || ifma;
}

bool RsaBatchAvailable() {
  static const bool available = [] {
    const char* off = std::getenv("DKIMBATCH_NO_IFMA");
    if (off != nullptr && *off != '\0' && std::strcmp(off, "0") != 0) {
      return false;
    }
    return RsaBatchKernelSupported(RsaBatchKernel::kIfma);
  }();
  return available;
}

void RsaBatchVerify(std::span<const RsaBatchItem> items, std::span<bool> out) {
  RsaBatchVerifyWith(
      RsaBatchAvailable() ? RsaBatchKernel::kIfma : RsaBatchKernel::kScalar,
      items, out);
}

void RsaBatchVerifyWith(RsaBatchKernel kernel,
                        std::span<const RsaBatchItem> items,
                        std::span<bool> out) {
  if (!RsaBatchKernelSupported(kernel)) kernel = RsaBatchKernel::kScalar;
  // Items that fail the pre-checks are decided here; the rest go, grouped
  // by limb count in input order, through the kernel 8 at a time.
  bool any = false;
  for (size_t i = 0; i < items.size(); ++i) {
    out[i] = false;
    any |= PreChecks(items[i]);
  }
  if (!any) return;
  LaneBuffers buf;
  for (int limbs : kLimbCounts) {
    size_t index[kRsaBatchLanes];
    size_t count = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].key->limbs != limbs || !PreChecks(items[i])) continue;
      index[count++] = i;
      if (count == kRsaBatchLanes) {
        RunGroup(kernel, limbs, items, index, count, &buf, out);
        count = 0;
      }
    }
    if (count > 0) RunGroup(kernel, limbs, items, index, count, &buf, out);
  }
}

}  // namespace dkimbatch::engine
