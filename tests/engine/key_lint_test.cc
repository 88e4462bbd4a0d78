// tests/engine/key_lint_test.cc
//
// Key record lint: one row per mistake a mail operator makes (each with the
// finding's code, severity and byte position), the key summary, and the
// private key match.
#include "engine/key_lint.h"

#include <openssl/evp.h>

#include <algorithm>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/engine/test_keys.h"

namespace dkimbatch::engine {
namespace {

using testutil::Base64Encode;
using testutil::CachedEd25519;
using testutil::CachedRsa;
using testutil::Pkcs1Der;
using testutil::RawEd25519;
using testutil::SpkiDer;

std::string Rsa(int bits, int slot = 0) {
  return Base64Encode(SpkiDer(CachedRsa(bits, slot)));
}

const LintFinding* FindCode(const KeyLint& lint, std::string_view code) {
  for (const LintFinding& f : lint.findings) {
    if (f.code == code) return &f;
  }
  return nullptr;
}

KeyLint LintOne(const std::string& record) {
  std::vector<std::vector<std::string>> records = {{record}};
  return LintKeyRecords(records);
}

struct LintCase {
  const char* label;
  std::vector<std::vector<std::string>> records;
  const char* code;  // expected finding
  LintSeverity severity;
  std::optional<size_t> position;
  bool ok;  // no error at all
};

void PrintTo(const LintCase& row, std::ostream* os) { *os << row.label; }

class KeyLintFinding : public ::testing::TestWithParam<LintCase> {};

TEST_P(KeyLintFinding, ReportsCodeSeverityAndPosition) {
  const LintCase& c = GetParam();
  KeyLint lint = LintKeyRecords(c.records);
  const LintFinding* f = FindCode(lint, c.code);
  ASSERT_NE(f, nullptr) << "no " << c.code;
  EXPECT_EQ(f->severity, c.severity);
  EXPECT_EQ(f->position, c.position);
  EXPECT_EQ(lint.ok(), c.ok);
}

std::vector<LintCase> Cases() {
  const std::string k1024 = Rsa(1024);
  const std::string k2048 = Rsa(2048);
  const std::string ok = "v=DKIM1; k=rsa; p=" + k2048;
  return {
      {"typo_semicolon_equals",
       {{"v=DKIM1;=rsa; p=" + k2048}},
       "empty_tag_name",
       LintSeverity::kError,
       8,
       false},
      {"stray_quotes",
       {{"\"v=DKIM1; k=rsa; p=" + k2048 + "\""}},
       "stray_quote",
       LintSeverity::kError,
       0,
       false},
      {"escaped_semicolon",
       {{"v=DKIM1\\; k=rsa; p=" + k2048}},
       "stray_backslash",
       LintSeverity::kError,
       7,
       false},
      {"whitespace_in_base64",
       {{"v=DKIM1; k=rsa; p=" + k2048.substr(0, 40), " " + k2048.substr(40)}},
       "base64_whitespace",
       LintSeverity::kWarning,
       58,
       true},
      {"split_over_records",
       {{"v=DKIM1; k=rsa; p=" + k2048.substr(0, 200)}, {k2048.substr(200)}},
       "split_record",
       LintSeverity::kError,
       0,
       false},
      {"multi_string",
       {{ok.substr(0, 255), ok.substr(255)}},
       "multi_string",
       LintSeverity::kNote,
       std::nullopt,
       true},
      {"long_single_string",
       {{ok}},
       "long_string",
       LintSeverity::kNote,
       std::nullopt,
       true},
      {"dkim_version_typo",
       {{"v=DKIM 1; p=" + k2048}},
       "bad_version",
       LintSeverity::kError,
       2,
       false},
      {"v_not_first",
       {{"k=rsa; v=DKIM1; p=" + k2048}},
       "v_not_first",
       LintSeverity::kError,
       7,
       false},
      {"unknown_key_type",
       {{"v=DKIM1; k=dsa; p=" + k2048}},
       "unknown_key_type",
       LintSeverity::kError,
       11,
       false},
      {"sha1_only",
       {{"v=DKIM1; h=sha1; p=" + k2048}},
       "h_excludes_sha256",
       LintSeverity::kError,
       11,
       false},
      {"sha1_allowed",
       {{"v=DKIM1; h=sha1:sha256; p=" + k2048}},
       "h_allows_sha1",
       LintSeverity::kWarning,
       11,
       true},
      {"service_not_email",
       {{"v=DKIM1; s=http; p=" + k2048}},
       "s_excludes_email",
       LintSeverity::kError,
       11,
       false},
      {"testing_flag",
       {{"v=DKIM1; t=s:y; p=" + k2048}},
       "testing",
       LintSeverity::kWarning,
       13,
       true},
      {"revoked",
       {{"v=DKIM1; k=rsa; p="}},
       "revoked",
       LintSeverity::kWarning,
       18,
       true},
      {"missing_p",
       {{"v=DKIM1; k=rsa"}},
       "missing_p",
       LintSeverity::kError,
       std::nullopt,
       false},
      {"bad_base64_char",
       {{"v=DKIM1; p=MIGf!MA0"}},
       "bad_base64",
       LintSeverity::kError,
       15,
       false},
      {"truncated_key",
       {{"v=DKIM1; p=" + k2048.substr(0, 100)}},
       "bad_key",
       LintSeverity::kError,
       11,
       false},
      {"ed25519_without_k",
       {{"v=DKIM1; p=" + Base64Encode(RawEd25519(CachedEd25519()))}},
       "bad_key",
       LintSeverity::kError,
       11,
       false},
      {"rsa_1024",
       {{"v=DKIM1; p=" + k1024}},
       "key_small",
       LintSeverity::kWarning,
       11,
       true},
      {"rsa_512",
       {{"v=DKIM1; p=" + Rsa(512)}},
       "key_too_small",
       LintSeverity::kError,
       11,
       false},
      {"bare_rsapublickey",
       {{"v=DKIM1; p=" + Base64Encode(Pkcs1Der(CachedRsa(2048)))}},
       "rsa_not_spki",
       LintSeverity::kWarning,
       11,
       true},
      {"two_key_records",
       {{ok}, {"v=DKIM1; p=" + k1024}},
       "multiple_key_records",
       LintSeverity::kError,
       std::nullopt,
       false},
      {"only_spf",
       {{"v=spf1 -all"}},
       "no_key_record",
       LintSeverity::kError,
       std::nullopt,
       false},
      {"no_txt", {}, "no_txt", LintSeverity::kError, std::nullopt, false},
      {"unknown_tag",
       {{"v=DKIM1; x=1; p=" + k2048}},
       "unknown_tag",
       LintSeverity::kNote,
       9,
       true},
      {"duplicate_tag",
       {{"v=DKIM1; k=rsa; k=rsa; p=" + k2048}},
       "duplicate_tag",
       LintSeverity::kError,
       16,
       false},
      // Without the ';', "rsa p=..." is all k='s value (FWS may sit inside
      // a value), so the key type is unknown and there is no p=.
      {"missing_semicolon",
       {{"v=DKIM1; k=rsa p=" + k2048}},
       "unknown_key_type",
       LintSeverity::kError,
       11,
       false},
  };
}

INSTANTIATE_TEST_SUITE_P(Operators, KeyLintFinding,
                         ::testing::ValuesIn(Cases()));

TEST(KeyLint, CleanRecordHasNoErrorAndSummarizesTheKey) {
  KeyLint lint = LintOne("v=DKIM1; k=rsa; h=sha256; p=" + Rsa(2048));
  EXPECT_TRUE(lint.ok());
  EXPECT_EQ(lint.key.record, 0);
  EXPECT_EQ(lint.key.type, "rsa");
  EXPECT_EQ(lint.key.bits, 2048);
  EXPECT_TRUE(lint.key.usable);
  EXPECT_FALSE(lint.key.revoked);
  EXPECT_EQ(lint.key.hashes, "sha256");
  for (const LintFinding& f : lint.findings) {
    EXPECT_NE(f.severity, LintSeverity::kWarning) << f.code;
  }
}

TEST(KeyLint, TypoDoesNotHideLaterTags) {
  // The parse resumes after the bad tag-spec: p= is still checked, and the
  // key it holds is reported (though not usable, the record being invalid).
  KeyLint lint = LintOne("v=DKIM1;=rsa; p=" + Rsa(1024));
  ASSERT_NE(FindCode(lint, "empty_tag_name"), nullptr);
  EXPECT_NE(FindCode(lint, "empty_tag_name")->message.find("k=rsa"),
            std::string::npos);
  EXPECT_EQ(FindCode(lint, "missing_p"), nullptr);
  EXPECT_NE(FindCode(lint, "key_small"), nullptr);
  EXPECT_EQ(lint.key.bits, 1024);
  EXPECT_FALSE(lint.key.usable);
}

TEST(KeyLint, SpfRecordBesideTheKeyIsOnlyANote) {
  std::vector<std::vector<std::string>> records = {{"v=spf1 -all"},
                                                   {"v=DKIM1; p=" + Rsa(2048)}};
  KeyLint lint = LintKeyRecords(records);
  EXPECT_TRUE(lint.ok());
  EXPECT_EQ(lint.key.record, 1);
  const LintFinding* f = FindCode(lint, "not_a_key_record");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->record, 0);
  EXPECT_EQ(f->severity, LintSeverity::kNote);
}

TEST(KeyLint, Ed25519Key) {
  KeyLint lint = LintOne("v=DKIM1; k=ed25519; p=" +
                         Base64Encode(RawEd25519(CachedEd25519())));
  EXPECT_TRUE(lint.ok());
  EXPECT_EQ(lint.key.type, "ed25519");
  EXPECT_EQ(lint.key.bits, 256);
  EXPECT_NE(FindCode(lint, "ed25519"), nullptr);
}

PrivateKey Own(EVP_PKEY* key) {
  EVP_PKEY_up_ref(key);
  PrivateKey out;
  out.pkey.reset(key);
  return out;
}

TEST(KeyLint, PrivateKeyMatch) {
  KeyLint rsa = LintOne("v=DKIM1; p=" + Rsa(2048, 0));
  EXPECT_EQ(MatchPrivateKey(rsa.key, Own(CachedRsa(2048, 0))),
            KeyMatch::kMatch);
  EXPECT_EQ(MatchPrivateKey(rsa.key, Own(CachedRsa(2048, 1))),
            KeyMatch::kMismatch);
  EXPECT_EQ(MatchPrivateKey(rsa.key, Own(CachedEd25519())),
            KeyMatch::kMismatch);
  // The bare RSAPublicKey form of the same key matches too.
  KeyLint bare =
      LintOne("v=DKIM1; p=" + Base64Encode(Pkcs1Der(CachedRsa(2048, 0))));
  EXPECT_EQ(MatchPrivateKey(bare.key, Own(CachedRsa(2048, 0))),
            KeyMatch::kMatch);
  KeyLint ed = LintOne("v=DKIM1; k=ed25519; p=" +
                       Base64Encode(RawEd25519(CachedEd25519())));
  EXPECT_EQ(MatchPrivateKey(ed.key, Own(CachedEd25519())), KeyMatch::kMatch);
  KeyLint revoked = LintOne("v=DKIM1; p=");
  EXPECT_EQ(MatchPrivateKey(revoked.key, Own(CachedRsa(2048, 0))),
            KeyMatch::kNoKey);
}

}  // namespace
}  // namespace dkimbatch::engine
