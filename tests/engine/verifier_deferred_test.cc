// tests/engine/verifier_deferred_test.cc
//
// Verifier::VerifyDeferred + Flush (SHA-256 hashes, RSA and Ed25519 checks
// batched across messages)
// must give exactly the verdicts of Verify, message by message: passes,
// signature mismatches, and the policy results that only apply to a
// signature that verified (weak hash, small key, future t=), with keys the
// batched verifier takes and keys it leaves to OpenSSL (e = 3, 512 and 1536
// bits).
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <string>
#include <vector>

#include "engine/crypto/ed25519_batch.h"
#include "engine/crypto/rsa_batch.h"
#include "engine/verifier.h"
#include "gtest/gtest.h"
#include "tests/engine/test_keys.h"
#include "tests/engine/test_signer.h"

namespace dkimbatch::engine {
namespace {

using testutil::CachedEd25519;
using testutil::CachedRsa;
using testutil::KeyRecordFor;
using testutil::SignMessage;
using testutil::SignSpec;

constexpr int64_t kNow = 1800000000;

const std::string kMessage =
    "From: Alice <alice@example.com>\r\n"
    "To: Bob <bob@example.net>\r\n"
    "Subject: Hello\r\n"
    "Message-ID: <m@example.com>\r\n"
    "\r\n"
    "Hi Bob,\r\n";

// RsaKeyE3 is a 1024-bit key with public exponent 3 (batched verification
// takes only 65537: this one goes to OpenSSL).
EVP_PKEY* RsaKeyE3() {
  static EVP_PKEY* key = [] {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    BIGNUM* e = BN_new();
    BN_set_word(e, 3);
    EVP_PKEY* k = nullptr;
    if (ctx == nullptr || EVP_PKEY_keygen_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 1024) != 1 ||
        EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, e) != 1 ||
        EVP_PKEY_keygen(ctx, &k) != 1) {
      std::abort();
    }
    BN_free(e);
    EVP_PKEY_CTX_free(ctx);
    return k;
  }();
  return key;
}

// Tamper changes the signed Subject, so the header hash no longer matches.
std::string Tamper(const std::string& msg) {
  std::string out = msg;
  out.replace(out.find("Subject: Hello"), 14, "Subject: Hullo");
  return out;
}

class VerifierDeferred : public ::testing::Test {
 protected:
  void SetUp() override {
    Add("k2048", CachedRsa(2048));
    Add("k1024", CachedRsa(1024));
    Add("k1024b", CachedRsa(1024, 1));
    Add("k512", CachedRsa(512));
    Add("k1536", CachedRsa(1536));  // a size without a batched kernel
    Add("e3", RsaKeyE3());
    Add("ed", CachedEd25519());
    Add("edwrong", CachedEd25519(1), CachedEd25519());
    // A record whose key is not the one that signed.
    Add("wrong", CachedRsa(1024, 1), CachedRsa(1024));
  }

  void Add(const std::string& selector, EVP_PKEY* record_key,
           EVP_PKEY* signing_key = nullptr) {
    KeySnapshot snap;
    snap.rcode = DnsRcode::kNoError;
    snap.txt = {KeyRecordFor(record_key)};
    snap.fetched_at = kNow - 86400;
    store_.Add(selector + "._domainkey.example.com", std::move(snap));
    signers_.push_back({selector, signing_key ? signing_key : record_key});
  }

  std::string Sign(const std::string& msg, const std::string& selector,
                   const std::string& a = "rsa-sha256",
                   std::optional<uint64_t> t = std::nullopt) {
    SignSpec spec;
    spec.t = t;
    return Sign(msg, selector, a, spec);
  }

  std::string Sign(const std::string& msg, const std::string& selector,
                   const std::string& a, SignSpec spec) {
    for (const auto& [s, key] : signers_) {
      if (s == selector) spec.key = key;
    }
    spec.s = selector;
    spec.a = a;
    return SignMessage(msg, spec);
  }

  // Messages covering every way a deferred check can end.
  std::vector<std::string> Corpus() {
    std::vector<std::string> out;
    for (const char* selector :
         {"k2048", "k1024", "k1024b", "e3", "k512", "k1536"}) {
      for (const char* a : {"rsa-sha256", "rsa-sha1"}) {
        const std::string signed_msg = Sign(kMessage, selector, a);
        out.push_back(signed_msg);
        out.push_back(Tamper(signed_msg));
        const std::string future = Sign(kMessage, selector, a, kNow + 86400);
        out.push_back(future);
        out.push_back(Tamper(future));
      }
    }
    out.push_back(Sign(kMessage, "wrong"));
    for (const char* selector : {"ed", "edwrong"}) {
      const std::string signed_msg = Sign(kMessage, selector, "ed25519-sha256");
      out.push_back(signed_msg);
      out.push_back(Tamper(signed_msg));
      out.push_back(Sign(kMessage, selector, "ed25519-sha256", kNow + 86400));
      out.push_back(Sign(signed_msg, "k1024"));  // Ed25519 and RSA together
    }
    // Two and three signatures, some failing, ranked per message.
    out.push_back(Sign(Sign(kMessage, "k1024"), "k2048"));
    out.push_back(Sign(Sign(kMessage, "wrong"), "k2048"));
    out.push_back(Tamper(Sign(Sign(kMessage, "k1024"), "k2048")));
    out.push_back(Sign(Sign(Sign(kMessage, "e3"), "wrong"), "k1024b"));
    // Canonicalizations and l=: body hashes shared between signatures of
    // one message (same c= and l=) or not, SHA-1 next to SHA-256.
    SignSpec simple;
    simple.header_canon = simple.body_canon = "simple";
    SignSpec limited;
    limited.l = 5;
    SignSpec too_long;
    too_long.l = 5000;
    const std::string lf_body = kMessage + "two\nbare LFs\n\n\n";
    for (const std::string& body : {kMessage, lf_body}) {
      out.push_back(Sign(body, "k1024", "rsa-sha256", simple));
      out.push_back(Sign(body, "k1024", "rsa-sha256", limited));
      out.push_back(Sign(body, "k1024", "rsa-sha256", limited) + "more\r\n");
      out.push_back(Sign(body, "k1024", "rsa-sha256", too_long));
      out.push_back(Sign(Sign(body, "k1024", "rsa-sha256", simple), "k2048",
                         "rsa-sha256", simple));
      out.push_back(Sign(Sign(body, "k1024"), "ed", "ed25519-sha256"));
      out.push_back(Sign(Sign(body, "k1024", "rsa-sha1"), "k2048"));
      out.push_back(Sign(Sign(body, "k1024", "rsa-sha1"), "k2048") + "x\r\n");
      out.push_back(
          Sign(Sign(Sign(body, "k1024", "rsa-sha256", simple), "k2048"), "e3"));
    }
    // A body past the deferral limit is hashed at once; verdicts the same.
    const std::string big =
        kMessage + std::string(Verifier::kMaxDeferredBody, 'x') + "\r\n";
    out.push_back(Sign(big, "k1024"));
    out.push_back(Sign(big, "k1024") + "tail\r\n");
    // No RSA check at all.
    out.push_back(kMessage);
    out.push_back(Sign(kMessage, "k2048") + "changed body\r\n");
    out.push_back("");
    return out;
  }

  static void ExpectSame(const Verdict& want, const Verdict& got,
                         size_t index) {
    SCOPED_TRACE("message " + std::to_string(index));
    EXPECT_EQ(got.dkim, want.dkim);
    EXPECT_EQ(got.error, want.error);
    EXPECT_EQ(got.message_id, want.message_id);
    EXPECT_EQ(got.from_domain, want.from_domain);
    ASSERT_EQ(got.signatures.size(), want.signatures.size());
    for (size_t i = 0; i < want.signatures.size(); ++i) {
      const SignatureVerdict& w = want.signatures[i];
      const SignatureVerdict& g = got.signatures[i];
      EXPECT_EQ(ReasonCode(g.reason), ReasonCode(w.reason)) << "sig " << i;
      EXPECT_EQ(g.result, w.result) << "sig " << i;
      EXPECT_EQ(g.detail, w.detail) << "sig " << i;
      EXPECT_EQ(g.key_bits, w.key_bits) << "sig " << i;
      EXPECT_EQ(g.d, w.d);
      EXPECT_EQ(g.s, w.s);
      EXPECT_EQ(g.a, w.a);
      EXPECT_EQ(g.c, w.c);
      EXPECT_EQ(g.i, w.i);
    }
  }

  KeyStore store_;
  std::vector<std::pair<std::string, EVP_PKEY*>> signers_;
};

TEST_F(VerifierDeferred, SameVerdictsAsVerify) {
  const std::vector<std::string> corpus = Corpus();
  for (int variant = 0; variant < 3; ++variant) {
    VerifyOptions options;
    options.now = kNow;
    options.allow_sha1 = variant == 1;
    options.min_key_bits = variant == 2 ? 2048 : 512;
    Verifier immediate(store_, options);
    Verifier deferred(store_, options);
    std::vector<Verdict> want, got(corpus.size());
    for (const std::string& msg : corpus) want.push_back(immediate.Verify(msg));
    // Flush after every 7 messages, then once at the end: pending checks
    // span messages and Flush calls reuse the queue.
    for (size_t i = 0; i < corpus.size(); ++i) {
      deferred.VerifyDeferred(corpus[i], &got[i]);
      if (i % 7 == 6) deferred.Flush();
    }
    deferred.Flush();
    size_t fails = 0, passes = 0, body_fails = 0;
    for (size_t i = 0; i < corpus.size(); ++i) {
      ExpectSame(want[i], got[i], i);
      for (const SignatureVerdict& s : want[i].signatures) {
        fails += s.reason == Reason::kSignatureMismatch;
        passes += s.reason == Reason::kOk;
        body_fails += s.reason == Reason::kBodyHashMismatch;
      }
    }
    EXPECT_GT(fails, 10u);
    EXPECT_GT(passes, 3u);
    EXPECT_GT(body_fails, 5u);
  }
}

// More queued message bytes than the hash arena takes before a Flush: the
// rest are hashed at once, and every verdict is still Verify's.
TEST_F(VerifierDeferred, PastTheArenaLimit) {
  VerifyOptions options;
  options.now = kNow;
  Verifier immediate(store_, options);
  Verifier deferred(store_, options);
  const std::string body(Verifier::kMaxDeferredBody / 2, 'y');
  std::vector<std::string> corpus;
  for (size_t bytes = 0; bytes < 2 * Verifier::kMaxDeferredBytes;
       bytes += body.size()) {
    const std::string signed_msg =
        Sign(kMessage + body + std::to_string(corpus.size()) + "\r\n",
             corpus.size() % 2 ? "k1024" : "ed",
             corpus.size() % 2 ? "rsa-sha256" : "ed25519-sha256");
    corpus.push_back(corpus.size() % 3 == 1 ? signed_msg + "!\r\n"
                                            : signed_msg);
  }
  std::vector<Verdict> got(corpus.size());
  for (size_t i = 0; i < corpus.size(); ++i) {
    deferred.VerifyDeferred(corpus[i], &got[i]);
  }
  deferred.Flush();
  size_t body_fails = 0;
  for (size_t i = 0; i < corpus.size(); ++i) {
    const Verdict want = immediate.Verify(corpus[i]);
    ExpectSame(want, got[i], i);
    body_fails += want.signatures[0].reason == Reason::kBodyHashMismatch;
  }
  EXPECT_GT(body_fails, 10u);
}

// SHA-256 hashing waits for Flush on any CPU: a changed body reads as passed
// until then; SHA-1 is hashed at once.
TEST_F(VerifierDeferred, BodyHashWaitsForFlush) {
  VerifyOptions options;
  options.now = kNow;
  options.allow_sha1 = true;
  Verifier verifier(store_, options);
  Verdict changed, changed_sha1, good;
  verifier.VerifyDeferred(Sign(kMessage, "k1536") + "changed\r\n", &changed);
  verifier.VerifyDeferred(Sign(kMessage, "k1536", "rsa-sha1") + "changed\r\n",
                          &changed_sha1);
  verifier.VerifyDeferred(Sign(kMessage, "k1536"), &good);
  EXPECT_EQ(changed.signatures[0].reason, Reason::kOk);
  EXPECT_EQ(changed_sha1.signatures[0].reason, Reason::kBodyHashMismatch);
  verifier.Flush();
  EXPECT_EQ(changed.signatures[0].reason, Reason::kBodyHashMismatch);
  EXPECT_EQ(changed.dkim, Result::kFail);
  EXPECT_EQ(good.signatures[0].reason, Reason::kOk);
  EXPECT_EQ(good.dkim, Result::kPass);
}

// Before Flush, a queued RSA check reads as passed; Flush settles it.
TEST_F(VerifierDeferred, ChecksWaitForFlush) {
  if (!RsaBatchAvailable()) {
    GTEST_SKIP() << "batched RSA verification is off (no AVX-512 IFMA or "
                    "DKIMBATCH_NO_IFMA): VerifyDeferred verifies at once";
  }
  VerifyOptions options;
  options.now = kNow;
  Verifier verifier(store_, options);
  Verdict bad, good;
  verifier.VerifyDeferred(Tamper(Sign(kMessage, "k2048")), &bad);
  verifier.VerifyDeferred(Sign(kMessage, "k1024"), &good);
  ASSERT_EQ(bad.signatures.size(), 1u);
  EXPECT_EQ(bad.signatures[0].reason, Reason::kOk);
  // Verify in between is immediate and leaves the queue alone.
  Verdict now = verifier.Verify(Tamper(Sign(kMessage, "k1024")));
  EXPECT_EQ(now.signatures[0].reason, Reason::kSignatureMismatch);
  verifier.Flush();
  EXPECT_EQ(bad.signatures[0].reason, Reason::kSignatureMismatch);
  EXPECT_EQ(bad.dkim, Result::kFail);
  EXPECT_EQ(good.signatures[0].reason, Reason::kOk);
  EXPECT_EQ(good.dkim, Result::kPass);
  verifier.Flush();  // nothing pending: no effect
  EXPECT_EQ(good.dkim, Result::kPass);
}

TEST_F(VerifierDeferred, Ed25519ChecksWaitForFlush) {
  if (!Ed25519BatchAvailable()) {
    GTEST_SKIP() << "batched Ed25519 verification is off (no AVX-512 IFMA "
                    "or DKIMBATCH_NO_IFMA): VerifyDeferred verifies at once";
  }
  VerifyOptions options;
  options.now = kNow;
  Verifier verifier(store_, options);
  Verdict bad, good;
  verifier.VerifyDeferred(Sign(kMessage, "edwrong", "ed25519-sha256"), &bad);
  verifier.VerifyDeferred(Sign(kMessage, "ed", "ed25519-sha256"), &good);
  ASSERT_EQ(bad.signatures.size(), 1u);
  EXPECT_EQ(bad.signatures[0].reason, Reason::kOk);
  verifier.Flush();
  EXPECT_EQ(bad.signatures[0].reason, Reason::kSignatureMismatch);
  EXPECT_EQ(bad.dkim, Result::kFail);
  EXPECT_EQ(good.signatures[0].reason, Reason::kOk);
  EXPECT_EQ(good.dkim, Result::kPass);
}

}  // namespace
}  // namespace dkimbatch::engine
