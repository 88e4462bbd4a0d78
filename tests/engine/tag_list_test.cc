// tests/engine/tag_list_test.cc
//
// RFC 6376 §3.2 tag=value list parsing: FWS, empty specs, errors, offsets.
#include "engine/tag_list.h"

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace dkimbatch::engine {
namespace {

using NameValue = std::pair<std::string, std::string>;

struct GoodCase {
  const char* label;
  std::string text;
  std::vector<NameValue> tags;
};

// PrintTo names a table row by its label in failure messages.
void PrintTo(const GoodCase& row, std::ostream* os) { *os << row.label; }

class TagListGood : public ::testing::TestWithParam<GoodCase> {};

TEST_P(TagListGood, ParsesNamesAndTrimmedValues) {
  const GoodCase& c = GetParam();
  TagList list;
  ParseTagList(c.text, &list);
  ASSERT_TRUE(list.ok()) << TagListErrorText(list.error) << " at "
                         << list.error_pos;
  ASSERT_EQ(list.tags.size(), c.tags.size());
  for (size_t i = 0; i < c.tags.size(); ++i) {
    EXPECT_EQ(list.tags[i].name, c.tags[i].first) << "tag " << i;
    EXPECT_EQ(list.tags[i].value, c.tags[i].second) << "tag " << i;
    const Tag* found = list.Find(c.tags[i].first);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found, &list.tags[i]);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6376, TagListGood,
    ::testing::Values(
        GoodCase{"single", "v=1", {{"v", "1"}}},
        GoodCase{"two", "v=1; a=rsa-sha256", {{"v", "1"}, {"a", "rsa-sha256"}}},
        GoodCase{"trailing_semicolon", "v=1; a=x;", {{"v", "1"}, {"a", "x"}}},
        GoodCase{"trailing_semicolon_fws", "v=1;  \r\n ", {{"v", "1"}}},
        GoodCase{"empty_specs_skipped",
                 ";; v=1 ;; ; a=2;;",
                 {{"v", "1"}, {"a", "2"}}},
        GoodCase{"only_empty_specs", " ; ;\t; ", {}},
        GoodCase{"empty_text", "", {}},
        GoodCase{"wsp_around_name_and_equals",
                 " \tv \t= \t1 \t;  a =2",
                 {{"v", "1"}, {"a", "2"}}},
        GoodCase{"crlf_fws_around_everything",
                 "\r\n v\r\n =\r\n 1\r\n ;\r\n\ta\r\n\t=\r\n\t2\r\n ",
                 {{"v", "1"}, {"a", "2"}}},
        GoodCase{"bare_lf_fws_around_everything",
                 "\n v\n =\n 1\n ;\n\ta\n\t=\n\t2\n ",
                 {{"v", "1"}, {"a", "2"}}},
        GoodCase{"folded_value_crlf",
                 "p=MIGf\r\n MA0G\r\n\tCSqG; k=rsa",
                 {{"p", "MIGf\r\n MA0G\r\n\tCSqG"}, {"k", "rsa"}}},
        GoodCase{"folded_value_bare_lf",
                 "p=MIGf\n MA0G\n\tCSqG;k=rsa",
                 {{"p", "MIGf\n MA0G\n\tCSqG"}, {"k", "rsa"}}},
        GoodCase{"inner_wsp_kept", "n=hello  world", {{"n", "hello  world"}}},
        GoodCase{"empty_value", "p=; k=rsa", {{"p", ""}, {"k", "rsa"}}},
        GoodCase{"empty_value_fws_only", "p= \r\n ;k=", {{"p", ""}, {"k", ""}}},
        GoodCase{"name_digits_underscore",
                 "a1=x; b_2=y; Z_9_=z",
                 {{"a1", "x"}, {"b_2", "y"}, {"Z_9_", "z"}}},
        GoodCase{"names_case_sensitive", "v=1; V=2", {{"v", "1"}, {"V", "2"}}},
        GoodCase{"value_with_equals_and_colons",
                 "h=from:to; z=From:a=b|To:c",
                 {{"h", "from:to"}, {"z", "From:a=b|To:c"}}},
        GoodCase{"value_8bit", "n=caf\xc3\xa9", {{"n", "caf\xc3\xa9"}}}),
    [](const ::testing::TestParamInfo<GoodCase>& p) {
      return std::string(p.param.label);
    });

struct BadCase {
  const char* label;
  std::string text;
  TagListError error;
  size_t tags_before;  // tags parsed before the error
};

void PrintTo(const BadCase& row, std::ostream* os) { *os << row.label; }

class TagListBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(TagListBad, ReportsError) {
  const BadCase& c = GetParam();
  TagList list;
  ParseTagList(c.text, &list);
  EXPECT_FALSE(list.ok());
  EXPECT_EQ(list.error, c.error)
      << "got " << TagListErrorText(list.error) << " at " << list.error_pos;
  EXPECT_EQ(list.tags.size(), c.tags_before);
  EXPECT_LE(list.error_pos, c.text.size());
  EXPECT_NE(TagListErrorText(list.error), TagListErrorText(TagListError::kOk));
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6376, TagListBad,
    ::testing::Values(
        BadCase{"duplicate", "v=1; a=x; v=1", TagListError::kDuplicate, 2},
        BadCase{"duplicate_fws", "k=rsa;\r\n k = rsa", TagListError::kDuplicate,
                1},
        BadCase{"empty_name_typo", "v=DKIM1;=rsa; p=abc",
                TagListError::kEmptyName, 1},
        BadCase{"empty_name_first", "=rsa", TagListError::kEmptyName, 0},
        BadCase{"empty_name_fws", "v=1; \r\n =x", TagListError::kEmptyName, 1},
        BadCase{"name_starts_with_digit", "1a=x", TagListError::kBadName, 0},
        BadCase{"name_starts_with_underscore", "_a=x", TagListError::kBadName,
                0},
        BadCase{"name_with_space", "k x=1", TagListError::kBadName, 0},
        BadCase{"name_with_dash", "v=1; a-b=1", TagListError::kBadName, 1},
        BadCase{"name_with_punct", "a!=1", TagListError::kBadName, 0},
        BadCase{"missing_equals", "v=1; k", TagListError::kMissingEquals, 1},
        BadCase{"missing_equals_before_semicolon", "k ; v=1",
                TagListError::kMissingEquals, 0},
        BadCase{"control_in_value",
                std::string("n=a\x01"
                            "b"),
                TagListError::kBadValue, 0},
        BadCase{"nul_in_value", std::string("v=1; n=a\0b", 10),
                TagListError::kBadValue, 1},
        BadCase{"del_in_value", "n=a\x7f", TagListError::kBadValue, 0}),
    [](const ::testing::TestParamInfo<BadCase>& p) {
      return std::string(p.param.label);
    });

TEST(TagList, EmptyNameErrorPointsAtEquals) {
  TagList list;
  const std::string text = "v=DKIM1;=rsa";
  ParseTagList(text, &list);
  ASSERT_EQ(list.error, TagListError::kEmptyName);
  EXPECT_EQ(list.error_pos, text.find(";=") + 1);
}

TEST(TagList, DuplicateErrorPointsAtSecondName) {
  TagList list;
  const std::string text = "a=1; b=2; a=3";
  ParseTagList(text, &list);
  ASSERT_EQ(list.error, TagListError::kDuplicate);
  EXPECT_EQ(list.error_pos, text.rfind('a'));
}

struct RangeCase {
  const char* label;
  std::string text;
  const char* name;
  std::string with_fws;  // text[value_begin, value_end)
};

void PrintTo(const RangeCase& row, std::ostream* os) { *os << row.label; }

class TagListValueRange : public ::testing::TestWithParam<RangeCase> {};

// Emptying b= (RFC 6376 §3.7) removes the value with all surrounding FWS:
// [value_begin, value_end) runs from just after '=' to the ';' or the end.
TEST_P(TagListValueRange, CoversSurroundingFws) {
  const RangeCase& c = GetParam();
  TagList list;
  ParseTagList(c.text, &list);
  ASSERT_TRUE(list.ok());
  const Tag* tag = list.Find(c.name);
  ASSERT_NE(tag, nullptr);
  ASSERT_LE(tag->value_begin, tag->value_end);
  ASSERT_LE(tag->value_end, c.text.size());
  EXPECT_EQ(c.text.substr(tag->value_begin, tag->value_end - tag->value_begin),
            c.with_fws);
  EXPECT_EQ(c.text[tag->value_begin - 1], '=');
  EXPECT_TRUE(tag->value_end == c.text.size() || c.text[tag->value_end] == ';');
  // The trimmed value lies inside the range.
  EXPECT_GE(tag->value.data(), c.text.data() + tag->value_begin);
  EXPECT_LE(tag->value.data() + tag->value.size(),
            c.text.data() + tag->value_end);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6376, TagListValueRange,
    ::testing::Values(
        RangeCase{"b_last_folded", "v=1; b=\r\n\tAbC\r\n dEf \r\n", "b",
                  "\r\n\tAbC\r\n dEf \r\n"},
        RangeCase{"b_middle", "v=1; b = AbC ; bh=x", "b", " AbC "},
        RangeCase{"b_first", "b=AbC;v=1", "b", "AbC"},
        RangeCase{"b_empty", "v=1; b=; bh=x", "b", ""},
        RangeCase{"b_empty_fws", "v=1; b= \n ;bh=x", "b", " \n "},
        RangeCase{"b_trailing_semicolon", "v=1; b=A B;", "b", "A B"}),
    [](const ::testing::TestParamInfo<RangeCase>& p) {
      return std::string(p.param.label);
    });

TEST(TagList, EmptyingValueRangeLeavesRestIntact) {
  const std::string text = "v=1; b=\r\n\tAbC\r\n dEf; bh=xyz";
  TagList list;
  ParseTagList(text, &list);
  ASSERT_TRUE(list.ok());
  const Tag* b = list.Find("b");
  ASSERT_NE(b, nullptr);
  std::string emptied =
      text.substr(0, b->value_begin) + text.substr(b->value_end);
  EXPECT_EQ(emptied, "v=1; b=; bh=xyz");
}

TEST(TagList, ReparseClearsPreviousState) {
  TagList list;
  ParseTagList("a=1; a=2", &list);
  ASSERT_FALSE(list.ok());
  ParseTagList("b=2", &list);
  EXPECT_TRUE(list.ok());
  ASSERT_EQ(list.tags.size(), 1u);
  EXPECT_EQ(list.Find("a"), nullptr);
  EXPECT_EQ(list.tags[0].value, "2");
}

TEST(TagList, ManyTagsBeyondInlineCapacity) {
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text.append("t").append(std::to_string(i)).append("=");
    text.append(std::to_string(i * 7)).append("; ");
  }
  TagList list;
  ParseTagList(text, &list);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list.tags.size(), 40u);
  const Tag* t33 = list.Find("t33");
  ASSERT_NE(t33, nullptr);
  EXPECT_EQ(t33->value, "231");
}

// The error description quotes the offending tag-spec (bulk-sender QA: show
// the operator the typo, e.g. ";=rsa" for "k=rsa").
TEST(TagList, DescribeErrorQuotesTheBadTagSpec) {
  struct Row {
    std::string_view text;
    std::string_view want;
  };
  const Row rows[] = {
      {"v=DKIM1; ;=rsa; p=AB",
       "empty tag name at offset 10 of the key record: '=rsa'"},
      {"v=1; t=1; t=2", "duplicate tag at offset 10 of the key record: 't=2'"},
      {"this is not",
       "invalid tag name at offset 0 of the key record: 'this is not'"},
      {"a=1; b\x01=2",
       "invalid tag name at offset 5 of the key record: 'b?=2'"},
  };
  for (const Row& row : rows) {
    TagList list;
    ParseTagList(row.text, &list);
    ASSERT_FALSE(list.ok()) << row.text;
    EXPECT_EQ(DescribeTagListError(list, row.text, "key record"), row.want);
  }
}

}  // namespace
}  // namespace dkimbatch::engine

namespace dkimbatch::engine {
namespace {

// A list of kMaxTags tags: duplicates are found by sorting, and the first
// duplicate in text order is the one reported; one tag more is an error.
TEST(TagList, LongListFindsFirstDuplicateAndIsCapped) {
  std::string text;
  for (size_t i = 0; i < kMaxTags - 2; ++i) {
    text += "t" + std::to_string(i) + "=v;";
  }
  TagList list;
  ParseTagList(text, &list);
  EXPECT_TRUE(list.ok());
  EXPECT_EQ(list.tags.size(), kMaxTags - 2);
  const size_t second_t7 = text.size();
  ParseTagList(text + "t7=x;t5=y;", &list);
  ASSERT_EQ(list.error, TagListError::kDuplicate);
  EXPECT_EQ(list.error_pos, second_t7);  // t7 comes first in the text
  EXPECT_EQ(list.tags.size(), kMaxTags - 2);
  ParseTagList(text + "u1=x;u2=y;u3=z", &list);
  ASSERT_EQ(list.error, TagListError::kTooManyTags);
  EXPECT_EQ(list.error_pos, text.size() + 10);
  ParseTagList(text + "u1=x;u2=y", &list);
  EXPECT_TRUE(list.ok());
}

// Every byte value at every position of a long value (the parser checks
// values eight bytes at a time): a value byte is accepted, ';' ends the
// value there, anything else is an error at exactly that byte.
TEST(TagList, EveryByteAtEveryValuePosition) {
  const std::string head = "v=1; b=";
  const std::string value(29, 'A');
  for (int c = 0; c < 256; ++c) {
    const char byte = static_cast<char>(c);
    const bool value_byte = (c >= 0x21 && c != ';' && c != 0x7f) || c == ' ' ||
                            c == '\t' || c == '\r' || c == '\n';
    for (size_t k = 0; k < value.size(); ++k) {
      std::string v = value;
      v[k] = byte;
      const std::string text = head + v + "; x=y";  // the tags view it
      TagList list;
      ParseTagList(text, &list);
      SCOPED_TRACE(testing::Message() << "byte " << c << " at " << k);
      if (c == ';') {  // the rest, "AA...A; x=y", has no '='
        ASSERT_GE(list.tags.size(), 2u);
        EXPECT_EQ(list.tags[1].value, value.substr(0, k));
        EXPECT_EQ(list.tags[1].value_end, head.size() + k);
      } else if (value_byte) {
        ASSERT_TRUE(list.ok());
        ASSERT_EQ(list.tags.size(), 3u);
        EXPECT_EQ(list.tags[1].value_end, head.size() + value.size());
      } else {
        EXPECT_EQ(list.error, TagListError::kBadValue);
        EXPECT_EQ(list.error_pos, head.size() + k);
      }
    }
  }
}

// A duplicate comes before a later syntax error, and the reverse.
TEST(TagList, FirstProblemInTextOrderWins) {
  TagList list;
  ParseTagList("a=1; b=2; a=3; =x", &list);
  EXPECT_EQ(list.error, TagListError::kDuplicate);
  ParseTagList("a=1; =x; a=3", &list);
  EXPECT_EQ(list.error, TagListError::kEmptyName);
}

}  // namespace
}  // namespace dkimbatch::engine
