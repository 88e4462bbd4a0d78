// tests/io/verdict_file_test.cc
//
// The verdict file under --resume: whole lines are counted and tallied, a
// cut-off last line is found and cut away, a foreign file is refused, and
// writes go out whole.
#include "io/verdict_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/verdict.h"
#include "gtest/gtest.h"
#include "io/jsonl_writer.h"

namespace dkimbatch::io {
namespace {

class VerdictFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dkb_verdict_file_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/out.jsonl";
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  void Write(const std::string& content) {
    std::ofstream(path_, std::ios::binary) << content;
  }
  std::string Read() {
    std::ifstream in(path_, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static std::string Line(uint64_t index, engine::Reason reason,
                          bool error = false) {
    engine::Verdict v;
    if (error) {
      v.error = "cannot open: No such file or directory";
    } else {
      engine::SignatureVerdict s;
      s.reason = reason;
      s.result = engine::ResultOf(reason);
      s.detail = "x";
      v.signatures.push_back(s);
      v.dkim = s.result;
    }
    MessageLocation where;
    where.source = "a.mbox";
    where.index = index;
    where.offset = index * 100;
    std::string out;
    AppendVerdictLine(where, v, &out);
    return out;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(VerdictFileTest, MissingFileIsEmpty) {
  absl::StatusOr<VerdictFileState> state = ScanVerdictFile(path_);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->lines, 0u);
  EXPECT_EQ(state->whole_bytes, 0u);
  EXPECT_TRUE(state->last_line.empty());
}

TEST_F(VerdictFileTest, CountsWholeLinesAndFindsCutOffTail) {
  const std::string a = Line(0, engine::Reason::kOk);
  const std::string b = Line(1, engine::Reason::kBodyHashMismatch);
  const std::string c = Line(2, engine::Reason::kOk, /*error=*/true);
  Write(a + b + c + c.substr(0, 17));
  absl::StatusOr<VerdictFileState> state = ScanVerdictFile(path_);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->lines, 3u);
  EXPECT_EQ(state->whole_bytes, a.size() + b.size() + c.size());
  EXPECT_EQ(state->partial_bytes, 17u);
  EXPECT_EQ(state->last_line + "\n", c);
  EXPECT_EQ(state->tally.messages, 3u);
  EXPECT_EQ(state->tally.errors, 1u);
  EXPECT_EQ(state->tally.by_result[static_cast<size_t>(engine::Result::kPass)],
            1u);
  EXPECT_EQ(state->tally.by_result[static_cast<size_t>(engine::Result::kFail)],
            1u);
  EXPECT_EQ(state->tally.by_result[static_cast<size_t>(engine::Result::kNone)],
            1u);
  EXPECT_EQ(state->tally.by_reason["ok"], 1u);
  EXPECT_EQ(state->tally.by_reason["body_hash_mismatch"], 1u);

  // Resuming cuts the tail and appends after the whole lines.
  absl::StatusOr<int> fd = OpenVerdictFile(path_, true, state->whole_bytes);
  ASSERT_TRUE(fd.ok()) << fd.status();
  const std::string d = Line(3, engine::Reason::kOk);
  ASSERT_TRUE(WriteAll(*fd, d));
  ::close(*fd);
  EXPECT_EQ(Read(), a + b + c + d);
}

TEST_F(VerdictFileTest, ForeignFileIsRefused) {
  Write(Line(0, engine::Reason::kOk) + "{\"not\":\"a verdict\"}\n");
  absl::StatusOr<VerdictFileState> state = ScanVerdictFile(path_);
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().message(), "line 2 is not a dkimbatch verdict line");
}

TEST_F(VerdictFileTest, FreshOpenTruncates) {
  Write("old content\n");
  absl::StatusOr<int> fd = OpenVerdictFile(path_, false, 0);
  ASSERT_TRUE(fd.ok()) << fd.status();
  ASSERT_TRUE(WriteAll(*fd, "new\n"));
  ::close(*fd);
  EXPECT_EQ(Read(), "new\n");
}

TEST_F(VerdictFileTest, TallyAddMatchesScan) {
  engine::Verdict v;
  engine::SignatureVerdict s;
  s.reason = engine::Reason::kTooManyHeaders;
  s.result = engine::ResultOf(s.reason);
  v.signatures = {s, s};
  v.dkim = engine::Result::kPermerror;
  VerdictTally tally;
  tally.Add(v);
  EXPECT_EQ(tally.messages, 1u);
  EXPECT_EQ(tally.by_reason["too_many_headers"], 2u);
  EXPECT_EQ(tally.by_result[static_cast<size_t>(engine::Result::kPermerror)],
            1u);
}

}  // namespace
}  // namespace dkimbatch::io
