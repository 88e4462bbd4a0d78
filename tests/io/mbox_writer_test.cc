// tests/io/mbox_writer_test.cc
//
// mboxrd writing: exact bytes for each quoting and framing rule (table), and
// round trips through io::MboxSplitter + io::Unquote(kMboxrd): every message
// comes back byte for byte (plus a final line end when it lacked one), with
// its own separator line, for tricky tables and for random messages.
#include "io/mbox_writer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "io/mbox.h"

namespace dkimbatch::io {
namespace {

constexpr char kSep[] = "From sender@example.com Thu Jan  1 00:00:42 2026";

struct WriteCase {
  const char* name;
  std::string from_line;
  std::string message;
  std::string want;
};

class MboxWriterTest : public testing::TestWithParam<WriteCase> {};

TEST_P(MboxWriterTest, WritesExactBytes) {
  const WriteCase& c = GetParam();
  std::string out = "previous";
  AppendMboxrdMessage(c.from_line, c.message, &out);
  EXPECT_EQ(out, "previous" + c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, MboxWriterTest,
    testing::Values(
        WriteCase{"PlainLf", kSep, "Subject: a\n\nbody\n",
                  std::string(kSep) + "\nSubject: a\n\nbody\n\n"},
        WriteCase{"Crlf", kSep, "Subject: a\r\n\r\nbody\r\n",
                  std::string(kSep) + "\r\nSubject: a\r\n\r\nbody\r\n\r\n"},
        WriteCase{"AddsMissingFinalLf", kSep, "Subject: a\n\nbody",
                  std::string(kSep) + "\nSubject: a\n\nbody\n\n"},
        WriteCase{"AddsMissingFinalCrlf", kSep, "Subject: a\r\n\r\nbody",
                  std::string(kSep) + "\r\nSubject: a\r\n\r\nbody\r\n\r\n"},
        WriteCase{"QuotesFromLines", kSep,
                  "S: a\n\nFrom x\n>From y\n>>From z\nbody From q\n",
                  std::string(kSep) + "\nS: a\n\n>From x\n>>From y\n>>>From z\n"
                                      "body From q\n\n"},
        WriteCase{"QuotesFirstAndLastLine", kSep, "From a\n\nFrom b",
                  std::string(kSep) + "\n>From a\n\n>From b\n\n"},
        WriteCase{"LeavesLookAlikes", kSep,
                  "S: a\n\nFrom\nFrom:x\nfrom y\n >From z\nX>From w\n>From\n",
                  std::string(kSep) +
                      "\nS: a\n\nFrom\nFrom:x\nfrom y\n >From z\n"
                      "X>From w\n>From\n\n"},
        WriteCase{"QuotesCrlfFromLines", kSep, "S: a\r\n\r\nFrom x\r\n",
                  std::string(kSep) + "\r\nS: a\r\n\r\n>From x\r\n\r\n"},
        WriteCase{"EmptyMessage", kSep, "", std::string(kSep) + "\n\n"},
        WriteCase{"DefaultSeparator", "", "S: a\n",
                  "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\nS: a\n\n"},
        WriteCase{"SeparatorLineEndDropped", std::string(kSep) + "\r\n",
                  "S: a\n", std::string(kSep) + "\nS: a\n\n"},
        WriteCase{"SeparatorGetsFromPrefix", "sender date", "S: a\n",
                  "From sender date\nS: a\n\n"},
        WriteCase{"SeparatorStaysOneLine", "From a\nb", "S: a\n",
                  "From a b\nS: a\n\n"}),
    [](const testing::TestParamInfo<WriteCase>& info) {
      return std::string(info.param.name);
    });

struct Read {
  std::string from_line;
  std::string message;
};

// ReadBack splits `mbox` and un-quotes each message as mboxrd.
std::vector<Read> ReadBack(std::string_view mbox) {
  std::vector<Read> got;
  MboxSplitter splitter(mbox);
  MboxMessage m;
  while (splitter.Next(&m)) {
    std::string_view line = mbox.substr(m.offset);
    line = line.substr(0, line.find('\n'));
    if (line.ends_with('\r')) line.remove_suffix(1);
    std::string unquoted;
    Unquote(m.raw, MboxFormat::kMboxrd, &unquoted);
    got.push_back({std::string(line), unquoted});
    if (got.size() > 10000) {
      ADD_FAILURE() << "splitter does not terminate";
      break;
    }
  }
  return got;
}

// Expected returns what a reader gets back for `message`: the message with
// a final line end added when it lacks one.
std::string Expected(std::string_view message) {
  std::string want(message);
  if (!want.empty() && want.back() != '\n') {
    size_t nl = want.find('\n');
    bool crlf = nl != std::string::npos && nl > 0 && want[nl - 1] == '\r';
    want += crlf ? "\r\n" : "\n";
  }
  return want;
}

void ExpectRoundTrip(const std::vector<std::string>& messages) {
  std::string mbox;
  std::vector<std::string> separators;
  for (size_t i = 0; i < messages.size(); ++i) {
    separators.push_back("From sender" + std::to_string(i) +
                         "@example.com Thu Jan  1 00:00:00 2026");
    AppendMboxrdMessage(separators.back(), messages[i], &mbox);
  }
  ASSERT_TRUE(LooksLikeMbox(mbox) || messages.empty());
  std::vector<Read> got = ReadBack(mbox);
  ASSERT_EQ(got.size(), messages.size()) << mbox;
  for (size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(got[i].from_line, separators[i]) << "message " << i;
    EXPECT_EQ(got[i].message, Expected(messages[i]))
        << "message " << i << " in:\n"
        << mbox;
  }
}

TEST(MboxWriterRoundTrip, TrickyMessages) {
  ExpectRoundTrip({
      "Subject: plain\n\nbody\n",
      "Subject: crlf\r\n\r\nbody\r\n",
      "Subject: no final newline\n\nbody",
      "",
      "\n",
      "\r\n",
      "From the first line\n",
      "Subject: x\n\nFrom a separator look-alike\n\nFrom another\n",
      "Subject: x\n\n>From quoted\n>>From twice\n>>>>From more\n",
      "Subject: x\n\nends with empty lines\n\n\n",
      "Subject: x\r\n\r\nends with empty lines\r\n\r\n",
      "Subject: x\n\nlast line From",
      "Subject: x\n\nFrom ",
      "Subject: x\n\n>From ",
      "Subject: mixed\r\n\nline\nFrom x\r\n",
      "Subject: mixed\n\r\nline\r\n\nFrom x\n",
      "Subject: lone cr\r\n\r\nb\r",
      "Subject: x\n\n\nFrom \n\nFrom From From \n",
  });
}

TEST(MboxWriterRoundTrip, RandomMessages) {
  // Messages made of the pieces that matter to splitting and quoting.
  const std::vector<std::string_view> pieces = {
      "From ", ">", "\n", "\r\n", "\n\n", "x", " ", "From", "\r", ":"};
  std::mt19937 rng(20260102);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> messages;
    int count = 1 + static_cast<int>(rng() % 5);
    for (int i = 0; i < count; ++i) {
      std::string m;
      int n = static_cast<int>(rng() % 30);
      for (int k = 0; k < n; ++k) {
        m += pieces[rng() % pieces.size()];
      }
      messages.push_back(m);
    }
    ExpectRoundTrip(messages);
    if (testing::Test::HasFailure()) {
      break;
    }
  }
}

TEST(MboxWriterRoundTrip, LongMessageWithoutFromLines) {
  std::string message(100000, 'x');
  message += "\n";
  std::string out;
  AppendMboxrdMessage(kSep, message, &out);
  EXPECT_EQ(out, std::string(kSep) + "\n" + message + "\n");
}

}  // namespace
}  // namespace dkimbatch::io
