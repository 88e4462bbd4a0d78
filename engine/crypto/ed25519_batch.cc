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

// kBaseTableLane is 1B..8B as the kernels' BaseTable writes it for one
// lane: for each multiple, y + x, y - x and 2dxy of its affine point, 5
// limbs each. Constants, since computing them took about 3 ms per process;
// Ed25519BatchKey.BaseTableIsTheKernelsAndTheReferences checks them
// against both kernels and the reference curve arithmetic.
constexpr uint64_t kBaseTableLane[8][3][kEdLimbs] = {
    // 1B
    {{0xc93c6f58c3b85, 0xc6fb8c0e192fb, 0x43d42c2cf932d, 0xba65270b48986,
      0x007cf9d3a33d4},
     {0x03905d740913e, 0x05d140beb39d1, 0x88f8a09fd399f, 0x1267a5c184346,
      0x044fd2f9298f8},
     {0x91205877aaa68, 0x23ccaac49eabc, 0xd43598c26d9e8, 0x65a85a1b7dcbd,
      0x06f117b689f0c}},
    // 2B
    {{0x4e7fc933c71d7, 0x967a0ff5b5922, 0x1d607029f469d, 0x2e2e5aa69a65e,
      0x0590c063fa87d},
     {0x9a56042b4d5a8, 0x0c4e60acf68a9, 0x16e37aa8f2b81, 0x2555e09e236bb,
      0x06bb595a669c9},
     {0xaa8b3a59b7a5f, 0xdd5d9acf7843f, 0xb3d6a3136c16b, 0x0b73500fa0840,
      0x0701af5b13ea5}},
    // 3B
    {{0x5b0a84cee9730, 0x30e8864b8aaf2, 0xf016732025a84, 0xf8f4c11b50029,
      0x07a164e1b9a80},
     {0x11fe8a4fcd265, 0xfde5c1ba7d566, 0x14bd6bd3bd353, 0xda628131f31a2,
      0x02ab91587555b},
     {0xe933f0dd0d889, 0x221c35da6214a, 0xcf2db4c589423, 0xb4c6d170e5458,
      0x05a2826af12b9}},
    // 4B
    {{0x351b98efc099f, 0xf47dfd2538287, 0xb0a92656765c6, 0x8727ca348d3df,
      0x0680e910321e5},
     {0xe050a056818bf, 0x715660faa995f, 0x6a05073327e89, 0xa49ac3e8e3cd0,
      0x027933f4c7445},
     {0x3fbe9c476ff09, 0x457b5cc1725a1, 0x02b44946e9e39, 0x3e2b5ddbdcf91,
      0x07f9d0cbf6355}},
    // 5B
    {{0x2bc4408a5bb33, 0xc3c75eed02a21, 0xabfec448d5048, 0x06ebdd1beb0c5,
      0x02945ccf146e2},
     {0x182c3a447d6ba, 0xd14b2729b77f9, 0x864a087d50014, 0x55f3e33cf11cb,
      0x0154a7e73eb1b},
     {0xbdbf1812a8285, 0x07d0bdd1fcbcb, 0xbbda72d270e08, 0xb69ab41b670b1,
      0x043aabe696b3b}},
    // 6B
    {{0xceeeb77157131, 0x8900c8af883a0, 0xa59a7369b2715, 0x38bd8065b668d,
      0x051e57bb6a2cc},
     {0x806b67b7d8ca4, 0x8427d22739499, 0x04553b9575be2, 0x7884bb085ce72,
      0x038b64c41ae41},
     {0xc326702ea4b71, 0x0341a1bb0185a, 0x83bc144be70e0, 0x61e353e4a24b0,
      0x010b8e91a9f0d}},
    // 7B
    {{0xa5cd0944ea3bf, 0x3ab39dc0d26b1, 0x8542e49747035, 0x927e71b252822,
      0x0461bea69283c},
     {0xf2c9aaa3221b1, 0x533bba23a7ba6, 0x2192c3a6ca021, 0x17e09dea764f9,
      0x01d6edd5d2e53},
     {0x36dc801b8b3a2, 0x47053ea49af18, 0x877adf3b3035f, 0x90a7529c41ba5,
      0x07a9fbb1c6a0f}},
    // 8B
    {{0x7596604dd3e8f, 0x77e288702c59b, 0xed9c3236cb303, 0xe52fb1339c665,
      0x00915e76061bc},
     {0x75dedf39234d9, 0x80e1b558f9e2a, 0xe3c23fb963d76, 0x01c32c2741ac6,
      0x03a9024a1320e},
     {0x1f5d9c9a2911a, 0x788bcca7d7e7c, 0xeb62a32b8a371, 0x4e95636412190,
      0x026907c5c2ecc}},
};

struct BaseTableWords {
  alignas(64) uint64_t words[kEdBaseTableWords * kEdLanes];
};
constexpr BaseTableWords kBaseTable = [] {
  static_assert(sizeof(kBaseTableLane) / sizeof(uint64_t) == kEdBaseTableWords);
  BaseTableWords table{};
  uint64_t* out = table.words;
  for (const auto& multiple : kBaseTableLane) {
    for (const auto& coordinate : multiple) {
      for (uint64_t limb : coordinate) {
        for (int l = 0; l < kEdLanes; ++l) *out++ = limb;
      }
    }
  }
  return table;
}();

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
  const uint64_t* base = kBaseTable.words;
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

namespace internal {

const uint64_t* Ed25519BaseTable() { return kBaseTable.words; }

}  // namespace internal
}  // namespace dkimbatch::engine
