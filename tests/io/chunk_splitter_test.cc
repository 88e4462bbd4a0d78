// tests/io/chunk_splitter_test.cc
//
// ChunkSplitter against MboxSplitter over the mapping (the reference): on
// random mboxes (LF and CRLF, quoted and bare `From ` lines, empty and
// unterminated messages, messages far longer than a window), for every
// chunk TakeChunk cuts, from its start and from every separator in it,
// with windows from 1 byte up and copy limits that force the fall-back to
// the mapping; and with no descriptor to read at all.
#include "io/chunk_splitter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace dkimbatch::io {
namespace {

struct Split {
  uint64_t offset;
  std::string raw;
  bool maybe_quoted;
  std::vector<size_t> quotes;
  bool operator==(const Split&) const = default;
};

// Lines an mbox can hold, chosen so that separators, near-separators and
// quoted lines meet window edges often.
std::string RandomMbox(std::mt19937_64& rng, size_t min_size) {
  static const char* const kLines[] = {
      "Subject: x",       "",     "From nobody",      ">From quoted",
      ">>From twice",     "From", "text From inside", ">",
      "From  two spaces", "a"};
  std::string out;
  while (out.size() < min_size) {
    const bool crlf = rng() % 4 == 0;
    const char* eol = crlf ? "\r\n" : "\n";
    out += "From sender@example.com Mon Jan  1 00:00:00 2024";
    out += eol;
    const size_t lines = rng() % 9 == 0 ? 2000 + rng() % 3000 : rng() % 40;
    for (size_t i = 0; i < lines; ++i) {
      out += kLines[rng() % (sizeof(kLines) / sizeof(kLines[0]))];
      out += eol;
    }
    out += eol;  // the empty line before the next separator
  }
  if (rng() % 2 == 0) out += "From last@x\nunterminated";
  return out;
}

class ChunkSplitterTest : public testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dkb_chunk_splitter_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr) << std::strerror(errno);
    root_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  std::shared_ptr<const MappedFile> Open(const std::string& content,
                                         bool keep_descriptor) {
    const std::string path = root_ + "/mbox";
    std::ofstream(path, std::ios::binary) << content;
    auto file = MappedFile::Open(path, keep_descriptor);
    EXPECT_TRUE(file.ok()) << file.status();
    return file.ok() ? *file : nullptr;
  }
  std::string root_;
};

std::vector<Split> Reference(std::string_view data, size_t begin, size_t end) {
  std::vector<Split> got;
  MboxSplitter split(data, begin, end);
  MboxMessage m;
  while (split.Next(&m)) {
    got.push_back({m.offset, std::string(m.raw), m.maybe_quoted,
                   std::vector<size_t>(m.quotes.begin(), m.quotes.end())});
  }
  return got;
}

// Splits `chunk` from `from` with `splitter`; `positions` gets pos() before
// each message.
std::vector<Split> Chunked(ChunkSplitter& splitter, const MboxChunk& chunk,
                           size_t from, std::vector<size_t>* positions) {
  std::vector<Split> got;
  splitter.Start(chunk, from);
  MboxMessage m;
  positions->clear();
  for (;;) {
    positions->push_back(splitter.pos());
    if (!splitter.Next(&m)) break;
    got.push_back({m.offset, std::string(m.raw), m.maybe_quoted,
                   std::vector<size_t>(m.quotes.begin(), m.quotes.end())});
  }
  return got;
}

void CheckAllChunks(const std::shared_ptr<const MappedFile>& file,
                    size_t target, ChunkSplitter& splitter,
                    const std::string& label) {
  const std::string_view data = file->data();
  MboxSplitter cutter(data);
  MboxChunk chunk;
  chunk.file = file;
  std::vector<size_t> positions;
  while (cutter.TakeChunk(target, &chunk.begin, &chunk.end)) {
    const std::vector<Split> want = Reference(data, chunk.begin, chunk.end);
    const std::vector<Split> got =
        Chunked(splitter, chunk, chunk.begin, &positions);
    ASSERT_EQ(got.size(), want.size()) << label << " chunk " << chunk.begin;
    for (size_t k = 0; k < want.size(); ++k) {
      ASSERT_EQ(got[k], want[k])
          << label << " chunk " << chunk.begin << " message " << k;
      ASSERT_EQ(positions[k], want[k].offset) << label;
    }
    ASSERT_EQ(positions.back(), chunk.end) << label;
    // From each separator of the chunk on, as the writer goes on with a
    // chunk's rest (a few of them: the first, the middle, the last).
    for (size_t k : {size_t{1}, want.size() / 2, want.size() - 1}) {
      if (k == 0 || k >= want.size()) continue;
      const std::vector<Split> rest =
          Chunked(splitter, chunk, want[k].offset, &positions);
      ASSERT_EQ(rest.size(), want.size() - k) << label;
      for (size_t j = 0; j < rest.size(); ++j) {
        ASSERT_EQ(rest[j], want[k + j]) << label << " rest from " << k;
      }
    }
  }
}

TEST_F(ChunkSplitterTest, SplitsAsTheMappingDoes) {
  std::mt19937_64 rng(20261204);
  for (int round = 0; round < 6; ++round) {
    const std::string content = RandomMbox(rng, 200000);
    auto file = Open(content, /*keep_descriptor=*/true);
    ASSERT_NE(file, nullptr);
    for (size_t window : {size_t{1}, size_t{7}, size_t{64}, size_t{1000},
                          size_t{4096}, ChunkSplitter::kWindow}) {
      for (size_t max_copy :
           {size_t{50}, size_t{5000}, size_t{40000}, ChunkSplitter::kMaxCopy}) {
        if (window == 1 && max_copy > 5000) continue;  // slow, adds nothing
        ChunkSplitter splitter(window, max_copy);
        for (size_t target :
             {size_t{1}, size_t{3000}, size_t{70000}, content.size()}) {
          CheckAllChunks(file, target, splitter,
                         "round " + std::to_string(round) + " window " +
                             std::to_string(window) + " max_copy " +
                             std::to_string(max_copy) + " target " +
                             std::to_string(target));
          if (HasFatalFailure()) return;
        }
      }
    }
  }
}

// Without a descriptor to read (opened without keep_descriptor) the split
// is the mapping's, its messages views into it; with one, no message is.
TEST_F(ChunkSplitterTest, MessagesAreInTheMappingOnlyWithoutADescriptor) {
  for (const bool keep : {false, true}) {
    std::mt19937_64 rng(7);
    const std::string content = RandomMbox(rng, 100000);
    auto file = Open(content, keep);
    ASSERT_NE(file, nullptr);
    ChunkSplitter splitter;
    CheckAllChunks(file, 20000, splitter, keep ? "read" : "no descriptor");
    MboxChunk chunk;
    chunk.file = file;
    chunk.begin = 0;
    chunk.end = content.size();
    splitter.Start(chunk, 0);
    const std::string_view mapped = file->data();
    MboxMessage m;
    size_t n = 0;
    while (splitter.Next(&m)) {
      const bool in_mapping =
          m.raw.data() >= mapped.data() &&
          m.raw.data() + m.raw.size() <= mapped.data() + mapped.size();
      ASSERT_EQ(in_mapping, !keep) << "message " << n;
      ++n;
    }
    EXPECT_GT(n, 10u);
  }
}

}  // namespace
}  // namespace dkimbatch::io
