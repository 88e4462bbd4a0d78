// tests/io/maildir_test.cc
//
// Maildir detection and directory listing: cur/new merge order, tmp/ and
// dot-files ignored, Maildir++ folders, nested trees in path order, special
// files reported (never opened), symlinks to files followed and symlinks to
// directories (including loops) not followed.
#include "io/maildir.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace dkimbatch::io {
namespace {

// MaildirTest gives each test a fresh mkdtemp directory, removed afterwards.
class MaildirTest : public testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dkb_maildir_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr) << std::strerror(errno);
    root_ = tmpl;
    ::alarm(60);  // a listing that blocks on a FIFO kills the test
  }
  void TearDown() override {
    ::alarm(0);
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  std::string Path(const std::string& rel) const { return root_ + "/" + rel; }

  void Write(const std::string& rel, const std::string& content = "x") {
    std::filesystem::path path(Path(rel));
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }
  void Mkdir(const std::string& rel) {
    std::filesystem::create_directories(Path(rel));
  }
  void Symlink(const std::string& target, const std::string& rel) {
    ASSERT_EQ(::symlink(target.c_str(), Path(rel).c_str()), 0)
        << std::strerror(errno);
  }

  // List returns the listing of `rel` with `root_/` stripped from each path.
  std::vector<std::string> List(const std::string& rel,
                                std::vector<std::string>* errors = nullptr) {
    std::vector<std::string> out;
    std::vector<std::string> errs;
    absl::Status status = ListMessageFiles(Path(rel), &out, &errs);
    EXPECT_TRUE(status.ok()) << status;
    for (std::string& path : out) {
      path = Strip(path);
    }
    for (std::string& err : errs) {
      err = Strip(err);
    }
    if (errors != nullptr) {
      *errors = errs;
    } else {
      EXPECT_TRUE(errs.empty()) << errs.front();
    }
    return out;
  }

  std::string Strip(const std::string& path) const {
    std::string prefix = root_ + "/";
    EXPECT_EQ(path.compare(0, prefix.size(), prefix), 0) << path;
    return path.substr(prefix.size());
  }

  std::string root_;
};

using Paths = std::vector<std::string>;

TEST_F(MaildirTest, IsMaildir) {
  Mkdir("both/cur");
  Mkdir("both/new");
  Mkdir("cur_only/cur");
  Mkdir("new_only/new");
  Mkdir("tmp_only/tmp");
  Write("cur_is_file/cur");
  Mkdir("real_cur");
  Mkdir("cur_symlink");
  Symlink(Path("real_cur"), "cur_symlink/cur");
  Mkdir("plain");
  Write("plain/a.eml");
  struct {
    const char* dir;
    bool want;
  } cases[] = {
      {"both", true},      {"cur_only", true},     {"new_only", true},
      {"tmp_only", false}, {"cur_is_file", false}, {"cur_symlink", false},
      {"plain", false},    {"missing", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(IsMaildir(Path(c.dir)), c.want) << c.dir;
  }
}

TEST_F(MaildirTest, MergesCurAndNewByFileNameAndIgnoresTmp) {
  Write("md/cur/1000.A.host:2,S");
  Write("md/cur/3000.C.host:2,");
  Write("md/new/2000.B.host");
  Write("md/new/0500.Z.host");
  Write("md/tmp/1500.T.host");  // delivery in progress: never listed
  Write("md/cur/.hidden");
  Write("md/dovecot-uidlist");  // Maildir root files are not messages
  Write("md/maildirfolder");
  Write("md/cur/subdir/ignored");
  EXPECT_EQ(List("md"), (Paths{"md/new/0500.Z.host", "md/cur/1000.A.host:2,S",
                               "md/new/2000.B.host", "md/cur/3000.C.host:2,"}));
}

TEST_F(MaildirTest, SameFileNameInCurAndNewSortsByPath) {
  Write("md/new/1.x");
  Write("md/cur/1.x");
  EXPECT_EQ(List("md"), (Paths{"md/cur/1.x", "md/new/1.x"}));
}

TEST_F(MaildirTest, MaildirPlusPlusFoldersFollowInOrder) {
  Write("md/cur/2");
  Write("md/new/1");
  Write("md/.Sent/cur/s1");
  Write("md/.Drafts/new/d1");
  Write("md/.Drafts/tmp/never");
  Write("md/.Trash.Sub/cur/t1");
  Write("md/.notmaildir/cur2/zzz");  // a dot-dir without cur/new is ignored
  Write("md/plaindir/a.eml");        // Maildir root sub-dirs are not messages
  EXPECT_EQ(List("md"), (Paths{"md/new/1", "md/cur/2", "md/.Drafts/new/d1",
                               "md/.Sent/cur/s1", "md/.Trash.Sub/cur/t1"}));
}

TEST_F(MaildirTest, PlainTreeIsSortedByPathComponents) {
  Write("t/c.eml");
  Write("t/b/2.eml");
  Write("t/a/z.eml");
  Write("t/a/b/c.eml");
  Write("t/a-b.eml");  // '-' sorts before '/', but a/ is listed as one block
  Write("t/A.eml");
  Write("t/.hidden.eml");
  Write("t/a/.git/config");
  Mkdir("t/empty");
  EXPECT_EQ(List("t"), (Paths{"t/A.eml", "t/a/b/c.eml", "t/a/z.eml",
                              "t/a-b.eml", "t/b/2.eml", "t/c.eml"}));
}

TEST_F(MaildirTest, NestedMaildirUsesMaildirRules) {
  Write("t/box/cur/2");
  Write("t/box/new/1");
  Write("t/box/tmp/partial");
  Write("t/box/dovecot.index.cache");
  Write("t/z.eml");
  Write("t/a.eml");
  EXPECT_EQ(List("t"),
            (Paths{"t/a.eml", "t/box/new/1", "t/box/cur/2", "t/z.eml"}));
}

TEST_F(MaildirTest, TrailingSlashIsNotDoubled) {
  Write("t/a.eml");
  Write("md/cur/1");
  EXPECT_EQ(List("t/"), (Paths{"t/a.eml"}));
  EXPECT_EQ(List("md/"), (Paths{"md/cur/1"}));
}

TEST_F(MaildirTest, EmptyDirectoryListsNothing) {
  Mkdir("empty");
  EXPECT_EQ(List("empty"), Paths{});
}

TEST_F(MaildirTest, SpecialFilesAreReportedNotListed) {
  Write("t/a.eml");
  Write("t/c.eml");
  ASSERT_EQ(::mkfifo(Path("t/b.fifo").c_str(), 0600), 0);
  Write("md/cur/1");
  Mkdir("md/new");
  ASSERT_EQ(::mkfifo(Path("md/cur/2.fifo").c_str(), 0600), 0);
  ASSERT_EQ(::mkfifo(Path("md/new/3.fifo").c_str(), 0600), 0);
  // A symlink to a FIFO is as special as the FIFO.
  Symlink(Path("t/b.fifo"), "t/d.link");

  int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string sock_path = Path("t/e.sock");
  ASSERT_LT(sock_path.size(), sizeof(addr.sun_path));
  std::strcpy(addr.sun_path, sock_path.c_str());
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0)
      << std::strerror(errno);

  std::vector<std::string> errors;
  EXPECT_EQ(List("t", &errors), (Paths{"t/a.eml", "t/c.eml"}));
  EXPECT_EQ(errors, (Paths{"t/b.fifo: not a regular file",
                           "t/d.link: not a regular file",
                           "t/e.sock: not a regular file"}));
  EXPECT_EQ(List("md", &errors), (Paths{"md/cur/1"}));
  EXPECT_EQ(errors, (Paths{"md/cur/2.fifo: not a regular file",
                           "md/new/3.fifo: not a regular file"}));
  ::close(sock);
}

TEST_F(MaildirTest, SymlinksToFilesAreFollowedDirectoriesAreNot) {
  Write("outside/msg.eml");
  Write("outside/dir/deep.eml");
  Write("t/a.eml");
  Mkdir("t/sub");
  Write("t/sub/s.eml");
  Symlink(Path("outside/msg.eml"), "t/link.eml");
  Symlink(Path("outside/dir"), "t/dirlink");
  Symlink(".", "t/sub/self");     // loop back to sub
  Symlink("..", "t/sub/parent");  // loop back to t
  Symlink(Path("t"), "t/sub/root");
  EXPECT_EQ(List("t"), (Paths{"t/a.eml", "t/link.eml", "t/sub/s.eml"}));
}

TEST_F(MaildirTest, BrokenAndLoopingSymlinksAreReported) {
  Write("t/a.eml");
  Symlink("nowhere", "t/dangling");
  Symlink("loop", "t/loop");  // points at itself: ELOOP
  std::vector<std::string> errors;
  EXPECT_EQ(List("t", &errors), (Paths{"t/a.eml"}));
  EXPECT_EQ(errors, (Paths{"t/dangling: No such file or directory",
                           "t/loop: Too many levels of symbolic links"}));
}

TEST_F(MaildirTest, DirectoryArgumentMayBeASymlink) {
  Write("real/cur/1");
  Symlink(Path("real"), "alias");
  EXPECT_TRUE(IsMaildir(Path("alias")));
  EXPECT_EQ(List("alias"), (Paths{"alias/cur/1"}));
}

TEST_F(MaildirTest, MissingDirectoryIsAnError) {
  std::vector<std::string> out, errors;
  absl::Status status = ListMessageFiles(Path("missing"), &out, &errors);
  EXPECT_TRUE(absl::IsNotFound(status)) << status;
  EXPECT_EQ(status.message(),
            "cannot read directory: No such file or directory");
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(errors.empty());
}

TEST_F(MaildirTest, FileArgumentIsAnError) {
  Write("file.eml");
  std::vector<std::string> out, errors;
  absl::Status status = ListMessageFiles(Path("file.eml"), &out, &errors);
  EXPECT_EQ(status.message(), "cannot read directory: Not a directory");
}

TEST_F(MaildirTest, UnreadableSubdirectoryIsReportedAndWalkContinues) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root reads any directory";
  }
  Write("t/a/1.eml");
  Write("t/b/2.eml");
  Write("t/c/3.eml");
  ASSERT_EQ(::chmod(Path("t/b").c_str(), 0), 0);
  std::vector<std::string> errors;
  EXPECT_EQ(List("t", &errors), (Paths{"t/a/1.eml", "t/c/3.eml"}));
  EXPECT_EQ(errors, (Paths{"t/b: Permission denied"}));
  ::chmod(Path("t/b").c_str(), 0700);
}

TEST_F(MaildirTest, ManyFilesKeepOrder) {
  Paths want;
  for (int i = 0; i < 500; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "%010d.M%dP1.host", 1000000 + i, i);
    Write(std::string(i % 2 ? "md/cur/" : "md/new/") + name);
    want.push_back(std::string(i % 2 ? "md/cur/" : "md/new/") + name);
  }
  EXPECT_EQ(List("md"), want);
}

}  // namespace
}  // namespace dkimbatch::io
