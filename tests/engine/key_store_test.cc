// tests/engine/key_store_test.cc
//
// Key snapshot store: name normalization, time-pinned snapshot selection and
// the parsed-key cache (each snapshot's key record parsed once on Add).
#include "engine/key_store.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/engine/test_keys.h"

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

TEST(KeyStore, ParsesEachKeyRecordOnceOnAdd) {
  KeyStore store;
  const std::string p =
      testutil::Base64Encode(testutil::SpkiDer(testutil::CachedRsa(1024)));
  // The SPF record is discarded; the DKIM record is chosen and its key parsed.
  KeySnapshot good = Snap(10, "v=spf1 -all");
  good.txt.push_back("v=DKIM1; k=rsa; p=" + p);
  store.Add("good._domainkey.d.test", good);
  store.Add("typo._domainkey.d.test", Snap(10, "v=DKIM1;=rsa; p=" + p));
  store.Add("revoked._domainkey.d.test", Snap(10, "v=DKIM1; k=rsa; p="));
  store.Add("junk._domainkey.d.test", Snap(10, "v=DKIM1; k=rsa; p=AAAA"));
  store.Add("none._domainkey.d.test", Snap(10, "v=spf1 -all"));

  const KeySnapshot* s = store.Find("good._domainkey.d.test", 10);
  ASSERT_NE(s, nullptr);
  ASSERT_NE(s->prepared, nullptr);
  EXPECT_EQ(s->prepared->record_reason, Reason::kOk);
  EXPECT_TRUE(s->prepared->key_ok);
  EXPECT_EQ(s->prepared->public_key.bits, 1024);
  EXPECT_EQ(s->prepared->record.type, KeyType::kRsa);
  // The record's views point into the prepared key's own copy.
  EXPECT_EQ(s->prepared->record.key_type_text, "rsa");

  struct Row {
    const char* name;
    Reason reason;
    bool key_ok;
  } rows[] = {{"typo", Reason::kKeySyntax, false},
              {"revoked", Reason::kKeyRevoked, false},
              {"junk", Reason::kOk, false},
              {"none", Reason::kKeyNotFound, false}};
  for (const Row& row : rows) {
    const KeySnapshot* snap =
        store.Find(std::string(row.name) + "._domainkey.d.test", 10);
    ASSERT_NE(snap, nullptr) << row.name;
    ASSERT_NE(snap->prepared, nullptr) << row.name;
    EXPECT_EQ(snap->prepared->record_reason, row.reason) << row.name;
    EXPECT_EQ(snap->prepared->key_ok, row.key_ok) << row.name;
    if (row.reason != Reason::kOk) {
      EXPECT_FALSE(snap->prepared->record_detail.empty()) << row.name;
    } else {
      EXPECT_FALSE(snap->prepared->key_error.empty()) << row.name;
    }
  }
}

TEST(KeyStore, FindNormalizedMatchesFind) {
  KeyStore store;
  store.Add("Sel._DomainKey.Example.COM.", Snap(10, "x"));
  EXPECT_EQ(store.FindNormalized("sel._domainkey.example.com", 10),
            store.Find("SEL._domainkey.example.com.", 10));
  EXPECT_NE(store.FindNormalized("sel._domainkey.example.com", 10), nullptr);
  EXPECT_EQ(store.FindNormalized("Sel._DomainKey.Example.COM", 10), nullptr);
}

}  // namespace
}  // namespace dkimbatch::engine
