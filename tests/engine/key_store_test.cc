// tests/engine/key_store_test.cc
//
// Key snapshot store: name normalization and time-pinned snapshot selection.
#include "engine/key_store.h"

#include <string>

#include "gtest/gtest.h"

namespace dkimbatch::engine {
namespace {

KeySnapshot Snap(int64_t fetched_at, std::string txt,
                 DnsRcode rcode = DnsRcode::kNoError) {
  KeySnapshot s;
  s.rcode = rcode;
  s.txt = {std::move(txt)};
  s.dnssec = "insecure";
  s.fetched_at = fetched_at;
  return s;
}

TEST(KeyStore, NormalizeName) {
  EXPECT_EQ(KeyStore::NormalizeName("Sel._DomainKey.Example.COM"),
            "sel._domainkey.example.com");
  EXPECT_EQ(KeyStore::NormalizeName("a.example.com."), "a.example.com");
  EXPECT_EQ(KeyStore::NormalizeName("a.example.com.."), "a.example.com.");
  EXPECT_EQ(KeyStore::NormalizeName(""), "");
}

TEST(KeyStore, FindIsCaseInsensitiveAndIgnoresTrailingDot) {
  KeyStore store;
  store.Add("Sel._domainkey.Example.com.", Snap(100, "k"));
  EXPECT_EQ(store.num_names(), 1u);
  EXPECT_EQ(store.num_snapshots(), 1u);
  for (const char* name :
       {"sel._domainkey.example.com", "SEL._DOMAINKEY.EXAMPLE.COM",
        "sel._domainkey.example.com."}) {
    const KeySnapshot* s = store.Find(name, 200);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_EQ(s->txt[0], "k");
  }
  EXPECT_EQ(store.Find("other._domainkey.example.com", 200), nullptr);
}

// DESIGN.md: the latest snapshot not later than --now.
TEST(KeyStore, PicksLatestSnapshotNotLaterThanNow) {
  KeyStore store;
  // Added out of order on purpose.
  store.Add("s._domainkey.d.test", Snap(300, "third"));
  store.Add("s._domainkey.d.test", Snap(100, "first"));
  store.Add("s._domainkey.d.test", Snap(200, "second"));
  EXPECT_EQ(store.num_names(), 1u);
  EXPECT_EQ(store.num_snapshots(), 3u);
  struct Row {
    int64_t now;
    const char* want;  // nullptr: none
    bool has_later;
  };
  for (Row row : {Row{50, nullptr, true}, Row{99, nullptr, true},
                  Row{100, "first", true}, Row{199, "first", true},
                  Row{200, "second", true}, Row{250, "second", true},
                  Row{300, "third", false}, Row{1000000, "third", false}}) {
    bool has_later = !row.has_later;
    const KeySnapshot* s =
        store.Find("s._domainkey.d.test", row.now, &has_later);
    if (row.want == nullptr) {
      EXPECT_EQ(s, nullptr) << "now " << row.now;
    } else {
      ASSERT_NE(s, nullptr) << "now " << row.now;
      EXPECT_EQ(s->txt[0], row.want) << "now " << row.now;
    }
    EXPECT_EQ(has_later, row.has_later) << "now " << row.now;
  }
}

TEST(KeyStore, HasLaterFalseForUnknownName) {
  KeyStore store;
  store.Add("a._domainkey.x.test", Snap(100, "k"));
  bool has_later = true;
  EXPECT_EQ(store.Find("b._domainkey.x.test", 0, &has_later), nullptr);
  EXPECT_FALSE(has_later);
}

TEST(KeyStore, TieOnFetchedAtLastAddedWins) {
  KeyStore store;
  store.Add("s._domainkey.d.test", Snap(100, "old"));
  store.Add("s._domainkey.d.test", Snap(100, "new"));
  const KeySnapshot* s = store.Find("s._domainkey.d.test", 100);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->txt[0], "new");
}

TEST(KeyStore, KeepsRcodeAndAllTxt) {
  KeyStore store;
  KeySnapshot snap = Snap(10, "v=spf1 -all");
  snap.txt.push_back("v=DKIM1; p=abc");
  store.Add("s._domainkey.d.test", snap);
  store.Add("n._domainkey.d.test", Snap(10, "", DnsRcode::kNxDomain));
  EXPECT_EQ(store.num_names(), 2u);
  const KeySnapshot* s = store.Find("s._domainkey.d.test", 10);
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->txt.size(), 2u);
  EXPECT_EQ(s->txt[1], "v=DKIM1; p=abc");
  EXPECT_EQ(s->dnssec, "insecure");
  const KeySnapshot* n = store.Find("n._domainkey.d.test", 10);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->rcode, DnsRcode::kNxDomain);
}

}  // namespace
}  // namespace dkimbatch::engine
