// tests/engine/verifier_test.cc
//
// End to end: messages signed by the independent test signer
// (test_signer.h), verified by engine::Verifier against a KeyStore.
#include "engine/verifier.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/engine/reference_canon.h"
#include "tests/engine/test_keys.h"
#include "tests/engine/test_signer.h"

namespace dkimbatch::engine {
namespace {

using testutil::CachedEd25519;
using testutil::CachedRsa;
using testutil::KeyRecordFor;
using testutil::SignMessage;
using testutil::SignSpec;

constexpr int64_t kNow = 1800000000;  // 2027-01-15
constexpr char kName[] = "sel._domainkey.example.com";

const std::string kMessage =
    "From: Alice <alice@Example.COM>\r\n"
    "To: Bob <bob@example.net>\r\n"
    "Subject: Hello\r\n"
    "  world,  folded\t\r\n"
    "Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"
    "Message-ID:\r\n <msg-1@example.com>\r\n"
    "\r\n"
    "Hi Bob,\r\n"
    "  indented\t line  \r\n"
    "\r\n"
    "Bye\r\n"
    "\r\n"
    "\r\n";

// InsideSignature: is `pos` inside a DKIM-Signature field? (Its random
// base64 may contain any short string, so edits must not land there.)
bool InsideSignature(const std::string& text, size_t pos) {
  size_t start = 0;
  while ((start = text.find("DKIM-Signature:", start)) != std::string::npos) {
    size_t end = start;
    do {
      end = text.find('\n', end);
      if (end == std::string::npos) return pos >= start;
      ++end;
    } while (end < text.size() && (text[end] == ' ' || text[end] == '\t'));
    if (pos >= start && pos < end) return true;
    start = end;
  }
  return false;
}

// ReplaceTag changes a tag inside a DKIM-Signature field (`from` holds a
// ';', which base64 cannot, so the first occurrence is the tag).
std::string ReplaceTag(std::string text, const std::string& from,
                       const std::string& to) {
  size_t pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << "no '" << from << "' in the message";
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

// Replace changes the first occurrence of `from` outside DKIM-Signature
// fields.
std::string Replace(std::string text, const std::string& from,
                    const std::string& to) {
  size_t pos = text.find(from);
  while (pos != std::string::npos && InsideSignature(text, pos)) {
    pos = text.find(from, pos + 1);
  }
  EXPECT_NE(pos, std::string::npos) << "no '" << from << "' in the message";
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

// InsertHeader puts `field` (with CRLF) right before the empty line.
std::string InsertHeader(const std::string& msg, const std::string& field) {
  std::string out = msg;
  out.insert(out.find("\r\n\r\n") + 2, field);
  return out;
}

class VerifierTest : public ::testing::Test {
 protected:
  void AddKey(const std::string& name, std::vector<std::string> txt,
              int64_t fetched_at = kNow - 86400,
              DnsRcode rcode = DnsRcode::kNoError) {
    KeySnapshot snap;
    snap.rcode = rcode;
    snap.txt = std::move(txt);
    snap.dnssec = "insecure";
    snap.fetched_at = fetched_at;
    store_.Add(name, std::move(snap));
  }
  void AddKey(EVP_PKEY* key, const std::string& name = kName,
              const std::string& extra = "") {
    AddKey(name, {KeyRecordFor(key, extra)});
  }

  Verdict Verify(const std::string& msg, VerifyOptions options) {
    Verifier verifier(store_, options);
    return verifier.Verify(msg);
  }
  Verdict Verify(const std::string& msg) { return Verify(msg, Options()); }

  static VerifyOptions Options() {
    VerifyOptions o;
    o.now = kNow;
    return o;
  }

  // One signature expected: check its result and reason.
  static void ExpectOne(const Verdict& v, Result result, Reason reason) {
    EXPECT_TRUE(v.error.empty()) << v.error;
    ASSERT_EQ(v.signatures.size(), 1u);
    const SignatureVerdict& s = v.signatures[0];
    EXPECT_EQ(ReasonCode(s.reason), ReasonCode(reason)) << s.detail;
    EXPECT_EQ(ResultWord(s.result), ResultWord(result)) << s.detail;
    EXPECT_EQ(v.dkim, result);
    EXPECT_FALSE(s.detail.empty());
  }

  static SignSpec Spec(EVP_PKEY* key) {
    SignSpec spec;
    spec.key = key;
    return spec;
  }

  KeyStore store_;
};

struct CanonCombo {
  const char* header;
  const char* body;
};

class VerifierCanon : public VerifierTest,
                      public ::testing::WithParamInterface<CanonCombo> {};

TEST_P(VerifierCanon, PassesAndReportsSignature) {
  AddKey(CachedRsa(2048));
  SignSpec spec = Spec(CachedRsa(2048));
  spec.header_canon = GetParam().header;
  spec.body_canon = GetParam().body;
  const std::string signed_msg = SignMessage(kMessage, spec);
  Verdict v = Verify(signed_msg);
  ExpectOne(v, Result::kPass, Reason::kOk);
  const SignatureVerdict& s = v.signatures[0];
  EXPECT_EQ(s.d, "example.com");
  EXPECT_EQ(s.s, "sel");
  EXPECT_EQ(s.a, "rsa-sha256");
  EXPECT_EQ(s.c, std::string(GetParam().header) + "/" + GetParam().body);
  EXPECT_EQ(s.i, "@example.com");
  EXPECT_EQ(s.key_bits, 2048);
  EXPECT_EQ(v.message_id, "<msg-1@example.com>");
  EXPECT_EQ(v.from_domain, "example.com");
}

TEST_P(VerifierCanon, LfOnlyStorageVerifiesLikeCrlf) {
  AddKey(CachedRsa(1024));
  SignSpec spec = Spec(CachedRsa(1024));
  spec.header_canon = GetParam().header;
  spec.body_canon = GetParam().body;
  const std::string signed_msg = SignMessage(kMessage, spec);
  const std::string lf = testutil::RefToLf(signed_msg);
  ASSERT_EQ(lf.find('\r'), std::string::npos);
  ExpectOne(Verify(lf), Result::kPass, Reason::kOk);
}

TEST_P(VerifierCanon, BodyModifiedFailsBodyHash) {
  AddKey(CachedRsa(1024));
  SignSpec spec = Spec(CachedRsa(1024));
  spec.header_canon = GetParam().header;
  spec.body_canon = GetParam().body;
  const std::string signed_msg = SignMessage(kMessage, spec);
  ExpectOne(Verify(Replace(signed_msg, "Bye", "Bye!")), Result::kFail,
            Reason::kBodyHashMismatch);
  ExpectOne(Verify(signed_msg + "P.S.\r\n"), Result::kFail,
            Reason::kBodyHashMismatch);
  // Only white space changed inside a line: relaxed body survives it.
  const Verdict ws = Verify(Replace(signed_msg, "Hi Bob,", "Hi \t Bob,"));
  if (std::string(GetParam().body) == "relaxed") {
    ExpectOne(ws, Result::kPass, Reason::kOk);
  } else {
    ExpectOne(ws, Result::kFail, Reason::kBodyHashMismatch);
  }
  // More trailing empty lines: both algorithms ignore them.
  ExpectOne(Verify(signed_msg + "\r\n\r\n"), Result::kPass, Reason::kOk);
}

TEST_P(VerifierCanon, HeaderModifiedFailsSignature) {
  AddKey(CachedRsa(1024));
  SignSpec spec = Spec(CachedRsa(1024));
  spec.header_canon = GetParam().header;
  spec.body_canon = GetParam().body;
  const std::string signed_msg = SignMessage(kMessage, spec);
  ExpectOne(Verify(Replace(signed_msg, "Subject: Hello", "Subject: Jello")),
            Result::kFail, Reason::kSignatureMismatch);
  ExpectOne(Verify(Replace(signed_msg, "bob@example.net", "eve@example.net")),
            Result::kFail, Reason::kSignatureMismatch);
  // Unsigned header fields may change freely.
  ExpectOne(Verify(Replace(signed_msg, "Date: Fri", "Date: Sat")),
            Result::kPass, Reason::kOk);
  ExpectOne(Verify(InsertHeader(signed_msg, "Received: by relay\r\n")),
            Result::kPass, Reason::kOk);
  // Name case and refolding: relaxed header survives, simple does not.
  const Verdict refolded = Verify(Replace(
      signed_msg, "Subject: Hello\r\n  world,", "SUBJECT:Hello world,"));
  if (std::string(GetParam().header) == "relaxed") {
    ExpectOne(refolded, Result::kPass, Reason::kOk);
  } else {
    ExpectOne(refolded, Result::kFail, Reason::kSignatureMismatch);
  }
}

INSTANTIATE_TEST_SUITE_P(Rfc6376, VerifierCanon,
                         ::testing::Values(CanonCombo{"simple", "simple"},
                                           CanonCombo{"simple", "relaxed"},
                                           CanonCombo{"relaxed", "simple"},
                                           CanonCombo{"relaxed", "relaxed"}),
                         [](const ::testing::TestParamInfo<CanonCombo>& p) {
                           return std::string(p.param.header) + "_" +
                                  p.param.body;
                         });

TEST_F(VerifierTest, HeaderOnlyCanonNameMeansSimpleBody) {
  AddKey(CachedRsa(1024));
  SignSpec spec = Spec(CachedRsa(1024));
  spec.c_text = "relaxed";
  spec.header_canon = "relaxed";
  spec.body_canon = "simple";
  Verdict v = Verify(SignMessage(kMessage, spec));
  ExpectOne(v, Result::kPass, Reason::kOk);
  EXPECT_EQ(v.signatures[0].c, "relaxed/simple");
}

// §3.5: c= absent means simple/simple.
TEST_F(VerifierTest, NoCTagMeansSimpleSimple) {
  AddKey(CachedRsa(1024));
  SignSpec spec = Spec(CachedRsa(1024));
  spec.omit_c = true;
  spec.header_canon = "simple";
  spec.body_canon = "simple";
  const std::string signed_msg = SignMessage(kMessage, spec);
  // No c= tag (b= base64 may end in "c=", so look for a tag boundary).
  for (const char* tag : {" c=", ";c=", "\tc=", "\nc="}) {
    ASSERT_EQ(signed_msg.find(tag), std::string::npos) << tag;
  }
  Verdict v = Verify(signed_msg);
  ExpectOne(v, Result::kPass, Reason::kOk);
  EXPECT_EQ(v.signatures[0].c, "simple/simple");
  // Simple header canonicalization: a changed name case breaks it.
  ExpectOne(Verify(Replace(signed_msg, "Subject:", "subject:")), Result::kFail,
            Reason::kSignatureMismatch);
}

// No body at all (no empty line) and an empty body: simple hashes one CRLF,
// relaxed hashes nothing (§3.4.3, §3.4.4).
TEST_F(VerifierTest, EmptyAndMissingBody) {
  AddKey(CachedRsa(1024));
  const std::string head = kMessage.substr(0, kMessage.find("\r\n\r\n") + 2);
  for (const char* canon : {"simple", "relaxed"}) {
    SignSpec spec = Spec(CachedRsa(1024));
    spec.header_canon = canon;
    spec.body_canon = canon;
    for (const std::string& msg : {head, head + "\r\n", head + "\r\n\r\n"}) {
      const std::string signed_msg = SignMessage(msg, spec);
      ExpectOne(Verify(signed_msg), Result::kPass, Reason::kOk);
      ExpectOne(Verify(testutil::RefToLf(signed_msg)), Result::kPass,
                Reason::kOk);
      ExpectOne(Verify(signed_msg + (msg == head ? "\r\nx" : "x")),
                Result::kFail, Reason::kBodyHashMismatch);
    }
  }
}

TEST_F(VerifierTest, BTagNotLastAndExplicitIdentity) {
  AddKey(CachedRsa(1024));
  SignSpec spec = Spec(CachedRsa(1024));
  spec.b_first = true;
  spec.i = "alice@mail.example.com";
  Verdict v = Verify(SignMessage(kMessage, spec));
  ExpectOne(v, Result::kPass, Reason::kOk);
  EXPECT_EQ(v.signatures[0].i, "alice@mail.example.com");
}

TEST_F(VerifierTest, Ed25519Passes) {
  AddKey(CachedEd25519());
  SignSpec spec = Spec(CachedEd25519());
  spec.a = "ed25519-sha256";
  for (const char* canon : {"simple", "relaxed"}) {
    spec.header_canon = canon;
    spec.body_canon = canon;
    const std::string signed_msg = SignMessage(kMessage, spec);
    Verdict v = Verify(signed_msg);
    ExpectOne(v, Result::kPass, Reason::kOk);
    EXPECT_EQ(v.signatures[0].a, "ed25519-sha256");
    ExpectOne(Verify(Replace(signed_msg, "Subject: Hello", "Subject: Hallo")),
              Result::kFail, Reason::kSignatureMismatch);
  }
}

TEST_F(VerifierTest, Ed25519SignatureAgainstRsaKeyRecord) {
  AddKey(CachedRsa(1024));
  SignSpec spec = Spec(CachedEd25519());
  spec.a = "ed25519-sha256";
  ExpectOne(Verify(SignMessage(kMessage, spec)), Result::kPermerror,
            Reason::kKeyTypeMismatch);
}

TEST_F(VerifierTest, WrongKeyFailsSignature) {
  AddKey(CachedRsa(1024, 1));
  ExpectOne(Verify(SignMessage(kMessage, Spec(CachedRsa(1024, 0)))),
            Result::kFail, Reason::kSignatureMismatch);
}

// Over-signing (§8.15): h= names a field that is absent (or one instance
// more than present); adding such a field later breaks the signature.
TEST_F(VerifierTest, OverSignedAbsentHeader) {
  AddKey(CachedRsa(1024));
  SignSpec spec = Spec(CachedRsa(1024));
  spec.h = {"From", "From", "To", "Subject", "Reply-To", "Subject"};
  const std::string signed_msg = SignMessage(kMessage, spec);
  ExpectOne(Verify(signed_msg), Result::kPass, Reason::kOk);
  ExpectOne(Verify(InsertHeader(signed_msg, "Reply-To: eve@evil.test\r\n")),
            Result::kFail, Reason::kSignatureMismatch);
  ExpectOne(Verify(InsertHeader(signed_msg, "From: eve@evil.test\r\n")),
            Result::kFail, Reason::kSignatureMismatch);
  ExpectOne(Verify(InsertHeader(signed_msg, "Subject: spam\r\n")),
            Result::kFail, Reason::kSignatureMismatch);
  // Prepending a From above the signature is caught too.
  ExpectOne(Verify("From: eve@evil.test\r\n" + signed_msg), Result::kFail,
            Reason::kSignatureMismatch);
}

// Without over-signing, a second Subject added at the top is not selected
// (bottom-up instance selection, §5.4.2) and the signature still passes.
TEST_F(VerifierTest, BottomUpSelectionIgnoresFieldAddedOnTop) {
  AddKey(CachedRsa(1024));
  const std::string signed_msg = SignMessage(kMessage, Spec(CachedRsa(1024)));
  ExpectOne(Verify("Subject: added on top\r\n" + signed_msg), Result::kPass,
            Reason::kOk);
  ExpectOne(Verify(InsertHeader(signed_msg, "Subject: added below\r\n")),
            Result::kFail, Reason::kSignatureMismatch);
}

TEST_F(VerifierTest, LengthLimitedBody) {
  AddKey(CachedRsa(1024));
  for (const char* canon : {"simple", "relaxed"}) {
    SignSpec spec = Spec(CachedRsa(1024));
    spec.body_canon = canon;
    const std::string body = kMessage.substr(kMessage.find("\r\n\r\n") + 4);
    const std::string canon_body = std::string(canon) == "simple"
                                       ? testutil::RefSimpleBody(body)
                                       : testutil::RefRelaxedBody(body);
    // l= the whole canonical body: appended text is not covered.
    spec.l = canon_body.size();
    std::string signed_msg = SignMessage(kMessage, spec);
    ExpectOne(Verify(signed_msg), Result::kPass, Reason::kOk);
    ExpectOne(Verify(signed_msg + "Appended by a list\r\n"), Result::kPass,
              Reason::kOk);
    ExpectOne(Verify(Replace(signed_msg, "Hi Bob", "Hi Eve")), Result::kFail,
              Reason::kBodyHashMismatch);
    // l= a prefix (inside the first line): the rest may change.
    spec.l = 4;
    signed_msg = SignMessage(kMessage, spec);
    ExpectOne(Verify(Replace(signed_msg, "Bye", "Changed")), Result::kPass,
              Reason::kOk);
    ExpectOne(Verify(Replace(signed_msg, "Hi Bob", "Hi!Bob")), Result::kFail,
              Reason::kBodyHashMismatch);
    // l=0: nothing of the body is covered.
    spec.l = 0;
    signed_msg = SignMessage(kMessage, spec);
    ExpectOne(Verify(Replace(signed_msg, "Hi Bob", "Anything")), Result::kPass,
              Reason::kOk);
    // l= beyond the canonical body.
    spec.l = canon_body.size() + 1;
    signed_msg = SignMessage(kMessage, spec);
    ExpectOne(Verify(signed_msg), Result::kPermerror,
              Reason::kLengthExceedsBody);
  }
}

TEST_F(VerifierTest, ExpiredSignature) {
  AddKey(CachedRsa(1024));
  SignSpec spec = Spec(CachedRsa(1024));
  spec.t = kNow - 10000;
  spec.x = kNow - 1;
  ExpectOne(Verify(SignMessage(kMessage, spec)), Result::kPermerror,
            Reason::kExpired);
  spec.x = kNow;  // not yet past
  ExpectOne(Verify(SignMessage(kMessage, spec)), Result::kPass, Reason::kOk);
  spec.x = kNow + 100;
  ExpectOne(Verify(SignMessage(kMessage, spec)), Result::kPass, Reason::kOk);
  // Reproducible re-verification: the same message with an earlier --now.
  spec.x = kNow - 1;
  VerifyOptions earlier = Options();
  earlier.now = kNow - 5000;
  ExpectOne(Verify(SignMessage(kMessage, spec), earlier), Result::kPass,
            Reason::kOk);
}

TEST_F(VerifierTest, FutureTimestamp) {
  AddKey(CachedRsa(1024));
  SignSpec spec = Spec(CachedRsa(1024));
  spec.t = kNow + 7200;
  ExpectOne(Verify(SignMessage(kMessage, spec)), Result::kPolicy,
            Reason::kFutureTimestamp);
  spec.t = kNow + 3600;  // exactly the allowed skew
  ExpectOne(Verify(SignMessage(kMessage, spec)), Result::kPass, Reason::kOk);
  spec.t = kNow + 1;
  VerifyOptions no_skew = Options();
  no_skew.clock_skew = 0;
  ExpectOne(Verify(SignMessage(kMessage, spec), no_skew), Result::kPolicy,
            Reason::kFutureTimestamp);
  // A future signature that does not verify is a failure, not a policy.
  ExpectOne(
      Verify(Replace(SignMessage(kMessage, spec), "Bye", "Bye!"), no_skew),
      Result::kFail, Reason::kBodyHashMismatch);
}

// RFC 8301 §3.1: rsa-sha1 signatures must not be considered valid.
TEST_F(VerifierTest, RsaSha1IsWeakHashUnlessAllowed) {
  AddKey(CachedRsa(1024));
  SignSpec spec = Spec(CachedRsa(1024));
  spec.a = "rsa-sha1";
  const std::string signed_msg = SignMessage(kMessage, spec);
  ExpectOne(Verify(signed_msg), Result::kPolicy, Reason::kWeakHash);
  VerifyOptions allow = Options();
  allow.allow_sha1 = true;
  Verdict v = Verify(signed_msg, allow);
  ExpectOne(v, Result::kPass, Reason::kOk);
  EXPECT_EQ(v.signatures[0].a, "rsa-sha1");
  ExpectOne(Verify(Replace(signed_msg, "Bye", "Bye!"), allow), Result::kFail,
            Reason::kBodyHashMismatch);
}

// RFC 8301 §3.2: RSA keys below 1024 bits must not be considered valid.
TEST_F(VerifierTest, SmallKeyIsPolicyUnlessAllowed) {
  AddKey(CachedRsa(512));
  const std::string signed_msg = SignMessage(kMessage, Spec(CachedRsa(512)));
  Verdict v = Verify(signed_msg);
  ExpectOne(v, Result::kPolicy, Reason::kKeyTooSmall);
  EXPECT_EQ(v.signatures[0].key_bits, 512);
  VerifyOptions small = Options();
  small.min_key_bits = 512;
  ExpectOne(Verify(signed_msg, small), Result::kPass, Reason::kOk);
  // 1024 is enough by default.
  AddKey(CachedRsa(1024), "k1024._domainkey.example.com");
  SignSpec spec = Spec(CachedRsa(1024));
  spec.s = "k1024";
  ExpectOne(Verify(SignMessage(kMessage, spec)), Result::kPass, Reason::kOk);
}

TEST_F(VerifierTest, PkcsOneKeyRecordAccepted) {
  AddKey(kName, {"v=DKIM1; k=rsa; p=" +
                 testutil::Base64Encode(testutil::Pkcs1Der(CachedRsa(1024)))});
  ExpectOne(Verify(SignMessage(kMessage, Spec(CachedRsa(1024)))), Result::kPass,
            Reason::kOk);
}

// DESIGN.md: the latest snapshot not later than --now (historic keys).
TEST_F(VerifierTest, KeySnapshotChosenByTime) {
  AddKey(kName, {KeyRecordFor(CachedRsa(1024, 0))}, kNow - 1000);
  AddKey(kName, {KeyRecordFor(CachedRsa(1024, 1))}, kNow + 1000);
  const std::string signed_msg =
      SignMessage(kMessage, Spec(CachedRsa(1024, 0)));
  ExpectOne(Verify(signed_msg), Result::kPass, Reason::kOk);
  VerifyOptions later = Options();
  later.now = kNow + 2000;
  ExpectOne(Verify(signed_msg, later), Result::kFail,
            Reason::kSignatureMismatch);
  VerifyOptions earlier = Options();
  earlier.now = kNow - 2000;
  ExpectOne(Verify(signed_msg, earlier), Result::kTemperror,
            Reason::kKeyUnavailable);
  // The message signed with the rotated key verifies after rotation.
  ExpectOne(Verify(SignMessage(kMessage, Spec(CachedRsa(1024, 1))), later),
            Result::kPass, Reason::kOk);
}

TEST_F(VerifierTest, KeyLookupOutcomes) {
  const std::string signed_msg = SignMessage(kMessage, Spec(CachedRsa(1024)));
  ExpectOne(Verify(signed_msg), Result::kTemperror, Reason::kKeyUnavailable);
  struct Row {
    DnsRcode rcode;
    Result result;
    Reason reason;
  };
  for (Row row :
       {Row{DnsRcode::kNxDomain, Result::kPermerror, Reason::kKeyNotFound},
        Row{DnsRcode::kServFail, Result::kTemperror, Reason::kKeyUnavailable},
        Row{DnsRcode::kTimeout, Result::kTemperror, Reason::kKeyUnavailable}}) {
    store_ = KeyStore();
    AddKey(kName, {}, kNow - 10, row.rcode);
    ExpectOne(Verify(signed_msg), row.result, row.reason);
  }
  // The key name is case-insensitive.
  store_ = KeyStore();
  AddKey(CachedRsa(1024), "SEL._DomainKey.EXAMPLE.com");
  ExpectOne(Verify(signed_msg), Result::kPass, Reason::kOk);
}

struct RecordCase {
  const char* label;
  std::vector<std::string> txt;  // "{P}" is replaced by the valid p= value
  Result result;
  Reason reason;
};

// PrintTo names a table row by its label in failure messages.
void PrintTo(const RecordCase& row, std::ostream* os) { *os << row.label; }

class VerifierKeyRecord : public VerifierTest,
                          public ::testing::WithParamInterface<RecordCase> {};

TEST_P(VerifierKeyRecord, Outcome) {
  const std::string p =
      testutil::Base64Encode(testutil::SpkiDer(CachedRsa(1024)));
  std::vector<std::string> txt = GetParam().txt;
  for (std::string& t : txt) {
    size_t pos = t.find("{P}");
    if (pos != std::string::npos) t.replace(pos, 3, p);
  }
  AddKey(kName, txt);
  SignSpec spec = Spec(CachedRsa(1024));
  spec.i = "joe@eng.example.com";
  ExpectOne(Verify(SignMessage(kMessage, spec)), GetParam().result,
            GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6376, VerifierKeyRecord,
    ::testing::Values(
        RecordCase{
            "plain", {"v=DKIM1; k=rsa; p={P}"}, Result::kPass, Reason::kOk},
        RecordCase{"p_only", {"p={P}"}, Result::kPass, Reason::kOk},
        RecordCase{"folded_p_and_unknown_tags",
                   {"v=DKIM1; n=note; p={P}\r\n ; zz=1"},
                   Result::kPass,
                   Reason::kOk},
        RecordCase{"testing_flag_still_verifies",
                   {"v=DKIM1; t=y; p={P}"},
                   Result::kPass,
                   Reason::kOk},
        RecordCase{"no_txt", {}, Result::kPermerror, Reason::kKeyNotFound},
        RecordCase{"spf_only",
                   {"v=spf1 -all"},
                   Result::kPermerror,
                   Reason::kKeyNotFound},
        RecordCase{"spf_then_key",
                   {"v=spf1 -all", "v=DKIM1; p={P}"},
                   Result::kPass,
                   Reason::kOk},
        RecordCase{"typo_empty_name",
                   {"v=DKIM1;=rsa; p={P}"},
                   Result::kPermerror,
                   Reason::kKeySyntax},
        RecordCase{"revoked",
                   {"v=DKIM1; k=rsa; p="},
                   Result::kPermerror,
                   Reason::kKeyRevoked},
        RecordCase{"not_a_key",
                   {"v=DKIM1; p=dGVzdGtleQ=="},
                   Result::kPermerror,
                   Reason::kKeySyntax},
        RecordCase{"k_ed25519",
                   {"v=DKIM1; k=ed25519; p={P}"},
                   Result::kPermerror,
                   Reason::kKeyTypeMismatch},
        RecordCase{"h_sha1_only",
                   {"v=DKIM1; h=sha1; p={P}"},
                   Result::kPermerror,
                   Reason::kKeyHashMismatch},
        RecordCase{"s_other_service",
                   {"v=DKIM1; s=other; p={P}"},
                   Result::kPermerror,
                   Reason::kKeyServiceMismatch},
        RecordCase{"strict_with_subdomain_i",
                   {"v=DKIM1; t=s; p={P}"},
                   Result::kPermerror,
                   Reason::kKeyStrictSubdomain}),
    [](const ::testing::TestParamInfo<RecordCase>& p) {
      return std::string(p.param.label);
    });

// Several signatures: listed top first; the message result is the best one.
TEST_F(VerifierTest, MultipleSignaturesTopFirstAndRanked) {
  AddKey(CachedRsa(1024, 0), "first._domainkey.example.com");
  AddKey(CachedRsa(1024, 1), "second._domainkey.example.org");
  SignSpec first = Spec(CachedRsa(1024, 0));
  first.s = "first";
  SignSpec second = Spec(CachedRsa(1024, 1));
  second.s = "second";
  second.d = "example.org";
  second.header_canon = "simple";
  // The second signer also signs the first signature (and over-signs one
  // more, absent, DKIM-Signature).
  second.h = {"From", "Subject", "DKIM-Signature", "DKIM-Signature"};
  const std::string both = SignMessage(SignMessage(kMessage, first), second);

  Verdict v = Verify(both);
  ASSERT_EQ(v.signatures.size(), 2u);
  EXPECT_EQ(v.signatures[0].s, "second");  // added last, on top
  EXPECT_EQ(v.signatures[0].d, "example.org");
  EXPECT_EQ(v.signatures[1].s, "first");
  EXPECT_EQ(v.signatures[0].reason, Reason::kOk) << v.signatures[0].detail;
  EXPECT_EQ(v.signatures[1].reason, Reason::kOk) << v.signatures[1].detail;
  EXPECT_EQ(v.dkim, Result::kPass);

  // White space added inside the first signature: the second one hashed it
  // under simple and fails; the first (relaxed) still canonicalizes the same.
  const std::string tampered = ReplaceTag(both, "s=first;", "s=first; ");
  v = Verify(tampered);
  ASSERT_EQ(v.signatures.size(), 2u);
  EXPECT_EQ(v.signatures[0].reason, Reason::kSignatureMismatch);
  EXPECT_EQ(v.signatures[1].reason, Reason::kOk);
  EXPECT_EQ(v.dkim, Result::kPass);

  // Body changed: both fail, so the message fails.
  v = Verify(Replace(both, "Bye", "Bye!"));
  ASSERT_EQ(v.signatures.size(), 2u);
  EXPECT_EQ(v.signatures[0].result, Result::kFail);
  EXPECT_EQ(v.signatures[1].result, Result::kFail);
  EXPECT_EQ(v.dkim, Result::kFail);
}

TEST_F(VerifierTest, MessageResultRanking) {
  // first: key missing from the cache (temperror); second: NXDOMAIN
  // (permerror) -> temperror.
  AddKey("second._domainkey.example.com", {}, kNow - 10, DnsRcode::kNxDomain);
  SignSpec first = Spec(CachedRsa(1024, 0));
  first.s = "first";
  SignSpec second = Spec(CachedRsa(1024, 1));
  second.s = "second";
  std::string both = SignMessage(SignMessage(kMessage, first), second);
  Verdict v = Verify(both);
  ASSERT_EQ(v.signatures.size(), 2u);
  EXPECT_EQ(v.signatures[0].result, Result::kPermerror);
  EXPECT_EQ(v.signatures[1].result, Result::kTemperror);
  EXPECT_EQ(v.dkim, Result::kTemperror);

  // first: rsa-sha1 (policy); second: wrong key (fail) -> fail.
  store_ = KeyStore();
  AddKey(CachedRsa(1024, 0), "first._domainkey.example.com");
  AddKey(CachedRsa(1024, 2), "second._domainkey.example.com");
  first.a = "rsa-sha1";
  both = SignMessage(SignMessage(kMessage, first), second);
  v = Verify(both);
  ASSERT_EQ(v.signatures.size(), 2u);
  EXPECT_EQ(v.signatures[0].reason, Reason::kSignatureMismatch);
  EXPECT_EQ(v.signatures[1].reason, Reason::kWeakHash);
  EXPECT_EQ(v.dkim, Result::kFail);

  // A broken signature next to a passing one: pass.
  const std::string broken = "DKIM-Signature: v=1; a=rsa-sha256; d=x.test\r\n";
  store_ = KeyStore();
  AddKey(CachedRsa(1024, 0));
  v = Verify(broken + SignMessage(kMessage, Spec(CachedRsa(1024, 0))));
  ASSERT_EQ(v.signatures.size(), 2u);
  EXPECT_EQ(v.signatures[0].result, Result::kPermerror);
  EXPECT_EQ(v.signatures[0].reason, Reason::kSigSyntax);
  EXPECT_EQ(v.signatures[0].d, "x.test");
  EXPECT_FALSE(v.signatures[0].s.has_value());
  EXPECT_EQ(v.signatures[1].result, Result::kPass);
  EXPECT_EQ(v.dkim, Result::kPass);
}

// Signatures rejected by ParseSignature: the reason, plus whatever identity
// tags did parse (d=, s= always; c= once it is known valid; i= or "@" + d=).
TEST_F(VerifierTest, SignatureSyntaxErrorsReported) {
  AddKey(CachedRsa(1024));
  struct Row {
    const char* field;
    Reason reason;
    std::optional<std::string> c;
    std::optional<std::string> i;
  };
  for (const Row& row :
       {Row{"DKIM-Signature: v=2; a=rsa-sha256; d=example.com; s=sel; "
            "h=from; bh=YWJj; b=YWJj\r\n",
            Reason::kSigVersion, std::nullopt, "@example.com"},
        Row{"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; "
            "h=to; bh=YWJj; b=YWJj\r\n",
            Reason::kFromNotSigned, "simple/simple", "@example.com"},
        Row{"DKIM-Signature: v=1; a=rsa-sha512; d=example.com; s=sel; "
            "h=from; bh=YWJj; b=YWJj\r\n",
            Reason::kUnsupportedAlgorithm, std::nullopt, "@example.com"},
        Row{"dkim-signature: v=1; a=rsa-sha256; c=fancy; d=example.com; "
            "s=sel; h=from; bh=YWJj; b=YWJj\r\n",
            Reason::kUnsupportedCanonicalization, std::nullopt, "@example.com"},
        Row{"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed; d=example.com; "
            "s=sel; h=from; bh=YWJj; b=YWJj; i=a@example.org\r\n",
            Reason::kIdentityMismatch, "relaxed/simple", "a@example.org"},
        Row{"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; "
            "h=from; bh=YWJj; b=YWJ!\r\n",
            Reason::kSigSyntax, "simple/simple", "@example.com"}}) {
    Verdict v = Verify(std::string(row.field) + kMessage);
    ExpectOne(v, Result::kPermerror, row.reason);
    EXPECT_EQ(v.signatures[0].d, "example.com") << row.field;
    EXPECT_EQ(v.signatures[0].s, "sel") << row.field;
    EXPECT_EQ(v.signatures[0].c, row.c) << row.field;
    EXPECT_EQ(v.signatures[0].i, row.i) << row.field;
    EXPECT_EQ(v.signatures[0].key_bits, 0);
  }
  // A tag list that does not parse reports nothing but the reason.
  Verdict v =
      Verify("DKIM-Signature: v=1; d=example.com; s=sel; d=x\r\n" + kMessage);
  ExpectOne(v, Result::kPermerror, Reason::kSigSyntax);
  EXPECT_FALSE(v.signatures[0].d.has_value());
  EXPECT_FALSE(v.signatures[0].s.has_value());
  EXPECT_FALSE(v.signatures[0].c.has_value());
  EXPECT_FALSE(v.signatures[0].i.has_value());
}

TEST_F(VerifierTest, UnsignedMessage) {
  Verdict v = Verify(kMessage);
  EXPECT_TRUE(v.error.empty());
  EXPECT_EQ(v.dkim, Result::kNone);
  EXPECT_TRUE(v.signatures.empty());
  EXPECT_EQ(v.message_id, "<msg-1@example.com>");
  EXPECT_EQ(v.from_domain, "example.com");
}

TEST_F(VerifierTest, NoHeaderFieldsIsAnError) {
  for (const std::string& text :
       {std::string(""), std::string("\r\nbody only\r\n"),
        std::string("\nbody\n"),
        std::string("no colon here\r\n\r\nbody\r\n")}) {
    Verdict v = Verify(text);
    EXPECT_FALSE(v.error.empty()) << ::testing::PrintToString(text);
    EXPECT_EQ(v.dkim, Result::kNone);
    EXPECT_TRUE(v.signatures.empty());
    EXPECT_FALSE(v.message_id.has_value());
    EXPECT_FALSE(v.from_domain.has_value());
  }
}

TEST_F(VerifierTest, MessageIdAndFromDomainExtraction) {
  struct Row {
    std::string headers;
    std::optional<std::string> message_id;
    std::optional<std::string> from_domain;
  };
  for (const Row& row :
       {Row{"From: bob@Mail.Example.ORG\r\nMessage-Id: <a@b>\r\n", "<a@b>",
            "mail.example.org"},
        Row{"message-id:   <x@y>  \r\nFROM: \"B, C\" <c@d.test>\r\n", "<x@y>",
            "d.test"},
        Row{"Subject: none\r\n", std::nullopt, std::nullopt},
        Row{"From: undisclosed\r\n", std::nullopt, std::nullopt},
        Row{"Message-ID: <first@x>\r\nMessage-ID: <second@x>\r\n"
            "From: a@first.test\r\nFrom: b@second.test\r\n",
            "<first@x>", "first.test"}}) {
    Verdict v = Verify(row.headers + "\r\nbody\r\n");
    EXPECT_TRUE(v.error.empty());
    EXPECT_EQ(v.message_id, row.message_id) << row.headers;
    EXPECT_EQ(v.from_domain, row.from_domain) << row.headers;
  }
}

TEST_F(VerifierTest, VerifierIsReusableAcrossMessages) {
  AddKey(CachedRsa(1024));
  Verifier verifier(store_, Options());
  const std::string good = SignMessage(kMessage, Spec(CachedRsa(1024)));
  const std::string bad = Replace(good, "Bye", "Bye!");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(verifier.Verify(good).dkim, Result::kPass);
    EXPECT_EQ(verifier.Verify(bad).dkim, Result::kFail);
    EXPECT_EQ(verifier.Verify("").dkim, Result::kNone);
  }
}

}  // namespace
}  // namespace dkimbatch::engine
