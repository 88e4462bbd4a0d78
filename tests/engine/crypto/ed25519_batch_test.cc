// tests/engine/crypto/ed25519_batch_test.cc
//
// The batched Ed25519 verifier against OpenSSL (EVP_DigestVerify with a key
// from EVP_PKEY_new_raw_public_key), which is the reference. Every case is
// verified by OpenSSL and by each kernel (scalar always, IFMA where the CPU
// has it) in shuffled batches of 1 to 100 items; any difference fails and
// prints the key, signature and message. Cases:
//   - RFC 8032 §7.1 TESTs 1-3, and one-bit changes of them (every bit
//     position of signature and key, every bit of the messages);
//   - thousands of random keys: valid signatures and mangled ones (a bit
//     flipped in R, S, message or key; S + L, L - 1, 0, L, top bits; R
//     random, sign-toggled, non-canonical);
//   - edge keys: the 8 small-order points, y >= p, x = 0 with the sign bit,
//     keys with a torsion component, all-zero / all-0xff, random bytes;
//     with signatures that OpenSSL accepts made for them by a reference
//     curve implementation on BIGNUMs (below), independent of the kernel;
//   - batch shapes: partial, full and multi-group batches, one key many
//     times, signatures of the wrong length among valid ones.
// Ed25519BatchKey::Make must return nullopt exactly for non-points, give
// the same table with both kernels, and the table must hold 1A..8A.
#include "engine/crypto/ed25519_batch.h"

#include <openssl/bn.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "engine/crypto/ed25519_batch_kernels.h"
#include "gtest/gtest.h"
#include "tests/engine/test_keys.h"

namespace dkimbatch::engine {
namespace {

using testutil::Bytes;

// Sanitizer builds run the same cases on fewer keys.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kScale = 8;
#else
constexpr int kScale = 1;
#endif

using Pkey = testutil::PkeyPtr;
using testutil::RawEd25519;
using testutil::SignEd25519;
using testutil::VerifyEd25519Raw;

std::string Hex(std::span<const uint8_t> bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

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

Bytes RandomBytes(std::mt19937_64& rng, size_t n) {
  Bytes out(n);
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

Bytes Concat(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  Bytes out(a.size() + b.size());
  if (!a.empty()) std::memcpy(out.data(), a.data(), a.size());
  if (!b.empty()) std::memcpy(out.data() + a.size(), b.data(), b.size());
  return out;
}

const char* KernelName(Ed25519BatchKernel kernel) {
  return kernel == Ed25519BatchKernel::kIfma ? "ifma" : "scalar";
}

// Kernels returns the kernels this CPU runs, saying once when IFMA is not
// among them.
std::vector<Ed25519BatchKernel> Kernels() {
  static const bool ifma =
      Ed25519BatchKernelSupported(Ed25519BatchKernel::kIfma);
  static bool logged = false;
  if (!ifma && !logged) {
    GTEST_LOG_(INFO) << "this CPU has no AVX-512 IFMA: only the scalar "
                        "kernel is tested here";
    logged = true;
  }
  if (!ifma) return {Ed25519BatchKernel::kScalar};
  return {Ed25519BatchKernel::kScalar, Ed25519BatchKernel::kIfma};
}

// ---------------------------------------------------------------------------
// Reference arithmetic: GF(p) and the curve -x^2 + y^2 = 1 + d x^2 y^2 on
// BIGNUMs, affine points (projective inside PMul), written from RFC 8032
// §5.1 and nothing of the kernel's. Slow, but only used to make edge keys
// and signatures and to check tables.

BN_CTX* Ctx() {
  static BN_CTX* ctx = BN_CTX_new();
  return ctx;
}

// Num is a BIGNUM with value semantics.
class Num {
 public:
  Num() : b_(BN_new()) {}
  explicit Num(uint64_t w) : Num() { BN_set_word(b_, w); }
  Num(const Num& o) : b_(BN_dup(o.b_)) {}
  Num& operator=(const Num& o) {
    if (this != &o) BN_copy(b_, o.b_);
    return *this;
  }
  ~Num() { BN_free(b_); }

  static Num FromLe(std::span<const uint8_t> bytes) {
    Num n;
    BN_lebin2bn(bytes.data(), static_cast<int>(bytes.size()), n.b_);
    return n;
  }
  Bytes ToLe() const {
    Bytes out(32);
    EXPECT_EQ(BN_bn2lebinpad(b_, out.data(), 32), 32);
    return out;
  }
  BIGNUM* get() const { return b_; }
  bool operator==(const Num& o) const { return BN_cmp(b_, o.b_) == 0; }

 private:
  BIGNUM* b_;
};

// For gtest's failure messages.
void PrintTo(const Num& n, std::ostream* os) {
  char* hex = BN_bn2hex(n.get());
  *os << "0x" << hex;
  OPENSSL_free(hex);
}

const Num& FieldP() {
  static const Num p = [] {
    Num n;
    BN_set_bit(n.get(), 255);
    BN_sub_word(n.get(), 19);
    return n;
  }();
  return p;
}

const Num& OrderL() {
  static const Num l = [] {
    BIGNUM* low = nullptr;
    BN_dec2bn(&low, "27742317777372353535851937790883648493");
    Num n;
    BN_set_bit(n.get(), 252);
    BN_add(n.get(), n.get(), low);
    BN_free(low);
    return n;
  }();
  return l;
}

Num FAdd(const Num& a, const Num& b) {
  Num r;
  BN_mod_add(r.get(), a.get(), b.get(), FieldP().get(), Ctx());
  return r;
}
Num FSub(const Num& a, const Num& b) {
  Num r;
  BN_mod_sub(r.get(), a.get(), b.get(), FieldP().get(), Ctx());
  return r;
}
Num FMul(const Num& a, const Num& b) {
  Num r;
  BN_mod_mul(r.get(), a.get(), b.get(), FieldP().get(), Ctx());
  return r;
}
Num FPow(const Num& a, const Num& e) {
  Num r;
  BN_mod_exp(r.get(), a.get(), e.get(), FieldP().get(), Ctx());
  return r;
}
Num FInv(const Num& a) {  // a != 0
  Num r;
  EXPECT_NE(BN_mod_inverse(r.get(), a.get(), FieldP().get(), Ctx()), nullptr);
  return r;
}
// FMod reduces any non-negative number modulo p.
Num FMod(const Num& a) {
  Num r;
  BN_nnmod(r.get(), a.get(), FieldP().get(), Ctx());
  return r;
}

const Num& CurveD() {
  static const Num d = FMul(FSub(Num(0), Num(121665)), FInv(Num(121666)));
  return d;
}

const Num& SqrtM1() {
  static const Num s = [] {
    Num e = FieldP();
    BN_sub_word(e.get(), 1);
    BN_rshift(e.get(), e.get(), 2);
    return FPow(Num(2), e);
  }();
  return s;
}

struct Point {
  Num x, y;
  bool operator==(const Point& o) const { return x == o.x && y == o.y; }
};

void PrintTo(const Point& a, std::ostream* os) {
  *os << "(x ";
  PrintTo(a.x, os);
  *os << ", y ";
  PrintTo(a.y, os);
  *os << ")";
}

Point Identity() { return Point{Num(0), Num(1)}; }

Point PAdd(const Point& a, const Point& b) {
  const Num x1y2 = FMul(a.x, b.y), y1x2 = FMul(a.y, b.x);
  const Num y1y2 = FMul(a.y, b.y), x1x2 = FMul(a.x, b.x);
  const Num t = FMul(CurveD(), FMul(x1x2, y1y2));
  const Num plus = FAdd(Num(1), t), minus = FSub(Num(1), t);
  const Num inv = FInv(FMul(plus, minus));  // one inversion for both
  return Point{FMul(FAdd(x1y2, y1x2), FMul(inv, minus)),
               FMul(FAdd(y1y2, x1x2), FMul(inv, plus))};
}

// PMul returns [k]a, in projective coordinates (X : Y : Z) inside, with the
// complete addition law for a = -1 (Bernstein, Birkner, Joye, Lange,
// Peters 2008), one inversion at the end.
Point PMul(const Num& k, const Point& a) {
  struct Proj {
    Num x, y, z;
  };
  auto add = [](const Proj& p, const Proj& q) {
    const Num za = FMul(p.z, q.z), zb = FMul(za, za);
    const Num c = FMul(p.x, q.x), d = FMul(p.y, q.y);
    const Num e = FMul(CurveD(), FMul(c, d));
    const Num f = FSub(zb, e), g = FAdd(zb, e);
    const Num cross = FSub(FSub(FMul(FAdd(p.x, p.y), FAdd(q.x, q.y)), c), d);
    return Proj{FMul(za, FMul(f, cross)), FMul(za, FMul(g, FAdd(d, c))),
                FMul(f, g)};
  };
  const Proj base{a.x, a.y, Num(1)};
  Proj r{Num(0), Num(1), Num(1)};
  for (int bit = BN_num_bits(k.get()) - 1; bit >= 0; --bit) {
    r = add(r, r);
    if (BN_is_bit_set(k.get(), bit)) r = add(r, base);
  }
  const Num zi = FInv(r.z);
  return Point{FMul(r.x, zi), FMul(r.y, zi)};
}

// Decode reads a key the way OpenSSL does: y is the low 255 bits taken
// modulo p, x the root of (y^2 - 1) / (d y^2 + 1) whose parity is bit 255
// (x = 0 stays 0 whatever that bit says).
std::optional<Point> Decode(std::span<const uint8_t> raw) {
  Bytes bytes(raw.begin(), raw.end());
  const bool sign = bytes[31] >> 7;
  bytes[31] &= 0x7f;
  const Num y = FMod(Num::FromLe(bytes));
  const Num yy = FMul(y, y);
  const Num x2 = FMul(FSub(yy, Num(1)), FInv(FAdd(FMul(CurveD(), yy), Num(1))));
  Num e = FieldP();
  BN_add_word(e.get(), 3);
  BN_rshift(e.get(), e.get(), 3);
  Num x = FPow(x2, e);
  if (!(FMul(x, x) == x2)) x = FMul(x, SqrtM1());
  if (!(FMul(x, x) == x2)) return std::nullopt;
  if (BN_is_odd(x.get()) != sign) x = FSub(Num(0), x);
  return Point{x, y};
}

Bytes Encode(const Point& a) {
  Bytes out = a.y.ToLe();
  if (BN_is_odd(a.x.get())) out[31] |= 0x80;
  return out;
}

// Curve holds the base point B and the 8-torsion [0]T..[7]T of a point T
// of order 8.
struct Curve {
  Point base;
  std::vector<Point> torsion;
};

const Curve& Ref() {
  static const Curve* curve = [] {
    auto* c = new Curve;
    Bytes b_raw = FMul(Num(4), FInv(Num(5))).ToLe();  // y = 4/5, x even
    c->base = *Decode(b_raw);
    // [L]Q for a point Q of order 8L is a point of order 8.
    for (uint64_t y = 2;; ++y) {
      std::optional<Point> q = Decode(Num(y).ToLe());
      if (!q) continue;
      Point t = PMul(OrderL(), *q);
      if (PMul(Num(4), t) == Identity()) continue;
      for (int k = 0; k < 8; ++k) c->torsion.push_back(PMul(Num(k), t));
      break;
    }
    return c;
  }();
  return *curve;
}

// TorsionIndex returns k when `a` is [k]T, else -1.
int TorsionIndex(const Point& a) {
  for (int k = 0; k < 8; ++k) {
    if (Ref().torsion[k] == a) return k;
  }
  return -1;
}

// TorsionEncodings returns every encoding of a small-order point: the 8
// canonical ones, y + p for y = 0 and 1, and x = 0 with the sign bit.
const std::vector<Bytes>& TorsionEncodings() {
  static const std::vector<Bytes> encodings = [] {
    std::vector<Bytes> out;
    auto add = [&](const Bytes& raw) {
      std::optional<Point> p = Decode(raw);
      if (p && TorsionIndex(*p) >= 0 &&
          std::find(out.begin(), out.end(), raw) == out.end()) {
        out.push_back(raw);
      }
    };
    for (const Point& t : Ref().torsion) {
      Bytes raw = Encode(t);
      add(raw);
      raw[31] ^= 0x80;
      add(raw);
    }
    for (uint64_t y : {0, 1}) {
      Num v(y);
      BN_add(v.get(), v.get(), FieldP().get());
      Bytes raw = v.ToLe();
      add(raw);
      raw[31] |= 0x80;
      add(raw);
    }
    return out;
  }();
  return encodings;
}

// HashScalar returns SHA-512(R || A || M) mod L.
Num HashScalar(std::span<const uint8_t> r, std::span<const uint8_t> a,
               std::span<const uint8_t> m) {
  uint8_t h[64];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EXPECT_EQ(EVP_DigestInit_ex(ctx, EVP_sha512(), nullptr), 1);
  EVP_DigestUpdate(ctx, r.data(), r.size());
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, m.data(), m.size());
  EXPECT_EQ(EVP_DigestFinal_ex(ctx, h, &len), 1);
  EVP_MD_CTX_free(ctx);
  Num wide = Num::FromLe(std::span<const uint8_t>(h, 64));
  Num r_mod;
  BN_nnmod(r_mod.get(), wide.get(), OrderL().get(), Ctx());
  return r_mod;
}

Num ScalarAdd(const Num& a, const Num& b) {
  Num r;
  BN_mod_add(r.get(), a.get(), b.get(), OrderL().get(), Ctx());
  return r;
}

Num ScalarMul(const Num& a, const Num& b) {
  Num r;
  BN_mod_mul(r.get(), a.get(), b.get(), OrderL().get(), Ctx());
  return r;
}

Num RandomScalar(std::mt19937_64& rng) {
  Num r;
  BN_nnmod(r.get(), Num::FromLe(RandomBytes(rng, 40)).get(), OrderL().get(),
           Ctx());
  return r;
}

TEST(Ed25519Reference, SelfCheck) {
  const Curve& c = Ref();
  // B's encoding (RFC 8032 §5.1): 0x58 then 31 times 0x66.
  Bytes b_enc(32, 0x66);
  b_enc[0] = 0x58;
  EXPECT_EQ(Encode(c.base), b_enc);
  EXPECT_EQ(PMul(OrderL(), c.base), Identity());
  EXPECT_FALSE(PMul(Num(4), c.torsion[1]) == Identity());
  EXPECT_EQ(PMul(Num(8), c.torsion[1]), Identity());
  // OpenSSL's public key of a secret is [a]B with the clamped a (§5.1.5).
  std::mt19937_64 rng(7);
  const Bytes seed = RandomBytes(rng, 32);
  Bytes h(64);
  EVP_Digest(seed.data(), seed.size(), h.data(), nullptr, EVP_sha512(),
             nullptr);
  h[0] &= 248;
  h[31] = (h[31] & 127) | 64;
  const Num a = Num::FromLe(std::span<const uint8_t>(h.data(), 32));
  EXPECT_EQ(Encode(PMul(a, c.base)),
            RawEd25519(testutil::Ed25519FromSeed(seed).get()));
}

// ---------------------------------------------------------------------------
// Differential checks.

// Case is one check: a signature over a message under a 32-byte key
// encoding, which may not be a point.
struct Case {
  Bytes key, message, sig;
  std::string what;  // how it was made, for failure messages
};

std::string Describe(const Case& c) {
  return c.what + "\n  key " + Hex(c.key) + "\n  sig " + Hex(c.sig) +
         "\n  msg (" + std::to_string(c.message.size()) + " bytes) " +
         Hex(c.message);
}

// Tally counts what a CheckCases call compared.
struct Tally {
  size_t cases = 0;
  size_t accepted = 0;  // by OpenSSL
  size_t not_points = 0;
  size_t mismatches = 0;
};

// CheckTable checks that `key`'s table holds 1A..8A as (Y+X, Y-X, 2Z, 2dT)
// for the point `a`, comparing modulo p against the reference.
void CheckTable(const Ed25519BatchKey& key, const Point& a,
                const std::string& what) {
  Point multiple = a;
  for (int k = 1; k <= 8; ++k) {
    Num coord[4];
    for (int c = 0; c < 4; ++c) {
      Num v;
      for (int limb = 4; limb >= 0; --limb) {
        BN_lshift(v.get(), v.get(), 52);
        BN_add_word(
            v.get(),
            key.table[static_cast<size_t>(((k - 1) * 4 + c) * 5 + limb)]);
      }
      coord[c] = FMod(v);
    }
    // The entry is (Y+X, Y-X, 2Z, 2dT) for some (X : Y : Z : T) of [k]A:
    // Y+X = (y + x) Z, so twice it is (y + x) times the stored 2Z; alike
    // for Y-X and 2dT = 2d x y Z.
    const Num z2 = coord[2];
    ASSERT_FALSE(z2 == Num(0)) << what << " k=" << k;
    const Num x = multiple.x, y = multiple.y;
    EXPECT_EQ(FMul(coord[0], Num(2)), FMul(FAdd(y, x), z2))
        << what << " k=" << k;
    EXPECT_EQ(FMul(coord[1], Num(2)), FMul(FSub(y, x), z2))
        << what << " k=" << k;
    EXPECT_EQ(FMul(coord[3], Num(2)),
              FMul(FMul(FMul(Num(2), CurveD()), FMul(x, y)), z2))
        << what << " k=" << k;
    multiple = PAdd(multiple, a);
  }
}

// CheckCases verifies `cases` with OpenSSL and with every kernel (keys
// prepared by that kernel; items shuffled with `seed` and cut into batches
// of 1 to 100), and fails on any difference. Keys that Make rejects must be
// exactly the encodings the reference cannot decode, and OpenSSL must
// reject every signature under them. With `check_tables`, each table is
// also checked against the reference multiples.
Tally CheckCases(const std::vector<Case>& cases, uint64_t seed,
                 bool check_tables = false) {
  Tally tally;
  tally.cases = cases.size();
  std::vector<bool> want(cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    want[i] = VerifyEd25519Raw(cases[i].key, cases[i].message, cases[i].sig);
    tally.accepted += want[i];
  }
  int printed = 0;
  auto mismatch = [&](const std::string& what, const Case& c) {
    ++tally.mismatches;
    if (++printed <= 10) ADD_FAILURE() << what << ": " << Describe(c);
  };

  // Distinct key encodings, each made once per kernel.
  std::map<std::string, size_t> key_index;
  std::vector<Bytes> raws;
  std::vector<size_t> case_key(cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    auto [it, added] = key_index.emplace(
        std::string(cases[i].key.begin(), cases[i].key.end()), raws.size());
    if (added) raws.push_back(cases[i].key);
    case_key[i] = it->second;
  }
  const std::vector<Ed25519BatchKernel> kernels = Kernels();
  std::vector<std::vector<std::optional<Ed25519BatchKey>>> made(kernels.size());
  for (size_t k = 0; k < kernels.size(); ++k) {
    for (const Bytes& raw : raws) {
      made[k].push_back(Ed25519BatchKey::Make(raw, kernels[k]));
    }
  }
  for (size_t j = 0; j < raws.size(); ++j) {
    const std::optional<Point> point = Decode(raws[j]);
    tally.not_points += !point.has_value();
    const Case probe{raws[j], {}, {}, "key"};
    if (made[0][j].has_value() != point.has_value()) {
      mismatch(point ? "Make rejects a point" : "Make accepts a non-point",
               probe);
      continue;
    }
    if (!point) continue;
    EXPECT_TRUE(
        std::equal(raws[j].begin(), raws[j].end(), made[0][j]->raw.begin()));
    for (size_t k = 1; k < kernels.size(); ++k) {
      if (!made[k][j] || made[k][j]->table != made[0][j]->table ||
          made[k][j]->raw != made[0][j]->raw) {
        mismatch("Make's table differs between kernels", probe);
      }
    }
    if (check_tables) CheckTable(*made[0][j], *point, "key " + Hex(raws[j]));
  }

  std::vector<std::vector<bool>> got(kernels.size());
  for (size_t k = 0; k < kernels.size(); ++k) {
    got[k].assign(cases.size(), false);
    std::vector<size_t> order;
    for (size_t i = 0; i < cases.size(); ++i) {
      if (made[k][case_key[i]].has_value()) order.push_back(i);
    }
    std::mt19937_64 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
    static constexpr size_t kBatchSizes[] = {8, 3, 13, 1, 100, 7,  16, 5,
                                             2, 9, 8,  4, 6,   17, 8};
    Ed25519BatchVerifier verifier;
    size_t batch = 0;
    for (size_t start = 0; start < order.size(); ++batch) {
      const size_t n = std::min(kBatchSizes[batch % std::size(kBatchSizes)],
                                order.size() - start);
      std::vector<Ed25519BatchItem> items;
      for (size_t i = start; i < start + n; ++i) {
        const Case& c = cases[order[i]];
        items.push_back(
            Ed25519BatchItem{&*made[k][case_key[order[i]]], c.message, c.sig});
      }
      std::unique_ptr<bool[]> out(new bool[n]);
      verifier.Verify(items, std::span<bool>(out.get(), n), kernels[k]);
      for (size_t i = 0; i < n; ++i) got[k][order[start + i]] = out[i];
      start += n;
    }
    for (size_t i = 0; i < cases.size(); ++i) {
      if (got[k][i] != want[i]) {
        mismatch(std::string(KernelName(kernels[k])) + " says " +
                     (got[k][i] ? "valid" : "invalid") + ", OpenSSL " +
                     (want[i] ? "valid" : "invalid"),
                 cases[i]);
      }
    }
  }
  for (size_t k = 1; k < kernels.size(); ++k) {
    for (size_t i = 0; i < cases.size(); ++i) {
      if (got[k][i] != got[0][i]) mismatch("kernels disagree", cases[i]);
    }
  }
  EXPECT_EQ(tally.mismatches, 0u);
  return tally;
}

// Scalar encodings.
Bytes Le32(const Num& n) { return n.ToLe(); }

Bytes SPlusL(std::span<const uint8_t> s) {
  Num sum;
  BN_add(sum.get(), Num::FromLe(s).get(), OrderL().get());
  return Le32(sum);
}

Bytes LMinus(uint64_t k) {
  Num v = OrderL();
  BN_sub_word(v.get(), k);
  return Le32(v);
}

Bytes WithS(const Bytes& sig, const Bytes& s) {
  return Concat({sig.data(), 32}, s);
}

Bytes WithR(const Bytes& sig, const Bytes& r) {
  return Concat(r, {sig.data() + 32, 32});
}

// SmallYPoints returns the encodings y + p (non-canonical, y < 19) of the
// points with y < 19, both signs: R values no signature may use.
const std::vector<Bytes>& NonCanonicalPoints() {
  static const std::vector<Bytes> points = [] {
    std::vector<Bytes> out;
    for (uint64_t y = 0; y < 19; ++y) {
      Num v = FieldP();
      BN_add_word(v.get(), y);
      for (int sign = 0; sign < 2; ++sign) {
        Bytes raw = Le32(v);
        raw[31] |= static_cast<uint8_t>(sign << 7);
        if (Decode(raw)) out.push_back(raw);
      }
    }
    return out;
  }();
  return points;
}

// ---------------------------------------------------------------------------
// RFC 8032 §7.1, TESTs 1-3.

struct RfcVector {
  const char* secret;
  const char* public_key;
  const char* message;
  const char* signature;
};

constexpr RfcVector kRfcVectors[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

TEST(Ed25519BatchRfc8032, Tests1To3VerifyAndFailWithAnyFlippedBit) {
  std::vector<Case> cases;
  for (size_t v = 0; v < std::size(kRfcVectors); ++v) {
    const RfcVector& rfc = kRfcVectors[v];
    const Bytes key = FromHex(rfc.public_key), msg = FromHex(rfc.message);
    const Bytes sig = FromHex(rfc.signature);
    // The vectors as typed here are the RFC's: OpenSSL derives the same
    // public key and (Ed25519 being deterministic) the same signature.
    Pkey priv = testutil::Ed25519FromSeed(FromHex(rfc.secret));
    ASSERT_EQ(RawEd25519(priv.get()), key) << "TEST " << v + 1;
    ASSERT_EQ(SignEd25519(priv.get(), msg), sig) << "TEST " << v + 1;
    ASSERT_TRUE(VerifyEd25519Raw(key, msg, sig)) << "TEST " << v + 1;

    for (Ed25519BatchKernel kernel : Kernels()) {
      std::optional<Ed25519BatchKey> made = Ed25519BatchKey::Make(key, kernel);
      ASSERT_TRUE(made.has_value());
      const Ed25519BatchItem item{&*made, msg, sig};
      bool out = false;
      Ed25519BatchVerifier verifier;
      verifier.Verify(std::span<const Ed25519BatchItem>(&item, 1),
                      std::span<bool>(&out, 1), kernel);
      EXPECT_TRUE(out) << "TEST " << v + 1 << " " << KernelName(kernel);
    }

    const std::string name = "RFC 8032 TEST " + std::to_string(v + 1);
    cases.push_back(Case{key, msg, sig, name});
    // Each bit position of the signature and of the key is flipped in one
    // of the three vectors; every bit of the messages.
    for (size_t bit = v; bit < 512; bit += std::size(kRfcVectors)) {
      Bytes s = sig;
      s[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
      cases.push_back(
          Case{key, msg, s, name + " sig bit " + std::to_string(bit)});
    }
    for (size_t bit = v; bit < 256; bit += std::size(kRfcVectors)) {
      Bytes k = key;
      k[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
      cases.push_back(
          Case{k, msg, sig, name + " key bit " + std::to_string(bit)});
    }
    for (size_t bit = 0; bit < msg.size() * 8; ++bit) {
      Bytes m = msg;
      m[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
      cases.push_back(
          Case{key, m, sig, name + " msg bit " + std::to_string(bit)});
    }
    cases.push_back(Case{key, Concat(msg, Bytes{0}), sig, name + " msg + 00"});
  }
  const Tally tally = CheckCases(cases, 8032);
  EXPECT_EQ(tally.accepted, std::size(kRfcVectors));  // only the originals
}

// ---------------------------------------------------------------------------
// Random keys.

TEST(Ed25519BatchDifferential, RandomKeysValidAndMangled) {
  std::mt19937_64 rng(20260801);
  const int keys = 2000 / kScale;
  const std::vector<Bytes>& non_canonical = NonCanonicalPoints();
  ASSERT_FALSE(non_canonical.empty());
  std::vector<Case> cases;
  Bytes previous_key;
  constexpr int kKinds = 16;
  for (int i = 0; i < keys; ++i) {
    Pkey priv = testutil::Ed25519FromSeed(RandomBytes(rng, 32));
    const Bytes key = RawEd25519(priv.get());
    static constexpr size_t kLengths[] = {32, 32, 32, 32,  32,
                                          32, 0,  1,  100, 1000};
    const Bytes msg = RandomBytes(rng, kLengths[i % std::size(kLengths)]);
    const Bytes sig = SignEd25519(priv.get(), msg);
    cases.push_back(Case{key, msg, sig, "valid"});
    for (int j = 0; j < 2; ++j) {
      Case c{key, msg, sig, ""};
      const int bit = static_cast<int>(rng() % 256);
      const uint8_t mask = static_cast<uint8_t>(1 << (bit % 8));
      switch ((i * 2 + j) % kKinds) {
        case 0:
          c.sig[bit / 8] ^= mask;
          c.what = "R bit " + std::to_string(bit) + " flipped";
          break;
        case 1:
          c.sig[32 + bit / 8] ^= mask;
          c.what = "S bit " + std::to_string(bit) + " flipped";
          break;
        case 2:
          if (c.message.empty()) {
            c.message.push_back(0);
            c.what = "message + 00";
          } else {
            c.message[(bit / 8) % c.message.size()] ^= mask;
            c.what = "message bit flipped";
          }
          break;
        case 3:
          c.key[bit / 8] ^= mask;
          c.what = "key bit " + std::to_string(bit) + " flipped";
          break;
        case 4:
          c.sig = WithS(sig, SPlusL({sig.data() + 32, 32}));
          c.what = "S + L";
          break;
        case 5:
          c.sig = WithS(sig, LMinus(1));
          c.what = "S = L - 1";
          break;
        case 6:
          c.sig = WithS(sig, Bytes(32, 0));
          c.what = "S = 0";
          break;
        case 7:
          c.sig[63] |= static_cast<uint8_t>(0x20 << (rng() % 3));
          c.what = "S top bits set";
          break;
        case 8:
          c.sig = WithS(sig, LMinus(0));
          c.what = "S = L";
          break;
        case 9:
          c.sig = WithR(sig, RandomBytes(rng, 32));
          c.what = "R random";
          break;
        case 10:
          c.sig[31] ^= 0x80;
          c.what = "R sign bit toggled";
          break;
        case 11:
          c.sig = WithR(sig, non_canonical[rng() % non_canonical.size()]);
          c.what = "R non-canonical (y + p)";
          break;
        case 12:
          c.key[31] ^= 0x80;
          c.what = "key sign bit toggled (-A)";
          break;
        case 13:
          if (!previous_key.empty()) c.key = previous_key;
          c.what = "another key's";
          break;
        case 14:
          c.sig = WithS(sig, SPlusL(LMinus(1 + rng() % 1000)));
          c.what = "S = 2L - small";
          break;
        case 15:
          c.sig = Bytes(64, 0);
          c.sig[0] = 1;  // R = identity, S = 0
          c.what = "R = identity, S = 0";
          break;
      }
      cases.push_back(std::move(c));
    }
    previous_key = key;
  }
  const Tally tally = CheckCases(cases, 1);
  EXPECT_EQ(tally.accepted, static_cast<size_t>(keys));
  EXPECT_GT(tally.not_points, 0u);  // some flipped keys are not points
}

// ---------------------------------------------------------------------------
// Edge keys.

// EdgeKey is a key encoding; `known` when its point is [a]B + [t]T with a
// and t known, so that signatures OpenSSL accepts can be made for it.
struct EdgeKey {
  Bytes raw;
  std::string what;
  bool known = false;
  Num a;
  int t = 0;
};

// Classify fills in a = 0 and t when `raw` decodes to a torsion point.
EdgeKey Classify(const Bytes& raw, const std::string& what) {
  EdgeKey key;
  key.raw = raw;
  key.what = what;
  if (std::optional<Point> p = Decode(raw)) {
    const int t = TorsionIndex(*p);
    if (t >= 0) {
      key.known = true;
      key.a = Num(0);
      key.t = t;
    }
  }
  return key;
}

std::vector<EdgeKey> EdgeKeys(std::mt19937_64& rng) {
  const Curve& ref = Ref();
  std::vector<EdgeKey> keys;
  // The 8 small-order points.
  for (int k = 0; k < 8; ++k) {
    keys.push_back(
        Classify(Encode(ref.torsion[k]), "torsion " + std::to_string(k)));
  }
  // y < 19 and y + p (non-canonical; y = p..2^255-1), both signs.
  for (uint64_t y = 0; y < 19; ++y) {
    for (int plus_p = 0; plus_p < 2; ++plus_p) {
      Num v(y);
      if (plus_p) BN_add(v.get(), v.get(), FieldP().get());
      for (int sign = 0; sign < 2; ++sign) {
        Bytes raw = Le32(v);
        raw[31] |= static_cast<uint8_t>(sign << 7);
        keys.push_back(Classify(
            raw, "y = " + std::string(plus_p ? "p + " : "") +
                     std::to_string(y) + ", sign " + std::to_string(sign)));
      }
    }
  }
  // x = 0 with the sign bit: y = 1 (identity) and y = p - 1 (order 2).
  Bytes minus_one = Le32(FSub(Num(0), Num(1)));
  keys.push_back(Classify(minus_one, "y = p - 1, sign 0"));
  minus_one[31] |= 0x80;
  keys.push_back(Classify(minus_one, "y = p - 1, sign 1"));
  keys.push_back(Classify(Bytes(32, 0), "all zero"));
  keys.push_back(Classify(Bytes(32, 0xff), "all 0xff"));
  Bytes ff7f(32, 0xff);
  ff7f[31] = 0x7f;
  keys.push_back(Classify(ff7f, "2^255 - 1, sign 0"));
  // Keys with a torsion component: [a]B + [t]T, and their negations
  // (sign bit toggled).
  for (int t = 0; t < 8; ++t) {
    for (int rep = 0; rep < 2; ++rep) {
      const Num a = RandomScalar(rng);
      const Point point = PAdd(PMul(a, ref.base), ref.torsion[t]);
      EdgeKey key{Encode(point), "[a]B + [" + std::to_string(t) + "]T", true, a,
                  t};
      keys.push_back(key);
      EdgeKey neg = key;
      neg.raw[31] ^= 0x80;
      neg.what += ", negated";
      BN_sub(neg.a.get(), OrderL().get(), a.get());
      neg.t = (8 - t) % 8;
      keys.push_back(neg);
    }
  }
  // Random bytes: about half are not points.
  for (int i = 0; i < 120 / kScale; ++i) {
    keys.push_back(Classify(RandomBytes(rng, 32), "random bytes"));
  }
  return keys;
}

TEST(Ed25519BatchDifferential, EdgeKeys) {
  std::mt19937_64 rng(25519);
  const Curve& ref = Ref();
  const std::vector<EdgeKey> keys = EdgeKeys(rng);
  std::vector<Case> cases;
  size_t predicted_accepts = 0, prediction_errors = 0, noncanonical_holds = 0;
  for (const EdgeKey& key : keys) {
    const std::string& w = key.what;
    // A random signature (S below 2^252 < L).
    Bytes random_sig = RandomBytes(rng, 64);
    random_sig[63] &= 0x0f;
    cases.push_back(Case{key.raw, RandomBytes(rng, 32), random_sig,
                         w + ": random signature"});
    // S = 0 and R each small-order point: OpenSSL accepts some of these
    // under small-order keys.
    const Bytes msg = RandomBytes(rng, 32);
    for (int j = 0; j < 8; ++j) {
      cases.push_back(Case{key.raw, msg,
                           Concat(Encode(ref.torsion[j]), Bytes(32, 0)),
                           w + ": S = 0, R = [" + std::to_string(j) + "]T"});
    }
    if (!key.known) continue;
    // Signatures from the key's decomposition A = [a]B + [t]T: R = [r]B +
    // [j]T and S = r + h a give [S]B - [h]A = [r]B - [h t]T, which is R
    // exactly when j = -h t (mod 8); OpenSSL also needs R's encoding to be
    // the canonical one. Rounds: r = 0 with every encoding of a small-order
    // point as R (non-canonical ones too, which must fail even where the
    // equation holds); r just below L (S = r when a = 0: the largest valid
    // S); r random.
    for (int round = 0; round < 3; ++round) {
      Num r = RandomScalar(rng);
      if (round == 0) r = Num(0);
      if (round == 1) {
        r = OrderL();
        BN_sub_word(r.get(), 1 + rng() % 1000000);
      }
      const Point rb = PMul(r, ref.base);
      const Bytes m = RandomBytes(rng, round == 2 ? rng() % 70 : 32);
      std::vector<std::pair<Bytes, int>> candidates;  // R's encoding, j
      if (round == 0) {
        for (const Bytes& enc : TorsionEncodings()) {
          candidates.emplace_back(enc, TorsionIndex(*Decode(enc)));
        }
      } else {
        for (int j = 0; j < 8; ++j) {
          candidates.emplace_back(Encode(PAdd(rb, ref.torsion[j])), j);
        }
      }
      for (const auto& [r_enc, j] : candidates) {
        const bool canonical = r_enc == Encode(*Decode(r_enc));
        const Num h = HashScalar(r_enc, key.raw, m);
        const Num s = ScalarAdd(r, ScalarMul(h, key.a));
        const Bytes sig = Concat(r_enc, Le32(s));
        const int h8 = static_cast<int>(BN_mod_word(h.get(), 8));
        const bool holds = j == (8 - h8 * key.t % 8) % 8;
        const bool predicted = holds && canonical;
        noncanonical_holds += holds && !canonical;
        static const char* kRounds[] = {"0", "near L", "random"};
        const Case c{key.raw, m, sig,
                     w + ": crafted, r " + kRounds[round] + ", R = " +
                         (round ? "[r]B + " : "") + "[" + std::to_string(j) +
                         "]T" + (canonical ? "" : " (non-canonical)") +
                         (holds ? ", equation holds" : "")};
        // The prediction is OpenSSL's rule as this file reads it; the
        // kernels are compared with OpenSSL either way.
        if (VerifyEd25519Raw(c.key, c.message, c.sig) != predicted &&
            ++prediction_errors <= 5) {
          ADD_FAILURE() << "reference predicts " << predicted
                        << ", OpenSSL disagrees: " << Describe(c);
        }
        cases.push_back(c);
        if (!predicted) continue;
        ++predicted_accepts;
        // The accepted signature, mangled.
        const int bit = static_cast<int>(rng() % 256);
        const uint8_t mask = static_cast<uint8_t>(1 << (bit % 8));
        Case mangled = c;
        mangled.sig[bit / 8] ^= mask;
        mangled.what = c.what + ", R bit " + std::to_string(bit);
        cases.push_back(mangled);
        mangled = c;
        mangled.sig[32 + bit / 8] ^= mask;
        mangled.what = c.what + ", S bit " + std::to_string(bit);
        cases.push_back(mangled);
        mangled = c;
        mangled.sig = WithS(c.sig, SPlusL({c.sig.data() + 32, 32}));
        mangled.what = c.what + ", S + L";
        cases.push_back(mangled);
        mangled = c;
        mangled.sig[31] ^= 0x80;
        mangled.what = c.what + ", R sign toggled";
        cases.push_back(mangled);
        mangled = c;
        mangled.message.push_back(0x2a);
        mangled.what = c.what + ", message + 2a";
        cases.push_back(mangled);
      }
    }
  }
  EXPECT_EQ(prediction_errors, 0u);
  const Tally tally = CheckCases(cases, 2, /*check_tables=*/true);
  EXPECT_GE(tally.accepted, predicted_accepts);
  EXPECT_GE(predicted_accepts, 40u);
  EXPECT_GT(noncanonical_holds, 5u);
  EXPECT_GT(tally.not_points, 20u);
  GTEST_LOG_(INFO) << tally.cases << " cases on " << keys.size()
                   << " edge keys, " << tally.accepted << " accepted, "
                   << tally.not_points << " keys not points";
}

// Small-order and non-canonical keys must accept exactly what OpenSSL
// accepts, acceptance included: each such key gets at least one.
TEST(Ed25519BatchDifferential, EdgeKeysHaveAcceptedSignatures) {
  std::mt19937_64 rng(8);
  const Curve& ref = Ref();
  const char* kKeys[] = {"torsion",       "y = p + 0",         "y = p + 1",
                         "y = 1, sign 1", "y = p - 1, sign 1", "all zero"};
  std::vector<EdgeKey> keys;
  for (const EdgeKey& key : EdgeKeys(rng)) {
    for (const char* prefix : kKeys) {
      if (key.known && key.what.rfind(prefix, 0) == 0) keys.push_back(key);
    }
  }
  ASSERT_GE(keys.size(), 14u);
  for (const EdgeKey& key : keys) {
    // Messages until an S = 0, R = small-order signature is valid.
    std::vector<Case> cases;
    bool found = false;
    for (int tries = 0; tries < 64 && !found; ++tries) {
      const Bytes msg = RandomBytes(rng, 32);
      for (int j = 0; j < 8; ++j) {
        Case c{key.raw, msg, Concat(Encode(ref.torsion[j]), Bytes(32, 0)),
               key.what + ": S = 0, R = [" + std::to_string(j) + "]T"};
        found |= VerifyEd25519Raw(c.key, c.message, c.sig);
        cases.push_back(std::move(c));
      }
    }
    EXPECT_TRUE(found) << key.what;
    const Tally tally = CheckCases(cases, 3);
    EXPECT_GT(tally.accepted, 0u) << key.what;
  }
}

TEST(Ed25519BatchKey, MakeRejectsWrongSizes) {
  for (Ed25519BatchKernel kernel : Kernels()) {
    EXPECT_FALSE(Ed25519BatchKey::Make(Bytes(31, 1), kernel));
    EXPECT_FALSE(Ed25519BatchKey::Make(Bytes(33, 1), kernel));
    EXPECT_FALSE(Ed25519BatchKey::Make(Bytes(), kernel));
  }
}

TEST(Ed25519BatchKey, TablesHoldMultiplesAndMatchAcrossKernels) {
  std::mt19937_64 rng(11);
  std::vector<Case> cases;
  for (int i = 0; i < 50; ++i) {
    Pkey priv = testutil::Ed25519FromSeed(RandomBytes(rng, 32));
    cases.push_back(Case{RawEd25519(priv.get()), {}, Bytes(64, 0), "random"});
  }
  CheckCases(cases, 4, /*check_tables=*/true);
}

// The constant base table is what both kernels' BaseTable computes, in
// every lane, and holds 1B..8B as (y+x, y-x, 2dxy) of the reference's B.
TEST(Ed25519BatchKey, BaseTableIsTheKernelsAndTheReferences) {
  using internal::kEdBaseTableWords;
  using internal::kEdLanes;
  const uint64_t* table = internal::Ed25519BaseTable();
  std::vector<const internal::Ed25519Kernel*> kernels = {
      &internal::Ed25519ScalarKernel()};
  if (internal::Ed25519IfmaSupported()) {
    kernels.push_back(&internal::Ed25519IfmaKernel());
  }
  for (const internal::Ed25519Kernel* kernel : kernels) {
    std::vector<uint64_t> computed(kEdBaseTableWords * kEdLanes);
    kernel->base_table(computed.data());
    EXPECT_TRUE(std::equal(computed.begin(), computed.end(), table))
        << (kernel == kernels[0] ? "scalar" : "ifma");
  }
  Point multiple = Ref().base;
  for (int k = 1; k <= 8; ++k) {
    const Num x = multiple.x, y = multiple.y;
    const Num want[3] = {FAdd(y, x), FSub(y, x),
                         FMul(FMul(Num(2), CurveD()), FMul(x, y))};
    for (int c = 0; c < 3; ++c) {
      for (int lane = 0; lane < kEdLanes; ++lane) {
        Num v;
        for (int limb = 4; limb >= 0; --limb) {
          BN_lshift(v.get(), v.get(), 52);
          BN_add_word(v.get(),
                      table[(((k - 1) * 3 + c) * 5 + limb) * kEdLanes + lane]);
        }
        EXPECT_EQ(FMod(v), want[c])
            << "k=" << k << " c=" << c << " lane=" << lane;
      }
    }
    multiple = PAdd(multiple, Ref().base);
  }
}

// ---------------------------------------------------------------------------
// Batch shapes.

TEST(Ed25519BatchDifferential, BatchShapesAndWrongLengths) {
  std::mt19937_64 rng(99);
  // A pool: 20 keys, 6 messages each, valid and mangled signatures, and
  // signatures of 0, 63 and 65 bytes.
  struct Entry {
    size_t key;
    Bytes message, sig;
    bool valid;  // unchanged signature of 64 bytes
  };
  std::vector<Bytes> raws;
  std::vector<Entry> pool;
  for (size_t k = 0; k < 20; ++k) {
    Pkey priv = testutil::GenerateEd25519();
    raws.push_back(RawEd25519(priv.get()));
    for (int m = 0; m < 6; ++m) {
      const Bytes msg = RandomBytes(rng, 32);
      Bytes sig = SignEd25519(priv.get(), msg);
      switch (m) {
        case 1:
          sig[rng() % 64] ^= static_cast<uint8_t>(1 << (rng() % 8));
          break;
        case 2:
          sig.pop_back();  // 63 bytes
          break;
        case 3:
          sig.push_back(0);  // 65 bytes
          break;
        case 4:
          sig.clear();
          break;
      }
      pool.push_back(Entry{k, msg, sig, m == 0 || m == 5});
    }
  }
  for (Ed25519BatchKernel kernel : Kernels()) {
    std::vector<Ed25519BatchKey> keys;
    for (const Bytes& raw : raws) {
      keys.push_back(*Ed25519BatchKey::Make(raw, kernel));
    }
    Ed25519BatchVerifier verifier;
    // Empty batch.
    verifier.Verify({}, {}, kernel);
    int checked = 0;
    for (size_t n : {1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 15, 16, 17, 24, 100}) {
      for (int shape = 0; shape < 4; ++shape) {
        // 0: random mix; 1: one key only; 2: valid signatures only, then
        // one wrong length in the middle; 3: wrong lengths and valid
        // alternating.
        std::vector<const Entry*> picked;
        const size_t one_key = rng() % raws.size();
        while (picked.size() < n) {
          const Entry& e = pool[rng() % pool.size()];
          const bool wrong_length = e.sig.size() != 64;
          if (shape == 1 && e.key != one_key) continue;
          if (shape == 2 && !e.valid) continue;
          if (shape == 3 && (picked.size() % 2 == 0) != wrong_length) continue;
          picked.push_back(&e);
        }
        if (shape == 2) {
          for (const Entry& e : pool) {
            if (e.sig.empty()) {
              picked[n / 2] = &e;
              break;
            }
          }
        }
        std::vector<Ed25519BatchItem> items;
        for (const Entry* e : picked) {
          items.push_back(Ed25519BatchItem{&keys[e->key], e->message, e->sig});
        }
        std::unique_ptr<bool[]> out(new bool[n]);
        for (size_t i = 0; i < n; ++i) out[i] = (i % 2) == 0;  // garbage
        verifier.Verify(items, std::span<bool>(out.get(), n), kernel);
        for (size_t i = 0; i < n; ++i) {
          const Entry& e = *picked[i];
          const bool want = VerifyEd25519Raw(raws[e.key], e.message, e.sig);
          EXPECT_EQ(out[i], want)
              << KernelName(kernel) << " n=" << n << " shape " << shape
              << " item " << i << "\n  key " << Hex(raws[e.key]) << "\n  sig "
              << Hex(e.sig) << "\n  msg " << Hex(e.message);
          ++checked;
        }
      }
    }
    EXPECT_EQ(checked, 4 * 230);
  }
}

}  // namespace
}  // namespace dkimbatch::engine
