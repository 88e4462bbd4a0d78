// tests/io/maildir_writer_test.cc
//
// Maildir writing: Create makes DIR/{cur,new,tmp} (and missing parents),
// accepts an existing Maildir and refuses a file; Write puts the exact bytes
// under cur/ or new/, leaves tmp/ empty, replaces a file of the same name,
// refuses bad folders and names; the result reads back through
// io::ListMessageFiles in name order; threads may write at once.
#include "io/maildir_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "io/maildir.h"

namespace dkimbatch::io {
namespace {

namespace fs = std::filesystem;

class MaildirWriterTest : public testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dkb_maildir_writer_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr) << std::strerror(errno);
    root_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  std::string Path(const std::string& rel) const { return root_ + "/" + rel; }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  static std::vector<std::string> Entries(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string root_;
};

TEST_F(MaildirWriterTest, CreateMakesTheFoldersAndParents) {
  MaildirWriter writer;
  ASSERT_TRUE(MaildirWriter::Create(Path("a/b/maildir/"), &writer).ok());
  EXPECT_EQ(writer.dir(), Path("a/b/maildir"));
  for (const char* sub : {"cur", "new", "tmp"}) {
    EXPECT_TRUE(fs::is_directory(Path(std::string("a/b/maildir/") + sub)))
        << sub;
  }
  EXPECT_TRUE(IsMaildir(writer.dir()));
}

TEST_F(MaildirWriterTest, CreateAcceptsAnExistingMaildir) {
  MaildirWriter first;
  ASSERT_TRUE(MaildirWriter::Create(Path("m"), &first).ok());
  ASSERT_TRUE(first.Write("cur", "keep:2,S", "kept\n").ok());
  MaildirWriter second;
  absl::Status status = MaildirWriter::Create(Path("m"), &second);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(ReadFile(Path("m/cur/keep:2,S")), "kept\n");
}

TEST_F(MaildirWriterTest, CreateRefusesAFile) {
  std::ofstream(Path("file")) << "x";
  MaildirWriter writer;
  EXPECT_FALSE(MaildirWriter::Create(Path("file"), &writer).ok());
  fs::create_directories(Path("half"));
  std::ofstream(Path("half/cur")) << "x";  // cur/ is a file
  EXPECT_FALSE(MaildirWriter::Create(Path("half"), &writer).ok());
  EXPECT_FALSE(MaildirWriter::Create("", &writer).ok());
}

TEST_F(MaildirWriterTest, WriteStoresExactBytesAndLeavesTmpEmpty) {
  MaildirWriter writer;
  ASSERT_TRUE(MaildirWriter::Create(Path("m"), &writer).ok());
  const std::string crlf = "Subject: a\r\n\r\nbody\r\n";
  const std::string binary("x\0y\xff\n", 5);
  ASSERT_TRUE(writer.Write("cur", "1.M1.host:2,S", crlf).ok());
  ASSERT_TRUE(writer.Write("new", "2.M2.host", binary).ok());
  ASSERT_TRUE(writer.Write("new", "3.M3.host", "").ok());
  EXPECT_EQ(ReadFile(Path("m/cur/1.M1.host:2,S")), crlf);
  EXPECT_EQ(ReadFile(Path("m/new/2.M2.host")), binary);
  EXPECT_TRUE(fs::exists(Path("m/new/3.M3.host")));
  EXPECT_EQ(fs::file_size(Path("m/new/3.M3.host")), 0u);
  EXPECT_TRUE(Entries(Path("m/tmp")).empty());
}

TEST_F(MaildirWriterTest, WriteReplacesAFileOfTheSameName) {
  MaildirWriter writer;
  ASSERT_TRUE(MaildirWriter::Create(Path("m"), &writer).ok());
  ASSERT_TRUE(writer.Write("new", "x", "a long first version\n").ok());
  ASSERT_TRUE(writer.Write("new", "x", "second\n").ok());
  EXPECT_EQ(ReadFile(Path("m/new/x")), "second\n");
}

TEST_F(MaildirWriterTest, WriteRefusesBadFoldersAndNames) {
  MaildirWriter writer;
  ASSERT_TRUE(MaildirWriter::Create(Path("m"), &writer).ok());
  for (const char* sub : {"tmp", "", "cur/", "../m/cur", "CUR"}) {
    EXPECT_FALSE(writer.Write(sub, "x", "m\n").ok()) << sub;
  }
  for (std::string name :
       {std::string(""), std::string("."), std::string(".."),
        std::string("a/b"), std::string("../x"), std::string("a\0b", 3)}) {
    EXPECT_FALSE(writer.Write("new", name, "m\n").ok()) << name;
  }
  EXPECT_TRUE(Entries(Path("m/new")).empty());
  EXPECT_TRUE(Entries(Path("m/tmp")).empty());
}

TEST_F(MaildirWriterTest, WriteBeforeCreateFails) {
  MaildirWriter writer;
  EXPECT_FALSE(writer.Write("new", "x", "m\n").ok());
}

TEST_F(MaildirWriterTest, WriteReportsAFailureAndLeavesNoTmpFile) {
  MaildirWriter writer;
  ASSERT_TRUE(MaildirWriter::Create(Path("m"), &writer).ok());
  // A directory in the way of the final name makes rename(2) fail.
  fs::create_directories(Path("m/new/taken/sub"));
  absl::Status status = writer.Write("new", "taken", "m\n");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(std::string(status.message()).find("taken"), std::string::npos)
      << status;
  EXPECT_TRUE(Entries(Path("m/tmp")).empty());
}

TEST_F(MaildirWriterTest, ReadsBackInNameOrder) {
  MaildirWriter writer;
  ASSERT_TRUE(MaildirWriter::Create(Path("m"), &writer).ok());
  // Written out of order, across cur/ and new/.
  ASSERT_TRUE(writer.Write("new", "1767225600.M000002.gen", "two\n").ok());
  ASSERT_TRUE(writer.Write("cur", "1767225600.M000001.gen:2,S", "one\n").ok());
  ASSERT_TRUE(writer.Write("cur", "1767225600.M000000.gen:2,S", "zero\n").ok());
  std::vector<std::string> files;
  std::vector<std::string> errors;
  ASSERT_TRUE(ListMessageFiles(writer.dir(), &files, &errors).ok());
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0], Path("m/cur/1767225600.M000000.gen:2,S"));
  EXPECT_EQ(files[1], Path("m/cur/1767225600.M000001.gen:2,S"));
  EXPECT_EQ(files[2], Path("m/new/1767225600.M000002.gen"));
  EXPECT_EQ(ReadFile(files[0]), "zero\n");
  EXPECT_EQ(ReadFile(files[2]), "two\n");
}

TEST_F(MaildirWriterTest, ThreadsWriteDifferentNamesAtOnce) {
  MaildirWriter writer;
  ASSERT_TRUE(MaildirWriter::Create(Path("m"), &writer).ok());
  constexpr int kPerThread = 200;
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&writer, &failures, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string name = std::to_string(t) + "." + std::to_string(i);
        if (!writer.Write(i % 2 ? "cur" : "new", name, name + "\n").ok()) {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int f : failures) EXPECT_EQ(f, 0);
  EXPECT_EQ(Entries(Path("m/cur")).size() + Entries(Path("m/new")).size(),
            4u * kPerThread);
  EXPECT_TRUE(Entries(Path("m/tmp")).empty());
  EXPECT_EQ(ReadFile(Path("m/cur/3.199")), "3.199\n");
}

}  // namespace
}  // namespace dkimbatch::io
