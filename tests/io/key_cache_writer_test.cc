// tests/io/key_cache_writer_test.cc
//
// Key cache lines: the exact format of DESIGN.md, and a round trip through
// io/key_cache_reader.h for every rcode.
#include "io/key_cache_writer.h"

#include <string>

#include "engine/key_store.h"
#include "gtest/gtest.h"
#include "io/key_cache_reader.h"

namespace dkimbatch::io {
namespace {

using engine::DnsRcode;
using engine::KeySnapshot;

TEST(KeyCacheWriter, DesignFormat) {
  KeySnapshot snap;
  snap.rcode = DnsRcode::kNoError;
  snap.txt = {"v=DKIM1; k=rsa; p=MIIB", "v=spf1 \"-all\""};
  snap.dnssec = "insecure";
  snap.fetched_at = 1795417200;  // 2026-11-23T07:00:00Z
  std::string line;
  AppendKeyCacheLine("sel._domainkey.example.com", snap, &line);
  EXPECT_EQ(line,
            "{\"name\":\"sel._domainkey.example.com\",\"rcode\":\"NOERROR\","
            "\"txt\":[\"v=DKIM1; k=rsa; p=MIIB\",\"v=spf1 \\\"-all\\\"\"],"
            "\"dnssec\":\"insecure\",\"fetched_at\":\"2026-11-23T07:00:00Z\"}"
            "\n");
}

TEST(KeyCacheWriter, RoundTripsThroughTheReader) {
  const DnsRcode rcodes[] = {DnsRcode::kNoError, DnsRcode::kNxDomain,
                             DnsRcode::kServFail, DnsRcode::kTimeout};
  std::string text;
  for (int i = 0; i < 4; ++i) {
    KeySnapshot snap;
    snap.rcode = rcodes[i];
    if (i == 0) snap.txt = {"v=DKIM1; p=", "x\\y"};
    snap.dnssec = i == 0 ? "secure" : "unknown";
    snap.fetched_at = 1767225600 + i;
    AppendKeyCacheLine("s" + std::to_string(i) + "._domainkey.example.com",
                       snap, &text);
  }
  engine::KeyStore store;
  KeyCacheStats stats;
  ParseKeyCache(text, "test", &store, &stats);
  EXPECT_TRUE(stats.warnings.empty());
  ASSERT_EQ(stats.snapshots, 4u);
  for (int i = 0; i < 4; ++i) {
    const KeySnapshot* got = store.Find(
        "s" + std::to_string(i) + "._domainkey.example.com", 1767225600 + i);
    ASSERT_NE(got, nullptr) << i;
    EXPECT_EQ(got->rcode, rcodes[i]);
    EXPECT_EQ(got->fetched_at, 1767225600 + i);
  }
  const KeySnapshot* first =
      store.Find("s0._domainkey.example.com", 4102444800);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->txt, (std::vector<std::string>{"v=DKIM1; p=", "x\\y"}));
  EXPECT_EQ(first->dnssec, "secure");
}

TEST(KeyCacheWriter, RcodeWords) {
  EXPECT_EQ(RcodeWord(DnsRcode::kNoError), "NOERROR");
  EXPECT_EQ(RcodeWord(DnsRcode::kNxDomain), "NXDOMAIN");
  EXPECT_EQ(RcodeWord(DnsRcode::kServFail), "SERVFAIL");
  EXPECT_EQ(RcodeWord(DnsRcode::kTimeout), "TIMEOUT");
}

}  // namespace
}  // namespace dkimbatch::io
