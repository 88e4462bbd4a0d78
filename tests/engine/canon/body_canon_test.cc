// tests/engine/canon/body_canon_test.cc
//
// Body canonicalization (RFC 6376 §3.4.3, §3.4.4): RFC examples, edge cases,
// l=, bare LF, and differential tests against a naive reference.
#include "engine/canon/body_canon.h"

#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/engine/reference_canon.h"

namespace dkimbatch::engine {
namespace {

using testutil::RefRelaxedBody;
using testutil::RefSimpleBody;
using testutil::RefToCrlf;
using testutil::RefToLf;

// Canonicalize runs the engine and returns the output; `*total` gets the
// returned full canonical length.
std::string Canonicalize(Canon canon, std::string_view body,
                         uint64_t limit = kNoBodyLimit,
                         uint64_t* total = nullptr) {
  std::string out;
  StringSink sink(&out);
  uint64_t len = CanonicalizeBody(canon, body, limit, &sink);
  if (total != nullptr) *total = len;
  return out;
}

// Counts writes, to check that output arrives in a few big chunks.
class CountingSink final : public ByteSink {
 public:
  void Write(std::string_view bytes) override {
    ++writes;
    data.append(bytes);
  }
  int writes = 0;
  std::string data;
};

struct Case {
  const char* label;
  std::string body;
  std::string simple;
  std::string relaxed;
};

// PrintTo names a table row by its label in failure messages.
void PrintTo(const Case& row, std::ostream* os) { *os << row.label; }

class BodyCanon : public ::testing::TestWithParam<Case> {};

TEST_P(BodyCanon, SimpleAndRelaxed) {
  const Case& c = GetParam();
  uint64_t simple_len = 0;
  uint64_t relaxed_len = 0;
  EXPECT_EQ(Canonicalize(Canon::kSimple, c.body, kNoBodyLimit, &simple_len),
            c.simple);
  EXPECT_EQ(Canonicalize(Canon::kRelaxed, c.body, kNoBodyLimit, &relaxed_len),
            c.relaxed);
  EXPECT_EQ(simple_len, c.simple.size());
  EXPECT_EQ(relaxed_len, c.relaxed.size());
  // The reference agrees on every row (guards the reference itself).
  EXPECT_EQ(RefSimpleBody(c.body), c.simple);
  EXPECT_EQ(RefRelaxedBody(c.body), c.relaxed);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6376, BodyCanon,
    ::testing::Values(
        // RFC 6376 §3.4.5, the example body.
        Case{"rfc_3_4_5", " C \r\nD \t E\r\n\r\n\r\n", " C \r\nD \t E\r\n",
             " C\r\nD E\r\n"},
        Case{"rfc_3_4_5_lf", " C \nD \t E\n\n\n", " C \r\nD \t E\r\n",
             " C\r\nD E\r\n"},
        Case{"empty", "", "\r\n", ""},
        Case{"one_empty_line", "\r\n", "\r\n", ""},
        Case{"only_empty_lines", "\r\n\r\n\r\n", "\r\n", ""},
        Case{"only_empty_lines_lf", "\n\n\n\n", "\r\n", ""},
        Case{"only_wsp_lines", " \r\n\t\r\n  \t \r\n", " \r\n\t\r\n  \t \r\n",
             ""},
        Case{"trailing_wsp_lines_after_text", "a\r\n \r\n\t\r\n",
             "a\r\n \r\n\t\r\n", "a\r\n"},
        Case{"inner_empty_lines_kept", "a\r\n\r\n \r\nb\r\n\r\n",
             "a\r\n\r\n \r\nb\r\n", "a\r\n\r\n\r\nb\r\n"},
        Case{"no_final_crlf", "a", "a\r\n", "a\r\n"},
        Case{"no_final_crlf_wsp", "a \t", "a \t\r\n", "a\r\n"},
        Case{"final_crlf_not_doubled", "a\r\n", "a\r\n", "a\r\n"},
        Case{"leading_wsp_one_space", "\t\t x", "\t\t x\r\n", " x\r\n"},
        Case{"wsp_runs", "a \t b\t\tc  d", "a \t b\t\tc  d\r\n", "a b c d\r\n"},
        Case{"mixed_line_ends", "a\nb\r\nc\n", "a\r\nb\r\nc\r\n",
             "a\r\nb\r\nc\r\n"},
        Case{"wsp_before_lf", "a  \nb\t\n", "a  \r\nb\t\r\n", "a\r\nb\r\n"},
        Case{"bare_cr_is_content", "a\rb\r\n", "a\rb\r\n", "a\rb\r\n"},
        Case{"cr_then_crlf", "a\r\r\n", "a\r\r\n", "a\r\r\n"},
        Case{"crlf_crlf_at_end_of_text", "x\r\n\r\n", "x\r\n", "x\r\n"},
        Case{"non_wsp_whitespace_kept",
             "a\x0b\x0c"
             "b\r\n",
             "a\x0b\x0c"
             "b\r\n",
             "a\x0b\x0c"
             "b\r\n"},
        Case{"eight_bit", "caf\xc3\xa9 \r\n", "caf\xc3\xa9 \r\n",
             "caf\xc3\xa9\r\n"}),
    [](const ::testing::TestParamInfo<Case>& p) {
      return std::string(p.param.label);
    });

// l= (§3.5): the output stops at the limit; the return value is always the
// full canonical length, so the caller can detect l= beyond the body.
TEST(BodyCanonLimit, TruncatesOutputButReportsFullLength) {
  const std::string body =
      "Hello  world\r\n\r\n \r\nsecond line \r\n\r\n\t\r\n";
  for (Canon canon : {Canon::kSimple, Canon::kRelaxed}) {
    const std::string full =
        canon == Canon::kSimple ? RefSimpleBody(body) : RefRelaxedBody(body);
    for (uint64_t limit = 0; limit <= full.size() + 3; ++limit) {
      uint64_t total = 0;
      std::string out = Canonicalize(canon, body, limit, &total);
      EXPECT_EQ(out, full.substr(0, limit)) << "limit " << limit;
      EXPECT_EQ(total, full.size()) << "limit " << limit;
    }
  }
}

TEST(BodyCanonLimit, ZeroLimitOnEmptyBody) {
  uint64_t total = 99;
  EXPECT_EQ(Canonicalize(Canon::kSimple, "", 0, &total), "");
  EXPECT_EQ(total, 2u);
  EXPECT_EQ(Canonicalize(Canon::kRelaxed, "", 0, &total), "");
  EXPECT_EQ(total, 0u);
}

TEST(BodyCanonLimit, LimitInsideLongLine) {
  const std::string body =
      std::string(10000, 'x') + "\r\n" + std::string(5000, 'y') + "   \r\n";
  for (uint64_t limit :
       {1u, 4095u, 4096u, 4097u, 8192u, 10001u, 10002u, 10003u, 15000u}) {
    for (Canon canon : {Canon::kSimple, Canon::kRelaxed}) {
      const std::string full =
          canon == Canon::kSimple ? RefSimpleBody(body) : RefRelaxedBody(body);
      uint64_t total = 0;
      EXPECT_EQ(Canonicalize(canon, body, limit, &total), full.substr(0, limit))
          << "limit " << limit;
      EXPECT_EQ(total, full.size());
    }
  }
}

TEST(BodyCanon, LargeBodyIsWrittenInChunks) {
  std::string body;
  for (int i = 0; i < 20000; ++i) body += "line " + std::to_string(i) + "\n";
  CountingSink sink;
  CanonicalizeBody(Canon::kRelaxed, body, kNoBodyLimit, &sink);
  EXPECT_EQ(sink.data, RefRelaxedBody(body));
  // Buffered: far fewer writes than lines.
  EXPECT_LT(sink.writes, 1000);
}

// Bare-LF (archive) storage must canonicalize exactly like the CRLF form.
// Random bodies from {a, SP, HTAB, CR, LF, CRLF}; a bare CR is never put just
// before a line break, because in LF form "CR LF" would read as a CRLF.
TEST(BodyCanon, RandomLfFormEqualsCrlfForm) {
  std::mt19937 rng(3443);
  const std::vector<std::string> alphabet = {"a",  " ",  "\t",
                                             "\r", "\n", "\r\n"};
  for (int iter = 0; iter < 4000; ++iter) {
    const int len = static_cast<int>(rng() % 40);
    std::string raw;
    std::string prev;
    for (int i = 0; i < len; ++i) {
      std::string tok = alphabet[rng() % alphabet.size()];
      if (prev == "\r" && (tok == "\n" || tok == "\r\n")) tok = "a";
      raw += tok;
      prev = tok;
    }
    const std::string crlf = RefToCrlf(raw);
    const std::string lf = RefToLf(crlf);
    for (Canon canon : {Canon::kSimple, Canon::kRelaxed}) {
      uint64_t crlf_total = 0;
      uint64_t lf_total = 0;
      std::string from_crlf =
          Canonicalize(canon, crlf, kNoBodyLimit, &crlf_total);
      std::string from_lf = Canonicalize(canon, lf, kNoBodyLimit, &lf_total);
      ASSERT_EQ(from_lf, from_crlf) << "canon " << static_cast<int>(canon)
                                    << " raw " << ::testing::PrintToString(raw);
      ASSERT_EQ(lf_total, crlf_total);
      // And the mixed original too.
      ASSERT_EQ(Canonicalize(canon, raw), from_crlf)
          << ::testing::PrintToString(raw);
      const std::string ref =
          canon == Canon::kSimple ? RefSimpleBody(crlf) : RefRelaxedBody(crlf);
      ASSERT_EQ(from_crlf, ref) << ::testing::PrintToString(raw);
    }
  }
}

// RandomBody builds lines of random length (up to `max_line`) made of words
// and WSP runs, sometimes long runs, with random line ends.
std::string RandomBody(std::mt19937& rng, size_t max_line, int lines) {
  std::string body;
  for (int l = 0; l < lines; ++l) {
    const size_t target = rng() % (max_line + 1);
    std::string line;
    while (line.size() < target) {
      switch (rng() % 8) {
        case 0: {  // long WSP run
          size_t run = 1 + rng() % 3000;
          for (size_t i = 0; i < run; ++i) line += (rng() % 2) ? ' ' : '\t';
          break;
        }
        case 1:
        case 2:
          line += (rng() % 2) ? ' ' : '\t';
          break;
        default: {
          size_t word = 1 + rng() % 20;
          for (size_t i = 0; i < word; ++i) {
            line += static_cast<char>('a' + rng() % 26);
          }
        }
      }
    }
    body += line;
    switch (rng() % 6) {
      case 0:
        body += "\n";
        break;
      case 1:
        body += "\r\n\r\n";
        break;
      case 2:
        body += " \t\r\n";
        break;
      default:
        body += "\r\n";
    }
  }
  return body;
}

TEST(BodyCanon, RandomLongLinesMatchReference) {
  std::mt19937 rng(8463);
  for (int iter = 0; iter < 300; ++iter) {
    const size_t max_line = iter % 3 == 0 ? 20000 : 6000;
    std::string body = RandomBody(rng, max_line, 1 + iter % 7);
    if (iter % 5 == 0) body.resize(rng() % (body.size() + 1));  // cut anywhere
    ASSERT_EQ(Canonicalize(Canon::kRelaxed, body), RefRelaxedBody(body))
        << "iter " << iter << " size " << body.size();
    ASSERT_EQ(Canonicalize(Canon::kSimple, body), RefSimpleBody(body))
        << "iter " << iter << " size " << body.size();
  }
}

// WSP runs placed across every offset near the 2048-byte piece boundaries
// and the 4096-byte buffer, for many line lengths.
TEST(BodyCanon, WspRunsAcrossPieceBoundaries) {
  for (size_t boundary : {2048u, 4096u, 6144u}) {
    for (size_t start = boundary - 6; start <= boundary + 2; ++start) {
      for (size_t run : {1u, 2u, 3u, 7u, 2048u, 2049u, 4100u}) {
        for (size_t tail : {0u, 1u, 5u, 3000u}) {
          std::string line(start, 'x');
          for (size_t i = 0; i < run; ++i) line += (i % 3 == 1) ? '\t' : ' ';
          line += std::string(tail, 'y');
          for (const std::string& body :
               {line + "\r\n", line + "\n", line, " " + line + " \r\n"}) {
            ASSERT_EQ(Canonicalize(Canon::kRelaxed, body), RefRelaxedBody(body))
                << "start " << start << " run " << run << " tail " << tail;
          }
        }
      }
    }
  }
}

// Lines of every length from 4000 to 4200 and around 8192, each a mix of
// single letters and WSP, so WSP sits at each possible boundary offset.
TEST(BodyCanon, ManyLengthsAroundBufferSizes) {
  std::mt19937 rng(5322);
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 300; ++n) lengths.push_back(n);
  for (size_t n = 2030; n <= 2070; ++n) lengths.push_back(n);
  for (size_t n = 4000; n <= 4200; ++n) lengths.push_back(n);
  for (size_t n = 8180; n <= 8200; ++n) lengths.push_back(n);
  for (size_t n : lengths) {
    std::string line;
    for (size_t i = 0; i < n; ++i) {
      unsigned r = rng() % 4;
      line += r == 0 ? ' ' : r == 1 ? '\t' : 'q';
    }
    const std::string body = line + "\r\n" + line;
    ASSERT_EQ(Canonicalize(Canon::kRelaxed, body), RefRelaxedBody(body))
        << "length " << n;
    ASSERT_EQ(Canonicalize(Canon::kSimple, body), RefSimpleBody(body))
        << "length " << n;
  }
}

}  // namespace
}  // namespace dkimbatch::engine
