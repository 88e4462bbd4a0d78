// tests/engine/message_test.cc
//
// RFC 5322 framing: header/body split (CRLF and LF), fields, From domain.
#include "engine/message.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace dkimbatch::engine {
namespace {

struct FieldExpect {
  std::string raw;
  std::string name;
  std::string value;
};

struct SplitCase {
  const char* label;
  std::string text;
  std::vector<FieldExpect> fields;
  std::string body;
};

// PrintTo names a table row by its label in failure messages.
void PrintTo(const SplitCase& row, std::ostream* os) { *os << row.label; }

class MessageSplit : public ::testing::TestWithParam<SplitCase> {};

TEST_P(MessageSplit, FieldsAndBody) {
  const SplitCase& c = GetParam();
  Message msg;
  ParseMessage(c.text, &msg);
  ASSERT_EQ(msg.headers.size(), c.fields.size());
  for (size_t i = 0; i < c.fields.size(); ++i) {
    EXPECT_EQ(msg.headers[i].raw, c.fields[i].raw) << "field " << i;
    EXPECT_EQ(msg.headers[i].name, c.fields[i].name) << "field " << i;
    EXPECT_EQ(msg.headers[i].value, c.fields[i].value) << "field " << i;
    // Views point into the text.
    EXPECT_GE(msg.headers[i].raw.data(), c.text.data());
    EXPECT_LE(msg.headers[i].raw.data() + msg.headers[i].raw.size(),
              c.text.data() + c.text.size());
  }
  EXPECT_EQ(msg.body, c.body);
  if (!msg.body.empty()) {
    EXPECT_EQ(msg.body.data() + msg.body.size(), c.text.data() + c.text.size());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5322, MessageSplit,
    ::testing::Values(
        SplitCase{"crlf",
                  "From: a@b.c\r\nTo: d@e.f\r\n\r\nHello\r\n",
                  {{"From: a@b.c\r\n", "From", " a@b.c"},
                   {"To: d@e.f\r\n", "To", " d@e.f"}},
                  "Hello\r\n"},
        SplitCase{"lf",
                  "From: a@b.c\nTo: d@e.f\n\nHello\n",
                  {{"From: a@b.c\n", "From", " a@b.c"},
                   {"To: d@e.f\n", "To", " d@e.f"}},
                  "Hello\n"},
        SplitCase{"continuation_crlf",
                  "Subject: one\r\n two\r\n\tthree\r\nTo: x\r\n\r\nB",
                  {{"Subject: one\r\n two\r\n\tthree\r\n", "Subject",
                    " one\r\n two\r\n\tthree"},
                   {"To: x\r\n", "To", " x"}},
                  "B"},
        SplitCase{"continuation_lf",
                  "Subject: one\n two\nTo: x\n\nB\n",
                  {{"Subject: one\n two\n", "Subject", " one\n two"},
                   {"To: x\n", "To", " x"}},
                  "B\n"},
        SplitCase{"no_body_after_empty_line",
                  "From: a\r\n\r\n",
                  {{"From: a\r\n", "From", " a"}},
                  ""},
        SplitCase{"no_empty_line",
                  "From: a\r\nTo: b\r\n",
                  {{"From: a\r\n", "From", " a"}, {"To: b\r\n", "To", " b"}},
                  ""},
        SplitCase{"no_final_line_break",
                  "From: a\r\nTo: b",
                  {{"From: a\r\n", "From", " a"}, {"To: b", "To", " b"}},
                  ""},
        SplitCase{"body_keeps_blank_lines",
                  "A: 1\r\n\r\n\r\nx\r\n\r\n",
                  {{"A: 1\r\n", "A", " 1"}},
                  "\r\nx\r\n\r\n"},
        SplitCase{"empty_line_first", "\r\nbody\r\n", {}, "body\r\n"},
        SplitCase{"empty_text", "", {}, ""},
        SplitCase{"wsp_before_colon",
                  "Subject \t: x\r\n\r\n",
                  {{"Subject \t: x\r\n", "Subject", " x"}},
                  ""},
        SplitCase{"empty_value",
                  "X-Empty:\r\n\r\n",
                  {{"X-Empty:\r\n", "X-Empty", ""}},
                  ""},
        SplitCase{"colon_in_value",
                  "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n",
                  {{"Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n", "Date",
                    " Mon, 1 Jan 2024 10:00:00 +0000"}},
                  ""},
        SplitCase{"nameless_no_colon",
                  "From: a\r\ngarbage line\r\nTo: b\r\n\r\n",
                  {{"From: a\r\n", "From", " a"},
                   {"garbage line\r\n", "", ""},
                   {"To: b\r\n", "To", " b"}},
                  ""},
        SplitCase{"nameless_space_in_name",
                  "Bad Name: x\r\n\r\n",
                  {{"Bad Name: x\r\n", "", ""}},
                  ""},
        SplitCase{"nameless_leading_colon",
                  ": x\r\nA: 1\r\n\r\n",
                  {{": x\r\n", "", ""}, {"A: 1\r\n", "A", " 1"}},
                  ""},
        SplitCase{"continuation_before_any_field",
                  " folded\r\nA: 1\r\n\r\n",
                  {{" folded\r\n", "", ""}, {"A: 1\r\n", "A", " 1"}},
                  ""},
        SplitCase{"mbox_from_line_is_nameless",
                  "From alice Mon Jan  1 00:00:00 2024\nFrom: a\n\nb\n",
                  {{"From alice Mon Jan  1 00:00:00 2024\n", "", ""},
                   {"From: a\n", "From", " a"}},
                  "b\n"}),
    [](const ::testing::TestParamInfo<SplitCase>& p) {
      return std::string(p.param.label);
    });

TEST(Message, ReparseReplacesPreviousContent) {
  Message msg;
  ParseMessage("A: 1\r\nB: 2\r\n\r\nbody", &msg);
  ASSERT_EQ(msg.headers.size(), 2u);
  ParseMessage("C: 3\r\n", &msg);
  ASSERT_EQ(msg.headers.size(), 1u);
  EXPECT_EQ(msg.headers[0].name, "C");
  EXPECT_EQ(msg.body, "");
}

struct FromCase {
  const char* label;
  std::string value;
  std::optional<std::string> domain;
};

void PrintTo(const FromCase& row, std::ostream* os) { *os << row.label; }

class MessageFromDomain : public ::testing::TestWithParam<FromCase> {};

TEST_P(MessageFromDomain, Extracts) {
  EXPECT_EQ(FromDomain(GetParam().value), GetParam().domain);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5322, MessageFromDomain,
    ::testing::Values(
        FromCase{"angle_addr", " Alice <alice@Example.COM>", "example.com"},
        FromCase{"bare_addr_spec", " alice@example.com", "example.com"},
        FromCase{"bare_addr_spec_upper", "ALICE@MAIL.EXAMPLE.ORG",
                 "mail.example.org"},
        FromCase{"comment_after", " alice@example.com (Alice)", "example.com"},
        // An angle bracket inside a comment is not an angle-addr.
        FromCase{"comment_with_angle_brackets",
                 " alice@example.com (Bob <bob@other.test>)", "example.com"},
        FromCase{"folded", " Alice\r\n <alice@example.net>\r\n", "example.net"},
        FromCase{"quoted_display_with_at",
                 " \"bob@evil.test\" <alice@example.com>", "example.com"},
        FromCase{"quoted_display_with_comma",
                 " \"Doe, Jane\" <jane@example.com>", "example.com"},
        FromCase{"list_first_address", " alice@one.example, bob@two.example",
                 "one.example"},
        FromCase{"group", " Friends: alice@example.com, bob@other.test;",
                 "example.com"},
        FromCase{"group_single", " Friends: alice@example.com;", "example.com"},
        FromCase{"no_at", " Alice <alice>", std::nullopt},
        FromCase{"no_at_bare", " undisclosed-recipients:;", std::nullopt},
        FromCase{"empty", "", std::nullopt},
        FromCase{"empty_domain", " <alice@>", std::nullopt}),
    [](const ::testing::TestParamInfo<FromCase>& p) {
      return std::string(p.param.label);
    });

// A comment or quoted-string hiding an address is seen wherever it starts:
// at each of the 8 byte positions of a word and in the bytes past the last
// whole word (FromDomain looks for '(' and '"' a word at a time).
TEST(MessageFromDomainAnyOffset, CommentAndQuoteHideTheirAddress) {
  for (size_t pad = 0; pad < 24; ++pad) {
    const std::string lead(pad, ' ');
    EXPECT_EQ(FromDomain(lead + "(<a@hidden.test>) <b@shown.example>"),
              "shown.example")
        << "comment after " << pad << " spaces";
    EXPECT_EQ(FromDomain(lead + "\"<a@hidden.test>\" <b@shown.example>"),
              "shown.example")
        << "quoted-string after " << pad << " spaces";
    // After the last whole word: the opener is among the last 7 bytes.
    EXPECT_EQ(FromDomain(lead + "b@shown.example (<x@y>"), "shown.example")
        << "comment at the end after " << pad << " spaces";
  }
}

struct UnfoldCase {
  const char* label;
  std::string value;
  std::string unfolded;
};

void PrintTo(const UnfoldCase& row, std::ostream* os) { *os << row.label; }

class MessageUnfold : public ::testing::TestWithParam<UnfoldCase> {};

TEST_P(MessageUnfold, RemovesBreaksAndTrims) {
  EXPECT_EQ(UnfoldValue(GetParam().value), GetParam().unfolded);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5322, MessageUnfold,
    ::testing::Values(
        UnfoldCase{"plain", " <id@example.com>", "<id@example.com>"},
        UnfoldCase{"folded_crlf", "\r\n <id@example.com>", "<id@example.com>"},
        UnfoldCase{"folded_lf_inside", " <a\n b@c>", "<a b@c>"},
        UnfoldCase{"trailing_wsp", "\t<x@y> \t", "<x@y>"},
        UnfoldCase{"inner_wsp_kept", " a  \t b", "a  \t b"},
        UnfoldCase{"empty", "", ""}, UnfoldCase{"only_wsp", " \r\n\t ", ""}),
    [](const ::testing::TestParamInfo<UnfoldCase>& p) {
      return std::string(p.param.label);
    });

}  // namespace
}  // namespace dkimbatch::engine

namespace dkimbatch::engine {
namespace {

TEST(Message, FieldLimitStopsParsing) {
  const std::string text = "A: 1\r\nB: 2\r\n continued\r\nC: 3\r\n\r\nbody";
  Message msg;
  EXPECT_TRUE(ParseMessage(text, &msg, 3));
  EXPECT_EQ(msg.headers.size(), 3u);
  EXPECT_EQ(msg.body, "body");
  EXPECT_FALSE(ParseMessage(text, &msg, 2));
  ASSERT_EQ(msg.headers.size(), 2u);
  EXPECT_EQ(msg.headers[1].raw, "B: 2\r\n continued\r\n");
  EXPECT_TRUE(msg.body.empty());
}

TEST(Message, HeaderCursorWalksWithoutStoring) {
  const std::string text = " lead\nA: 1\nnot a field\nB:2\n\nbody\n";
  HeaderCursor cursor(text);
  HeaderField field;
  std::vector<std::string> names;
  while (cursor.Next(&field)) names.emplace_back(field.name);
  EXPECT_EQ(names, (std::vector<std::string>{"", "A", "", "B"}));
  EXPECT_EQ(cursor.body(), "body\n");
}

}  // namespace
}  // namespace dkimbatch::engine
