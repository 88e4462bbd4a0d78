// tests/pipeline/pipeline_test.cc
//
// cli::RunVerify over the bundled sample, laid out as mbox files, a tree
// (mbox, Maildir message, second mbox) and a missing path: handing mbox
// chunks to the verify stage gives byte for byte the output of cutting
// every message in the read stage, at 1 and 2 threads, at batch sizes from
// one message up, and when the writer verifies the rest of each chunk;
// every line's source, index and offset are those
// io::InputReader gives; a reader already advanced (as --resume leaves it)
// goes on with the right indexes.
#include "cli/pipeline.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "io/input_reader.h"
#include "io/jsonl_writer.h"
#include "io/key_cache_reader.h"

namespace dkimbatch::cli {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kNow = 1767312000;  // as tests/cli/sample_test.sh

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start + 1));
    start = end + 1;
  }
  return lines;
}

class PipelineTest : public testing::Test {
 protected:
  void SetUp() override {
    const fs::path sample = DKB_SAMPLE_DIR;
    dir_ = fs::temp_directory_path() /
           ("dkb_pipeline_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "tree");
    const std::string mbox = ReadFile(sample / "sample.mbox");
    ASSERT_GT(mbox.size(), size_t{100000});
    std::ofstream(dir_ / "one.mbox", std::ios::binary) << mbox;
    std::ofstream(dir_ / "tree" / "a.mbox", std::ios::binary) << mbox;
    // A single message between two mbox files of the same PATH argument,
    // and the second mbox quoted differently (CR LF framing lines).
    std::ofstream(dir_ / "tree" / "b.eml", std::ios::binary)
        << "From: a@example.com\r\nSubject: one\r\n\r\nbody\r\n";
    std::string crlf;
    for (size_t i = 0; i < 40; ++i) {
      crlf += "From sender@example.com Thu Jan  1 00:00:00 1970\r\n";
      crlf += "From: b@example.com\r\nSubject: " + std::to_string(i) +
              "\r\n\r\n>From the archive\r\nline\r\n\r\n";
    }
    std::ofstream(dir_ / "tree" / "c.mbox", std::ios::binary) << crlf;
    paths_ = {(dir_ / "one.mbox").string(), (dir_ / "tree").string(),
              (dir_ / "missing").string(), (dir_ / "one.mbox").string()};
    io::KeyCacheStats stats;
    ASSERT_TRUE(
        io::LoadKeyCache((sample / "keys.jsonl").string(), &keys_, &stats)
            .ok());
    verify_.now = kNow;
  }
  void TearDown() override { fs::remove_all(dir_); }

  io::InputOptions Input() const {
    io::InputOptions input;
    input.defer_unquote = true;  // as dkimbatch verify
    return input;
  }

  // Run returns RunVerify's output for `reader` (or a fresh reader of
  // paths_) and sets *messages to its message count.
  std::string Run(const PipelineOptions& options, uint64_t* messages,
                  io::InputReader* reader = nullptr) {
    std::optional<io::InputReader> own;
    if (reader == nullptr) reader = &own.emplace(paths_, Input());
    std::FILE* out = std::tmpfile();
    EXPECT_NE(out, nullptr);
    if (out == nullptr) return "";
    RunStats stats = RunVerify(reader, keys_, verify_, options, out);
    *messages = stats.messages;
    EXPECT_FALSE(stats.write_failed);
    std::rewind(out);
    std::string text;
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), out)) > 0) text.append(buf, n);
    std::fclose(out);
    return text;
  }

  fs::path dir_;
  std::vector<std::string> paths_;
  engine::KeyStore keys_;
  engine::VerifyOptions verify_;
};

TEST_F(PipelineTest, ChunksGiveTheOutputOfCutMessages) {
  PipelineOptions reference_options;
  reference_options.mbox_chunks = false;
  uint64_t reference_messages = 0;
  const std::string reference = Run(reference_options, &reference_messages);
  const std::vector<std::string> lines = Lines(reference);
  // 200 + (200 + 1 + 40) + 1 error + 200.
  ASSERT_EQ(lines.size(), size_t{642});
  EXPECT_EQ(reference_messages, lines.size());

  // Every line names the message InputReader gives at that place.
  io::InputReader reader(paths_, Input());
  io::RawMessage msg;
  for (const std::string& line : lines) {
    ASSERT_TRUE(reader.Next(&msg));
    std::string prefix;
    io::AppendVerdictLinePrefix({*msg.source, msg.index, msg.offset}, &prefix);
    ASSERT_TRUE(line.starts_with(prefix)) << line << "\nwanted " << prefix;
  }
  EXPECT_FALSE(reader.Next(&msg));
  EXPECT_NE(reference.find("\"dkim\":\"pass\""), std::string::npos);

  for (int threads : {1, 2}) {
    for (size_t batch_messages :
         {size_t{1}, size_t{3}, size_t{50}, size_t{256}}) {
      for (size_t batch_bytes : {size_t{1}, size_t{4096}, size_t{4} << 20}) {
        // The writer verifies what passes max_chunk_lines.
        for (size_t max_chunk_lines : {size_t{1}, size_t{7}, size_t{4096}}) {
          PipelineOptions options;
          options.threads = threads;
          options.batch_messages = batch_messages;
          options.batch_bytes = batch_bytes;
          options.max_chunk_lines = max_chunk_lines;
          uint64_t messages = 0;
          const std::string got = Run(options, &messages);
          EXPECT_EQ(messages, reference_messages);
          ASSERT_EQ(got, reference)
              << threads << " threads, batch " << batch_messages
              << " messages / " << batch_bytes << " bytes, " << max_chunk_lines
              << " lines per chunk";
        }
      }
    }
  }
}

// A reader that has already given some messages (as --resume's SkipDone
// leaves it, also in the middle of an mbox) goes on where it stopped, with
// the indexes that follow.
TEST_F(PipelineTest, AnAdvancedReaderGoesOnWithItsIndexes) {
  PipelineOptions options;
  options.mbox_chunks = false;
  uint64_t messages = 0;
  const std::vector<std::string> all = Lines(Run(options, &messages));
  ASSERT_EQ(all.size(), size_t{642});
  options.mbox_chunks = true;
  for (size_t skip : {size_t{1}, size_t{17}, size_t{199}, size_t{200},
                      size_t{300}, size_t{441}, size_t{641}, size_t{642}}) {
    io::InputReader reader(paths_, Input());
    io::RawMessage msg;
    for (size_t i = 0; i < skip; ++i) ASSERT_TRUE(reader.Next(&msg));
    const std::vector<std::string> rest =
        Lines(Run(options, &messages, &reader));
    ASSERT_EQ(rest.size(), all.size() - skip) << skip;
    EXPECT_EQ(messages, rest.size());
    for (size_t i = 0; i < rest.size(); ++i) {
      ASSERT_EQ(rest[i], all[skip + i]) << "skipped " << skip;
    }
  }
}

}  // namespace
}  // namespace dkimbatch::cli
