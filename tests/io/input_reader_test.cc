// tests/io/input_reader_test.cc
//
// InputReader end to end over real files: single messages, mbox files (with
// un-quoting in both formats), Maildirs and trees (with an mbox inside),
// stdin, errors (missing path, FIFO in a directory, empty inputs), index and
// offset numbering, lazy listing and one-mbox-at-a-time memory.
#include "io/input_reader.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dkimbatch::io {
namespace {

// Record is what a test compares: a RawMessage without its pointers.
struct Record {
  std::string source;
  uint64_t index;
  std::optional<uint64_t> offset;
  std::string bytes;
  std::string error;
  bool read_failed;

  bool operator==(const Record&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Record& r) {
  os << "{" << r.source << " #" << r.index;
  if (r.offset) {
    os << " @" << *r.offset;
  }
  os << " bytes=\"" << r.bytes << "\"";
  if (!r.error.empty()) {
    os << " error=\"" << r.error << "\"" << (r.read_failed ? " (failed)" : "");
  }
  return os << "}";
}

Record Msg(std::string source, uint64_t index, std::optional<uint64_t> offset,
           std::string bytes) {
  return {std::move(source), index, offset, std::move(bytes), "", false};
}

Record Err(std::string source, uint64_t index, std::string error,
           bool read_failed = true) {
  return {std::move(source), index,      std::nullopt, "",
          std::move(error),  read_failed};
}

class InputReaderTest : public testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dkb_input_reader_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr) << std::strerror(errno);
    root_ = tmpl;
    cwd_ = std::filesystem::current_path();
    ASSERT_EQ(::chdir(root_.c_str()), 0);  // so paths read like the CLI's
    ::alarm(60);  // a reader blocked on a FIFO kills the test
  }
  void TearDown() override {
    ::alarm(0);
    ASSERT_EQ(::chdir(cwd_.c_str()), 0);
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  static void Write(const std::string& rel, const std::string& content) {
    std::filesystem::path path(rel);
    if (path.has_parent_path()) {
      std::filesystem::create_directories(path.parent_path());
    }
    std::ofstream(path, std::ios::binary) << content;
  }

  // ReadAll runs a reader over `paths` and checks the invariants every
  // RawMessage must hold.
  std::vector<Record> ReadAll(std::vector<std::string> paths,
                              MboxFormat format = MboxFormat::kMboxrd,
                              bool* any_failed = nullptr) {
    InputReader reader(std::move(paths), InputOptions{format});
    std::vector<Record> got;
    RawMessage m;
    while (reader.Next(&m)) {
      EXPECT_NE(m.source, nullptr);
      if (m.error.empty()) {
        EXPECT_NE(m.file, nullptr);
        if (!m.unquoted.empty()) {
          EXPECT_EQ(m.bytes.data(), m.unquoted.data());
        } else {
          // Zero-copy: the bytes are a view into the file.
          std::string_view data = m.file->data();
          EXPECT_GE(m.bytes.data(), data.data());
          EXPECT_LE(m.bytes.data() + m.bytes.size(), data.data() + data.size());
        }
      } else {
        EXPECT_TRUE(m.bytes.empty());
      }
      got.push_back({*m.source, m.index, m.offset, std::string(m.bytes),
                     m.error, m.read_failed});
      if (got.size() > 10000) {
        ADD_FAILURE() << "reader does not terminate";
        break;
      }
    }
    EXPECT_FALSE(reader.Next(&m));
    if (any_failed != nullptr) {
      *any_failed = reader.any_read_failed();
    }
    return got;
  }

  std::string root_;
  std::filesystem::path cwd_;
};

using Records = std::vector<Record>;

const char kMbox[] =
    "From a@example.com Mon Jan  1 00:00:00 2024\n"
    "Subject: one\n"
    "\n"
    ">From the start\n"
    "\n"
    "From b@example.com Mon Jan  1 00:00:00 2024\n"
    "Subject: two\n"
    "\n"
    ">>From quoted twice\n"
    "\n"
    "From c@example.com Mon Jan  1 00:00:00 2024\n"
    "Subject: three\n"
    "\n"
    "plain";

TEST_F(InputReaderTest, SingleMessageFile) {
  Write("msg.eml", "Subject: hi\r\n\r\nbody\r\n");
  EXPECT_EQ(ReadAll({"msg.eml"}),
            (Records{Msg("msg.eml", 0, std::nullopt,
                         "Subject: hi\r\n\r\nbody\r\n")}));
}

TEST_F(InputReaderTest, MboxIsSplitAndUnquotedAsMboxrd) {
  Write("box.mbox", kMbox);
  EXPECT_EQ(
      ReadAll({"box.mbox"}, MboxFormat::kMboxrd),
      (Records{Msg("box.mbox", 0, 0, "Subject: one\n\nFrom the start\n"),
               Msg("box.mbox", 1, 75, "Subject: two\n\n>From quoted twice\n"),
               Msg("box.mbox", 2, 154, "Subject: three\n\nplain")}));
}

TEST_F(InputReaderTest, MboxIsUnquotedAsMboxo) {
  Write("box.mbox", kMbox);
  EXPECT_EQ(
      ReadAll({"box.mbox"}, MboxFormat::kMboxo),
      (Records{Msg("box.mbox", 0, 0, "Subject: one\n\nFrom the start\n"),
               Msg("box.mbox", 1, 75, "Subject: two\n\n>>From quoted twice\n"),
               Msg("box.mbox", 2, 154, "Subject: three\n\nplain")}));
}

TEST_F(InputReaderTest, CrlfMbox) {
  Write("crlf.mbox",
        "From a\r\nS: 1\r\n\r\n>From x\r\n\r\nFrom b\r\nS: 2\r\n\r\ny\r\n");
  EXPECT_EQ(ReadAll({"crlf.mbox"}),
            (Records{Msg("crlf.mbox", 0, 0, "S: 1\r\n\r\nFrom x\r\n"),
                     Msg("crlf.mbox", 1, 27, "S: 2\r\n\r\ny\r\n")}));
}

TEST_F(InputReaderTest, UnquotedBytesSurviveAMove) {
  // Short enough for the small-string buffer, were it not forced onto the heap.
  Write("tiny.mbox", "From a\n>From\n>From x");
  InputReader reader({"tiny.mbox"}, InputOptions{});
  RawMessage m;
  ASSERT_TRUE(reader.Next(&m));
  RawMessage moved = std::move(m);
  EXPECT_EQ(moved.bytes.data(), moved.unquoted.data());
  EXPECT_EQ(moved.bytes, ">From\nFrom x");
  RawMessage assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned.bytes.data(), assigned.unquoted.data());
}

TEST_F(InputReaderTest, LargeMboxIsSplitFromTheMapping) {
  std::string mbox;
  Records want;
  for (int i = 0; i < 3000; ++i) {
    want.push_back(Msg("big.mbox", static_cast<uint64_t>(i), mbox.size(),
                       "Subject: " + std::to_string(i) + "\n\nbody\n"));
    mbox += "From x\nSubject: " + std::to_string(i) + "\n\nbody\n\n";
  }
  ASSERT_GT(mbox.size(), size_t{64} * 1024);
  Write("big.mbox", mbox);
  EXPECT_EQ(ReadAll({"big.mbox"}), want);
}

TEST_F(InputReaderTest, MissingPathIsAReadFailure) {
  Write("ok.eml", "S: 1\n\nx\n");
  bool failed = false;
  EXPECT_EQ(
      ReadAll({"missing.mbox", "ok.eml"}, MboxFormat::kMboxrd, &failed),
      (Records{Err("missing.mbox", 0, "cannot open: No such file or directory"),
               Msg("ok.eml", 0, std::nullopt, "S: 1\n\nx\n")}));
  EXPECT_TRUE(failed);
}

TEST_F(InputReaderTest, EmptyInputsAreNotReadFailures) {
  Write("empty.eml", "");
  std::filesystem::create_directory("emptydir");
  bool failed = true;
  EXPECT_EQ(ReadAll({"empty.eml", "emptydir"}, MboxFormat::kMboxrd, &failed),
            (Records{Err("empty.eml", 0, "empty input", false),
                     Err("emptydir", 0, "empty input", false)}));
  EXPECT_FALSE(failed);
}

TEST_F(InputReaderTest, MaildirMessagesAreNumberedInListingOrder) {
  Write("md/cur/200.b:2,S", "S: b\n\nb\n");
  Write("md/new/100.a", "S: a\n\na\n");
  Write("md/new/300.c", "");
  Write("md/tmp/150.t", "S: t\n\nt\n");
  Write("one.eml", "S: 1\n\n1\n");
  EXPECT_EQ(ReadAll({"md", "one.eml"}),
            (Records{Msg("md/new/100.a", 0, std::nullopt, "S: a\n\na\n"),
                     Msg("md/cur/200.b:2,S", 1, std::nullopt, "S: b\n\nb\n"),
                     Err("md/new/300.c", 2, "empty input", false),
                     Msg("one.eml", 0, std::nullopt, "S: 1\n\n1\n")}));
}

TEST_F(InputReaderTest, MboxInsideADirectoryIsSplit) {
  Write("tree/a.eml", "S: a\n\na\n");
  Write("tree/b.mbox", "From x\nS: 1\n\n>From 1\n\nFrom y\nS: 2\n\n2\n");
  Write("tree/c/d.eml", "S: d\n\nd\n");
  EXPECT_EQ(ReadAll({"tree/"}),
            (Records{Msg("tree/a.eml", 0, std::nullopt, "S: a\n\na\n"),
                     Msg("tree/b.mbox", 1, 0, "S: 1\n\nFrom 1\n"),
                     Msg("tree/b.mbox", 2, 22, "S: 2\n\n2\n"),
                     Msg("tree/c/d.eml", 3, std::nullopt, "S: d\n\nd\n")}));
}

TEST_F(InputReaderTest, FifoInDirectoryIsAnErrorNotAHang) {
  Write("md/cur/1", "S: 1\n\n1\n");
  ASSERT_EQ(::mkfifo("md/cur/2", 0600), 0);
  Write("md/new/3", "S: 3\n\n3\n");
  bool failed = false;
  EXPECT_EQ(ReadAll({"md"}, MboxFormat::kMboxrd, &failed),
            (Records{Msg("md/cur/1", 0, std::nullopt, "S: 1\n\n1\n"),
                     Msg("md/new/3", 1, std::nullopt, "S: 3\n\n3\n"),
                     Err("md/cur/2", 2, "not a regular file")}));
  EXPECT_TRUE(failed);
}

TEST_F(InputReaderTest, SymlinkLoopsInDirectoryAreSafe) {
  Write("t/a.eml", "S: a\n\na\n");
  ASSERT_EQ(::symlink(".", "t/self"), 0);
  ASSERT_EQ(::symlink("loop", "t/loop"), 0);
  EXPECT_EQ(ReadAll({"t"}),
            (Records{Msg("t/a.eml", 0, std::nullopt, "S: a\n\na\n"),
                     Err("t/loop", 1, "Too many levels of symbolic links")}));
}

TEST_F(InputReaderTest, UnreadableDirectoryArgument) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root reads any directory";
  }
  std::filesystem::create_directory("locked");
  ASSERT_EQ(::chmod("locked", 0), 0);
  EXPECT_EQ(
      ReadAll({"locked"}),
      (Records{Err("locked", 0, "cannot read directory: Permission denied")}));
  ::chmod("locked", 0700);
}

TEST_F(InputReaderTest, DirectoryIsListedOnlyWhenReached) {
  Write("first.eml", "S: 1\n\n1\n");
  std::filesystem::create_directory("later");
  InputReader reader({"first.eml", "later"}, InputOptions{});
  RawMessage m;
  ASSERT_TRUE(reader.Next(&m));
  EXPECT_EQ(*m.source, "first.eml");
  Write("later/new.eml", "S: 2\n\n2\n");  // appears after the reader started
  ASSERT_TRUE(reader.Next(&m));
  EXPECT_EQ(*m.source, "later/new.eml");
  EXPECT_FALSE(reader.Next(&m));
}

TEST_F(InputReaderTest, OnlyOneMboxIsHeldAtATime) {
  Write("a.mbox", "From a\n\nx\n\nFrom b\n\ny\n");
  Write("b.mbox", "From c\n\nz\n");
  InputReader reader({"a.mbox", "b.mbox"}, InputOptions{});
  RawMessage m;
  ASSERT_TRUE(reader.Next(&m));
  std::weak_ptr<const MappedFile> first = m.file;
  ASSERT_TRUE(reader.Next(&m));
  EXPECT_FALSE(first.expired());  // still splitting a.mbox
  ASSERT_TRUE(reader.Next(&m));
  EXPECT_EQ(*m.source, "b.mbox");
  EXPECT_TRUE(first.expired()) << "a.mbox still mapped";
}

TEST_F(InputReaderTest, MessagesKeepTheirFileAliveAfterTheReaderMovesOn) {
  Write("a.mbox", "From a\nS: a\n\nx\n");
  Write("b.eml", "S: b\n\nb\n");
  InputReader reader({"a.mbox", "b.eml"}, InputOptions{});
  RawMessage first;
  ASSERT_TRUE(reader.Next(&first));
  RawMessage second;
  ASSERT_TRUE(reader.Next(&second));
  EXPECT_EQ(first.bytes, "S: a\n\nx\n");
  EXPECT_EQ(second.bytes, "S: b\n\nb\n");
}

// StdinFrom temporarily replaces fd 0.
class StdinFrom {
 public:
  explicit StdinFrom(int fd) : saved_(::dup(0)) {
    EXPECT_EQ(::dup2(fd, 0), 0);
    ::close(fd);
  }
  ~StdinFrom() {
    ::dup2(saved_, 0);
    ::close(saved_);
  }

 private:
  int saved_;
};

int PipeWith(const std::string& content) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  EXPECT_LT(content.size(), size_t{4096});  // fits the pipe buffer
  EXPECT_EQ(::write(fds[1], content.data(), content.size()),
            static_cast<ssize_t>(content.size()));
  ::close(fds[1]);
  return fds[0];
}

TEST_F(InputReaderTest, StdinMbox) {
  StdinFrom stdin_from(PipeWith("From a\nS: 1\n\n1\n\nFrom b\nS: 2\n\n2\n"));
  EXPECT_EQ(ReadAll({"-"}), (Records{Msg("-", 0, 0, "S: 1\n\n1\n"),
                                     Msg("-", 1, 16, "S: 2\n\n2\n")}));
}

TEST_F(InputReaderTest, StdinSingleMessage) {
  StdinFrom stdin_from(PipeWith("S: 1\n\n1\n"));
  EXPECT_EQ(ReadAll({"-"}),
            (Records{Msg("-", 0, std::nullopt, "S: 1\n\n1\n")}));
}

TEST_F(InputReaderTest, EmptyStdin) {
  StdinFrom stdin_from(PipeWith(""));
  bool failed = true;
  EXPECT_EQ(ReadAll({"-"}, MboxFormat::kMboxrd, &failed),
            (Records{Err("-", 0, "empty input", false)}));
  EXPECT_FALSE(failed);
}

TEST_F(InputReaderTest, StdinRedirectedFromAFile) {
  Write("in.mbox", "From a\nS: 1\n\n1\n");
  StdinFrom stdin_from(::open("in.mbox", O_RDONLY));
  EXPECT_EQ(ReadAll({"-"}), (Records{Msg("-", 0, 0, "S: 1\n\n1\n")}));
}

TEST_F(InputReaderTest, NoPaths) { EXPECT_EQ(ReadAll({}), Records{}); }

// NextChunk hands over the rest of a mapped mbox (after the messages Next
// gave) in chunks that split into its remaining messages; outside an mbox,
// and for a piped one, it hands over nothing and Next goes on. arg and
// current_arg follow the PATH arguments.
TEST_F(InputReaderTest, NextChunkTakesTheRestOfAMappedMbox) {
  Write("a.eml", "S: 0\n\n0\n");
  Write("b.mbox", kMbox);
  InputReader reader({"a.eml", "b.mbox", "a.eml"}, InputOptions{});
  EXPECT_EQ(reader.current_arg(), SIZE_MAX);
  MboxChunk chunk;
  EXPECT_FALSE(reader.NextChunk(0, &chunk));  // nothing open yet
  RawMessage m;
  ASSERT_TRUE(reader.Next(&m));
  EXPECT_EQ(m.arg, 0u);
  EXPECT_FALSE(reader.NextChunk(0, &chunk));  // a single message
  ASSERT_TRUE(reader.Next(&m));               // b.mbox's first message
  EXPECT_EQ(m.arg, 1u);
  EXPECT_EQ(reader.current_arg(), 1u);
  EXPECT_EQ(reader.next_index(), 1u);
  std::vector<uint64_t> offsets;
  while (reader.NextChunk(1, &chunk)) {
    EXPECT_EQ(*chunk.source, "b.mbox");
    EXPECT_EQ(chunk.arg, 1u);
    MboxSplitter split(chunk.file->data(), chunk.begin, chunk.end);
    MboxMessage message;
    while (split.Next(&message)) offsets.push_back(message.offset);
  }
  const std::string_view mbox = kMbox;
  EXPECT_EQ(offsets, (std::vector<uint64_t>{mbox.find("From b@"),
                                            mbox.find("From c@")}));
  ASSERT_TRUE(reader.Next(&m));  // past the mbox: the next PATH
  EXPECT_EQ(*m.source, "a.eml");
  EXPECT_EQ(m.arg, 2u);
  EXPECT_EQ(m.index, 0u);
  EXPECT_FALSE(reader.Next(&m));

  StdinFrom stdin_from(PipeWith("From a\nS: 1\n\n1\n\nFrom b\nS: 2\n\n2\n"));
  InputReader piped({"-"}, InputOptions{});
  ASSERT_TRUE(piped.Next(&m));
  EXPECT_FALSE(piped.NextChunk(0, &chunk));
  ASSERT_TRUE(piped.Next(&m));
  EXPECT_EQ(m.index, 1u);
}

// A mapped mbox's chunks end where TakeChunk over the mapping ends them,
// though NextChunk reads 16 KiB windows of the file to find each end: with
// the next separator (its "\n\nFrom ") at every place around the edges of
// the first three windows, right at the target, and past it by more than a
// window; with LF and CRLF empty lines.
TEST_F(InputReaderTest, NextChunkEndsAsTakeChunkDoesAcrossReadWindows) {
  constexpr size_t kPeek = size_t{16} << 10;  // input_reader.cc's window
  constexpr size_t kTarget = 100;
  // Line breaks of the empty line before the separator that ends the
  // first chunk, counted from the chunk's start. Window k starts at
  // kTarget - 2 + k * (kPeek - 7) from there.
  std::vector<size_t> wanted_breaks = {kTarget, kTarget + 1, 5 * kPeek + 123};
  for (size_t window = 0; window < 3; ++window) {
    const size_t edge = kTarget - 2 + (window + 1) * kPeek - window * 7;
    for (size_t d = 0; d < 20; ++d) wanted_breaks.push_back(edge - 10 + d);
  }
  for (const bool crlf : {false, true}) {
    const std::string eol = crlf ? "\r\n" : "\n";
    // The first message, which Next takes; chunks start after it.
    const std::string first = "From a@x" + eol + "S: 0" + eol + eol + eol;
    for (size_t line_break : wanted_breaks) {
      std::string mbox = first + "From b@x" + eol + "S: 1" + eol + eol;
      const size_t empty_line = first.size() + line_break - (eol.size() - 1);
      while (mbox.size() + 40 + eol.size() < empty_line) {
        mbox += std::string(38, 'b') + eol;
      }
      mbox += std::string(empty_line - mbox.size() - eol.size(), 'c') + eol;
      mbox += eol;  // the empty line
      ASSERT_EQ(mbox.size(), first.size() + line_break + 1);
      while (mbox.size() < (size_t{200} << 10)) {  // mapped, not read
        mbox += "From z@x" + eol + "S: 2" + eol + eol + std::string(3000, 'd') +
                eol + eol;
      }
      Write("m.mbox", mbox);
      auto file = MappedFile::Open("m.mbox");
      ASSERT_TRUE(file.ok()) << file.status();
      MboxSplitter cutter((*file)->data());
      MboxMessage skip;
      ASSERT_TRUE(cutter.Next(&skip));
      InputReader reader({"m.mbox"}, InputOptions{});
      RawMessage m;
      ASSERT_TRUE(reader.Next(&m));
      size_t begin = 0, end = 0;
      MboxChunk chunk;
      size_t chunks = 0;
      while (cutter.TakeChunk(kTarget, &begin, &end)) {
        ASSERT_TRUE(reader.NextChunk(kTarget, &chunk)) << line_break;
        ASSERT_EQ(chunk.begin, begin) << line_break;
        ASSERT_EQ(chunk.end, end) << line_break;
        if (chunks++ == 0) {
          ASSERT_EQ(begin, first.size());
          ASSERT_EQ(end, first.size() + line_break + 1) << line_break;
        }
      }
      EXPECT_FALSE(reader.NextChunk(kTarget, &chunk));
      EXPECT_GT(chunks, 10u);
    }
  }
}

}  // namespace
}  // namespace dkimbatch::io
