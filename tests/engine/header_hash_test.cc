// tests/engine/header_hash_test.cc
//
// AppendSignedHeaders (RFC 6376 §5.4.2): h= names take fields bottom-up,
// case-insensitively (ASCII letters only), each field at most once, never
// the excluded one. Hand-picked cases, including names that differ only in
// bit 0x20 of a non-letter or past their first 8 bytes, then random headers
// and h= lists against a field-by-field reference; both the scan and the
// index path (a header too large to scan) are compared, and neither ever
// selects a nameless field.
#include "engine/header_hash.h"

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canon/header_canon.h"
#include "engine/internal/ascii.h"
#include "gtest/gtest.h"

namespace dkimbatch::engine {
namespace {

// Fields holds the text of a header section and the Message over it.
struct Fields {
  std::vector<std::string> raws;
  Message message;

  explicit Fields(const std::vector<std::string>& names) {
    for (size_t i = 0; i < names.size(); ++i) {
      raws.push_back(names[i] + ": v" + std::to_string(i) + "\r\n");
    }
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string_view raw = raws[i];
      message.headers.push_back(
          {raw, raw.substr(0, names[i].size()),
           raw.substr(names[i].size() + 1, raw.size() - names[i].size() - 3)});
    }
  }
};

// Reference: for each h= name, the bottom-most unused field whose name
// equals it letter case aside, one field and name at a time. A nameless
// field (a line without ':') is never selected.
std::string Reference(const Message& message,
                      const std::vector<std::string_view>& signed_headers,
                      Canon canon, size_t exclude_index) {
  std::vector<bool> used(message.headers.size(), false);
  if (exclude_index < used.size()) used[exclude_index] = true;
  std::string out;
  for (std::string_view wanted : signed_headers) {
    for (size_t j = message.headers.size(); j-- > 0;) {
      const std::string_view name = message.headers[j].name;
      if (used[j] || name.empty() || name.size() != wanted.size()) continue;
      bool same = true;
      for (size_t k = 0; k < name.size(); ++k) {
        same =
            same && internal::ToLower(name[k]) == internal::ToLower(wanted[k]);
      }
      if (!same) continue;
      used[j] = true;
      AppendCanonicalHeader(canon, message.headers[j].raw, true, &out);
      break;
    }
  }
  return out;
}

std::string Signed(const Message& message,
                   const std::vector<std::string_view>& signed_headers,
                   Canon canon = Canon::kSimple,
                   size_t exclude_index = kNoField) {
  std::string out;
  AppendSignedHeaders(message, signed_headers, canon, exclude_index, &out);
  return out;
}

TEST(SignedHeaders, BottomUpCaseInsensitiveOncePerField) {
  Fields f({"From", "To", "Received", "received", "RECEIVED", "Subject"});
  EXPECT_EQ(Signed(f.message, {"received", "FROM", "Received", "from",
                               "Received", "received", "subject"}),
            "RECEIVED: v4\r\nFrom: v0\r\nreceived: v3\r\nReceived: v2\r\n"
            "Subject: v5\r\n");
  EXPECT_EQ(Signed(f.message, {"subject", "to"}, Canon::kSimple, 5),
            "To: v1\r\n");
}

TEST(SignedHeaders, NamelessFieldsAreNeverSelected) {
  Fields f({"From", "", "To"});
  EXPECT_EQ(Signed(f.message, {"", "to", ""}), "To: v2\r\n");
}

// Bit 0x20 makes a letter lowercase and nothing else: '@' and '`', '[' and
// '{', '^' and '~', bytes above 0x7f differ by it and must not match.
TEST(SignedHeaders, OnlyLettersIgnoreCase) {
  Fields f({"X@", "X[", "X^", "X\xC1", "Xa", "X-Long-Name-A", "X-Long-Name-B",
            "X-Long"});
  EXPECT_EQ(Signed(f.message, {"x`"}), "");
  EXPECT_EQ(Signed(f.message, {"x{"}), "");
  EXPECT_EQ(Signed(f.message, {"x~"}), "");
  EXPECT_EQ(Signed(f.message, {"x\xE1"}), "");
  EXPECT_EQ(Signed(f.message, {"x@", "x[", "x^", "x\xC1", "XA"}),
            "X@: v0\r\nX[: v1\r\nX^: v2\r\nX\xC1: v3\r\nXa: v4\r\n");
  EXPECT_EQ(Signed(f.message, {"x-long-name-b", "X-LONG", "x-long-name-c"}),
            "X-Long-Name-B: v6\r\nX-Long: v7\r\n");
  EXPECT_EQ(Signed(f.message, {"x-lon", "x-long-", "x-long-name-"}), "");
}

// Random headers over names that collide in their first 8 bytes, in case,
// and in bit 0x20 of non-letters; random h= lists with over-signing.
TEST(SignedHeaders, RandomAgainstReference) {
  std::mt19937_64 rng(0x5E1);
  const std::string alphabet = "aAbB@`[{-\xC1\xE1";
  auto random_name = [&](size_t max_len) {
    std::string name = max_len > 9 && rng() % 2 ? "X-Header" : "";
    const size_t len = rng() % (max_len + 1);
    for (size_t k = 0; k < len; ++k) name += alphabet[rng() % alphabet.size()];
    return name;
  };
  for (int round = 0; round < 3000; ++round) {
    // Mostly small headers (the scan); some past 4096 comparisons (the
    // index).
    const bool big = round % 50 == 0;
    const size_t fields = big ? 300 : 1 + rng() % 30;
    std::vector<std::string> names;
    for (size_t i = 0; i < fields; ++i)
      names.push_back(random_name(big ? 3 : 12));
    Fields f(names);
    std::vector<std::string> wanted_storage;
    const size_t count = big ? 40 : 1 + rng() % 12;
    for (size_t i = 0; i < count; ++i) {
      wanted_storage.push_back(rng() % 2 ? names[rng() % names.size()]
                                         : random_name(12));
      std::string& w = wanted_storage.back();
      for (char& c : w) {
        if (rng() % 3 == 0 &&
            ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
          c = static_cast<char>(c ^ 0x20);
        }
      }
    }
    const std::vector<std::string_view> wanted(wanted_storage.begin(),
                                               wanted_storage.end());
    const size_t exclude = rng() % 4 == 0 ? rng() % fields : kNoField;
    for (Canon canon : {Canon::kSimple, Canon::kRelaxed}) {
      ASSERT_EQ(Signed(f.message, wanted, canon, exclude),
                Reference(f.message, wanted, canon, exclude))
          << "round " << round;
    }
  }
}

}  // namespace
}  // namespace dkimbatch::engine
