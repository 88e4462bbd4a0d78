// tests/engine/key_record_test.cc
//
// DKIM key records (RFC 6376 §3.6.1): discarding, parsing, and applicability
// to a signature (§6.1.2).
#include "engine/key_record.h"

#include <ostream>
#include <string>

#include "gtest/gtest.h"

namespace dkimbatch::engine {
namespace {

// "testkey" in base64; ParseKeyRecord only decodes p=, it does not parse the
// key.
constexpr char kP[] = "dGVzdGtleQ==";

struct DiscardCase {
  const char* label;
  std::string txt;
  bool discarded;
};

// PrintTo names a table row by its label in failure messages.
void PrintTo(const DiscardCase& row, std::ostream* os) { *os << row.label; }

class KeyRecordDiscard : public ::testing::TestWithParam<DiscardCase> {};

TEST_P(KeyRecordDiscard, FirstTagVersion) {
  EXPECT_EQ(IsDiscardedRecord(GetParam().txt), GetParam().discarded);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6376, KeyRecordDiscard,
    ::testing::Values(DiscardCase{"spf", "v=spf1 -all", true},
                      DiscardCase{"spf_include",
                                  "v=spf1 include:_spf.example.com ~all", true},
                      DiscardCase{"dmarc", "v=DMARC1; p=reject", true},
                      DiscardCase{"dkim2", "v=DKIM2; p=abc", true},
                      DiscardCase{"dkim1_lowercase", "v=dkim1; p=abc", true},
                      DiscardCase{"dkim1", "v=DKIM1; k=rsa; p=abc", false},
                      DiscardCase{"dkim1_fws", " v = DKIM1 ; p=abc", false},
                      DiscardCase{"dkim1_only", "v=DKIM1", false},
                      DiscardCase{"no_v", "k=rsa; p=abc", false},
                      DiscardCase{"v_not_first", "k=rsa; v=spf1", false},
                      DiscardCase{"unparsable_but_dkim", "v=DKIM1;=rsa; p=abc",
                                  false},
                      DiscardCase{"unparsable_spf", "v=spf1 a:b;;=x", true},
                      DiscardCase{"name_starting_with_v", "vx=1; p=abc", false},
                      DiscardCase{"empty", "", false},
                      DiscardCase{"google_site_verification",
                                  "google-site-verification=abcdef", false}),
    [](const ::testing::TestParamInfo<DiscardCase>& p) {
      return std::string(p.param.label);
    });

struct ParseCase {
  const char* label;
  std::string txt;
  Reason reason;
};

void PrintTo(const ParseCase& row, std::ostream* os) { *os << row.label; }

class KeyRecordParse : public ::testing::TestWithParam<ParseCase> {};

TEST_P(KeyRecordParse, Reason) {
  KeyRecord key;
  std::string detail = "stale";
  EXPECT_EQ(ParseKeyRecord(GetParam().txt, &key, &detail), GetParam().reason)
      << detail;
  EXPECT_EQ(detail.empty(), GetParam().reason == Reason::kOk) << detail;
}

const std::string kPTag = std::string("p=") + kP;

INSTANTIATE_TEST_SUITE_P(
    Rfc6376, KeyRecordParse,
    ::testing::Values(
        ParseCase{"full", "v=DKIM1; k=rsa; h=sha256; s=email; t=s; " + kPTag,
                  Reason::kOk},
        ParseCase{"p_only", kPTag, Reason::kOk},
        ParseCase{"unknown_tags_ignored",
                  "v=DKIM1; " + kPTag + "; n=notes; zz=1", Reason::kOk},
        ParseCase{"unknown_k_parses", "k=dsa; " + kPTag, Reason::kOk},
        ParseCase{"folded_p", "v=DKIM1; p=dGVz\r\n dGtl\n\teQ==", Reason::kOk},
        ParseCase{"typo_empty_name", "v=DKIM1;=rsa; " + kPTag,
                  Reason::kKeySyntax},
        ParseCase{"duplicate_p", kPTag + "; " + kPTag, Reason::kKeySyntax},
        ParseCase{"v_not_first", "k=rsa; v=DKIM1; " + kPTag,
                  Reason::kKeySyntax},
        ParseCase{"v_wrong", "v=DKIM2; " + kPTag, Reason::kKeySyntax},
        ParseCase{"missing_p", "v=DKIM1; k=rsa", Reason::kKeySyntax},
        ParseCase{"empty_p_revoked", "v=DKIM1; k=rsa; p=", Reason::kKeyRevoked},
        ParseCase{"empty_p_fws_revoked", "v=DKIM1; p= \r\n ;",
                  Reason::kKeyRevoked},
        ParseCase{"bad_base64", "v=DKIM1; p=abc!def", Reason::kKeySyntax},
        ParseCase{"bad_base64_lone_sextet", "v=DKIM1; p=abcde",
                  Reason::kKeySyntax}),
    [](const ::testing::TestParamInfo<ParseCase>& p) {
      return std::string(p.param.label);
    });

TEST(KeyRecord, DefaultsAndFields) {
  KeyRecord key;
  std::string detail;
  ASSERT_EQ(ParseKeyRecord(kPTag, &key, &detail), Reason::kOk);
  EXPECT_EQ(key.type, KeyType::kRsa);
  EXPECT_EQ(key.key_type_text, "rsa");
  EXPECT_EQ(key.hashes, "");
  EXPECT_EQ(key.services, "");
  EXPECT_FALSE(key.testing);
  EXPECT_FALSE(key.strict);
  EXPECT_EQ(std::string(key.public_key.begin(), key.public_key.end()),
            "testkey");

  // The record's views point into the text: keep it alive.
  const std::string ed =
      "v=DKIM1; k=Ed25519; h=sha256:sha1; s=email:*; " + kPTag;
  ASSERT_EQ(ParseKeyRecord(ed, &key, &detail), Reason::kOk);
  EXPECT_EQ(key.type, KeyType::kEd25519);
  EXPECT_EQ(key.key_type_text, "Ed25519");
  EXPECT_EQ(key.hashes, "sha256:sha1");
  EXPECT_EQ(key.services, "email:*");

  const std::string dsa = "k=dsa; " + kPTag;
  ASSERT_EQ(ParseKeyRecord(dsa, &key, &detail), Reason::kOk);
  EXPECT_EQ(key.type, KeyType::kUnknown);
  EXPECT_EQ(key.key_type_text, "dsa");
}

struct FlagsCase {
  const char* t;
  bool testing;
  bool strict;
};

class KeyRecordFlags : public ::testing::TestWithParam<FlagsCase> {};

TEST_P(KeyRecordFlags, ParsesT) {
  KeyRecord key;
  std::string detail;
  ASSERT_EQ(
      ParseKeyRecord(std::string("v=DKIM1; t=") + GetParam().t + "; " + kPTag,
                     &key, &detail),
      Reason::kOk);
  EXPECT_EQ(key.testing, GetParam().testing) << GetParam().t;
  EXPECT_EQ(key.strict, GetParam().strict) << GetParam().t;
}

INSTANTIATE_TEST_SUITE_P(Rfc6376, KeyRecordFlags,
                         ::testing::Values(FlagsCase{"y", true, false},
                                           FlagsCase{"s", false, true},
                                           FlagsCase{"y:s", true, true},
                                           FlagsCase{"s : y", true, true},
                                           FlagsCase{"x", false, false},
                                           FlagsCase{"", false, false},
                                           FlagsCase{"yes", false, false}));

// CheckKeyForSignature needs a parsed Signature; the value text must outlive
// it (views).
class KeyCheck : public ::testing::Test {
 protected:
  Reason Check(const std::string& key_txt, const std::string& a,
               const std::string& extra_sig = "",
               const std::string& d = "example.com") {
    sig_text_ = "v=1; a=" + a + "; d=" + d +
                "; s=sel; h=from; bh=YWJj; b=YWJj; " + extra_sig;
    std::string detail;
    EXPECT_EQ(ParseSignature(sig_text_, &sig_, &detail), Reason::kOk) << detail;
    key_text_ = key_txt;
    EXPECT_EQ(ParseKeyRecord(key_text_, &key_, &detail), Reason::kOk) << detail;
    Reason r = CheckKeyForSignature(key_, sig_, &detail);
    EXPECT_EQ(detail.empty(), r == Reason::kOk) << detail;
    return r;
  }
  std::string sig_text_;
  std::string key_text_;
  Signature sig_;
  KeyRecord key_;
};

TEST_F(KeyCheck, KeyTypeAgainstAlgorithm) {
  EXPECT_EQ(Check(kPTag, "rsa-sha256"), Reason::kOk);  // k= defaults to rsa
  EXPECT_EQ(Check("k=rsa; " + kPTag, "rsa-sha1"), Reason::kOk);
  EXPECT_EQ(Check("k=RSA; " + kPTag, "rsa-sha256"), Reason::kOk);
  EXPECT_EQ(Check("k=ed25519; " + kPTag, "ed25519-sha256"), Reason::kOk);
  EXPECT_EQ(Check("k=ed25519; " + kPTag, "rsa-sha256"),
            Reason::kKeyTypeMismatch);
  EXPECT_EQ(Check("k=rsa; " + kPTag, "ed25519-sha256"),
            Reason::kKeyTypeMismatch);
  EXPECT_EQ(Check(kPTag, "ed25519-sha256"), Reason::kKeyTypeMismatch);
  EXPECT_EQ(Check("k=dsa; " + kPTag, "rsa-sha256"), Reason::kKeyTypeMismatch);
}

TEST_F(KeyCheck, HashList) {
  EXPECT_EQ(Check("h=sha256; " + kPTag, "rsa-sha256"), Reason::kOk);
  EXPECT_EQ(Check("h=sha1; " + kPTag, "rsa-sha256"), Reason::kKeyHashMismatch);
  EXPECT_EQ(Check("h=sha256; " + kPTag, "rsa-sha1"), Reason::kKeyHashMismatch);
  EXPECT_EQ(Check("h=sha1:sha256; " + kPTag, "rsa-sha1"), Reason::kOk);
  EXPECT_EQ(Check("h=sha1 : sha256; " + kPTag, "rsa-sha256"), Reason::kOk);
  EXPECT_EQ(Check("h=SHA256; " + kPTag, "rsa-sha256"), Reason::kOk);
  EXPECT_EQ(Check("k=ed25519; h=sha256; " + kPTag, "ed25519-sha256"),
            Reason::kOk);
  EXPECT_EQ(Check("h=sha2567; " + kPTag, "rsa-sha256"),
            Reason::kKeyHashMismatch);
}

TEST_F(KeyCheck, ServiceList) {
  EXPECT_EQ(Check("s=email; " + kPTag, "rsa-sha256"), Reason::kOk);
  EXPECT_EQ(Check("s=*; " + kPTag, "rsa-sha256"), Reason::kOk);
  EXPECT_EQ(Check("s=other:email; " + kPTag, "rsa-sha256"), Reason::kOk);
  EXPECT_EQ(Check("s=other; " + kPTag, "rsa-sha256"),
            Reason::kKeyServiceMismatch);
  EXPECT_EQ(Check("s=emails; " + kPTag, "rsa-sha256"),
            Reason::kKeyServiceMismatch);
}

TEST_F(KeyCheck, StrictSubdomain) {
  EXPECT_EQ(Check("t=s; " + kPTag, "rsa-sha256"), Reason::kOk);
  EXPECT_EQ(Check("t=s; " + kPTag, "rsa-sha256", "i=joe@example.com;"),
            Reason::kOk);
  EXPECT_EQ(Check("t=s; " + kPTag, "rsa-sha256", "i=joe@EXAMPLE.COM;"),
            Reason::kOk);
  EXPECT_EQ(Check("t=s; " + kPTag, "rsa-sha256", "i=joe@eng.example.com;"),
            Reason::kKeyStrictSubdomain);
  EXPECT_EQ(Check("t=y; " + kPTag, "rsa-sha256", "i=joe@eng.example.com;"),
            Reason::kOk);
  EXPECT_EQ(Check("t=y:s; " + kPTag, "rsa-sha256", "i=@eng.example.com;"),
            Reason::kKeyStrictSubdomain);
}

}  // namespace
}  // namespace dkimbatch::engine
