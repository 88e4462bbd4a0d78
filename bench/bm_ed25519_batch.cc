// bench/bm_ed25519_batch.cc
//
// Batched Ed25519 verification (engine/crypto/ed25519_batch.h) next to
// OpenSSL's per-signature verify in the same binary, on 32-byte messages
// (DKIM signs a SHA-256 digest). Rows count signatures (items/s):
//   - BM_Ed25519OpenSslVerify: EVP_MD_CTX_reset, EVP_DigestVerifyInit and
//     EVP_DigestVerify on one reused EVP_MD_CTX with EVP_PKEYs built once,
//     as VerifyContexts::VerifyEd25519 does (without the reset, OpenSSL 3.0
//     re-initialised with another key fails the signature);
//   - BM_Ed25519Batch/lanes:L/kernel:K: Ed25519BatchVerifier::Verify on L
//     items per call, each of a different key (prepared once);
//   - BM_Ed25519BatchKeyMake/kernel:K: Ed25519BatchKey::Make, the per-key
//     cost the parsed-key cache pays once.
// After the table, a summary gives each batched row's speed-up over the
// OpenSSL row. Keys come from fixed seeds (EVP_PKEY_new_raw_private_key).
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/rate_reporter.h"
#include "engine/crypto/ed25519_batch.h"

namespace dkimbatch::bench {
namespace {

using engine::Ed25519BatchItem;
using engine::Ed25519BatchKernel;
using engine::Ed25519BatchKey;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "bm_ed25519_batch setup failed: %s\n", what);
  std::abort();
}

// Signed is one key with a signature over a random 32-byte message.
struct Signed {
  std::vector<uint8_t> raw, message, signature;
  EVP_PKEY* pub = nullptr;  // built from `raw`, kept for the process
  Ed25519BatchKey batch;
};

constexpr size_t kKeys = 64;

// Pool returns kKeys keys, each with one signature (made once).
const std::vector<Signed>& Pool() {
  static const std::vector<Signed>* pool = [] {
    auto* out = new std::vector<Signed>(kKeys);
    uint64_t seed = 25519;
    auto next = [&] {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      return static_cast<uint8_t>(seed >> 56);
    };
    for (Signed& s : *out) {
      uint8_t secret[32];
      for (uint8_t& b : secret) b = next();
      EVP_PKEY* priv = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                                    secret, sizeof secret);
      if (priv == nullptr) Die("private key");
      s.raw.resize(32);
      size_t len = 32;
      if (EVP_PKEY_get_raw_public_key(priv, s.raw.data(), &len) != 1) {
        Die("public key");
      }
      s.message.resize(32);
      for (uint8_t& b : s.message) b = next();
      s.signature.resize(64);
      len = 64;
      EVP_MD_CTX* ctx = EVP_MD_CTX_new();
      if (ctx == nullptr ||
          EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, priv) != 1 ||
          EVP_DigestSign(ctx, s.signature.data(), &len, s.message.data(),
                         s.message.size()) != 1) {
        Die("sign");
      }
      EVP_MD_CTX_free(ctx);
      EVP_PKEY_free(priv);
      s.pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                          s.raw.data(), s.raw.size());
      if (s.pub == nullptr) Die("EVP_PKEY_new_raw_public_key");
      // Prepared with the scalar kernel: both kernels give the same table.
      std::optional<Ed25519BatchKey> key =
          Ed25519BatchKey::Make(s.raw, Ed25519BatchKernel::kScalar);
      if (!key) Die("Ed25519BatchKey::Make");
      s.batch = *key;
    }
    return out;
  }();
  return *pool;
}

void SetRates(benchmark::State& state, int64_t sigs) {
  state.SetItemsProcessed(sigs);
  // Time per signature (the inverse rate), in CPU seconds.
  state.counters["per_sig"] = benchmark::Counter(
      static_cast<double>(sigs),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_Ed25519OpenSslVerify(benchmark::State& state) {
  const std::vector<Signed>& pool = Pool();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) {
    state.SkipWithError("EVP_MD_CTX_new");
    return;
  }
  bool ok = true;
  size_t i = 0;
  for (auto _ : state) {
    const Signed& s = pool[i++ % pool.size()];
    EVP_MD_CTX_reset(ctx);
    ok &= EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, s.pub) == 1 &&
          EVP_DigestVerify(ctx, s.signature.data(), s.signature.size(),
                           s.message.data(), s.message.size()) == 1;
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) state.SkipWithError("verification failed");
  SetRates(state, static_cast<int64_t>(state.iterations()));
}

void BM_Ed25519Batch(benchmark::State& state) {
  const size_t lanes = static_cast<size_t>(state.range(0));
  const auto kernel = static_cast<Ed25519BatchKernel>(state.range(1));
  if (!engine::Ed25519BatchKernelSupported(kernel)) {
    state.SkipWithError("kernel not supported on this CPU");
    return;
  }
  const std::vector<Signed>& pool = Pool();
  // Calls cycle through the pool: lanes items per call, distinct keys.
  std::vector<Ed25519BatchItem> items;
  for (size_t i = 0; i < pool.size() / lanes * lanes; ++i) {
    items.push_back(
        Ed25519BatchItem{&pool[i].batch, pool[i].message, pool[i].signature});
  }
  const size_t calls = items.size() / lanes;
  std::unique_ptr<bool[]> out(new bool[lanes]);
  engine::Ed25519BatchVerifier verifier;
  bool ok = true;
  size_t call = 0;
  for (auto _ : state) {
    const size_t first = (call++ % calls) * lanes;
    verifier.Verify(
        std::span<const Ed25519BatchItem>(items.data() + first, lanes),
        std::span<bool>(out.get(), lanes), kernel);
    for (size_t i = 0; i < lanes; ++i) ok &= out[i];
  }
  if (!ok) state.SkipWithError("verification failed");
  SetRates(state, static_cast<int64_t>(state.iterations() * lanes));
}

void BM_Ed25519BatchKeyMake(benchmark::State& state) {
  const auto kernel = static_cast<Ed25519BatchKernel>(state.range(0));
  if (!engine::Ed25519BatchKernelSupported(kernel)) {
    state.SkipWithError("kernel not supported on this CPU");
    return;
  }
  const std::vector<Signed>& pool = Pool();
  bool ok = true;
  size_t i = 0;
  for (auto _ : state) {
    std::optional<Ed25519BatchKey> made =
        Ed25519BatchKey::Make(pool[i++ % pool.size()].raw, kernel);
    ok &= made.has_value();
    benchmark::DoNotOptimize(made);
  }
  if (!ok) state.SkipWithError("Make failed");
  SetRates(state, static_cast<int64_t>(state.iterations()));
}

constexpr int kIfma = static_cast<int>(Ed25519BatchKernel::kIfma);
constexpr int kScalar = static_cast<int>(Ed25519BatchKernel::kScalar);

void Register() {
  benchmark::RegisterBenchmark("BM_Ed25519OpenSslVerify",
                               BM_Ed25519OpenSslVerify);
  benchmark::RegisterBenchmark("BM_Ed25519Batch", BM_Ed25519Batch)
      ->ArgNames({"lanes", "kernel"})
      ->Args({8, kIfma})
      ->Args({4, kIfma})
      ->Args({1, kIfma})
      ->Args({64, kIfma})
      ->Args({8, kScalar});
  benchmark::RegisterBenchmark("BM_Ed25519BatchKeyMake", BM_Ed25519BatchKeyMake)
      ->ArgName("kernel")
      ->Arg(kIfma)
      ->Arg(kScalar);
}

// RatioReporter prints the usual table, then each BM_Ed25519Batch row's
// rate over the OpenSSL row.
class RatioReporter : public RateReporter {
 protected:
  void Summarize() override {
    const double openssl = Rate("BM_Ed25519OpenSslVerify");
    std::printf(
        "\nbatched Ed25519 verify vs OpenSSL (same run, CPU-time rates)\n");
    for (const auto& [name, rate] : rates()) {
      if (name.rfind("BM_Ed25519Batch/", 0) != 0) continue;
      std::printf("%-40s %9.0f/s  %6.2f us/sig  %5.2fx OpenSSL\n", name.c_str(),
                  rate, 1e6 / rate, openssl > 0 ? rate / openssl : 0);
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
