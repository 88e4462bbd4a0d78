// tests/fuzz/fuzz_rsa_batch.cc
//
// Batched RSA verification (engine/crypto/rsa_batch.h) against OpenSSL on
// fuzzer-made signatures. An input describes up to 10 checks over a fixed
// set of keys of every batched size; they run in one RsaBatchVerifyWith call
// per kernel the CPU has (mixed sizes, partial lanes) and one by one through
// engine::VerifyRsa (EVP). Any difference aborts. Most checks sign a
// fuzzer-mutated PKCS#1 v1.5 encoding with the private key, so inputs reach
// the padding and DigestInfo checks rather than only random numbers.
//
// Input, per check (missing bytes read as zero):
//   key   1 byte   index into the key set
//   flags 1 byte   bit 0: SHA-1 (else SHA-256); bits 1-2: how the signature
//                  is made (0: bytes from the input; 1: encoding mutated,
//                  then signed; 2: valid signature, then mutated; 3: n plus
//                  or minus a small number); bits 3-4: length (1: first byte
//                  dropped, 2: a zero byte added, else exactly k bytes)
//   dlen  1 byte   digest length: the algorithm's if below 200, else
//                  dlen - 200 (0..55)
//   digest dlen bytes
//   muts  1 byte   number of mutations (mod 8), then per mutation 3 bytes:
//                  position (2 bytes, mod k) and a value to xor in
//   sig   k bytes  only in mode 0
// The keys are products of primes derived from fixed seeds, so a finding
// replays.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/crypto/digest.h"
#include "engine/crypto/public_key.h"
#include "engine/crypto/rsa_batch.h"
#include "tests/engine/crypto/rsa_test_keys.h"
#include "tests/engine/test_keys.h"

namespace {

using dkimbatch::testutil::Bytes;
namespace engine = dkimbatch::engine;
namespace testutil = dkimbatch::testutil;

struct FuzzKey {
  std::unique_ptr<testutil::MultiPrimeSigner> signer;
  engine::PublicKey pub;
  engine::RsaBatchKey batch;
  Bytes n;
};

const std::vector<FuzzKey>& Keys() {
  static const auto* keys = [] {
    auto* out = new std::vector<FuzzKey>();
    uint64_t seed = 1;
    for (int bits : {1024, 2048, 3072, 4096}) {
      for (int i = 0; i < 2; ++i) {
        FuzzKey key;
        key.signer = std::make_unique<testutil::MultiPrimeSigner>(
            bits, seed++, /*deterministic=*/true);
        std::string error;
        if (!engine::ParsePublicKey(engine::KeyType::kRsa,
                                    testutil::SpkiDer(key.signer->Public()),
                                    &key.pub, &error)) {
          std::abort();
        }
        BIGNUM* n = nullptr;
        if (EVP_PKEY_get_bn_param(key.signer->Public(), OSSL_PKEY_PARAM_RSA_N,
                                  &n) != 1) {
          std::abort();
        }
        key.n = testutil::BnToBytes(n, static_cast<size_t>(BN_num_bytes(n)));
        BN_free(n);
        std::optional<engine::RsaBatchKey> batch =
            engine::RsaBatchKey::Make(key.n, 65537);
        if (!batch) std::abort();
        key.batch = *batch;
        out->push_back(std::move(key));
      }
    }
    return out;
  }();
  return *keys;
}

// Reader hands out input bytes, then zeros.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  bool empty() const { return pos_ >= size_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

const Bytes kSha256Prefix = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                             0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                             0x01, 0x05, 0x00, 0x04, 0x20};
const Bytes kSha1Prefix = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
                           0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};

struct Check {
  const FuzzKey* key;
  engine::HashAlg alg;
  Bytes digest;
  Bytes signature;
};

Check ReadCheck(Reader* in) {
  const std::vector<FuzzKey>& keys = Keys();
  Check c;
  c.key = &keys[in->Byte() % keys.size()];
  const uint8_t flags = in->Byte();
  c.alg = (flags & 1) ? engine::HashAlg::kSha1 : engine::HashAlg::kSha256;
  const uint8_t dlen = in->Byte();
  c.digest.resize(dlen < 200 ? engine::DigestSize(c.alg) : dlen - 200u);
  for (uint8_t& b : c.digest) b = in->Byte();
  const size_t k = c.key->n.size();
  struct Mutation {
    size_t pos;
    uint8_t value;
  };
  std::vector<Mutation> muts(in->Byte() % 8);
  for (Mutation& m : muts) {
    const size_t hi = in->Byte();
    m.pos = ((hi << 8) | in->Byte()) % k;
    m.value = in->Byte();
  }
  const Bytes& prefix =
      c.alg == engine::HashAlg::kSha256 ? kSha256Prefix : kSha1Prefix;
  // 0x00 0x01 0xff.. 0x00 prefix digest, when it fits in k bytes.
  Bytes em(k, 0xff);
  em[0] = 0;
  em[1] = 1;
  const size_t t_len = prefix.size() + c.digest.size();
  if (t_len + 3 <= k) {
    em[k - t_len - 1] = 0;
    std::copy(prefix.begin(), prefix.end(), em.end() - t_len);
    std::copy(c.digest.begin(), c.digest.end(), em.end() - c.digest.size());
  }
  auto below_n = [&](const Bytes& x) { return x < c.key->n; };
  switch ((flags >> 1) & 3) {
    case 0:
      c.signature.resize(k);
      for (uint8_t& b : c.signature) b = in->Byte();
      break;
    case 1:
      for (const Mutation& m : muts) em[m.pos] ^= m.value;
      c.signature = below_n(em) ? c.key->signer->RawSign(em) : em;
      break;
    case 2:
      c.signature = c.key->signer->RawSign(em);
      for (const Mutation& m : muts) c.signature[m.pos] ^= m.value;
      break;
    case 3: {
      testutil::BnPtr x = testutil::BnFromBytes(c.key->n);
      const uint64_t delta = muts.empty() ? 0 : muts[0].value;
      if (flags & 0x80) {
        BN_sub_word(x.get(), delta);
      } else {
        BN_add_word(x.get(), delta);
      }
      c.signature = BN_num_bytes(x.get()) <= static_cast<int>(k)
                        ? testutil::BnToBytes(x.get(), k)
                        : Bytes(k, 0xff);
      break;
    }
  }
  switch ((flags >> 3) & 3) {
    case 1:
      c.signature.erase(c.signature.begin());
      break;
    case 2:
      c.signature.insert(c.signature.begin(), 0);
      break;
  }
  return c;
}

void Require(bool cond, const char* what) {
  if (!cond) {
    std::fprintf(stderr, "fuzz_rsa_batch: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(data, size);
  std::vector<Check> checks;
  while (!in.empty() && checks.size() < 10) checks.push_back(ReadCheck(&in));
  std::vector<engine::RsaBatchItem> items;
  for (const Check& c : checks) {
    items.push_back(
        engine::RsaBatchItem{&c.key->batch, c.alg, c.digest, c.signature});
  }
  std::unique_ptr<bool[]> out(new bool[items.size() + 1]);
  for (engine::RsaBatchKernel kernel :
       {engine::RsaBatchKernel::kScalar, engine::RsaBatchKernel::kIfma}) {
    if (!engine::RsaBatchKernelSupported(kernel)) continue;
    engine::RsaBatchVerifyWith(kernel, items,
                               std::span<bool>(out.get(), items.size()));
    for (size_t i = 0; i < checks.size(); ++i) {
      const Check& c = checks[i];
      Require(
          out[i] == engine::VerifyRsa(c.key->pub, c.alg, c.digest, c.signature),
          kernel == engine::RsaBatchKernel::kIfma
              ? "IFMA kernel and OpenSSL disagree"
              : "scalar kernel and OpenSSL disagree");
    }
  }
  return 0;
}
