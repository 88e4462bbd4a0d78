// tests/io/mbox_test.cc
//
// mbox splitting (separator rule, LF/CRLF framing, preamble, last message
// without newline) and mboxo/mboxrd un-quoting, table-driven, plus a random
// write-then-read round trip through an mboxrd writer.
#include "io/mbox.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace dkimbatch::io {
namespace {

struct Expected {
  uint64_t offset;
  std::string raw;
};

std::vector<Expected> Split(std::string_view data) {
  std::vector<Expected> got;
  MboxSplitter splitter(data);
  MboxMessage message;
  while (splitter.Next(&message)) {
    // Every view must lie inside `data`: no copies.
    EXPECT_GE(message.raw.data(), data.data());
    EXPECT_LE(message.raw.data() + message.raw.size(),
              data.data() + data.size());
    got.push_back({message.offset, std::string(message.raw)});
    if (got.size() > 1000) {
      ADD_FAILURE() << "splitter does not terminate";
      break;
    }
  }
  EXPECT_FALSE(splitter.Next(&message)) << "Next after the end";
  return got;
}

struct SplitCase {
  const char* name;
  std::string data;
  std::vector<Expected> want;
};

class MboxSplitTest : public testing::TestWithParam<SplitCase> {};

TEST_P(MboxSplitTest, Splits) {
  const SplitCase& c = GetParam();
  std::vector<Expected> got = Split(c.data);
  ASSERT_EQ(got.size(), c.want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].offset, c.want[i].offset) << "message " << i;
    EXPECT_EQ(got[i].raw, c.want[i].raw) << "message " << i;
  }
}

const std::string kLfTwo =
    "From alice@example.com Mon Jan  1 00:00:00 2024\n"  // 48 bytes
    "Subject: one\n"
    "\n"
    "body one\n"
    "\n"
    "From bob@example.com Tue Jan  2 00:00:00 2024\n"
    "Subject: two\n"
    "\n"
    "body two\n";

const std::string kCrlfTwo =
    "From alice@example.com Mon Jan  1 00:00:00 2024\r\n"
    "Subject: one\r\n"
    "\r\n"
    "body one\r\n"
    "\r\n"
    "From bob@example.com Tue Jan  2 00:00:00 2024\r\n"
    "Subject: two\r\n"
    "\r\n"
    "body two\r\n";

INSTANTIATE_TEST_SUITE_P(
    Mbox, MboxSplitTest,
    testing::Values(
        SplitCase{"Empty", "", {}},
        SplitCase{"LfTwoMessages",
                  kLfTwo,
                  {{0, "Subject: one\n\nbody one\n"},
                   {kLfTwo.find("From bob"), "Subject: two\n\nbody two\n"}}},
        SplitCase{
            "CrlfTwoMessages",
            kCrlfTwo,
            {{0, "Subject: one\r\n\r\nbody one\r\n"},
             {kCrlfTwo.find("From bob"), "Subject: two\r\n\r\nbody two\r\n"}}},
        SplitCase{"FromInBodyNotAfterEmptyLine",
                  "From a\nS: 1\n\nline\nFrom here on\nend\n",
                  {{0, "S: 1\n\nline\nFrom here on\nend\n"}}},
        SplitCase{"CrlfFromInBodyNotAfterEmptyLine",
                  "From a\r\nS: 1\r\n\r\nline\r\nFrom here\r\n",
                  {{0, "S: 1\r\n\r\nline\r\nFrom here\r\n"}}},
        SplitCase{"FromWithoutSpaceDoesNotSplit",
                  "From a\nS: 1\n\nx\n\nFrom:\n\nFromage\n",
                  {{0, "S: 1\n\nx\n\nFrom:\n\nFromage\n"}}},
        SplitCase{"BlankLineWithSpacesIsNotEmpty",
                  "From a\nS: 1\n\nx\n \nFrom b\n",
                  {{0, "S: 1\n\nx\n \nFrom b\n"}}},
        SplitCase{"QuotedFromDoesNotSplit",
                  "From a\nS: 1\n\nx\n\n>From b\n",
                  {{0, "S: 1\n\nx\n\n>From b\n"}}},
        SplitCase{"LastMessageWithoutNewline",
                  "From a\nS: 1\n\nx\n\nFrom b\nS: 2\n\ny",
                  {{0, "S: 1\n\nx\n"}, {16, "S: 2\n\ny"}}},
        SplitCase{"CrlfLastMessageWithoutNewline",
                  "From a\r\nS: 1\r\n\r\nx\r\n\r\nFrom b\r\nS: 2\r\n\r\ny",
                  {{0, "S: 1\r\n\r\nx\r\n"}, {21, "S: 2\r\n\r\ny"}}},
        SplitCase{"FinalEmptyLineIsFraming",
                  "From a\nS: 1\n\nx\n\n",
                  {{0, "S: 1\n\nx\n"}}},
        SplitCase{"CrlfFinalEmptyLineIsFraming",
                  "From a\r\nS: 1\r\n\r\nx\r\n\r\n",
                  {{0, "S: 1\r\n\r\nx\r\n"}}},
        SplitCase{"OnlyOneEmptyLineIsFraming",
                  "From a\nx\n\n\n\nFrom b\ny\n\n\n",
                  {{0, "x\n\n\n"}, {12, "y\n\n"}}},
        SplitCase{"BytesBeforeFirstSeparator",
                  "junk\n\nFrom a\nx\n",
                  {{0, "junk\n"}, {6, "x\n"}}},
        SplitCase{"EmptyLineBeforeFirstSeparator",
                  "\nFrom a\nx\n",
                  {{0, ""}, {1, "x\n"}}},
        SplitCase{"NoSeparatorAtAll",
                  "Subject: x\n\nbody\n",
                  {{0, "Subject: x\n\nbody\n"}}},
        SplitCase{"SeparatorLineOnly", "From a", {{0, ""}}},
        SplitCase{"SeparatorLineAndNewlineOnly", "From a\n", {{0, ""}}},
        SplitCase{
            "EmptyMessageBetween", "From a\n\nFrom b\nx", {{0, ""}, {8, "x"}}},
        SplitCase{"CrlfEmptyMessageBetween",
                  "From a\r\n\r\nFrom b\r\nx\r\n",
                  {{0, ""}, {10, "x\r\n"}}},
        SplitCase{"ConsecutiveSeparatorLinesDoNotSplit",
                  "From a\nFrom b\nx\n",
                  {{0, "From b\nx\n"}}},
        SplitCase{"MixedLineEndings",
                  "From a\r\nx\r\n\nFrom b\ny\n",
                  {{0, "x\r\n"}, {12, "y\n"}}}),
    [](const testing::TestParamInfo<SplitCase>& param_info) {
      return std::string(param_info.param.name);
    });

TEST(LooksLikeMbox, Table) {
  struct {
    std::string_view data;
    bool want;
  } cases[] = {
      {"From a@b Mon Jan  1 00:00:00 2024\n", true},
      {"From \n", true},
      {"From ", true},
      {"From: alice@example.com\n", false},
      {"Fromage\n", false},
      {"from a@b\n", false},
      {" From a@b\n", false},
      {"\nFrom a@b\n", false},
      {">From a@b\n", false},
      {"", false},
      {"From", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(LooksLikeMbox(c.data), c.want) << c.data;
  }
}

struct UnquoteCase {
  MboxFormat format;
  std::string raw;
  std::string want;
};

TEST(MboxUnquote, Table) {
  constexpr MboxFormat kRd = MboxFormat::kMboxrd;
  constexpr MboxFormat kO = MboxFormat::kMboxo;
  const UnquoteCase cases[] = {
      {kRd, ">From x\n", "From x\n"},
      {kO, ">From x\n", "From x\n"},
      {kRd, ">>From x\n", ">From x\n"},
      {kO, ">>From x\n", ">>From x\n"},
      {kRd, ">>>From x\n", ">>From x\n"},
      {kO, ">>>From x\n", ">>>From x\n"},
      {kRd, "a\n>From x\nb\n>>From y\n", "a\nFrom x\nb\n>From y\n"},
      {kO, "a\n>From x\nb\n>>From y\n", "a\nFrom x\nb\n>>From y\n"},
      {kRd, "a\r\n>From x\r\n>>From y\r\n", "a\r\nFrom x\r\n>From y\r\n"},
      {kO, "a\r\n>From x\r\n>>From y\r\n", "a\r\nFrom x\r\n>>From y\r\n"},
      {kRd, "S: 1\n\n>From", "S: 1\n\n>From"},  // no space after From
      {kRd, "S: 1\n\n>From ", "S: 1\n\nFrom "},
      {kRd, "mid >From x\n", "mid >From x\n"},
      {kRd, "mid >>From x\n", "mid >>From x\n"},
      {kRd, "> From x\n", "> From x\n"},
      {kRd, ">Fromage\n", ">Fromage\n"},
      {kRd, ">from x\n", ">from x\n"},
      {kRd, ">From >From x\n", "From >From x\n"},
      {kRd, "", ""},
      {kRd, "no quoting at all\n", "no quoting at all\n"},
  };
  for (const UnquoteCase& c : cases) {
    const char* format = c.format == kRd ? "mboxrd" : "mboxo";
    EXPECT_EQ(NeedsUnquote(c.raw, c.format), c.raw != c.want)
        << format << ": " << c.raw;
    std::string out = "stale";
    Unquote(c.raw, c.format, &out);
    EXPECT_EQ(out, c.want) << format << ": " << c.raw;
  }
}

// The split notes where the >From lines are, and un-quoting from its notes
// gives what un-quoting by a scan gives: with a few quoted lines, and with
// more than the split notes (kMaxQuoteHits), where it scans again.
TEST(MboxUnquote, FromTheSplitsNotes) {
  for (size_t quoted : {size_t{0}, size_t{1}, size_t{3}, kMaxQuoteHits,
                        kMaxQuoteHits + 1, kMaxQuoteHits + 40}) {
    std::string body = "S: 1\n\nmid >From x\n";
    for (size_t i = 0; i < quoted; ++i) {
      body += i % 3 == 0 ? ">>From y\n" : "text\n>From z\n";
    }
    body += "end\n";
    const std::string mbox = "From a@example.com Thu Jan  1 00:00:00 1970\n" +
                             body + "\nFrom b@example.com Thu Jan  1 1970\n";
    MboxSplitter splitter(mbox);
    MboxMessage m;
    ASSERT_TRUE(splitter.Next(&m));
    ASSERT_EQ(m.raw, body);
    // Every ">From " (the one mid-line too), at most kMaxQuoteHits + 1.
    EXPECT_EQ(m.quotes.size(), std::min(quoted + 1, kMaxQuoteHits + 1))
        << quoted;
    for (MboxFormat format : {MboxFormat::kMboxrd, MboxFormat::kMboxo}) {
      EXPECT_EQ(NeedsUnquote(m.raw, format, m.quotes),
                NeedsUnquote(m.raw, format))
          << quoted;
      std::string from_notes, scanned;
      Unquote(m.raw, format, m.quotes, &from_notes);
      Unquote(m.raw, format, &scanned);
      EXPECT_EQ(from_notes, scanned) << quoted;
    }
    std::string scanned;
    Unquote(m.raw, MboxFormat::kMboxrd, &scanned);
    EXPECT_EQ(scanned.size(), body.size() - quoted) << quoted;
  }
}

// WriteMboxrd appends `message` to `*mbox` as an mboxrd writer does: a
// separator line, the message with ^>*From lines quoted, then an empty line.
void WriteMboxrd(std::string_view message, std::string_view eol,
                 std::string* mbox) {
  *mbox += "From sender@example.com Thu Jan  1 00:00:00 1970";
  *mbox += eol;
  size_t start = 0;
  while (start < message.size()) {
    size_t end = message.find('\n', start);
    end = end == std::string_view::npos ? message.size() : end + 1;
    std::string_view line = message.substr(start, end - start);
    size_t k = line.find_first_not_of('>');
    if (k != std::string_view::npos && line.substr(k).starts_with("From ")) {
      *mbox += '>';
    }
    *mbox += line;
    start = end;
  }
  *mbox += eol;
}

TEST(MboxRoundTrip, RandomMboxrdArchives) {
  std::mt19937 rng(12345);
  const char* kLines[] = {"From ",   ">From ",      ">>From x", "From x",
                          "",        "Subject: hi", " ",        "text",
                          ">quoted", "From:",       "x From y"};
  for (int round = 0; round < 300; ++round) {
    const std::string_view eol = rng() % 2 ? "\n" : "\r\n";
    std::vector<std::string> messages(1 + rng() % 5);
    std::string mbox;
    for (std::string& message : messages) {
      // Messages always end with a line ending, as mbox writers ensure.
      for (size_t n = rng() % 8; n > 0; --n) {
        message += kLines[rng() % std::size(kLines)];
        message += eol;
      }
      WriteMboxrd(message, eol, &mbox);
    }
    std::vector<std::string> got;
    MboxSplitter splitter(mbox);
    MboxMessage m;
    while (splitter.Next(&m)) {
      std::string unquoted;
      Unquote(m.raw, MboxFormat::kMboxrd, &unquoted);
      got.push_back(unquoted);
    }
    ASSERT_EQ(got, messages) << "round " << round << " mbox:\n" << mbox;
  }
}

TEST(MboxSplitter, LargeArchiveKeepsOffsets) {
  std::string mbox;
  std::vector<uint64_t> offsets;
  for (int i = 0; i < 2000; ++i) {
    offsets.push_back(mbox.size());
    mbox += "From x\nSubject: " + std::to_string(i) + "\n\nsent From me\n\n";
  }
  MboxSplitter splitter(mbox);
  MboxMessage m;
  size_t n = 0;
  while (splitter.Next(&m)) {
    ASSERT_LT(n, offsets.size());
    EXPECT_EQ(m.offset, offsets[n]);
    EXPECT_EQ(m.raw, "Subject: " + std::to_string(n) + "\n\nsent From me\n");
    ++n;
  }
  EXPECT_EQ(n, offsets.size());
}

// Splitting an mbox chunk by chunk (TakeChunk, then a splitter over each
// range) gives exactly the messages of one split over the whole: same
// offsets, bytes and quote notes, in the same order, for random archives
// (raw, not written by a careful writer: separators right after a
// separator line, CR LF and bare LF mixed, no final line break) and random
// chunk sizes, zero and past the end included.
TEST(MboxSplitter, ChunksSplitLikeTheWhole) {
  std::mt19937 rng(2026);
  const char* kPieces[] = {"From x\n",  "From y\r\n", "\n",   "\r\n",
                           ">From z\n", ">>From ",    "From", "text",
                           " From ",    "\r",         "F",    ">"};
  struct Got {
    uint64_t offset;
    std::string raw;
    bool maybe_quoted;
    std::vector<size_t> quotes;
    bool operator==(const Got&) const = default;
  };
  auto take = [](MboxSplitter* splitter, std::vector<Got>* out) {
    MboxMessage m;
    while (splitter->Next(&m)) {
      out->push_back({m.offset, std::string(m.raw), m.maybe_quoted,
                      std::vector<size_t>(m.quotes.begin(), m.quotes.end())});
    }
  };
  for (int round = 0; round < 3000; ++round) {
    std::string mbox = "From a\n";
    for (size_t n = rng() % 40; n > 0; --n) {
      mbox += kPieces[rng() % std::size(kPieces)];
    }
    std::vector<Got> whole;
    MboxSplitter all(mbox);
    take(&all, &whole);

    const size_t target = rng() % 3 == 0 ? 0 : rng() % (mbox.size() + 8);
    std::vector<Got> chunked;
    MboxSplitter chunker(mbox);
    size_t begin, end, expected_begin = 0, chunks = 0;
    while (chunker.TakeChunk(target, &begin, &end)) {
      ASSERT_EQ(begin, expected_begin) << "round " << round;
      ASSERT_GT(end, begin) << "round " << round;
      ASSERT_LE(end, mbox.size());
      // A chunk ends at a separator (or at the end), past `target` bytes.
      EXPECT_TRUE(end == mbox.size() ||
                  std::string_view(mbox).substr(end).starts_with("From "));
      EXPECT_TRUE(end == mbox.size() || end - begin > target);
      MboxSplitter part(mbox, begin, end);
      const size_t before = chunked.size();
      take(&part, &chunked);
      EXPECT_GT(chunked.size(), before) << "an empty chunk";
      expected_begin = end;
      ++chunks;
    }
    EXPECT_EQ(expected_begin, mbox.size());
    ASSERT_EQ(chunked, whole) << "round " << round << ", target " << target
                              << ", " << chunks << " chunks, mbox:\n"
                              << mbox;
  }
}

}  // namespace
}  // namespace dkimbatch::io
