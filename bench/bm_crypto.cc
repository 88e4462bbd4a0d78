// bench/bm_crypto.cc
//
// RSA verification (1024..4096 bits; key pre-parsed vs parsed per call) and
// Ed25519 verification through engine/crypto/public_key.h.
//
// Keys and signatures are made once in setup with OpenSSL EVP. Key material
// is random (OpenSSL's DRBG cannot be seeded), but verification cost depends
// only on the modulus size and e (65537), and the signed data is fixed.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bench/bench_data.h"
#include "engine/crypto/digest.h"
#include "engine/crypto/public_key.h"

namespace dkimbatch::bench {
namespace {

using engine::HashAlg;
using engine::KeyType;
using engine::PublicKey;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "bm_crypto setup failed: %s\n", what);
  std::abort();
}

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

// The data a DKIM verifier checks: the SHA-256 of the canonical header block
// (for RSA, the digest is what is signed; for Ed25519, it is the message).
std::vector<uint8_t> HeaderHash() {
  const std::string headers = RandomBase64(900, 0xE1);
  engine::Digest digest;
  digest.Reset(HashAlg::kSha256);
  digest.Write(headers);
  std::vector<uint8_t> out(engine::kMaxDigestSize);
  out.resize(digest.Final(out.data()));
  return out;
}

struct Fixture {
  PkeyPtr private_key;
  std::vector<uint8_t> der;  // SubjectPublicKeyInfo, as in a key record p=
  std::vector<uint8_t> message;
  std::vector<uint8_t> signature;
  PublicKey key;  // pre-parsed from `der` by the engine
};

std::vector<uint8_t> PublicDer(EVP_PKEY* pkey) {
  unsigned char* buf = nullptr;
  const int len = i2d_PUBKEY(pkey, &buf);
  if (len <= 0) Die("i2d_PUBKEY");
  std::vector<uint8_t> der(buf, buf + len);
  OPENSSL_free(buf);
  return der;
}

void ParseOrDie(KeyType type, std::span<const uint8_t> der, PublicKey* key) {
  std::string error;
  if (!engine::ParsePublicKey(type, der, key, &error)) Die(error.c_str());
}

const Fixture& RsaFixture(int bits) {
  static std::map<int, Fixture> fixtures;
  auto [it, inserted] = fixtures.try_emplace(bits);
  Fixture& f = it->second;
  if (!inserted) return f;
  f.private_key.reset(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  if (!f.private_key) Die("RSA keygen");
  f.message = HeaderHash();
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(f.private_key.get(), nullptr));
  size_t sig_len = 0;
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1 ||
      EVP_PKEY_sign(ctx.get(), nullptr, &sig_len, f.message.data(),
                    f.message.size()) != 1) {
    Die("RSA sign init");
  }
  f.signature.resize(sig_len);
  if (EVP_PKEY_sign(ctx.get(), f.signature.data(), &sig_len, f.message.data(),
                    f.message.size()) != 1) {
    Die("RSA sign");
  }
  f.signature.resize(sig_len);
  f.der = PublicDer(f.private_key.get());
  ParseOrDie(KeyType::kRsa, f.der, &f.key);
  if (!engine::VerifyRsa(f.key, HashAlg::kSha256, f.message, f.signature)) {
    Die("RSA signature does not verify");
  }
  return f;
}

const Fixture& Ed25519Fixture() {
  static Fixture f = [] {
    Fixture x;
    x.private_key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!x.private_key) Die("Ed25519 keygen");
    x.message = HeaderHash();
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t sig_len = 64;
    x.signature.resize(sig_len);
    if (ctx == nullptr ||
        EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr,
                           x.private_key.get()) != 1 ||
        EVP_DigestSign(ctx, x.signature.data(), &sig_len, x.message.data(),
                       x.message.size()) != 1) {
      Die("Ed25519 sign");
    }
    EVP_MD_CTX_free(ctx);
    x.signature.resize(sig_len);
    // RFC 8463 key records carry the 32 raw bytes.
    size_t raw_len = 32;
    x.der.resize(raw_len);
    if (EVP_PKEY_get_raw_public_key(x.private_key.get(), x.der.data(),
                                    &raw_len) != 1) {
      Die("Ed25519 raw public key");
    }
    x.der.resize(raw_len);
    ParseOrDie(KeyType::kEd25519, x.der, &x.key);
    if (!engine::VerifyEd25519(x.key, x.message, x.signature)) {
      Die("Ed25519 signature does not verify");
    }
    return x;
  }();
  return f;
}

// engine::VerifyRsa with a key parsed once (the key store's steady state).
void BM_RsaVerify(benchmark::State& state) {
  const Fixture& f = RsaFixture(static_cast<int>(state.range(0)));
  bool ok = true;
  for (auto _ : state) {
    ok &= engine::VerifyRsa(f.key, HashAlg::kSha256, f.message, f.signature);
  }
  if (!ok) state.SkipWithError("verification failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RsaVerify)
    ->ArgName("bits")
    ->Arg(1024)
    ->Arg(2048)
    ->Arg(3072)
    ->Arg(4096);

// ParsePublicKey from the SubjectPublicKeyInfo DER, then VerifyRsa: the cost
// when keys are not cached in parsed form.
void BM_RsaVerifyParseKey(benchmark::State& state) {
  const Fixture& f = RsaFixture(static_cast<int>(state.range(0)));
  bool ok = true;
  std::string error;
  for (auto _ : state) {
    PublicKey key;
    ok &= engine::ParsePublicKey(KeyType::kRsa, f.der, &key, &error);
    ok &= engine::VerifyRsa(key, HashAlg::kSha256, f.message, f.signature);
  }
  if (!ok) state.SkipWithError("parse or verification failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RsaVerifyParseKey)->ArgName("bits")->Arg(2048);

// ParsePublicKey alone (the difference of the two rows above).
void BM_RsaParseKey(benchmark::State& state) {
  const Fixture& f = RsaFixture(static_cast<int>(state.range(0)));
  bool ok = true;
  std::string error;
  for (auto _ : state) {
    PublicKey key;
    ok &= engine::ParsePublicKey(KeyType::kRsa, f.der, &key, &error);
    benchmark::DoNotOptimize(key.pkey.get());
  }
  if (!ok) state.SkipWithError("parse failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RsaParseKey)->ArgName("bits")->Arg(2048);

// Plain EVP_PKEY_verify on one EVP_PKEY_CTX set up once, as `openssl speed`
// measures it: the floor under BM_RsaVerify, whose VerifyRsa builds and
// frees a context per call.
void BM_RsaVerifyEvpReusedCtx(benchmark::State& state) {
  const Fixture& f = RsaFixture(static_cast<int>(state.range(0)));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(f.key.pkey.get(), nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1) {
    state.SkipWithError("EVP_PKEY_verify_init");
    return;
  }
  bool ok = true;
  for (auto _ : state) {
    ok &= EVP_PKEY_verify(ctx.get(), f.signature.data(), f.signature.size(),
                          f.message.data(), f.message.size()) == 1;
  }
  if (!ok) state.SkipWithError("verification failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RsaVerifyEvpReusedCtx)->ArgName("bits")->Arg(2048);

// engine::VerifyEd25519 (PureEd25519 over the 32-byte header hash) with a
// pre-parsed key.
void BM_Ed25519Verify(benchmark::State& state) {
  const Fixture& f = Ed25519Fixture();
  bool ok = true;
  for (auto _ : state) {
    ok &= engine::VerifyEd25519(f.key, f.message, f.signature);
  }
  if (!ok) state.SkipWithError("verification failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Ed25519Verify);

// ParsePublicKey from the 32 raw bytes, then VerifyEd25519.
void BM_Ed25519VerifyParseKey(benchmark::State& state) {
  const Fixture& f = Ed25519Fixture();
  bool ok = true;
  std::string error;
  for (auto _ : state) {
    PublicKey key;
    ok &= engine::ParsePublicKey(KeyType::kEd25519, f.der, &key, &error);
    ok &= engine::VerifyEd25519(key, f.message, f.signature);
  }
  if (!ok) state.SkipWithError("parse or verification failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Ed25519VerifyParseKey);

}  // namespace
}  // namespace dkimbatch::bench
