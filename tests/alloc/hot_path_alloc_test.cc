// tests/alloc/hot_path_alloc_test.cc
//
// Counts heap allocations on the verify hot path: reading messages from an
// mbox (io::InputReader), verifying them (engine::Verifier, reused Verdict)
// and formatting verdict lines (io::AppendVerdictLine, reused buffer). Both
// C++ operator new and OpenSSL's allocator are counted. Once warm (every
// reused verdict slot has held every kind of message), our code must
// allocate nothing. What is left is inside OpenSSL and bounded here: one
// provider context per digest initialisation (2 per signature; none for
// SHA-256 where the CPU has SHA-NI, since the verifier defers those hashes
// to engine/crypto/sha256_many.h) and, when RSA does not go through the
// batched IFMA verifier (another CPU, or DKIMBATCH_NO_IFMA=1), RSA_verify's
// BN_CTX and bignums (about 13 per call).
// (Ed25519 is left out: OpenSSL 3.0's one-shot Ed25519 verify also makes a
// new context per call inside OpenSSL.)
#include <execinfo.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>
#include <vector>

#include "engine/crypto/private_key.h"
#include "engine/crypto/rsa_batch.h"
#include "engine/crypto/sha256_many.h"
#include "engine/key_store.h"
#include "engine/signer.h"
#include "engine/verifier.h"
#include "io/input_reader.h"
#include "io/jsonl_writer.h"
#include "tests/engine/test_keys.h"

namespace {

std::atomic<bool> g_counting{false};
std::atomic<uint64_t> g_allocations{0};          // all counted
std::atomic<uint64_t> g_openssl_allocations{0};  // of those, in OpenSSL

// DKB_ALLOC_TRACE=N prints the call stacks of the first N counted
// allocations (to find them when the test fails).
thread_local bool t_in_trace = false;
void Trace() {
  static const int limit = [] {
    const char* env = std::getenv("DKB_ALLOC_TRACE");
    return env == nullptr ? 0 : std::atoi(env);
  }();
  if (t_in_trace || static_cast<int>(g_allocations.load()) > limit) return;
  t_in_trace = true;
  void* frames[32];
  int depth = backtrace(frames, 32);
  std::fprintf(stderr, "--- allocation %d\n",
               static_cast<int>(g_allocations.load()));
  backtrace_symbols_fd(frames, depth, 2);
  t_in_trace = false;
}

void* CountedMalloc(size_t n) {
  if (g_counting.load(std::memory_order_relaxed) && !t_in_trace) {
    ++g_allocations;
    Trace();
  }
  return std::malloc(n == 0 ? 1 : n);
}

void* OpensslMalloc(size_t n, const char*, int) {
  if (g_counting.load(std::memory_order_relaxed)) ++g_openssl_allocations;
  return CountedMalloc(n);
}
void* OpensslRealloc(void* p, size_t n, const char*, int) {
  if (g_counting.load(std::memory_order_relaxed) && !t_in_trace) {
    ++g_allocations;
    ++g_openssl_allocations;
    Trace();
  }
  return std::realloc(p, n);
}
void OpensslFree(void* p, const char*, int) { std::free(p); }

}  // namespace

void* operator new(size_t n) {
  void* p = CountedMalloc(n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace dkimbatch {
namespace {

using engine::Algorithm;
using engine::Canon;

constexpr int64_t kNow = 1767312000;

// Message bodies of the kinds an archive holds: plain text, text with WSP
// runs and trailing space (relaxed work), and a line that mboxrd quotes.
const char* const kBodies[] = {
    "Hello,\n\nthis is a plain text message.\nRegards\n",
    "Some   spaced \t text   \nwith trailing space   \n\n\n",
    "A line that needs quoting:\n>From the archive\nFrom here too\nend\n",
};

class HotPathAllocTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("dkb_alloc_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
};

engine::PrivateKey RsaKey() {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, testutil::CachedRsa(2048), nullptr, nullptr, 0,
                           nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  engine::PrivateKey key;
  std::string error;
  EXPECT_TRUE(engine::ParsePrivateKeyPem(pem, &key, &error)) << error;
  return key;
}

TEST_F(HotPathAllocTest, WarmVerifyLoopAllocatesNothing) {
  engine::PrivateKey rsa = RsaKey();
  engine::KeyStore keys;
  engine::KeySnapshot snap;
  snap.txt.push_back("v=DKIM1; k=rsa; p=" + engine::PublicKeyRecordValue(rsa));
  snap.fetched_at = kNow - 100;
  keys.Add("sel._domainkey.example.com", std::move(snap));

  // One of each kind: canonicalization pairs x bodies, one message whose
  // body was altered after signing, and rsa-sha1 (a policy verdict).
  std::vector<std::string> kinds;
  engine::Signer signer;
  int n = 0;
  for (Canon h : {Canon::kSimple, Canon::kRelaxed}) {
    for (Canon b : {Canon::kSimple, Canon::kRelaxed}) {
      for (const char* body : kBodies) {
        engine::SignOptions options;
        options.domain = "example.com";
        options.selector = "sel";
        options.header_canon = h;
        options.body_canon = b;
        options.algorithm =
            n % 5 == 4 ? Algorithm::kRsaSha1 : Algorithm::kRsaSha256;
        std::string message =
            "From: Alice <alice@example.com>\nTo: bob@example.org\n"
            "Subject: kind " +
            std::to_string(n++) +
            "\nMessage-ID: <m@example.com>\nDate: Mon, 1 Dec 2025 10:00:00 "
            "+0000\n\n" +
            body;
        std::string field, error;
        ASSERT_TRUE(signer.Sign(message, rsa, options, &field, &error))
            << error;
        kinds.push_back(field + message);
      }
    }
  }
  kinds.push_back(kinds[0] + "altered after signing\n");
  ASSERT_EQ(kinds.size(), 13u);  // the warm-up below counts on it

  // The mbox: every kind kWarmRounds times, then kRounds more times. Batch
  // slots are reused and see the kinds in turn (40 = 1 mod 13): after 13
  // batches every slot's strings have held every kind's, so the warm-up
  // takes 42 rounds (546 messages).
  constexpr int kRounds = 20;
  constexpr int kWarmRounds = 42;
  std::string mbox;
  for (int round = 0; round < kWarmRounds + kRounds; ++round) {
    for (const std::string& kind : kinds) {
      mbox += "From sender@example.com Mon Dec  1 10:00:00 2025\n";
      std::string quoted = kind;
      // mboxrd: quote ^>*From  lines of the body.
      std::string out;
      size_t pos = 0;
      while (pos < quoted.size()) {
        size_t eol = quoted.find('\n', pos);
        size_t end = eol == std::string::npos ? quoted.size() : eol + 1;
        std::string_view line(quoted.data() + pos, end - pos);
        size_t k = 0;
        while (k < line.size() && line[k] == '>') ++k;
        if (line.substr(k).starts_with("From ")) out += '>';
        out.append(line);
        pos = end;
      }
      mbox += out + "\n";
    }
  }
  std::string path = (dir_ / "archive.mbox").string();
  std::ofstream(path, std::ios::binary) << mbox;

  engine::VerifyOptions options;
  options.now = kNow;
  engine::Verifier verifier(keys, options);
  io::InputReader reader({path}, io::InputOptions{});
  // As the pipeline does: a batch of messages verified with their hashes and
  // public-key checks deferred, then run together by Flush (more jobs than
  // the AVX-512 SHA-256 kernel has lanes), then the lines written.
  constexpr size_t kBatch = 40;
  std::vector<engine::Verdict> verdicts(kBatch);
  // One RawMessage per slot, as the pipeline keeps them: a verdict line
  // quotes its message's source, which must outlive the reader's next file.
  std::vector<io::RawMessage> messages(kBatch);
  std::string lines;
  // Room for the longest lines up front: offsets grow by a digit as the file
  // goes on, and capacity growth is amortised, not per message.
  lines.reserve(kBatch * 4096);
  size_t count = 0, in_batch = 0;
  uint64_t passes = 0, fails = 0, policies = 0, sha1_verifications = 0;
  std::vector<bool> counted(kBatch);
  const size_t warm_messages = kinds.size() * kWarmRounds;
  auto flush = [&] {
    verifier.Flush();
    lines.clear();
    for (size_t i = 0; i < in_batch; ++i) {
      const engine::Verdict& verdict = verdicts[i];
      const io::RawMessage& m = messages[i];
      io::AppendVerdictLine({*m.source, m.index, m.offset}, verdict, &lines);
      if (counted[i]) {
        sha1_verifications += !verdict.signatures.empty() &&
                              verdict.signatures[0].a == "rsa-sha1";
        passes += verdict.dkim == engine::Result::kPass;
        fails += verdict.dkim == engine::Result::kFail;
        policies += verdict.dkim == engine::Result::kPolicy;
      }
    }
    in_batch = 0;
  };
  while (reader.Next(&messages[in_batch])) {
    if (count == warm_messages) g_counting = true;
    counted[in_batch] = count >= warm_messages;
    verifier.VerifyDeferred(messages[in_batch].bytes, &verdicts[in_batch]);
    ++in_batch;
    ++count;
    if (in_batch == kBatch) flush();
  }
  flush();
  g_counting = false;
  ASSERT_EQ(count, kinds.size() * (kWarmRounds + kRounds));
  // The loop did real work: every kind verified as expected.
  EXPECT_EQ(fails, static_cast<uint64_t>(kRounds));
  EXPECT_EQ(policies, static_cast<uint64_t>(kRounds) * 2);
  EXPECT_EQ(passes + fails + policies, kinds.size() * kRounds);
  const uint64_t verifications = kinds.size() * kRounds;
  const uint64_t ours = g_allocations.load() - g_openssl_allocations.load();
  EXPECT_EQ(ours, 0u) << "heap allocations outside OpenSSL in " << verifications
                      << " warm verifications (DKB_ALLOC_TRACE=N shows them)";
  if (engine::RsaBatchAvailable()) {
    // The batched RSA path replaces OpenSSL's RSA_verify. What is left is
    // one small provider context per digest initialisation (OpenSSL 3.0's
    // EVP_DigestInit_ex frees and re-creates it every time; copying a
    // template context does the same): the body hash and the header hash.
    EXPECT_LE(g_openssl_allocations.load(), verifications * 2);
    if (engine::Sha256ManyKernelSupported(engine::Sha256ManyKernel::kShaNi)) {
      // SHA-256 hashes are deferred to Sha256Many, which does not use EVP:
      // only the rsa-sha1 messages' two digests are left.
      EXPECT_EQ(g_openssl_allocations.load(), sha1_verifications * 2);
    }
  } else {
    // Every message but the altered one reaches RSA_verify.
    EXPECT_LE(g_openssl_allocations.load(), (verifications - kRounds) * 16)
        << "OpenSSL allocations per RSA verification grew";
  }
}

}  // namespace
}  // namespace dkimbatch

int main(int argc, char** argv) {
  CRYPTO_set_mem_functions(OpensslMalloc, OpensslRealloc, OpensslFree);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
