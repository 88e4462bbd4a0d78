// tests/engine/verifier_limits_test.cc
//
// Resource limits of engine::Verifier (VerifyOptions max_*): each one hit is
// a reason in the verdict, with the message's signatures still listed; and
// the cost guards (indexed h= selection, body hash cache, capped reported
// strings) change no verdict.
#include <string>
#include <vector>

#include "engine/signature.h"
#include "engine/verifier.h"
#include "gtest/gtest.h"
#include "tests/engine/test_keys.h"
#include "tests/engine/test_signer.h"

namespace dkimbatch::engine {
namespace {

using testutil::CachedRsa;
using testutil::KeyRecordFor;
using testutil::SignMessage;
using testutil::SignSpec;

constexpr int64_t kNow = 1800000000;

const std::string kMessage =
    "From: Alice <alice@example.com>\r\n"
    "To: Bob <bob@example.net>\r\n"
    "Subject: Hello\r\n"
    "Message-ID: <limits@example.com>\r\n"
    "\r\n"
    "Hi Bob,\r\n";

class VerifierLimits : public ::testing::Test {
 protected:
  VerifierLimits() {
    KeySnapshot snap;
    snap.txt = {KeyRecordFor(CachedRsa(1024, 0), "")};
    snap.fetched_at = kNow - 86400;
    store_.Add("sel._domainkey.example.com", std::move(snap));
    options_.now = kNow;
  }
  SignSpec Spec() const {
    SignSpec spec;
    spec.key = CachedRsa(1024, 0);
    return spec;
  }
  std::string Signed(const std::string& message) const {
    return SignMessage(message, Spec());
  }
  Verdict Verify(const std::string& message) {
    Verifier verifier(store_, options_);
    return verifier.Verify(message);
  }
  std::vector<Reason> Reasons(const Verdict& v) {
    std::vector<Reason> out;
    for (const SignatureVerdict& s : v.signatures) out.push_back(s.reason);
    return out;
  }

  KeyStore store_;
  VerifyOptions options_;
};

TEST_F(VerifierLimits, MessageTooLargeListsSignaturesUnverified) {
  const std::string msg = Signed(kMessage);
  ASSERT_EQ(Reasons(Verify(msg)), std::vector<Reason>{Reason::kOk});
  options_.max_message_bytes = msg.size() - 1;
  Verdict v = Verify(msg);
  ASSERT_EQ(Reasons(v), std::vector<Reason>{Reason::kMessageTooLarge});
  EXPECT_EQ(v.dkim, Result::kPermerror);
  EXPECT_EQ(v.signatures[0].d, "example.com");
  EXPECT_EQ(v.signatures[0].s, "sel");
  EXPECT_EQ(v.signatures[0].c, "relaxed/relaxed");
  EXPECT_EQ(v.message_id, "<limits@example.com>");
  EXPECT_EQ(v.from_domain, "example.com");
  EXPECT_NE(v.signatures[0].detail.find("--max-message-bytes"),
            std::string::npos);
  options_.max_message_bytes = msg.size();
  EXPECT_EQ(Reasons(Verify(msg)), std::vector<Reason>{Reason::kOk});
}

TEST_F(VerifierLimits, UnsignedMessageOverALimitStaysNone) {
  options_.max_message_bytes = 10;
  Verdict v = Verify(kMessage);
  EXPECT_TRUE(v.signatures.empty());
  EXPECT_EQ(v.dkim, Result::kNone);
  EXPECT_TRUE(v.error.empty());
}

TEST_F(VerifierLimits, TooManyHeadersFindsSignaturesBelowTheLimit) {
  // The signature sits after the limit: the scan still finds it.
  std::string msg = Signed(kMessage);
  std::string filler;
  for (int i = 0; i < 50; ++i)
    filler += "X-Filler: " + std::to_string(i) + "\r\n";
  msg.insert(0, filler);
  ASSERT_EQ(Reasons(Verify(msg)), std::vector<Reason>{Reason::kOk});
  options_.max_headers = 50;
  Verdict v = Verify(msg);
  ASSERT_EQ(Reasons(v), std::vector<Reason>{Reason::kTooManyHeaders});
  EXPECT_EQ(v.signatures[0].s, "sel");
  EXPECT_EQ(v.message_id, "<limits@example.com>");
  options_.max_headers = 55;  // 50 + DKIM-Signature + 4 fields
  EXPECT_EQ(Reasons(Verify(msg)), std::vector<Reason>{Reason::kOk});
}

TEST_F(VerifierLimits, TooManySignaturesCountsTheRest) {
  std::string msg = kMessage;
  for (int i = 0; i < 5; ++i) msg = Signed(msg);
  options_.max_signatures = 3;
  Verdict v = Verify(msg);
  ASSERT_EQ(v.signatures.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(v.signatures[i].reason, Reason::kOk) << v.signatures[i].detail;
  }
  EXPECT_EQ(v.signatures[3].reason, Reason::kTooManySignatures);
  EXPECT_EQ(v.signatures[3].result, Result::kPermerror);
  EXPECT_FALSE(v.signatures[3].d.has_value());
  EXPECT_NE(v.signatures[3].detail.find("2 more"), std::string::npos);
  EXPECT_EQ(v.dkim, Result::kPass);
}

TEST_F(VerifierLimits, KeyTooLarge) {
  options_.max_key_bits = 1023;  // the test key has 1024 bits
  Verdict v = Verify(Signed(kMessage));
  ASSERT_EQ(Reasons(v), std::vector<Reason>{Reason::kKeyTooLarge});
  EXPECT_EQ(v.signatures[0].key_bits, 1024);
  EXPECT_EQ(v.dkim, Result::kPermerror);
}

TEST_F(VerifierLimits, HugePublicKeyRefusedUndecoded) {
  KeySnapshot snap;
  snap.txt = {"v=DKIM1; k=rsa; p=" + std::string(40000, 'A')};
  snap.fetched_at = kNow - 86400;
  store_.Add("big._domainkey.example.com", std::move(snap));
  SignSpec spec = Spec();
  spec.s = "big";
  Verdict v = Verify(SignMessage(kMessage, spec));
  ASSERT_EQ(Reasons(v), std::vector<Reason>{Reason::kKeyTooLarge});
  EXPECT_EQ(v.signatures[0].key_bits, 0);
  EXPECT_NE(v.signatures[0].detail.find("30000 bytes"), std::string::npos);
}

TEST_F(VerifierLimits, ManyHeadersAndLongHListStillVerify) {
  // Enough (name, field) pairs to take the indexed h= selection; repeated
  // names must still be taken bottom-up.
  std::string msg = kMessage;
  std::string filler;
  for (int i = 0; i < 300; ++i) filler += "X-N: " + std::to_string(i) + "\r\n";
  msg.insert(msg.find("\r\n\r\n") + 2, filler);
  SignSpec spec = Spec();
  spec.h = {"From", "Subject"};
  for (int i = 0; i < 310; ++i) spec.h.push_back(i % 2 ? "x-n" : "X-N");
  const std::string signed_msg = SignMessage(msg, spec);
  EXPECT_EQ(Reasons(Verify(signed_msg)), std::vector<Reason>{Reason::kOk});
  // Swapping two of the repeated fields changes the bottom-up order.
  std::string swapped = signed_msg;
  size_t a = swapped.find("X-N: 7\r\n");
  swapped.replace(a, 8, "X-N: 8\r\n");
  size_t b = swapped.find("X-N: 8\r\n", a + 8);
  swapped.replace(b, 8, "X-N: 7\r\n");
  EXPECT_EQ(Reasons(Verify(swapped)),
            std::vector<Reason>{Reason::kSignatureMismatch});
}

TEST_F(VerifierLimits, BodyHashCacheKeepsPerSignatureResults) {
  // Two signatures with the same body canonicalization, one with l=: the
  // cached hash must not leak between different l= values.
  SignSpec limited = Spec();
  limited.l = 3;
  std::string msg = SignMessage(SignMessage(kMessage, limited), Spec());
  Verdict v = Verify(msg);
  EXPECT_EQ(Reasons(v), (std::vector<Reason>{Reason::kOk, Reason::kOk}));
  // Appending to the body breaks only the unlimited one.
  v = Verify(msg + "more\r\n");
  EXPECT_EQ(Reasons(v),
            (std::vector<Reason>{Reason::kBodyHashMismatch, Reason::kOk}));
}

TEST_F(VerifierLimits, ReportedStringsAreCapped) {
  std::string msg = Signed(kMessage);
  const std::string id(5000, 'x');
  msg.replace(msg.find("<limits@example.com>"), 20, "<" + id + ">");
  Verdict v = Verify(msg);
  ASSERT_TRUE(v.message_id.has_value());
  EXPECT_EQ(v.message_id->size(), 1003u);  // 1000 bytes and "..."
  EXPECT_TRUE(v.message_id->ends_with("..."));
}

TEST(SignatureLimits, HugeHListIsSigSyntax) {
  std::string names = "from";
  for (size_t i = 0; i < kMaxSignedHeaders; ++i) names += ":x";
  const std::string value =
      " v=1; a=rsa-sha256; d=example.com; s=sel; bh=AAAA; b=AAAA; h=" + names;
  Signature sig;
  std::string detail;
  EXPECT_EQ(ParseSignature(value, &sig, &detail), Reason::kSigSyntax);
  EXPECT_NE(detail.find("more than 65536 header names"), std::string::npos);
  names.resize(names.size() - 2);  // exactly kMaxSignedHeaders names
  EXPECT_EQ(ParseSignature(
                " v=1; a=rsa-sha256; d=example.com; s=sel; bh=AAAA; b=AAAA; "
                "h=" +
                    names,
                &sig, &detail),
            Reason::kOk)
      << detail;
  EXPECT_EQ(sig.signed_headers.size(), kMaxSignedHeaders);
  // Too many names is found before an empty one, however short the names:
  // "from" and kMaxSignedHeaders empty ones.
  EXPECT_EQ(ParseSignature(" v=1; a=rsa-sha256; d=example.com; s=sel; "
                           "bh=AAAA; b=AAAA; h=from" +
                               std::string(kMaxSignedHeaders, ':'),
                           &sig, &detail),
            Reason::kSigSyntax);
  EXPECT_NE(detail.find("more than 65536 header names"), std::string::npos)
      << detail;
}

}  // namespace
}  // namespace dkimbatch::engine
