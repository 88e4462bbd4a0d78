// tests/engine/canon/header_canon_test.cc
//
// Header field canonicalization (RFC 6376 §3.4.1, §3.4.2) of single fields.
#include "engine/canon/header_canon.h"

#include <ostream>
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "tests/engine/reference_canon.h"

namespace dkimbatch::engine {
namespace {

std::string Canon1(Canon canon, std::string_view raw, bool with_final_crlf) {
  std::string out = "prefix|";  // appended to, never replaced
  AppendCanonicalHeader(canon, raw, with_final_crlf, &out);
  EXPECT_EQ(out.substr(0, 7), "prefix|");
  return out.substr(7);
}

struct Case {
  const char* label;
  std::string raw;
  std::string simple;   // with the final CRLF
  std::string relaxed;  // with the final CRLF
};

// PrintTo names a table row by its label in failure messages.
void PrintTo(const Case& row, std::ostream* os) { *os << row.label; }

class HeaderCanon : public ::testing::TestWithParam<Case> {};

TEST_P(HeaderCanon, SimpleAndRelaxed) {
  const Case& c = GetParam();
  EXPECT_EQ(Canon1(Canon::kSimple, c.raw, true), c.simple);
  EXPECT_EQ(Canon1(Canon::kRelaxed, c.raw, true), c.relaxed);
  // Without the final CRLF (the DKIM-Signature being verified, §3.7): the
  // same bytes minus the final CRLF.
  ASSERT_TRUE(c.simple.ends_with("\r\n"));
  ASSERT_TRUE(c.relaxed.ends_with("\r\n"));
  EXPECT_EQ(Canon1(Canon::kSimple, c.raw, false),
            c.simple.substr(0, c.simple.size() - 2));
  EXPECT_EQ(Canon1(Canon::kRelaxed, c.raw, false),
            c.relaxed.substr(0, c.relaxed.size() - 2));
  EXPECT_EQ(testutil::RefRelaxedHeader(c.raw, true), c.relaxed);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6376, HeaderCanon,
    ::testing::Values(
        // RFC 6376 §3.4.5, the two example header fields.
        Case{"rfc_3_4_5_a", "A: X\r\n", "A: X\r\n", "a:X\r\n"},
        Case{"rfc_3_4_5_b", "B : Y\t\r\n\tZ  \r\n", "B : Y\t\r\n\tZ  \r\n",
             "b:Y Z\r\n"},
        Case{"rfc_3_4_5_b_lf", "B : Y\t\n\tZ  \n", "B : Y\t\r\n\tZ  \r\n",
             "b:Y Z\r\n"},
        Case{"name_lowercased", "SuBjEcT: Hello\r\n", "SuBjEcT: Hello\r\n",
             "subject:Hello\r\n"},
        Case{"name_digits_dashes", "X-Spam-Score-2: 1\r\n",
             "X-Spam-Score-2: 1\r\n", "x-spam-score-2:1\r\n"},
        Case{"wsp_before_colon", "To \t : a\r\n", "To \t : a\r\n", "to:a\r\n"},
        Case{"wsp_after_colon", "To:\t \t a\r\n", "To:\t \t a\r\n", "to:a\r\n"},
        Case{"no_wsp", "To:a\r\n", "To:a\r\n", "to:a\r\n"},
        Case{"unfold_crlf", "Subject: one\r\n two\r\n\tthree\r\n",
             "Subject: one\r\n two\r\n\tthree\r\n",
             "subject:one two three\r\n"},
        Case{"unfold_lf", "Subject: one\n two\n\tthree\n",
             "Subject: one\r\n two\r\n\tthree\r\n",
             "subject:one two three\r\n"},
        Case{"fold_right_after_colon", "Subject:\r\n  value\r\n",
             "Subject:\r\n  value\r\n", "subject:value\r\n"},
        Case{"trailing_wsp", "Subject: a b \t \r\n", "Subject: a b \t \r\n",
             "subject:a b\r\n"},
        Case{"trailing_folded_wsp", "Subject: a\r\n \t\r\n",
             "Subject: a\r\n \t\r\n", "subject:a\r\n"},
        Case{"inner_wsp_runs", "Subject: a \t  b\t\tc\r\n",
             "Subject: a \t  b\t\tc\r\n", "subject:a b c\r\n"},
        Case{"empty_value", "X-Empty:\r\n", "X-Empty:\r\n", "x-empty:\r\n"},
        Case{"wsp_only_value", "X-Empty:  \t \r\n", "X-Empty:  \t \r\n",
             "x-empty:\r\n"},
        Case{"value_case_kept", "Subject: MiXeD CaSe\r\n",
             "Subject: MiXeD CaSe\r\n", "subject:MiXeD CaSe\r\n"},
        Case{"colons_in_value", "Date: 10:00:00 \r\n", "Date: 10:00:00 \r\n",
             "date:10:00:00\r\n"},
        Case{"dkim_signature_folded",
             "DKIM-Signature: v=1; a=rsa-sha256;\r\n\td=example.com; b=\r\n",
             "DKIM-Signature: v=1; a=rsa-sha256;\r\n\td=example.com; b=\r\n",
             "dkim-signature:v=1; a=rsa-sha256; d=example.com; b=\r\n"}),
    [](const ::testing::TestParamInfo<Case>& p) {
      return std::string(p.param.label);
    });

// RFC 6376 §3.7: each signed header field is hashed terminated by a single
// CRLF. A field cut off at the end of a stored message (no line break) gets
// its CRLF under both algorithms.
TEST(HeaderCanon, FieldWithoutLineBreakGetsCrlf) {
  EXPECT_EQ(Canon1(Canon::kSimple, "Subject: x", true), "Subject: x\r\n");
  EXPECT_EQ(Canon1(Canon::kRelaxed, "Subject: x ", true), "subject:x\r\n");
  EXPECT_EQ(Canon1(Canon::kSimple, "Subject: x", false), "Subject: x");
  EXPECT_EQ(Canon1(Canon::kRelaxed, "Subject: x", false), "subject:x");
}

TEST(HeaderCanon, SimpleKeepsBareCrAndOnlyFixesBareLf) {
  EXPECT_EQ(Canon1(Canon::kSimple, "X: a\rb\r\n", true), "X: a\rb\r\n");
  EXPECT_EQ(Canon1(Canon::kSimple, "X: a\r\n b\n c\r\n", true),
            "X: a\r\n b\r\n c\r\n");
}

TEST(HeaderCanon, AppendsAcrossCalls) {
  std::string out;
  AppendCanonicalHeader(Canon::kRelaxed, "From: A <a@b>\r\n", true, &out);
  AppendCanonicalHeader(Canon::kRelaxed, "To:  c@d \r\n", true, &out);
  AppendCanonicalHeader(Canon::kRelaxed, "DKIM-Signature: b=\r\n", false, &out);
  EXPECT_EQ(out, "from:A <a@b>\r\nto:c@d\r\ndkim-signature:b=");
}

// Random fields (name, WSP, folds with CRLF or LF) against the reference.
TEST(HeaderCanon, RandomFieldsMatchReference) {
  std::mt19937 rng(53);
  const std::vector<std::string> pieces = {"a",     "B",    ":",   " ", "\t",
                                           "\r\n ", "\n\t", "x y", "  "};
  for (int iter = 0; iter < 3000; ++iter) {
    std::string raw = (rng() % 2) ? "Subject" : "X-Test";
    if (rng() % 3 == 0) raw += " \t";
    raw += ":";
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) raw += pieces[rng() % pieces.size()];
    raw += (rng() % 2) ? "\r\n" : "\n";
    for (bool crlf : {true, false}) {
      ASSERT_EQ(Canon1(Canon::kRelaxed, raw, crlf),
                testutil::RefRelaxedHeader(raw, crlf))
          << ::testing::PrintToString(raw);
      std::string simple = testutil::RefToCrlf(raw);
      if (!crlf) simple.resize(simple.size() - 2);
      ASSERT_EQ(Canon1(Canon::kSimple, raw, crlf), simple)
          << ::testing::PrintToString(raw);
    }
  }
}

}  // namespace
}  // namespace dkimbatch::engine
