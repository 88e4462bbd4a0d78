// tests/io/key_cache_reader_test.cc
//
// keys.jsonl parsing: snapshots by time, case-insensitive names, rcodes,
// lenient `txt` forms, garbage lines reported by 1-based line number while
// the rest still loads, and the shared conformance key cache.
#include "io/key_cache_reader.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/key_store.h"
#include "gtest/gtest.h"
#include "io/timestamp.h"

namespace dkimbatch::io {
namespace {

using engine::DnsRcode;
using engine::KeySnapshot;
using engine::KeyStore;

constexpr int64_t kJan2026 = 1767225600;  // 2026-01-01T00:00:00Z

TEST(KeyCacheReader, ParsesOneFullLine) {
  KeyStore store;
  KeyCacheStats stats;
  ParseKeyCache(R"({"name":"sel._domainkey.example.com","rcode":"NOERROR",)"
                R"("txt":["v=DKIM1; k=rsa; p=MIIB"],"dnssec":"insecure",)"
                R"("fetched_at":"2026-01-01T00:00:00Z"})"
                "\n",
                "keys.jsonl", &store, &stats);
  EXPECT_TRUE(stats.warnings.empty());
  EXPECT_EQ(stats.lines, 1u);
  EXPECT_EQ(stats.snapshots, 1u);
  const KeySnapshot* snap = store.Find("sel._domainkey.example.com", kJan2026);
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->rcode, DnsRcode::kNoError);
  EXPECT_EQ(snap->txt, std::vector<std::string>{"v=DKIM1; k=rsa; p=MIIB"});
  EXPECT_EQ(snap->dnssec, "insecure");
  EXPECT_EQ(snap->fetched_at, kJan2026);
  // Fetched one second later than asked about: not visible yet.
  bool has_later = false;
  EXPECT_EQ(store.Find("sel._domainkey.example.com", kJan2026 - 1, &has_later),
            nullptr);
  EXPECT_TRUE(has_later);
}

TEST(KeyCacheReader, MapsRcodes) {
  struct Case {
    std::string_view rcode;
    DnsRcode want;
  };
  const Case kCases[] = {
      {"NOERROR", DnsRcode::kNoError},   {"NXDOMAIN", DnsRcode::kNxDomain},
      {"SERVFAIL", DnsRcode::kServFail}, {"TIMEOUT", DnsRcode::kTimeout},
      {"nxdomain", DnsRcode::kNxDomain},  // any case
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.rcode);
    KeyStore store;
    KeyCacheStats stats;
    ParseKeyCache(R"({"name":"a._domainkey.x.org","rcode":")" +
                      std::string(c.rcode) + R"(","txt":[]})",
                  "k", &store, &stats);
    ASSERT_TRUE(stats.warnings.empty()) << stats.warnings[0];
    const KeySnapshot* snap = store.Find("a._domainkey.x.org", 0);
    ASSERT_NE(snap, nullptr);
    EXPECT_EQ(snap->rcode, c.want);
    EXPECT_TRUE(snap->txt.empty());
  }
}

TEST(KeyCacheReader, PicksLatestSnapshotNotLaterThanNow) {
  // Lines deliberately out of time order; names differ in case and one has a
  // trailing dot: they are all the same DNS name.
  const std::string text =
      R"({"name":"rot._domainkey.example.com","rcode":"NOERROR","txt":["B"],"fetched_at":"2026-06-01T00:00:00Z"})"
      "\n"
      R"({"name":"ROT._DomainKey.Example.COM","rcode":"NOERROR","txt":["A"],"fetched_at":"2025-12-01T00:00:00Z"})"
      "\n"
      R"({"name":"rot._domainkey.example.com.","rcode":"NXDOMAIN","txt":[],"fetched_at":"2027-01-01T00:00:00+01:00"})"
      "\n";
  KeyStore store;
  KeyCacheStats stats;
  ParseKeyCache(text, "keys.jsonl", &store, &stats);
  EXPECT_TRUE(stats.warnings.empty());
  EXPECT_EQ(stats.snapshots, 3u);
  EXPECT_EQ(store.num_names(), 1u);
  EXPECT_EQ(store.num_snapshots(), 3u);

  struct Case {
    std::string_view lookup;
    std::string_view now;
    std::string_view want_txt;  // "" = no snapshot; "NX" = the NXDOMAIN one
  };
  const Case kCases[] = {
      {"rot._domainkey.example.com", "2025-11-30T23:59:59Z", ""},
      {"rot._domainkey.example.com", "2025-12-01T00:00:00Z", "A"},
      {"Rot._Domainkey.Example.Com", "2026-05-31T23:59:59Z", "A"},
      {"rot._domainkey.example.com", "2026-06-01T00:00:00Z", "B"},
      {"ROT._DOMAINKEY.EXAMPLE.COM.", "2026-12-31T22:59:59Z", "B"},
      {"rot._domainkey.example.com", "2026-12-31T23:00:00Z", "NX"},
      {"other._domainkey.example.com", "2030-01-01T00:00:00Z", ""},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.lookup) + " @ " + std::string(c.now));
    std::optional<int64_t> now = ParseTimestamp(c.now);
    ASSERT_TRUE(now.has_value());
    const KeySnapshot* snap = store.Find(c.lookup, *now);
    if (c.want_txt.empty()) {
      EXPECT_EQ(snap, nullptr);
    } else if (c.want_txt == "NX") {
      ASSERT_NE(snap, nullptr);
      EXPECT_EQ(snap->rcode, DnsRcode::kNxDomain);
    } else {
      ASSERT_NE(snap, nullptr);
      ASSERT_EQ(snap->txt.size(), 1u);
      EXPECT_EQ(snap->txt[0], c.want_txt);
    }
  }
}

TEST(KeyCacheReader, OptionalFieldsAndLenientForms) {
  const std::string text =
      // No txt, no dnssec, no fetched_at: valid at any time.
      R"({"name":"a.x","rcode":"NOERROR"})"
      "\n"
      // A record given as its character-strings is joined; extra fields
      // are ignored; fetched_at as Unix seconds, string or number.
      R"({"name":"b.x","rcode":"NOERROR","txt":[["v=DKIM1; ","p=AB"],"x"],"ttl":300,"extra":{"k":[1]},"fetched_at":"1767225600"})"
      "\n"
      R"({"name":"c.x","rcode":"NOERROR","txt":null,"dnssec":null,"fetched_at":1767225600})"
      "\n"
      // Whitespace inside JSON, a CRLF line end, escapes in strings.
      "  { \"name\" : \"d.x\" , \"rcode\" : \"NOERROR\", \"txt\" : "
      "[\"p=\\u0041\\\"\"] }  \r\n";
  KeyStore store;
  KeyCacheStats stats;
  ParseKeyCache(text, "keys.jsonl", &store, &stats);
  ASSERT_TRUE(stats.warnings.empty()) << stats.warnings[0];
  EXPECT_EQ(stats.lines, 4u);
  EXPECT_EQ(stats.snapshots, 4u);

  const KeySnapshot* a = store.Find("a.x", 0);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->txt.empty());
  EXPECT_EQ(a->fetched_at, 0);

  const KeySnapshot* b = store.Find("b.x", kJan2026);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->txt, (std::vector<std::string>{"v=DKIM1; p=AB", "x"}));
  EXPECT_EQ(b->fetched_at, kJan2026);

  const KeySnapshot* c = store.Find("c.x", kJan2026);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->txt.empty());
  EXPECT_EQ(c->dnssec, "");
  EXPECT_EQ(c->fetched_at, kJan2026);

  const KeySnapshot* d = store.Find("d.x", 0);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->txt, std::vector<std::string>{"p=A\""});
}

TEST(KeyCacheReader, ReportsGarbageLinesAndLoadsTheRest) {
  struct Case {
    std::string_view line;
    std::string_view reason_contains;  // "" = the line is good
  };
  const Case kCases[] = {
      {R"({"name":"good1.x","rcode":"NOERROR","txt":["k"]})", ""},
      {"this is not json", "not valid JSON"},
      {R"({"name":"trunc.x","rcode":)", "not valid JSON"},
      {R"({"name":"two.x","rcode":"NOERROR"} {})", "not valid JSON"},
      {R"(["name","rcode"])", "not a JSON object"},
      {R"("just a string")", "not a JSON object"},
      {R"({"rcode":"NOERROR"})", "missing \"name\""},
      {R"({"name":42,"rcode":"NOERROR"})", "\"name\" is not a string"},
      {R"({"name":"","rcode":"NOERROR"})", "\"name\" is empty"},
      {R"({"name":"norcode.x"})", "missing \"rcode\""},
      {R"({"name":"r.x","rcode":0})", "\"rcode\" is not a string"},
      {R"({"name":"r.x","rcode":"REFUSED"})", "unknown \"rcode\" \"REFUSED\""},
      {R"({"name":"t.x","rcode":"NOERROR","txt":"v=DKIM1"})",
       "\"txt\" is not an array"},
      {R"({"name":"t.x","rcode":"NOERROR","txt":["a",7]})", "\"txt\"[1]"},
      {R"({"name":"t.x","rcode":"NOERROR","txt":[["a",null]]})", "\"txt\"[0]"},
      {R"({"name":"d.x","rcode":"NOERROR","dnssec":true})",
       "\"dnssec\" is not a string"},
      {R"({"name":"f.x","rcode":"NOERROR","fetched_at":"2026-02-30T00:00:00Z"})",
       "bad \"fetched_at\" \"2026-02-30T00:00:00Z\""},
      {R"({"name":"f.x","rcode":"NOERROR","fetched_at":"yesterday"})",
       "bad \"fetched_at\""},
      {R"({"name":"f.x","rcode":"NOERROR","fetched_at":-5})",
       "bad \"fetched_at\""},
      {R"({"name":"f.x","rcode":"NOERROR","fetched_at":1.5e9})",
       "bad \"fetched_at\""},
      {R"({"name":"good2.x","rcode":"SERVFAIL"})", ""},
  };
  // Blank and whitespace-only lines between the cases: they count for line
  // numbers but are neither loaded nor reported.
  std::string text;
  std::vector<size_t> line_of_case;
  size_t line = 0;
  for (const Case& c : kCases) {
    if (line % 3 == 0) {
      text += (line % 2 == 0) ? "\n" : "  \t\r\n";
      ++line;
    }
    text += c.line;
    text += "\n";
    line_of_case.push_back(++line);
  }
  KeyStore store;
  KeyCacheStats stats;
  ParseKeyCache(text, "cache.jsonl", &store, &stats);

  std::vector<std::string> want_prefixes;
  size_t num_good = 0;
  for (size_t k = 0; k < std::size(kCases); ++k) {
    if (kCases[k].reason_contains.empty()) {
      ++num_good;
    } else {
      want_prefixes.push_back("cache.jsonl:" + std::to_string(line_of_case[k]) +
                              ": ");
    }
  }
  EXPECT_EQ(stats.lines, std::size(kCases));
  EXPECT_EQ(stats.snapshots, num_good);
  ASSERT_EQ(stats.warnings.size(), want_prefixes.size());
  size_t w = 0;
  for (size_t k = 0; k < std::size(kCases); ++k) {
    if (kCases[k].reason_contains.empty()) continue;
    SCOPED_TRACE(kCases[k].line);
    const std::string& warning = stats.warnings[w];
    EXPECT_EQ(warning.rfind(want_prefixes[w], 0), 0u) << warning;
    EXPECT_NE(warning.find(kCases[k].reason_contains), std::string::npos)
        << warning;
    ++w;
  }
  EXPECT_NE(store.Find("good1.x", 0), nullptr);
  ASSERT_NE(store.Find("good2.x", 0), nullptr);
  EXPECT_EQ(store.Find("good2.x", 0)->rcode, DnsRcode::kServFail);
  EXPECT_EQ(store.num_names(), 2u);
}

TEST(KeyCacheReader, HugeLineIsReportedNotParsed) {
  std::string text = R"({"name":"ok.x","rcode":"NOERROR"})";
  text += "\n{\"name\":\"big.x\",\"rcode\":\"NOERROR\",\"txt\":[\"";
  text.append(2u << 20, 'A');
  text += "\"]}\n";
  text += R"({"name":"ok2.x","rcode":"NOERROR"})";  // no final newline
  KeyStore store;
  KeyCacheStats stats;
  ParseKeyCache(text, "k.jsonl", &store, &stats);
  ASSERT_EQ(stats.warnings.size(), 1u);
  EXPECT_EQ(stats.warnings[0].rfind("k.jsonl:2: line too long", 0), 0u)
      << stats.warnings[0];
  EXPECT_EQ(stats.snapshots, 2u);
  EXPECT_EQ(store.Find("big.x", 0), nullptr);
  EXPECT_NE(store.Find("ok2.x", 0), nullptr);
}

TEST(KeyCacheReader, WarningQuotesValuesSafely) {
  KeyStore store;
  KeyCacheStats stats;
  ParseKeyCache(
      R"({"name":"r.x","rcode":"BAD\u0007\n)" + std::string(100, 'Z') + "\"}",
      "k", &store, &stats);
  ASSERT_EQ(stats.warnings.size(), 1u);
  const std::string& warning = stats.warnings[0];
  EXPECT_NE(warning.find(R"("BAD\u0007\nZZZ)"), std::string::npos) << warning;
  EXPECT_NE(warning.find("...\""), std::string::npos) << warning;
  for (char c : warning) EXPECT_GE(static_cast<unsigned char>(c), 0x20);
}

TEST(KeyCacheReader, EmptyAndBlankInputs) {
  const std::string_view kCases[] = {"", "\n", "\r\n\r\n", "   \n\t\n",
                                     "\xEF\xBB\xBF"};
  for (std::string_view text : kCases) {
    KeyStore store;
    KeyCacheStats stats;
    ParseKeyCache(text, "k", &store, &stats);
    EXPECT_EQ(stats.lines, 0u);
    EXPECT_TRUE(stats.warnings.empty());
    EXPECT_EQ(store.num_snapshots(), 0u);
  }
}

TEST(KeyCacheReader, ByteOrderMarkIsSkipped) {
  KeyStore store;
  KeyCacheStats stats;
  ParseKeyCache("\xEF\xBB\xBF{\"name\":\"a.x\",\"rcode\":\"NOERROR\"}\n", "k",
                &store, &stats);
  EXPECT_TRUE(stats.warnings.empty());
  EXPECT_NE(store.Find("a.x", 0), nullptr);
}

TEST(KeyCacheReader, NullStatsIsAllowed) {
  KeyStore store;
  ParseKeyCache("garbage\n{\"name\":\"a.x\",\"rcode\":\"NOERROR\"}", "k",
                &store, nullptr);
  EXPECT_EQ(store.num_snapshots(), 1u);
}

TEST(KeyCacheReader, LoadReadsAFile) {
  char path[] = "/tmp/dkb_key_cache_test_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path, std::ios::binary);
    out << R"({"name":"a._domainkey.x.org","rcode":"TIMEOUT"})"
        << "\n"
        << "oops\n";
  }
  KeyStore store;
  KeyCacheStats stats;
  absl::Status status = LoadKeyCache(path, &store, &stats);
  std::remove(path);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_NE(store.Find("a._domainkey.x.org", 0), nullptr);
  EXPECT_EQ(store.Find("a._domainkey.x.org", 0)->rcode, DnsRcode::kTimeout);
  ASSERT_EQ(stats.warnings.size(), 1u);
  EXPECT_EQ(stats.warnings[0].rfind(std::string(path) + ":2: ", 0), 0u)
      << stats.warnings[0];
}

TEST(KeyCacheReader, LoadFailsOnMissingFile) {
  KeyStore store;
  KeyCacheStats stats;
  absl::Status status =
      LoadKeyCache("/nonexistent/dir/keys.jsonl", &store, &stats);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(store.num_snapshots(), 0u);
}

TEST(KeyCacheReader, LoadsSharedConformanceCache) {
  // DKB_TEST_DATA_DIR is <repo>/tests/data; the shared corpus is
  // <repo>/../shared/conformance.
  std::string repo = DKB_TEST_DATA_DIR;
  for (int up = 0; up < 2; ++up) repo.resize(repo.rfind('/'));
  const std::string path = repo + "/../shared/conformance/keys.jsonl";
  if (!std::ifstream(path).good()) {
    GTEST_SKIP() << "no shared conformance key cache at " << path;
  }
  KeyStore store;
  KeyCacheStats stats;
  absl::Status status = LoadKeyCache(path, &store, &stats);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_TRUE(stats.warnings.empty())
      << (stats.warnings.empty() ? "" : stats.warnings[0]);
  EXPECT_EQ(stats.lines, 29u);
  EXPECT_EQ(stats.snapshots, 29u);
  EXPECT_EQ(store.num_snapshots(), 29u);
  EXPECT_EQ(store.num_names(), 28u);  // one name has two snapshots

  const std::string rotated = "rotated._domainkey.example.com";
  const int64_t old_at = *ParseTimestamp("2025-12-01T00:00:00Z");
  const int64_t new_at = *ParseTimestamp("2026-06-01T00:00:00Z");
  const KeySnapshot* old_snap = store.Find(rotated, new_at - 1);
  const KeySnapshot* new_snap = store.Find(rotated, new_at);
  ASSERT_NE(old_snap, nullptr);
  ASSERT_NE(new_snap, nullptr);
  EXPECT_EQ(old_snap->fetched_at, old_at);
  EXPECT_EQ(new_snap->fetched_at, new_at);
  EXPECT_NE(old_snap->txt, new_snap->txt);
  EXPECT_EQ(store.Find(rotated, old_at - 1), nullptr);

  const int64_t now = 1767312000;  // the corpus's default --now
  struct Case {
    std::string_view name;
    DnsRcode rcode;
  };
  const Case kCases[] = {
      {"nxdomain._domainkey.example.com", DnsRcode::kNxDomain},
      {"servfail._domainkey.example.com", DnsRcode::kServFail},
      {"timeout._domainkey.example.com", DnsRcode::kTimeout},
      {"rsa2048._domainkey.EXAMPLE.com", DnsRcode::kNoError},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    const KeySnapshot* snap = store.Find(c.name, now);
    ASSERT_NE(snap, nullptr);
    EXPECT_EQ(snap->rcode, c.rcode);
    EXPECT_EQ(snap->dnssec, "insecure");
  }
  const KeySnapshot* multi = store.Find("multi._domainkey.example.com", now);
  ASSERT_NE(multi, nullptr);
  EXPECT_EQ(multi->txt.size(), 2u);
  const KeySnapshot* nodata = store.Find("nodata._domainkey.example.com", now);
  ASSERT_NE(nodata, nullptr);
  EXPECT_TRUE(nodata->txt.empty());
  EXPECT_EQ(store.Find("absent._domainkey.example.com", now), nullptr);
}

}  // namespace
}  // namespace dkimbatch::io

namespace dkimbatch::io {
namespace {

TEST(KeyCacheReader, WarningsAreCappedAndCounted) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "garbage\n";
  text += R"({"name":"sel._domainkey.example.com","rcode":"NXDOMAIN"})";
  engine::KeyStore store;
  KeyCacheStats stats;
  ParseKeyCache(text, "keys.jsonl", &store, &stats);
  EXPECT_EQ(stats.lines, 1001u);
  EXPECT_EQ(stats.snapshots, 1u);
  EXPECT_EQ(stats.warnings.size(), kMaxKeyCacheWarnings);
  EXPECT_EQ(stats.warnings_dropped, 1000u - kMaxKeyCacheWarnings);
  EXPECT_EQ(stats.warnings.back().substr(0, 15), "keys.jsonl:100:");
}

}  // namespace
}  // namespace dkimbatch::io
