// tests/fuzz/fuzz_ed25519_batch.cc
//
// Batched Ed25519 verification (engine/crypto/ed25519_batch.h) against
// OpenSSL (EVP_DigestVerify, key from EVP_PKEY_new_raw_public_key) on
// fuzzer-made items. An input describes up to 24 checks; they run in one
// Ed25519BatchVerifier::Verify call per kernel the CPU has (IFMA, and the
// scalar twin), in groups of 8 and a partial one, and one by one through
// OpenSSL. Any difference aborts, as does a key that Make rejects while
// OpenSSL accepts a signature under it, or that the kernels prepare
// differently. Most checks start from a valid signature by a key derived
// from the input (EVP_PKEY_new_raw_private_key), then mutated, so inputs
// reach the curve arithmetic and the final comparison rather than only
// random points.
//
// Input, per check (missing bytes read as zero):
//   mode  1 byte   bits 0-1: key (0: derived from 1 seed byte; 1: from 32
//                  seed bytes; 2: 32 bytes from the input; 3: an edge
//                  encoding: small-order points, y >= p, x = 0 with the
//                  sign bit); bits 2-3: signature (0: valid, by the derived
//                  key or, for other keys, by seed byte 0's key; 1: 64
//                  bytes from the input; 2: that valid signature's R with a
//                  special S; 3: R an edge encoding, S special); bits 4-5:
//                  length (2: 63 bytes; 3: 65 bytes, or 0 bytes with
//                  bit 7; else 64); bit 6: message length from the input
//                  (else 32 bytes)
//   key   1, 32, 32 or 1 bytes, as bits 0-1 say
//   msg   [1 byte length] then the message
//   sig   64 bytes (mode 1), or 1 byte choosing S / R (modes 2, 3)
//   muts  1 byte   number of mutations (mod 4), then per mutation 2 bytes:
//                  position (mod 96: signature, then key) and a value to
//                  xor in
#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "engine/crypto/ed25519_batch.h"
#include "tests/engine/test_keys.h"

namespace {

namespace engine = dkimbatch::engine;
using Bytes = dkimbatch::testutil::Bytes;

// Reader hands out input bytes, then zeros.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  Bytes Take(size_t n) {
    Bytes out(n);
    for (uint8_t& b : out) b = Byte();
    return out;
  }
  bool empty() const { return pos_ >= size_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

struct Signer {
  EVP_PKEY* key = nullptr;
  Bytes raw;  // the public key
};

Signer MakeSigner(const Bytes& seed) {
  Signer s;
  s.key = dkimbatch::testutil::Ed25519FromSeed(seed).release();  // cached
  s.raw = dkimbatch::testutil::RawEd25519(s.key);
  return s;
}

// SeedSigner returns the key of the seed made from one byte (cached).
const Signer& SeedSigner(uint8_t b) {
  static std::map<uint8_t, Signer>* cache = new std::map<uint8_t, Signer>();
  auto it = cache->find(b);
  if (it == cache->end()) {
    Bytes seed(32);
    for (size_t i = 0; i < 32; ++i) {
      seed[i] = static_cast<uint8_t>(b * 167 + i * 31 + 1);
    }
    it = cache->emplace(b, MakeSigner(seed)).first;
  }
  return it->second;
}

// p = 2^255 - 19 and L = 2^252 + 27742317777372353535851937790883648493,
// little-endian.
constexpr std::array<uint8_t, 32> kP = {
    0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
constexpr std::array<uint8_t, 32> kL = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
    0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};

// The 8 points of order dividing 8, [k]T for T of order 8 (computed with
// tests/engine/crypto/ed25519_batch_test.cc's reference arithmetic).
constexpr const char* kTorsion[8] = {
    "0100000000000000000000000000000000000000000000000000000000000000",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
};

Bytes FromHex(const char* hex) {
  Bytes out;
  auto nibble = [](char c) {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  };
  for (; hex[0] != '\0' && hex[1] != '\0'; hex += 2) {
    out.push_back(static_cast<uint8_t>(nibble(hex[0]) << 4 | nibble(hex[1])));
  }
  return out;
}

// EdgeEncodings: the small-order points (and their sign-toggled
// encodings), y + p for y = 0..18 (y >= p, non-canonical) and y = 0..18,
// both signs, and x = 0 with the sign bit (y = 1, y = p - 1).
const std::vector<Bytes>& EdgeEncodings() {
  static const std::vector<Bytes>* edges = [] {
    auto* out = new std::vector<Bytes>();
    for (const char* hex : kTorsion) {
      Bytes raw = FromHex(hex);
      out->push_back(raw);
      raw[31] ^= 0x80;
      out->push_back(raw);
    }
    for (uint8_t y = 0; y < 19; ++y) {
      for (uint8_t sign = 0; sign < 2; ++sign) {
        Bytes raw(kP.begin(), kP.end());
        raw[0] = static_cast<uint8_t>(raw[0] + y);
        raw[31] |= static_cast<uint8_t>(sign << 7);
        out->push_back(raw);
        Bytes small(32, 0);
        small[0] = y;
        small[31] = static_cast<uint8_t>(sign << 7);
        out->push_back(small);
      }
    }
    return out;
  }();
  return *edges;
}

// SpecialS returns S values at and around the bounds: 0, 1, L - 1, L,
// L + 1, 2^252 - 1, 2^252, 2^253 - 1, 2^255, 2^256 - 1, `valid` + L.
Bytes SpecialS(uint8_t which, std::span<const uint8_t> valid) {
  Bytes s(32, 0);
  auto add_small = [&](int delta) {  // s = L + delta, |delta| small
    s.assign(kL.begin(), kL.end());
    s[0] = static_cast<uint8_t>(s[0] + delta);
  };
  switch (which % 11) {
    case 0:
      break;
    case 1:
      s[0] = 1;
      break;
    case 2:
      add_small(-1);
      break;
    case 3:
      add_small(0);
      break;
    case 4:
      add_small(1);
      break;
    case 5:
      std::memset(s.data(), 0xff, 31);
      s[31] = 0x0f;
      break;
    case 6:
      s[31] = 0x10;
      break;
    case 7:
      std::memset(s.data(), 0xff, 31);
      s[31] = 0x1f;
      break;
    case 8:
      s[31] = 0x80;
      break;
    case 9:
      std::memset(s.data(), 0xff, 32);
      break;
    case 10: {  // valid + L (valid < L, so no overflow past 2^254)
      unsigned carry = 0;
      for (size_t i = 0; i < 32; ++i) {
        const unsigned sum = valid[i] + kL[i] + carry;
        s[i] = static_cast<uint8_t>(sum);
        carry = sum >> 8;
      }
      break;
    }
  }
  return s;
}

struct Check {
  Bytes key, message, sig;
};

// Fail prints `what` and the check, then aborts.
[[noreturn]] void Fail(const char* what, const Check& c) {
  auto hex = [](const Bytes& b) {
    for (uint8_t x : b) std::fprintf(stderr, "%02x", x);
    std::fprintf(stderr, "\n");
  };
  std::fprintf(stderr, "fuzz_ed25519_batch: %s\n  key ", what);
  hex(c.key);
  std::fprintf(stderr, "  sig ");
  hex(c.sig);
  std::fprintf(stderr, "  msg ");
  hex(c.message);
  std::abort();
}

Check ReadCheck(Reader* in) {
  Check c;
  const uint8_t mode = in->Byte();
  const Signer* signer = nullptr;
  Signer owned;
  switch (mode & 3) {
    case 0:
      signer = &SeedSigner(in->Byte());
      break;
    case 1:
      owned = MakeSigner(in->Take(32));
      signer = &owned;
      break;
    case 2:
      c.key = in->Take(32);
      break;
    case 3: {
      const std::vector<Bytes>& edges = EdgeEncodings();
      c.key = edges[in->Byte() % edges.size()];
      break;
    }
  }
  if (signer != nullptr) c.key = signer->raw;
  if (mode & 0x40) {
    c.message = in->Take(in->Byte());
  } else {
    c.message = in->Take(32);
  }
  // A valid signature by the key, or by seed byte 0's key for keys
  // without a private half.
  EVP_PKEY* sign_with = signer != nullptr ? signer->key : SeedSigner(0).key;
  const Bytes valid = dkimbatch::testutil::SignEd25519(sign_with, c.message);
  switch ((mode >> 2) & 3) {
    case 0:
      c.sig = valid;
      break;
    case 1:
      c.sig = in->Take(64);
      break;
    case 2:
      c.sig.assign(valid.begin(), valid.begin() + 32);
      {
        const Bytes s = SpecialS(in->Byte(), {valid.data() + 32, 32});
        c.sig.insert(c.sig.end(), s.begin(), s.end());
      }
      break;
    case 3: {
      const std::vector<Bytes>& edges = EdgeEncodings();
      const uint8_t which = in->Byte();
      c.sig = edges[which % edges.size()];
      const Bytes s = (which & 0x80)
                          ? SpecialS(which >> 3, {valid.data() + 32, 32})
                          : Bytes(32, 0);
      c.sig.insert(c.sig.end(), s.begin(), s.end());
      break;
    }
  }
  const int muts = in->Byte() % 4;
  for (int i = 0; i < muts; ++i) {
    const size_t pos = in->Byte() % 96;
    const uint8_t value = in->Byte();
    if (pos < 64) {
      c.sig[pos] ^= value;
    } else {
      c.key[pos - 64] ^= value;
    }
  }
  switch ((mode >> 4) & 3) {
    case 2:
      c.sig.pop_back();
      break;
    case 3:
      if (mode & 0x80) {
        c.sig.clear();
      } else {
        c.sig.push_back(0);
      }
      break;
  }
  if (signer == &owned) EVP_PKEY_free(owned.key);
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(data, size);
  std::vector<Check> checks;
  while (!in.empty() && checks.size() < 24) checks.push_back(ReadCheck(&in));
  std::vector<bool> want;
  for (const Check& c : checks) {
    want.push_back(
        dkimbatch::testutil::VerifyEd25519Raw(c.key, c.message, c.sig));
  }
  std::vector<engine::Ed25519BatchKernel> kernels = {
      engine::Ed25519BatchKernel::kScalar};
  if (engine::Ed25519BatchKernelSupported(engine::Ed25519BatchKernel::kIfma)) {
    kernels.insert(kernels.begin(), engine::Ed25519BatchKernel::kIfma);
  }
  // Keys, per kernel; both kernels must prepare the same table.
  std::vector<std::vector<std::optional<engine::Ed25519BatchKey>>> keys(
      kernels.size());
  for (size_t k = 0; k < kernels.size(); ++k) {
    for (const Check& c : checks) {
      keys[k].push_back(engine::Ed25519BatchKey::Make(c.key, kernels[k]));
    }
  }
  for (size_t i = 0; i < checks.size(); ++i) {
    if (!keys[0][i] && want[i]) {
      Fail("Make rejects a key OpenSSL accepts a signature under", checks[i]);
    }
    for (size_t k = 1; k < kernels.size(); ++k) {
      if (keys[k][i].has_value() != keys[0][i].has_value() ||
          (keys[0][i] && keys[k][i]->table != keys[0][i]->table)) {
        Fail("IFMA and scalar Make differ", checks[i]);
      }
    }
  }
  std::unique_ptr<bool[]> out(new bool[checks.size() + 1]);
  engine::Ed25519BatchVerifier verifier;
  for (size_t k = 0; k < kernels.size(); ++k) {
    std::vector<engine::Ed25519BatchItem> items;
    std::vector<size_t> index;
    for (size_t i = 0; i < checks.size(); ++i) {
      if (!keys[k][i]) continue;
      items.push_back(engine::Ed25519BatchItem{&*keys[k][i], checks[i].message,
                                               checks[i].sig});
      index.push_back(i);
    }
    verifier.Verify(items, std::span<bool>(out.get(), items.size()),
                    kernels[k]);
    for (size_t j = 0; j < items.size(); ++j) {
      if (out[j] != want[index[j]]) {
        Fail(kernels[k] == engine::Ed25519BatchKernel::kIfma
                 ? "IFMA kernel and OpenSSL disagree"
                 : "scalar kernel and OpenSSL disagree",
             checks[index[j]]);
      }
    }
  }
  return 0;
}
