// tests/io/dns_resolver_test.cc
//
// The parts of the resolver that need no server: TXT rdata splitting and
// joining, and set-up errors. Lookups against a real server are in
// tests/dns/dns_test.sh.
#include "io/dns_resolver.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace dkimbatch::io {
namespace {

std::vector<uint8_t> Rdata(const std::vector<std::string>& strings) {
  std::vector<uint8_t> out;
  for (const std::string& s : strings) {
    out.push_back(static_cast<uint8_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

TEST(ParseTxtRdata, SplitsCharacterStrings) {
  const std::string long_string(255, 'k');
  std::vector<std::string> strings;
  ASSERT_TRUE(
      ParseTxtRdata(Rdata({"v=DKIM1; p=", long_string, "", "end"}), &strings));
  EXPECT_EQ(strings,
            (std::vector<std::string>{"v=DKIM1; p=", long_string, "", "end"}));
}

TEST(ParseTxtRdata, RejectsLengthPastTheEnd) {
  std::vector<uint8_t> rdata = Rdata({"abc"});
  rdata.pop_back();
  std::vector<std::string> strings;
  EXPECT_FALSE(ParseTxtRdata(rdata, &strings));
  EXPECT_TRUE(ParseTxtRdata({}, &strings));
  EXPECT_TRUE(strings.empty());
}

TEST(JoinTxtRecords, JoinsStringsKeepsRecordsApart) {
  EXPECT_EQ(JoinTxtRecords({{"v=DKIM1; k=rsa; ", "p=AB", "CD"}, {"v=spf1"}}),
            (std::vector<std::string>{"v=DKIM1; k=rsa; p=ABCD", "v=spf1"}));
  EXPECT_TRUE(JoinTxtRecords({}).empty());
}

TEST(DnsResolver, SetUpErrors) {
  ResolverOptions bad_address;
  bad_address.forwarder = "not an address";
  EXPECT_FALSE(DnsResolver::Create(bad_address).ok());
  ResolverOptions no_anchor;
  no_anchor.trust_anchor_file = "/nonexistent/root.key";
  EXPECT_FALSE(DnsResolver::Create(no_anchor).ok());
  ResolverOptions fine;
  fine.forwarder = "127.0.0.1@5353";
  fine.stubs = {{"example", "127.0.0.1@5354"}};
  EXPECT_TRUE(DnsResolver::Create(fine).ok());
}

TEST(DnsResolver, NoNamesNoQueries) {
  ResolverOptions options;
  options.forwarder = "127.0.0.1@9";
  auto resolver = DnsResolver::Create(options);
  ASSERT_TRUE(resolver.ok());
  EXPECT_TRUE((*resolver)->ResolveTxt({}).empty());
}

}  // namespace
}  // namespace dkimbatch::io
