// tests/engine/crypto/rsa_test_keys.h
//
// Test-only RSA public keys with a way to sign anything: OpenSSL-generated
// keys (raw private operation through EVP), and cheap "multi-prime" keys,
// n a product of several random 256-bit primes, made with BIGNUM and signed
// through the CRT. Verification sees only n and e, so the cheap keys let the
// differential test cover hundreds of moduli per size in about a second,
// where EVP key generation costs about a second per 4096-bit key.
#ifndef DKIMBATCH_TESTS_ENGINE_CRYPTO_RSA_TEST_KEYS_H_
#define DKIMBATCH_TESTS_ENGINE_CRYPTO_RSA_TEST_KEYS_H_

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "tests/engine/test_keys.h"

namespace dkimbatch::testutil {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

struct BnCtxFree {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
using BnCtxPtr = std::unique_ptr<BN_CTX, BnCtxFree>;

inline BnPtr NewBn() {
  BIGNUM* b = BN_new();
  if (b == nullptr) std::abort();
  return BnPtr(b);
}

inline BnPtr BnFromBytes(const Bytes& be) {
  BIGNUM* b = BN_bin2bn(be.data(), static_cast<int>(be.size()), nullptr);
  if (b == nullptr) std::abort();
  return BnPtr(b);
}

// BnToBytes writes `b` as `len` big-endian bytes (aborts if it is longer).
inline Bytes BnToBytes(const BIGNUM* b, size_t len) {
  Bytes out(len);
  if (BN_bn2binpad(b, out.data(), static_cast<int>(len)) < 0) std::abort();
  return out;
}

// RsaPublicPkey makes an EVP_PKEY holding only the public key (n, e).
inline PkeyPtr RsaPublicPkey(const BIGNUM* n, const BIGNUM* e) {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1) {
    std::abort();
  }
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* pkey = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx) != 1 ||
      EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    std::abort();
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  return PkeyPtr(pkey);
}

// RsaSigner is an RSA key that can apply its private operation to any
// number below n.
class RsaSigner {
 public:
  virtual ~RsaSigner() = default;
  // RawSign returns em^d mod n as k bytes (`em` is k bytes, below n).
  virtual Bytes RawSign(const Bytes& em) const = 0;
  // Public returns the public key.
  virtual EVP_PKEY* Public() const = 0;
};

// EvpSigner wraps a key from EVP key generation.
class EvpSigner : public RsaSigner {
 public:
  explicit EvpSigner(PkeyPtr key) : key_(std::move(key)) {}
  Bytes RawSign(const Bytes& em) const override {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key_.get(), nullptr);
    size_t len = em.size();
    Bytes sig(len);
    if (ctx == nullptr || EVP_PKEY_sign_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) != 1 ||
        EVP_PKEY_sign(ctx, sig.data(), &len, em.data(), em.size()) != 1 ||
        len != em.size()) {
      std::abort();
    }
    EVP_PKEY_CTX_free(ctx);
    return sig;
  }
  EVP_PKEY* Public() const override { return key_.get(); }

 private:
  PkeyPtr key_;
};

// MultiPrimeSigner: n = p_1 ... p_m of exactly `bits` bits, e = 65537. The
// 256-bit factors come from a shared pool (moduli may share factors, which
// verification cannot tell), and a fresh last prime sizes n, so every
// modulus is new. With `deterministic`, the primes (pool included) follow
// from `seed` alone, for fuzz targets whose findings must replay.
class MultiPrimeSigner : public RsaSigner {
 public:
  MultiPrimeSigner(int bits, uint64_t seed, bool deterministic = false)
      : n_(NewBn()), e_(NewBn()), seed_(seed), deterministic_(deterministic) {
    BnCtxPtr ctx(BN_CTX_new());
    BN_set_word(e_.get(), 65537);
    BN_one(n_.get());
    const std::vector<BIGNUM*>& pool = Pool(deterministic);
    std::vector<bool> used(pool.size(), false);
    for (int made = 0; made + 256 < bits; made += 256) {
      size_t i = static_cast<size_t>(Next(&seed_) % pool.size());
      while (used[i]) i = (i + 1) % pool.size();
      used[i] = true;
      BN_mul(n_.get(), n_.get(), pool[i], ctx.get());
      primes_.push_back(BnPtr(BN_dup(pool[i])));
    }
    // The last prime fills n to exactly `bits` bits.
    BnPtr n = NewBn();
    for (;;) {
      BnPtr p = deterministic_ ? SeededPrime(bits - BN_num_bits(n_.get()),
                                             &seed_, ctx.get())
                               : Prime(bits - BN_num_bits(n_.get()));
      BN_mul(n.get(), n_.get(), p.get(), ctx.get());
      if (BN_num_bits(n.get()) == bits) {
        primes_.push_back(std::move(p));
        break;
      }
    }
    n_ = std::move(n);
    // Per prime: d mod (p - 1) and the CRT coefficient (n/p)((n/p)^-1 mod p).
    for (const BnPtr& p : primes_) {
      BnPtr p1 = NewBn(), d = NewBn(), m = NewBn(), minv = NewBn(), c = NewBn(),
            rem = NewBn();
      BN_sub(p1.get(), p.get(), BN_value_one());
      if (BN_mod_inverse(d.get(), e_.get(), p1.get(), ctx.get()) == nullptr ||
          BN_div(m.get(), rem.get(), n_.get(), p.get(), ctx.get()) != 1 ||
          BN_mod_inverse(minv.get(), m.get(), p.get(), ctx.get()) == nullptr ||
          BN_mod_mul(c.get(), m.get(), minv.get(), n_.get(), ctx.get()) != 1) {
        std::abort();
      }
      d_.push_back(std::move(d));
      crt_.push_back(std::move(c));
    }
    public_ = RsaPublicPkey(n_.get(), e_.get());
  }

  Bytes RawSign(const Bytes& em) const override {
    BnCtxPtr ctx(BN_CTX_new());
    BnPtr x = BnFromBytes(em), s = NewBn(), part = NewBn();
    BN_zero(s.get());
    for (size_t i = 0; i < primes_.size(); ++i) {
      BN_mod_exp(part.get(), x.get(), d_[i].get(), primes_[i].get(), ctx.get());
      BN_mod_mul(part.get(), part.get(), crt_[i].get(), n_.get(), ctx.get());
      BN_mod_add(s.get(), s.get(), part.get(), n_.get(), ctx.get());
    }
    return BnToBytes(s.get(), em.size());
  }
  EVP_PKEY* Public() const override { return public_.get(); }

 private:
  // Prime returns a random prime of `bits` bits with gcd(e, p - 1) = 1 (e =
  // 65537 is prime: e must not divide p - 1).
  static BnPtr Prime(int bits) {
    BnPtr p = NewBn();
    do {
      if (BN_generate_prime_ex(p.get(), bits, 0, nullptr, nullptr, nullptr) !=
          1) {
        std::abort();
      }
    } while (BN_mod_word(p.get(), 65537) == 1);
    return p;
  }

  // Next steps SplitMix64.
  static uint64_t Next(uint64_t* state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // SeededPrime is Prime with the candidates drawn from `*state`: the
  // first prime at or above a random odd number with its top two bits set.
  static BnPtr SeededPrime(int bits, uint64_t* state, BN_CTX* ctx) {
    Bytes start(static_cast<size_t>(bits + 7) / 8);
    for (uint8_t& b : start) b = static_cast<uint8_t>(Next(state));
    BnPtr p = BnFromBytes(start);
    BN_mask_bits(p.get(), bits);
    BN_set_bit(p.get(), bits - 1);
    BN_set_bit(p.get(), bits - 2);
    BN_set_bit(p.get(), 0);
    while (BN_check_prime(p.get(), ctx, nullptr) != 1 ||
           BN_mod_word(p.get(), 65537) == 1) {
      BN_add_word(p.get(), 2);
    }
    return p;
  }

  // Pool returns 48 distinct 256-bit primes, made once (random, or from a
  // fixed seed).
  static const std::vector<BIGNUM*>& Pool(bool deterministic) {
    static auto make = [](bool seeded) {
      auto* out = new std::vector<BIGNUM*>();
      BnCtxPtr ctx(BN_CTX_new());
      uint64_t state = 0x5eed;
      while (out->size() < 48) {
        BnPtr p = seeded ? SeededPrime(256, &state, ctx.get()) : Prime(256);
        bool fresh = true;
        for (BIGNUM* q : *out) fresh &= BN_cmp(q, p.get()) != 0;
        if (fresh) out->push_back(p.release());
      }
      return out;
    };
    if (deterministic) {
      static const std::vector<BIGNUM*>* seeded = make(true);
      return *seeded;
    }
    static const std::vector<BIGNUM*>* random = make(false);
    return *random;
  }

  BnPtr n_, e_;
  uint64_t seed_;
  bool deterministic_;
  std::vector<BnPtr> primes_, d_, crt_;
  PkeyPtr public_;
};

}  // namespace dkimbatch::testutil

#endif  // DKIMBATCH_TESTS_ENGINE_CRYPTO_RSA_TEST_KEYS_H_
