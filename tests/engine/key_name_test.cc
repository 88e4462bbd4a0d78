// tests/engine/key_name_test.cc
//
// Key names from DKIM-Signature fields: `<s>._domainkey.<d>`, lowercased,
// headers only, unusable names skipped.
#include "engine/key_name.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace dkimbatch::engine {
namespace {

TEST(KeyDnsName, BuildsLowercasedName) {
  EXPECT_EQ(KeyDnsName("Sel", "Example.COM."), "sel._domainkey.example.com");
  EXPECT_EQ(KeyDnsName("a.b", "x.example"), "a.b._domainkey.x.example");
}

TEST(KeyDnsName, RejectsWhatDnsCannotCarry) {
  EXPECT_EQ(KeyDnsName("", "example.com"), std::nullopt);
  EXPECT_EQ(KeyDnsName("s", ""), std::nullopt);
  EXPECT_EQ(KeyDnsName("s", "example..com"), std::nullopt);
  EXPECT_EQ(KeyDnsName("s", ".example.com"), std::nullopt);
  EXPECT_EQ(KeyDnsName("s p", "example.com"), std::nullopt);
  EXPECT_EQ(KeyDnsName("s", "ex\xc3\xa4mple.com"), std::nullopt);
  EXPECT_EQ(KeyDnsName(std::string(64, 'a'), "example.com"), std::nullopt);
  EXPECT_NE(KeyDnsName(std::string(63, 'a'), "example.com"), std::nullopt);
  std::string long_domain;
  for (int i = 0; i < 5; ++i) long_domain += std::string(50, 'd') + ".";
  long_domain += "com";  // 258 bytes
  EXPECT_EQ(KeyDnsName("s", long_domain), std::nullopt);
}

TEST(AppendKeyNames, EverySignatureInHeaderOrder) {
  const std::string message =
      "DKIM-Signature: v=1; a=rsa-sha256; d=Example.com; s=new;\n"
      "\th=from; bh=AAAA; b=AAAA\n"
      "From: a@example.com\n"
      "dkim-signature: v=1; a=ed25519-sha256; s=ed; d=example.com;\n"
      " h=from; bh=AAAA; b=AAAA\n"
      "DKIM-Signature: v=1; d=example.com; b=AAAA\n"    // no s=
      "DKIM-Signature: v=1;=rsa; d=example.com; s=x\n"  // does not parse
      "Subject: DKIM-Signature: d=fake.example; s=fake\n"
      "\n"
      "DKIM-Signature: v=1; d=body.example; s=body\n";  // body, not a field
  std::vector<std::string> names = {"kept"};
  AppendKeyNames(message, &names);
  EXPECT_EQ(names,
            (std::vector<std::string>{"kept", "new._domainkey.example.com",
                                      "ed._domainkey.example.com"}));
}

TEST(AppendKeyNames, CrlfAndNoSignature) {
  std::vector<std::string> names;
  AppendKeyNames("From: a@b.example\r\nSubject: hi\r\n\r\nbody\r\n", &names);
  EXPECT_TRUE(names.empty());
  AppendKeyNames("DKIM-Signature: d=b.example; s=s1\r\n\r\nbody\r\n", &names);
  EXPECT_EQ(names, std::vector<std::string>{"s1._domainkey.b.example"});
}

}  // namespace
}  // namespace dkimbatch::engine
