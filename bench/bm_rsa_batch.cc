// bench/bm_rsa_batch.cc
//
// Batched RSA verification (engine/crypto/rsa_batch.h) next to OpenSSL's
// per-signature verify in the same binary, for 1024..4096-bit keys with
// e = 65537 and SHA-256 digests. Rows count signatures (items/s). After the
// table, a summary gives each batched row's speed-up over the two OpenSSL
// rows of its size:
//   - BM_RsaOpenSslVerify: engine::VerifyRsa, what the verifier calls (an
//     EVP_PKEY_CTX per call);
//   - BM_RsaOpenSslVerifyReusedCtx: EVP_PKEY_verify on one context, as
//     `openssl speed rsaN` measures it (the harder baseline).
// Keys come from EVP key generation in setup; signatures are over distinct
// random digests.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/rate_reporter.h"
#include "engine/crypto/digest.h"
#include "engine/crypto/public_key.h"
#include "engine/crypto/rsa_batch.h"

namespace dkimbatch::bench {
namespace {

using engine::HashAlg;
using engine::RsaBatchItem;
using engine::RsaBatchKernel;
using engine::RsaBatchKey;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "bm_rsa_batch setup failed: %s\n", what);
  std::abort();
}

struct Signed {
  std::vector<uint8_t> digest;
  std::vector<uint8_t> signature;
};

struct Key {
  engine::PublicKey pub;
  RsaBatchKey batch;
  std::vector<Signed> sigs;
};

// MakeKey generates a key of `bits` and signs `count` random digests.
std::unique_ptr<Key> MakeKey(int bits, int count, uint64_t seed) {
  EVP_PKEY* priv =
      EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
  if (priv == nullptr) Die("keygen");
  auto key = std::make_unique<Key>();
  unsigned char* der = nullptr;
  const int der_len = i2d_PUBKEY(priv, &der);
  std::string error;
  if (der_len <= 0 ||
      !engine::ParsePublicKey(
          engine::KeyType::kRsa,
          std::span<const uint8_t>(der, static_cast<size_t>(der_len)),
          &key->pub, &error)) {
    Die("public key");
  }
  OPENSSL_free(der);
  BIGNUM* n = nullptr;
  if (EVP_PKEY_get_bn_param(priv, "n", &n) != 1) Die("modulus");
  std::vector<uint8_t> modulus(static_cast<size_t>(BN_num_bytes(n)));
  BN_bn2bin(n, modulus.data());
  BN_free(n);
  std::optional<RsaBatchKey> batch = RsaBatchKey::Make(modulus, 65537);
  if (!batch) Die("RsaBatchKey::Make");
  key->batch = *batch;
  for (int i = 0; i < count; ++i) {
    Signed s;
    s.digest.resize(32);
    for (uint8_t& b : s.digest) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      b = static_cast<uint8_t>(seed >> 56);
    }
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(priv, nullptr);
    size_t len = 0;
    if (ctx == nullptr || EVP_PKEY_sign_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1 ||
        EVP_PKEY_sign(ctx, nullptr, &len, s.digest.data(), s.digest.size()) !=
            1) {
      Die("sign init");
    }
    s.signature.resize(len);
    if (EVP_PKEY_sign(ctx, s.signature.data(), &len, s.digest.data(),
                      s.digest.size()) != 1) {
      Die("sign");
    }
    EVP_PKEY_CTX_free(ctx);
    key->sigs.push_back(std::move(s));
  }
  EVP_PKEY_free(priv);
  return key;
}

// Keys(bits, count) returns `count` keys of `bits`, each with 8 signatures
// (made once, shared by the rows).
const std::vector<std::unique_ptr<Key>>& Keys(int bits, size_t count) {
  static std::map<int, std::vector<std::unique_ptr<Key>>> keys;
  std::vector<std::unique_ptr<Key>>& v = keys[bits];
  while (v.size() < count) {
    v.push_back(
        MakeKey(bits, 8, 1000 * static_cast<uint64_t>(bits) + v.size()));
  }
  return v;
}

// Items: `lanes` signatures, from one key or from `lanes` different keys.
std::vector<RsaBatchItem> Items(int bits, size_t lanes, bool distinct_keys) {
  const auto& keys = Keys(bits, distinct_keys ? lanes : 1);
  std::vector<RsaBatchItem> items;
  for (size_t i = 0; i < lanes; ++i) {
    const Key& key = *keys[distinct_keys ? i : 0];
    const Signed& s = key.sigs[i % key.sigs.size()];
    items.push_back(
        RsaBatchItem{&key.batch, HashAlg::kSha256, s.digest, s.signature});
  }
  return items;
}

void BM_RsaOpenSslVerify(benchmark::State& state) {
  const Key& key = *Keys(static_cast<int>(state.range(0)), 1)[0];
  bool ok = true;
  size_t i = 0;
  for (auto _ : state) {
    const Signed& s = key.sigs[i++ % key.sigs.size()];
    ok &= engine::VerifyRsa(key.pub, HashAlg::kSha256, s.digest, s.signature);
  }
  if (!ok) state.SkipWithError("verification failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_RsaOpenSslVerifyReusedCtx(benchmark::State& state) {
  const Key& key = *Keys(static_cast<int>(state.range(0)), 1)[0];
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key.pub.pkey.get(), nullptr);
  if (ctx == nullptr || EVP_PKEY_verify_init(ctx) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1) {
    state.SkipWithError("EVP_PKEY_verify_init");
    return;
  }
  bool ok = true;
  size_t i = 0;
  for (auto _ : state) {
    const Signed& s = key.sigs[i++ % key.sigs.size()];
    ok &= EVP_PKEY_verify(ctx, s.signature.data(), s.signature.size(),
                          s.digest.data(), s.digest.size()) == 1;
  }
  EVP_PKEY_CTX_free(ctx);
  if (!ok) state.SkipWithError("verification failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// BM_RsaBatch/bits/lanes/distinct_keys/kernel: RsaBatchVerifyWith on
// `lanes` items per call.
void BM_RsaBatch(benchmark::State& state) {
  const int bits = static_cast<int>(state.range(0));
  const size_t lanes = static_cast<size_t>(state.range(1));
  const bool distinct = state.range(2) != 0;
  const auto kernel = static_cast<RsaBatchKernel>(state.range(3));
  if (!engine::RsaBatchKernelSupported(kernel)) {
    state.SkipWithError("kernel not supported on this CPU");
    return;
  }
  const std::vector<RsaBatchItem> items = Items(bits, lanes, distinct);
  std::unique_ptr<bool[]> out(new bool[lanes]);
  bool ok = true;
  for (auto _ : state) {
    engine::RsaBatchVerifyWith(kernel, items,
                               std::span<bool>(out.get(), lanes));
    for (size_t i = 0; i < lanes; ++i) ok &= out[i];
  }
  if (!ok) state.SkipWithError("verification failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * lanes));
}

// BM_RsaBatchKeyMake: RsaBatchKey::Make (limbs, -n^-1 mod 2^52, R^2 mod n),
// the per-key cost the parsed-key cache pays once.
void BM_RsaBatchKeyMake(benchmark::State& state) {
  const Key& key = *Keys(static_cast<int>(state.range(0)), 1)[0];
  const std::span<const uint8_t> modulus(key.batch.modulus_be.data(),
                                         key.batch.modulus_bytes);
  bool ok = true;
  for (auto _ : state) {
    std::optional<RsaBatchKey> made = RsaBatchKey::Make(modulus, 65537);
    ok &= made.has_value();
    benchmark::DoNotOptimize(made);
  }
  if (!ok) state.SkipWithError("Make failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

constexpr int kIfma = static_cast<int>(RsaBatchKernel::kIfma);
constexpr int kScalar = static_cast<int>(RsaBatchKernel::kScalar);

void Register() {
  for (int bits : {1024, 2048, 3072, 4096}) {
    benchmark::RegisterBenchmark("BM_RsaOpenSslVerify", BM_RsaOpenSslVerify)
        ->ArgName("bits")
        ->Arg(bits);
    benchmark::RegisterBenchmark("BM_RsaOpenSslVerifyReusedCtx",
                                 BM_RsaOpenSslVerifyReusedCtx)
        ->ArgName("bits")
        ->Arg(bits);
    benchmark::RegisterBenchmark("BM_RsaBatch", BM_RsaBatch)
        ->ArgNames({"bits", "lanes", "distinct_keys", "kernel"})
        ->Args({bits, 8, 0, kIfma})
        ->Args({bits, 8, 1, kIfma});
  }
  // Partly filled and multi-group calls, and the scalar twin, at 2048 bits.
  benchmark::RegisterBenchmark("BM_RsaBatch", BM_RsaBatch)
      ->ArgNames({"bits", "lanes", "distinct_keys", "kernel"})
      ->Args({2048, 1, 0, kIfma})
      ->Args({2048, 4, 0, kIfma})
      ->Args({2048, 64, 1, kIfma})
      ->Args({2048, 8, 0, kScalar});
  benchmark::RegisterBenchmark("BM_RsaBatchKeyMake", BM_RsaBatchKeyMake)
      ->ArgName("bits")
      ->Arg(2048)
      ->Arg(4096);
}

// RatioReporter prints the usual table, then each BM_RsaBatch row's rate
// over the OpenSSL rows of the same key size.
class RatioReporter : public RateReporter {
 protected:
  void Summarize() override {
    std::printf("\nbatched RSA verify vs OpenSSL (same run, CPU-time rates)\n");
    for (const auto& [name, rate] : rates()) {
      if (name.rfind("BM_RsaBatch/", 0) != 0) continue;
      const std::string bits = name.substr(name.find("bits:") + 5, 4);
      const double evp = Rate("BM_RsaOpenSslVerify/bits:" + bits);
      const double reused = Rate("BM_RsaOpenSslVerifyReusedCtx/bits:" + bits);
      std::printf("%-52s %9.0f/s  %5.2fx VerifyRsa  %5.2fx reused ctx\n",
                  name.c_str(), rate, evp > 0 ? rate / evp : 0,
                  reused > 0 ? rate / reused : 0);
    }
  }
};

}  // namespace
}  // namespace dkimbatch::bench

int main(int argc, char** argv) {
  dkimbatch::bench::RatioReporter reporter;
  return dkimbatch::bench::RunWithReporter(
      argc, argv, dkimbatch::bench::Register, &reporter);
}
