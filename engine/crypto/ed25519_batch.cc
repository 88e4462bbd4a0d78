// engine/crypto/ed25519_batch.cc
//
// The batched Ed25519 verifier around the curve kernels: key preparation,
// the checks OpenSSL makes before any curve arithmetic (S < L), h =
// SHA-512(R || A || M) mod L, signed radix-16 digits of S and -h, lanes of
// 8, and the final comparison of encode([S]B - [h]A) with R.
#include "engine/crypto/ed25519_batch.h"

#include <openssl/bn.h>
#include <openssl/evp.h>

#include <cstring>
#include <new>

#include "engine/crypto/ed25519_batch_kernels.h"
#include "engine/crypto/rsa_batch.h"

namespace dkimbatch::engine {
namespace {

using internal::Ed25519Kernel;
using internal::kEdBaseTableWords;
using internal::kEdCachedTableWords;
using internal::kEdLanes;
using internal::kEdLimbs;
using internal::kEdWindows;

constexpr uint64_t kMask52 = (uint64_t{1} << 52) - 1;
constexpr uint64_t kMask47 = (uint64_t{1} << 47) - 1;

// L = 2^252 + 27742317777372353535851937790883648493, little-endian.
constexpr uint8_t kOrder[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                0,    0,    0,    0,    0,    0,    0,    0,
                                0,    0,    0,    0,    0,    0,    0,    0x10};

const Ed25519Kernel& KernelFor(Ed25519BatchKernel kernel) {
  return kernel == Ed25519BatchKernel::kIfma ? internal::Ed25519IfmaKernel()
                                             : internal::Ed25519ScalarKernel();
}

// NarrowKernelFor returns the kernel for groups of at most 4 signatures:
// IFMA has a cheaper 4-lane one.
const Ed25519Kernel& NarrowKernelFor(Ed25519BatchKernel kernel) {
  return kernel == Ed25519BatchKernel::kIfma ? internal::Ed25519IfmaKernel4()
                                             : internal::Ed25519ScalarKernel();
}

// BaseTable returns 1B..8B for every lane, computed once (with the scalar
// kernel: both kernels give the same words).
const uint64_t* BaseTable() {
  struct Table {
    alignas(64) uint64_t words[kEdBaseTableWords * kEdLanes];
  };
  static const Table* table = [] {
    Table* t = new Table;
    internal::Ed25519ScalarKernel().base_table(t->words);
    return t;
  }();
  return table->words;
}

uint64_t LoadLe64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // x86-64 is little-endian
}

// ToLimbs reads 255 bits of `bytes` (bit 255 ignored) as 52-bit limbs.
void ToLimbs(const uint8_t* bytes, uint64_t limbs[kEdLimbs]) {
  const uint64_t w0 = LoadLe64(bytes), w1 = LoadLe64(bytes + 8),
                 w2 = LoadLe64(bytes + 16), w3 = LoadLe64(bytes + 24);
  limbs[0] = w0 & kMask52;
  limbs[1] = ((w0 >> 52) | (w1 << 12)) & kMask52;
  limbs[2] = ((w1 >> 40) | (w2 << 24)) & kMask52;
  limbs[3] = ((w2 >> 28) | (w3 << 36)) & kMask52;
  limbs[4] = (w3 >> 16) & kMask47;
}

// Encode writes the point encoding of affine (x, y), both fully reduced
// and given as limbs of one lane.
void Encode(const uint64_t x0, const uint64_t y[kEdLimbs], uint8_t out[32]) {
  const uint64_t w[4] = {y[0] | (y[1] << 52), (y[1] >> 12) | (y[2] << 40),
                         (y[2] >> 24) | (y[3] << 28),
                         (y[3] >> 36) | (y[4] << 16) | ((x0 & 1) << 63)};
  std::memcpy(out, w, 32);
}

// BelowOrder reports whether the 32-byte little-endian `s` is below L.
bool BelowOrder(const uint8_t* s) {
  for (int i = 31; i >= 0; --i) {
    if (s[i] != kOrder[i]) return s[i] < kOrder[i];
  }
  return false;
}

// Recode writes the 64 signed radix-16 digits (in [-8, 8], least
// significant first) of the 32-byte little-endian scalar `k` < 2^253,
// negated when `negate`, to digits[i * 8] for i = 0..63.
void Recode(const uint8_t* k, bool negate, int64_t* digits) {
  int64_t carry = 0;
  for (int i = 0; i < kEdWindows; ++i) {
    int64_t d = ((k[i / 2] >> (4 * (i % 2))) & 15) + carry;
    carry = (d + 8) >> 4;
    d -= carry << 4;
    if (i == kEdWindows - 1) d += carry << 4;  // top digit: at most 2
    digits[i * kEdLanes] = negate ? -d : d;
  }
}

const EVP_MD* Sha512() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  return md;
}

}  // namespace

bool Ed25519BatchKernelSupported(Ed25519BatchKernel kernel) {
  return kernel == Ed25519BatchKernel::kScalar ||
         internal::Ed25519IfmaSupported();
}

bool Ed25519BatchAvailable() {
  // RsaBatchAvailable() reads DKIMBATCH_NO_IFMA and checks AVX-512 F, VL
  // and IFMA; this kernel needs DQ too.
  static const bool available =
      RsaBatchAvailable() &&
      Ed25519BatchKernelSupported(Ed25519BatchKernel::kIfma);
  return available;
}

namespace {

Ed25519BatchKernel BestKernel() {
  return Ed25519BatchAvailable() ? Ed25519BatchKernel::kIfma
                                 : Ed25519BatchKernel::kScalar;
}

}  // namespace

std::optional<Ed25519BatchKey> Ed25519BatchKey::Make(
    std::span<const uint8_t> raw) {
  return Make(raw, BestKernel());
}

std::optional<Ed25519BatchKey> Ed25519BatchKey::Make(
    std::span<const uint8_t> raw, Ed25519BatchKernel kernel) {
  if (raw.size() != 32) return std::nullopt;
  alignas(64) uint64_t y[kEdLimbs * kEdLanes];
  alignas(64) uint64_t sign[kEdLanes];
  alignas(64) uint64_t table[kEdCachedTableWords * kEdLanes];
  alignas(64) uint64_t ok[kEdLanes];
  uint64_t limbs[kEdLimbs];
  ToLimbs(raw.data(), limbs);
  for (int lane = 0; lane < kEdLanes; ++lane) {
    for (int k = 0; k < kEdLimbs; ++k) y[k * kEdLanes + lane] = limbs[k];
    sign[lane] = raw[31] >> 7;
  }
  KernelFor(kernel).decode(y, sign, table, ok);
  if (ok[0] != 1) return std::nullopt;
  Ed25519BatchKey key;
  std::memcpy(key.raw.data(), raw.data(), 32);
  for (size_t w = 0; w < kTableWords; ++w) key.table[w] = table[w * kEdLanes];
  return key;
}

Ed25519BatchVerifier::Ed25519BatchVerifier()
    : sha512_(EVP_MD_CTX_new()),
      bn_ctx_(BN_CTX_new()),
      wide_(BN_new()),
      order_(BN_lebin2bn(kOrder, sizeof kOrder, nullptr)),
      reduced_(BN_new()) {
  if (sha512_ == nullptr || bn_ctx_ == nullptr || wide_ == nullptr ||
      order_ == nullptr || reduced_ == nullptr || Sha512() == nullptr) {
    EVP_MD_CTX_free(sha512_);
    BN_CTX_free(bn_ctx_);
    BN_free(wide_);
    BN_free(order_);
    BN_free(reduced_);
    throw std::bad_alloc();
  }
}

Ed25519BatchVerifier::~Ed25519BatchVerifier() {
  EVP_MD_CTX_free(sha512_);
  BN_CTX_free(bn_ctx_);
  BN_free(wide_);
  BN_free(order_);
  BN_free(reduced_);
}

void Ed25519BatchVerifier::Verify(std::span<const Ed25519BatchItem> items,
                                  std::span<bool> out) {
  Verify(items, out, BestKernel());
}

void Ed25519BatchVerifier::Verify(std::span<const Ed25519BatchItem> items,
                                  std::span<bool> out,
                                  Ed25519BatchKernel kernel) {
  const Ed25519Kernel& run = KernelFor(kernel);
  const Ed25519Kernel& narrow = NarrowKernelFor(kernel);
  const uint64_t* base = BaseTable();
  struct Lanes {
    alignas(64) uint64_t a_table[kEdCachedTableWords * kEdLanes];
    alignas(64) int64_t s_digits[kEdWindows * kEdLanes];
    alignas(64) int64_t h_digits[kEdWindows * kEdLanes];
    alignas(64) uint64_t xy[2 * kEdLimbs * kEdLanes];
  } lanes;
  size_t used = 0;
  size_t index[kEdLanes];

  auto run_group = [&] {
    const Ed25519Kernel& group = used <= kEdLanes / 2 ? narrow : run;
    const size_t lanes_run = &group == &run ? kEdLanes : kEdLanes / 2;
    // Unused lanes repeat lane 0; their results are ignored.
    for (size_t lane = used; lane < lanes_run; ++lane) {
      for (int w = 0; w < kEdCachedTableWords; ++w) {
        lanes.a_table[w * kEdLanes + lane] = lanes.a_table[w * kEdLanes];
      }
      for (int i = 0; i < kEdWindows; ++i) {
        lanes.s_digits[i * kEdLanes + lane] = lanes.s_digits[i * kEdLanes];
        lanes.h_digits[i * kEdLanes + lane] = lanes.h_digits[i * kEdLanes];
      }
    }
    group.combine(lanes.a_table, base, lanes.s_digits, lanes.h_digits,
                  lanes.xy);
    for (size_t lane = 0; lane < used; ++lane) {
      uint64_t y[kEdLimbs];
      for (int k = 0; k < kEdLimbs; ++k) {
        y[k] = lanes.xy[(kEdLimbs + k) * kEdLanes + lane];
      }
      uint8_t encoded[32];
      Encode(lanes.xy[lane], y, encoded);
      out[index[lane]] =
          std::memcmp(encoded, items[index[lane]].signature.data(), 32) == 0;
    }
    used = 0;
  };

  for (size_t i = 0; i < items.size(); ++i) {
    out[i] = false;
    const Ed25519BatchItem& item = items[i];
    const uint8_t* sig = item.signature.data();
    if (item.signature.size() != 64 || !BelowOrder(sig + 32)) continue;
    uint8_t h[64];
    unsigned int h_len = 0;
    if (EVP_DigestInit_ex(sha512_, Sha512(), nullptr) != 1 ||
        EVP_DigestUpdate(sha512_, sig, 32) != 1 ||
        EVP_DigestUpdate(sha512_, item.key->raw.data(), 32) != 1 ||
        EVP_DigestUpdate(sha512_, item.message.data(), item.message.size()) !=
            1 ||
        EVP_DigestFinal_ex(sha512_, h, &h_len) != 1 || h_len != 64 ||
        BN_lebin2bn(h, 64, wide_) == nullptr ||
        BN_nnmod(reduced_, wide_, order_, bn_ctx_) != 1 ||
        BN_bn2lebinpad(reduced_, h, 32) != 32) {
      throw std::bad_alloc();
    }
    Recode(sig + 32, false, lanes.s_digits + used);
    Recode(h, true, lanes.h_digits + used);
    for (int w = 0; w < kEdCachedTableWords; ++w) {
      lanes.a_table[w * kEdLanes + used] = item.key->table[w];
    }
    index[used++] = i;
    if (used == kEdLanes) run_group();
  }
  if (used > 0) run_group();
}

}  // namespace dkimbatch::engine
