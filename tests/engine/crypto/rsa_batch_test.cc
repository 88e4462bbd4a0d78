// tests/engine/crypto/rsa_batch_test.cc
//
// The batched RSA verifier against OpenSSL, which is the reference:
//   - kernels: s^65537 mod n from the scalar and IFMA kernels against
//     BN_mod_exp on thousands of random odd moduli of each size (and the
//     extreme ones), 8 different moduli per IFMA call;
//   - differential: every item (valid signatures, one flipped bit, s >= n,
//     0, 1, n - 1, wrong DigestInfo, odd digest lengths, padding edge cases,
//     wrong lengths...) verified by RsaBatchVerifyWith in shuffled, mixed-
//     size, partially filled batches and by engine::VerifyRsa (EVP); any
//     difference fails.
// The IFMA halves skip, saying so, on CPUs without AVX-512 IFMA.
#include "engine/crypto/rsa_batch.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/crypto/public_key.h"
#include "engine/crypto/rsa_batch_kernels.h"
#include "gtest/gtest.h"
#include "tests/engine/crypto/rsa_test_keys.h"
#include "tests/engine/test_keys.h"

namespace dkimbatch::engine {
namespace {

using testutil::BnCtxPtr;
using testutil::BnFromBytes;
using testutil::BnPtr;
using testutil::BnToBytes;
using testutil::Bytes;
using testutil::NewBn;

// Sanitizer builds run the same cases on fewer keys.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kScale = 4;
#else
constexpr int kScale = 1;
#endif

constexpr size_t kSizes[] = {128, 256, 384, 512};  // modulus bytes

bool IfmaSupported() { return RsaBatchKernelSupported(RsaBatchKernel::kIfma); }

const char* kNoIfma =
    "this CPU has no AVX-512 IFMA: the IFMA kernel is not tested here";

// ---------------------------------------------------------------------------
// Kernels against BN_mod_exp.

// ToLimbs splits `b` into `limbs` 52-bit limbs (an implementation
// independent of rsa_batch.cc's, bit by bit).
std::vector<uint64_t> ToLimbs(const BIGNUM* b, int limbs) {
  std::vector<uint64_t> out(static_cast<size_t>(limbs), 0);
  for (int bit = 0; bit < BN_num_bits(b); ++bit) {
    if (BN_is_bit_set(b, bit)) out[bit / 52] |= uint64_t{1} << (bit % 52);
  }
  return out;
}

BnPtr FromLimbs(const std::vector<uint64_t>& limbs) {
  BnPtr b = NewBn();
  for (size_t i = 0; i < limbs.size(); ++i) {
    for (int bit = 0; bit < 64; ++bit) {
      if ((limbs[i] >> bit) & 1) {
        // Unnormalized limbs would show up as bits above 52: add them in.
        BnPtr one = NewBn();
        BN_one(one.get());
        BN_lshift(one.get(), one.get(), static_cast<int>(52 * i) + bit);
        BN_add(b.get(), b.get(), one.get());
      }
    }
  }
  return b;
}

// RandomModulus returns an odd k-byte modulus: random, or for small
// `shape` one of the extremes (all ones, 0x80..01, 0x01 00..01, sparse).
Bytes RandomModulus(size_t k, int shape, std::mt19937_64& rng) {
  Bytes n(k);
  for (uint8_t& b : n) b = static_cast<uint8_t>(rng());
  switch (shape) {
    case 0:
      std::fill(n.begin(), n.end(), 0xff);
      break;
    case 1:
      std::fill(n.begin(), n.end(), 0);
      n[0] = 0x80;
      break;
    case 2:
      std::fill(n.begin(), n.end(), 0);
      n[0] = 0x01;
      break;
    case 3:
      for (size_t i = 1; i < k; ++i) n[i] = i % 7 == 0 ? n[i] : 0;
      break;
    case 4:
      std::fill(n.begin() + 1, n.end(), 0xff);
      n[0] = 0x7f;
      break;
  }
  if (n[0] == 0) n[0] = 1;
  n[k - 1] |= 1;
  return n;
}

// RandomBelow returns a random number below `n` (rejection sampling on
// n's bit length), as a BIGNUM.
BnPtr RandomBelow(const BIGNUM* n) {
  BnPtr r = NewBn();
  if (BN_rand_range(r.get(), n) != 1) std::abort();
  return r;
}

struct KernelCase {
  std::optional<RsaBatchKey> key;
  BnPtr n, s;
  std::vector<uint64_t> s_limbs, out_scalar, out_ifma;
};

TEST(RsaBatchKernels, MatchBnModExp) {
  std::mt19937_64 rng(20261123);
  BnCtxPtr ctx(BN_CTX_new());
  BnPtr e = NewBn();
  BN_set_word(e.get(), 65537);
  const bool ifma = IfmaSupported();
  int checked = 0;
  for (size_t k : kSizes) {
    const int moduli = static_cast<int>(4096 / k) * 60 / kScale;
    std::vector<KernelCase> cases;
    for (int m = 0; m < moduli; ++m) {
      const Bytes n_bytes = RandomModulus(k, m, rng);
      KernelCase c;
      c.key = RsaBatchKey::Make(n_bytes, 65537);
      ASSERT_TRUE(c.key) << "k=" << k << " modulus " << m;
      c.n = BnFromBytes(n_bytes);
      // s: 0, 1, 2, n - 1, n - 2, then random below n.
      c.s = NewBn();
      const int which = m % 8;
      if (which <= 2) {
        BN_set_word(c.s.get(), static_cast<unsigned long>(which));
      } else if (which <= 4) {
        BN_sub(c.s.get(), c.n.get(), BN_value_one());
        if (which == 4) BN_sub(c.s.get(), c.s.get(), BN_value_one());
      } else {
        c.s = RandomBelow(c.n.get());
      }
      c.s_limbs = ToLimbs(c.s.get(), c.key->limbs);
      cases.push_back(std::move(c));
    }
    const size_t limbs = static_cast<size_t>(cases[0].key->limbs);
    auto lane_of = [&](KernelCase& c, std::vector<uint64_t>* out) {
      out->assign(limbs, 0);
      return internal::RsaLane{c.key->n.data(), c.key->rr.data(), c.key->k0,
                               c.s_limbs.data(), out->data()};
    };
    for (KernelCase& c : cases) {
      internal::Pow65537Scalar(c.key->limbs, lane_of(c, &c.out_scalar));
    }
    if (ifma) {
      // Groups of 1..8 lanes, each lane its own modulus.
      for (size_t i = 0; i < cases.size();) {
        const size_t count = std::min<size_t>(1 + rng() % 8, cases.size() - i);
        std::vector<internal::RsaLane> lanes;
        for (size_t l = 0; l < count; ++l) {
          lanes.push_back(lane_of(cases[i + l], &cases[i + l].out_ifma));
        }
        internal::Pow65537Ifma(static_cast<int>(limbs), lanes);
        i += count;
      }
    }
    BnPtr want = NewBn(), two_n = NewBn(), got = NewBn();
    for (size_t i = 0; i < cases.size(); ++i) {
      KernelCase& c = cases[i];
      BN_mod_exp(want.get(), c.s.get(), e.get(), c.n.get(), ctx.get());
      BN_lshift1(two_n.get(), c.n.get());
      for (const std::vector<uint64_t>* out : {&c.out_scalar, &c.out_ifma}) {
        if (out->empty()) continue;
        const char* kernel = out == &c.out_scalar ? "scalar" : "ifma";
        for (uint64_t limb : *out) {
          ASSERT_LE(limb, internal::kLimbMask) << kernel << " k=" << k;
        }
        BnPtr r = FromLimbs(*out);
        ASSERT_LT(BN_cmp(r.get(), two_n.get()), 0) << kernel << " k=" << k;
        BN_mod(got.get(), r.get(), c.n.get(), ctx.get());
        ASSERT_EQ(BN_cmp(got.get(), want.get()), 0)
            << kernel << " k=" << k << " case " << i;
        ++checked;
      }
      if (ifma) {
        ASSERT_EQ(c.out_scalar, c.out_ifma) << "k=" << k << " case " << i;
      }
    }
  }
  if (!ifma) GTEST_SKIP() << kNoIfma << " (scalar checked: " << checked << ")";
}

TEST(RsaBatchKey, MakeAcceptsOnlyKernelSizesOddModuliAndE65537) {
  std::mt19937_64 rng(7);
  for (size_t k : {64, 96, 127, 129, 192, 255, 257, 320, 511, 513, 1024}) {
    EXPECT_FALSE(RsaBatchKey::Make(RandomModulus(k, 9, rng), 65537)) << k;
  }
  for (size_t k : kSizes) {
    Bytes n = RandomModulus(k, 9, rng);
    std::optional<RsaBatchKey> key = RsaBatchKey::Make(n, 65537);
    ASSERT_TRUE(key) << k;
    EXPECT_EQ(key->modulus_bytes, k);
    for (uint64_t e : {3ull, 17ull, 65535ull, 65539ull, 0x100000001ull}) {
      EXPECT_FALSE(RsaBatchKey::Make(n, e)) << k << " e=" << e;
    }
    // Leading zero bytes do not count.
    Bytes padded(3, 0);
    padded.insert(padded.end(), n.begin(), n.end());
    ASSERT_TRUE(RsaBatchKey::Make(padded, 65537));
    EXPECT_EQ(RsaBatchKey::Make(padded, 65537)->modulus_bytes, k);
    // Even moduli have no Montgomery form (OpenSSL refuses them too).
    n.back() &= 0xfe;
    EXPECT_FALSE(RsaBatchKey::Make(n, 65537)) << k;
  }
}

// ---------------------------------------------------------------------------
// Differential: RsaBatchVerifyWith against engine::VerifyRsa (EVP).

// DigestInfo prefixes, written out here independently of rsa_batch.cc.
const Bytes kSha256Prefix = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                             0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                             0x01, 0x05, 0x00, 0x04, 0x20};
const Bytes kSha1Prefix = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
                           0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
// The same without the NULL parameters (RFC 8017 §9.2 note 2 says some
// verifiers accept these; OpenSSL 3 does not).
const Bytes kSha256PrefixNoNull = {0x30, 0x2f, 0x30, 0x0b, 0x06, 0x09,
                                   0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
                                   0x04, 0x02, 0x01, 0x04, 0x20};
const Bytes kSha1PrefixNoNull = {0x30, 0x1f, 0x30, 0x07, 0x06, 0x05, 0x2b,
                                 0x0e, 0x03, 0x02, 0x1a, 0x04, 0x14};

// Em builds 0x00 0x01 0xff.. 0x00 t (k bytes; `t` leaves room for 0 or
// more 0xff).
Bytes Em(size_t k, const Bytes& t) {
  Bytes em(k, 0xff);
  em[0] = 0x00;
  em[1] = 0x01;
  em[k - t.size() - 1] = 0x00;
  std::copy(t.begin(), t.end(), em.end() - static_cast<long>(t.size()));
  return em;
}

Bytes Cat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

struct TestKey {
  std::string label;
  size_t k = 0;
  std::unique_ptr<testutil::RsaSigner> signer;
  PublicKey pub;  // what engine::VerifyRsa uses
  std::optional<RsaBatchKey> batch;
  Bytes n;  // big-endian, k bytes
};

TestKey MakeTestKey(std::string label,
                    std::unique_ptr<testutil::RsaSigner> signer) {
  TestKey key;
  key.label = std::move(label);
  key.signer = std::move(signer);
  std::string error;
  if (!ParsePublicKey(KeyType::kRsa, testutil::SpkiDer(key.signer->Public()),
                      &key.pub, &error)) {
    ADD_FAILURE() << key.label << ": " << error;
    return key;
  }
  BIGNUM* n = nullptr;
  if (EVP_PKEY_get_bn_param(key.signer->Public(), OSSL_PKEY_PARAM_RSA_N, &n) !=
      1) {
    std::abort();
  }
  key.k = static_cast<size_t>(BN_num_bytes(n));
  key.n = BnToBytes(n, key.k);
  BN_free(n);
  key.batch = RsaBatchKey::Make(key.n, 65537);
  return key;
}

// The test keys, made once: many multi-prime keys of each size, and EVP
// keys of 1024 and 2048 bits (whose own PKCS#1 signatures must match the
// encoding this test builds).
const std::vector<TestKey>& Keys() {
  static const auto* keys = [] {
    auto* out = new std::vector<TestKey>();
    struct Plan {
      int bits, evp, multi;
    };
    uint64_t seed = 1;
    // Moduli a few bits short of a whole size are still k bytes long (k =
    // 128, 256, 384, 512) and batched the same way.
    for (Plan p : {Plan{1024, 2, 64}, Plan{2048, 1, 48}, Plan{3072, 0, 16},
                   Plan{4096, 0, 12}, Plan{1017, 0, 4}, Plan{1020, 0, 4},
                   Plan{2044, 0, 4}, Plan{2047, 0, 4}, Plan{3070, 0, 4},
                   Plan{4093, 0, 4}}) {
      for (int i = 0; i < (p.evp + kScale - 1) / kScale; ++i) {
        out->push_back(MakeTestKey(
            "evp" + std::to_string(p.bits) + "#" + std::to_string(i),
            std::make_unique<testutil::EvpSigner>(
                testutil::GenerateRsa(p.bits))));
      }
      for (int i = 0; i < (p.multi + kScale - 1) / kScale; ++i) {
        out->push_back(MakeTestKey(
            "mp" + std::to_string(p.bits) + "#" + std::to_string(i),
            std::make_unique<testutil::MultiPrimeSigner>(p.bits, seed++)));
      }
    }
    return out;
  }();
  return *keys;
}

struct Case {
  const TestKey* key;
  std::string what;
  HashAlg alg;
  Bytes digest;
  Bytes signature;
  bool openssl = false;  // engine::VerifyRsa's verdict
};

// CasesFor makes the items for one key and hash algorithm. `expect_valid`
// lists the cases built to be valid: the test checks that OpenSSL agrees,
// so a broken test encoding cannot make everything "agree" on false.
void CasesFor(const TestKey& key, HashAlg alg, std::mt19937_64& rng,
              std::vector<Case>* cases, std::vector<size_t>* expect_valid) {
  const size_t k = key.k;
  const bool sha256 = alg == HashAlg::kSha256;
  const Bytes& prefix = sha256 ? kSha256Prefix : kSha1Prefix;
  Bytes digest(DigestSize(alg));
  for (uint8_t& b : digest) b = static_cast<uint8_t>(rng());
  auto add = [&](std::string what, Bytes d, Bytes sig, bool valid = false) {
    if (valid) expect_valid->push_back(cases->size());
    cases->push_back(
        Case{&key, std::move(what), alg, std::move(d), std::move(sig)});
  };
  auto sign = [&](const Bytes& em) { return key.signer->RawSign(em); };

  const Bytes valid = sign(Em(k, Cat(prefix, digest)));
  add("valid", digest, valid, true);
  if (dynamic_cast<const testutil::EvpSigner*>(key.signer.get()) != nullptr) {
    // OpenSSL's own PKCS#1 v1.5 signature of the digest.
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key.signer->Public(), nullptr);
    size_t len = k;
    Bytes sig(len);
    if (ctx == nullptr || EVP_PKEY_sign_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx, EvpMd(alg)) != 1 ||
        EVP_PKEY_sign(ctx, sig.data(), &len, digest.data(), digest.size()) !=
            1) {
      std::abort();
    }
    EVP_PKEY_CTX_free(ctx);
    EXPECT_EQ(sig, valid) << key.label << ": PKCS#1 v1.5 is deterministic";
    add("evp-signed", digest, sig, true);
  }
  for (int i = 0; i < 3; ++i) {
    Bytes bad = valid;
    const size_t bit = rng() % (8 * k);
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    add("signature bit " + std::to_string(bit) + " flipped", digest, bad);
  }
  {
    Bytes bad = digest;
    const size_t bit = rng() % (8 * bad.size());
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    add("digest bit flipped", bad, valid);
  }
  // The other algorithm's label on this signature.
  const HashAlg other = sha256 ? HashAlg::kSha1 : HashAlg::kSha256;
  cases->push_back(Case{
      &key, "other hash label", other,
      Bytes(digest.begin(),
            digest.begin() +
                static_cast<long>(std::min(digest.size(), DigestSize(other)))),
      valid});

  // Numbers at and beyond the edges of [0, n).
  BnPtr n = BnFromBytes(key.n), x = NewBn();
  add("zero", digest, Bytes(k, 0));
  {
    Bytes one(k, 0);
    one[k - 1] = 1;
    add("one", digest, one);
  }
  BN_sub(x.get(), n.get(), BN_value_one());
  add("n - 1", digest, BnToBytes(x.get(), k));
  add("n", digest, key.n);
  BN_add(x.get(), n.get(), BN_value_one());
  if (BN_num_bytes(x.get()) <= static_cast<int>(k)) {
    add("n + 1", digest, BnToBytes(x.get(), k));
  }
  add("all ones", digest, Bytes(k, 0xff));
  BnPtr s = BnFromBytes(valid);
  BN_add(x.get(), s.get(), n.get());
  if (BN_num_bytes(x.get()) <= static_cast<int>(k)) {
    add("valid + n", digest, BnToBytes(x.get(), k));
  }
  {
    Bytes random(k);
    for (uint8_t& b : random) b = static_cast<uint8_t>(rng());
    add("random bytes", digest, random);
  }

  // Lengths: OpenSSL wants exactly k bytes, even with leading zeros.
  add("truncated", digest, Bytes(valid.begin() + 1, valid.end()));
  add("empty", digest, Bytes());
  {
    Bytes longer(1, 0);
    longer.insert(longer.end(), valid.begin(), valid.end());
    add("leading zero added", digest, longer);
  }

  // Encodings other than the one expected.
  const Bytes& no_null = sha256 ? kSha256PrefixNoNull : kSha1PrefixNoNull;
  add("DigestInfo without NULL", digest, sign(Em(k, Cat(no_null, digest))));
  {
    Bytes t = Cat(prefix, digest);
    t[sha256 ? 14 : 10] ^= 1;  // last OID byte
    add("wrong OID", digest, sign(Em(k, t)));
    t = Cat(prefix, digest);
    t[1] ^= 0x40;  // outer SEQUENCE length
    add("wrong DigestInfo length", digest, sign(Em(k, t)));
  }
  {
    Bytes em = Em(k, Cat(prefix, digest));
    em[1] = 0x02;
    add("block type 2", digest, sign(em));
    em = Em(k, Cat(prefix, digest));
    em[2 + rng() % (k - prefix.size() - digest.size() - 3)] = 0xfe;
    add("padding byte not 0xff", digest, sign(em));
    em = Em(k, Cat(prefix, digest));
    em[k - prefix.size() - digest.size() - 1] = 0xff;
    add("no separator", digest, sign(em));
    // A zero inside the padding makes the DigestInfo start too early.
    em = Em(k, Cat(Bytes(1, 0), Cat(prefix, digest)));
    add("zero before DigestInfo", digest, sign(em));
    // 0x01 0xff.. without the leading zero byte: a number too big for n,
    // or signed as is when it fits below n.
    em = Em(k, Cat(prefix, digest));
    em.erase(em.begin());
    em.push_back(0xab);
    if (BN_cmp(BnFromBytes(em).get(), n.get()) < 0) {
      add("no leading zero", digest, sign(em));
    }
  }
  // Digest lengths OpenSSL does not check: the DigestInfo prefix is fixed
  // by the algorithm and the digest bytes follow, whatever their number,
  // as long as 8 bytes of 0xff padding remain.
  const size_t room = k - 3 - prefix.size();  // digest bytes with 0 padding
  for (size_t len :
       {size_t{0}, size_t{1}, digest.size() - 1, digest.size() + 1, size_t{64},
        room - 9, room - 8, room - 7, room - 1, room}) {
    Bytes d(len);
    for (uint8_t& b : d) b = static_cast<uint8_t>(rng());
    const bool fits = len + 8 <= room;
    add("digest of " + std::to_string(len) + " bytes", d,
        sign(Em(k, Cat(prefix, d))), fits);
    if (!fits || len == 0) continue;
    add("digest of " + std::to_string(len) + " bytes, signed one shorter", d,
        sign(Em(k, Cat(prefix, Bytes(d.begin(), d.end() - 1)))));
  }
}

std::vector<Case> AllCases(std::mt19937_64& rng) {
  std::vector<Case> cases;
  std::vector<size_t> expect_valid;
  for (const TestKey& key : Keys()) {
    for (HashAlg alg : {HashAlg::kSha256, HashAlg::kSha1}) {
      CasesFor(key, alg, rng, &cases, &expect_valid);
    }
  }
  for (Case& c : cases) {
    c.openssl = VerifyRsa(c.key->pub, c.alg, c.digest, c.signature);
  }
  for (size_t i : expect_valid) {
    EXPECT_TRUE(cases[i].openssl) << cases[i].key->label << " " << cases[i].what
                                  << ": the test meant this to be valid";
  }
  return cases;
}

// RunDifferential verifies `cases` (shuffled, mixed sizes) in calls of 1 to
// 40 items with `kernel` and compares with OpenSSL's verdicts.
void RunDifferential(RsaBatchKernel kernel, std::vector<Case>* cases,
                     std::mt19937_64& rng) {
  std::shuffle(cases->begin(), cases->end(), rng);
  for (size_t i = 0; i < cases->size();) {
    const size_t count = std::min<size_t>(1 + rng() % 40, cases->size() - i);
    std::vector<RsaBatchItem> items;
    for (size_t j = i; j < i + count; ++j) {
      const Case& c = (*cases)[j];
      ASSERT_TRUE(c.key->batch) << c.key->label;
      items.push_back(
          RsaBatchItem{&*c.key->batch, c.alg, c.digest, c.signature});
    }
    std::unique_ptr<bool[]> out(new bool[count]);
    RsaBatchVerifyWith(kernel, items, std::span<bool>(out.get(), count));
    for (size_t j = 0; j < count; ++j) {
      const Case& c = (*cases)[i + j];
      ASSERT_EQ(out[j], c.openssl)
          << (kernel == RsaBatchKernel::kIfma ? "ifma" : "scalar") << ", "
          << c.key->label << " (" << c.key->k * 8 << " bits), "
          << (c.alg == HashAlg::kSha256 ? "sha256" : "sha1") << ": " << c.what
          << " (item " << j << " of " << count << ")";
    }
    i += count;
  }
}

// One test, so the keys are made once per run (ctest runs each test in a
// process of its own): the scalar kernel over every case, then the IFMA
// kernel three times over, reshuffled.
TEST(RsaBatchDifferential, AgreesWithOpenSsl) {
  std::mt19937_64 rng(11);
  std::vector<Case> cases = AllCases(rng);
  size_t valid = 0;
  for (const Case& c : cases) valid += c.openssl;
  ASSERT_GT(valid, cases.size() / 10);
  RunDifferential(RsaBatchKernel::kScalar, &cases, rng);
  if (!IfmaSupported()) {
    GTEST_SKIP() << kNoIfma << " (scalar kernel checked on " << cases.size()
                 << " items)";
  }
  for (int round = 0; round < 3; ++round) {
    RunDifferential(RsaBatchKernel::kIfma, &cases, rng);
  }
}

TEST(RsaBatchDifferential, DefaultKernelAgreesWithOpenSsl) {
  // Whatever RsaBatchAvailable() picked (IFMA, or scalar when the CPU lacks
  // it or DKIMBATCH_NO_IFMA is set).
  std::mt19937_64 rng(13);
  const TestKey key = MakeTestKey(
      "evp1024",
      std::make_unique<testutil::EvpSigner>(testutil::GenerateRsa(1024)));
  ASSERT_TRUE(key.batch);
  std::vector<Case> cases;
  std::vector<size_t> expect_valid;
  CasesFor(key, HashAlg::kSha256, rng, &cases, &expect_valid);
  std::vector<RsaBatchItem> items;
  for (const Case& c : cases) {
    items.push_back(RsaBatchItem{&*key.batch, c.alg, c.digest, c.signature});
  }
  std::unique_ptr<bool[]> out(new bool[items.size()]);
  RsaBatchVerify(items, std::span<bool>(out.get(), items.size()));
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(out[i], VerifyRsa(key.pub, cases[i].alg, cases[i].digest,
                                cases[i].signature))
        << cases[i].what;
  }
  for (size_t i : expect_valid) EXPECT_TRUE(out[i]) << cases[i].what;
}

TEST(RsaBatchDifferential, EmptyBatch) {
  RsaBatchVerify({}, {});
  for (RsaBatchKernel kernel :
       {RsaBatchKernel::kScalar, RsaBatchKernel::kIfma}) {
    if (RsaBatchKernelSupported(kernel)) RsaBatchVerifyWith(kernel, {}, {});
  }
}

}  // namespace
}  // namespace dkimbatch::engine
