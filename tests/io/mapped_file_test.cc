// tests/io/mapped_file_test.cc
//
// MappedFile: small (read) and large (mapped) regular files, empty files,
// directories, missing paths, FIFOs and character devices, ReadStream over
// pipes and over regular files at an offset, ReadAhead, and ReadRange (with a
// kept descriptor only).
#include "io/mapped_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace dkimbatch::io {
namespace {

class MappedFileTest : public testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dkb_mapped_file_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr) << std::strerror(errno);
    root_ = tmpl;
    ::alarm(60);  // a blocked read kills the test instead of hanging it
  }
  void TearDown() override {
    ::alarm(0);
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  std::string Write(const std::string& name, const std::string& content) {
    std::string path = root_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::string root_;
};

// Content returns `size` bytes of varied text, so misplaced views show.
std::string Content(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    s[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
  }
  return s;
}

TEST_F(MappedFileTest, RegularFilesOfEverySize) {
  // Around the 64 KiB read/map threshold and around page boundaries.
  for (size_t size :
       {size_t{1}, size_t{100}, size_t{4095}, size_t{4096}, size_t{65535},
        size_t{65536}, size_t{65537}, size_t{1} << 20, (size_t{1} << 20) + 3}) {
    std::string content = Content(size);
    std::string path = Write("f" + std::to_string(size), content);
    auto file = MappedFile::Open(path);
    ASSERT_TRUE(file.ok()) << file.status();
    EXPECT_EQ((*file)->data().size(), size);
    EXPECT_TRUE((*file)->data() == content) << "size " << size;
  }
}

TEST_F(MappedFileTest, ViewOutlivesPath) {
  std::string content = Content(200000);
  std::string path = Write("gone", content);
  auto file = MappedFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(::unlink(path.c_str()), 0);
  EXPECT_TRUE((*file)->data() == content);
}

TEST_F(MappedFileTest, EmptyFileIsEmptyView) {
  auto file = MappedFile::Open(Write("empty", ""));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE((*file)->data().empty());
}

TEST_F(MappedFileTest, MissingFile) {
  auto file = MappedFile::Open(root_ + "/missing");
  ASSERT_FALSE(file.ok());
  EXPECT_TRUE(absl::IsNotFound(file.status())) << file.status();
  EXPECT_EQ(file.status().message(), "cannot open: No such file or directory");
}

TEST_F(MappedFileTest, DirectoryIsAnError) {
  auto file = MappedFile::Open(root_);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(), "cannot open: Is a directory");
}

TEST_F(MappedFileTest, UnreadableFile) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root reads any file";
  }
  std::string path = Write("secret", "x");
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  auto file = MappedFile::Open(path);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(), "cannot open: Permission denied");
}

TEST_F(MappedFileTest, FifoIsReadToTheEnd) {
  std::string path = root_ + "/fifo";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  // More than a pipe buffer, so reader and writer must really interleave.
  // The writer has the FIFO open before the reader comes (as with `<(...)`);
  // O_RDWR opens a FIFO without waiting for a reader.
  const std::string content = Content(300000);
  int fd = ::open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  std::thread writer([&] {
    size_t done = 0;
    while (done < content.size()) {
      ssize_t n = ::write(fd, content.data() + done, content.size() - done);
      ASSERT_GT(n, 0);
      done += static_cast<size_t>(n);
    }
    ::close(fd);
  });
  auto file = MappedFile::Open(path);
  writer.join();
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE((*file)->data() == content);
}

TEST_F(MappedFileTest, FifoWithoutWriterIsEmptyAtOnce) {
  std::string path = root_ + "/lonely-fifo";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  auto file = MappedFile::Open(path);  // must not block
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE((*file)->data().empty());
}

TEST_F(MappedFileTest, CharacterDeviceIsRead) {
  auto file = MappedFile::Open("/dev/null");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE((*file)->data().empty());
}

// ReadAhead brings the pages up to 16 MiB past the reader into the page
// cache: after the file's pages are dropped from the cache, the first call
// and one 9 MiB further on (past the middle of the first range) each bring
// in pages that nothing has touched.
TEST_F(MappedFileTest, ReadAheadFillsThePageCacheAhead) {
  constexpr size_t kMiB = size_t{1} << 20;
  const std::string path = Write("big", std::string(40 * kMiB, 'x'));
  auto file = MappedFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  const int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ::fdatasync(fd);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  auto resident = [&](size_t offset) {
    const uintptr_t at =
        reinterpret_cast<uintptr_t>((*file)->data().data() + offset);
    unsigned char in_core = 0;
    return ::mincore(reinterpret_cast<void*>(at - at % page), 1, &in_core) ==
               0 &&
           (in_core & 1) != 0;
  };
  // Waits up to 20 s for the background reads.
  auto becomes_resident = [&](size_t offset) {
    for (int i = 0; i < 200 && !resident(offset); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return resident(offset);
  };
  if (resident(30 * kMiB)) {
    GTEST_SKIP() << "the page cache keeps the file's pages (tmpfs?)";
  }
  (*file)->ReadAhead(0);
  EXPECT_TRUE(becomes_resident(12 * kMiB));
  (*file)->ReadAhead(9 * kMiB);
  EXPECT_TRUE(becomes_resident(24 * kMiB));
  EXPECT_EQ((*file)->data().substr(24 * kMiB, 3), "xxx");
}

// Disabled by default: it reads (and allocates) 1 GiB. Run with
// --gtest_also_run_disabled_tests.
TEST_F(MappedFileTest, DISABLED_EndlessCharacterDeviceIsRefusedPastCap) {
  auto file = MappedFile::Open("/dev/zero");
  ASSERT_FALSE(file.ok());
  EXPECT_TRUE(absl::IsResourceExhausted(file.status())) << file.status();
  EXPECT_EQ(file.status().message(), "cannot read: input larger than 1024 MiB");
}

TEST_F(MappedFileTest, ReadStreamFromPipe) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string content = Content(500000);
  std::thread writer([&] {
    size_t done = 0;
    while (done < content.size()) {
      ssize_t n = ::write(fds[1], content.data() + done, content.size() - done);
      ASSERT_GT(n, 0);
      done += static_cast<size_t>(n);
    }
    ::close(fds[1]);
  });
  auto file = MappedFile::ReadStream(fds[0]);
  writer.join();
  ::close(fds[0]);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE((*file)->data() == content);
}

TEST_F(MappedFileTest, ReadStreamFromNonBlockingPipe) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_NONBLOCK), 0);
  std::thread writer([&] {
    ::usleep(50000);  // the reader sees EAGAIN first
    ASSERT_EQ(::write(fds[1], "late", 4), 4);
    ::close(fds[1]);
  });
  auto file = MappedFile::ReadStream(fds[0]);
  writer.join();
  ::close(fds[0]);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ((*file)->data(), "late");
}

TEST_F(MappedFileTest, ReadStreamEmptyPipe) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[1]);
  auto file = MappedFile::ReadStream(fds[0]);
  ::close(fds[0]);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE((*file)->data().empty());
}

TEST_F(MappedFileTest, ReadStreamFromRegularFileStartsAtOffset) {
  for (size_t size : {size_t{1000}, size_t{200000}}) {
    const std::string content = Content(size);
    std::string path = Write("stdin" + std::to_string(size), content);
    int fd = ::open(path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::lseek(fd, 10, SEEK_SET), 10);
    auto file = MappedFile::ReadStream(fd);
    ASSERT_TRUE(file.ok()) << file.status();
    EXPECT_TRUE((*file)->data() == std::string_view(content).substr(10));
    // Consumed, as read() would have left it.
    char c;
    EXPECT_EQ(::read(fd, &c, 1), 0);
    auto again = MappedFile::ReadStream(fd);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE((*again)->data().empty());
    ::close(fd);
  }
}

TEST_F(MappedFileTest, ReadRangeCopiesWhatDataHolds) {
  const std::string content = Content(300000);
  const std::string path = Write("ranges", content);
  auto file = MappedFile::Open(path, /*keep_descriptor=*/true);
  ASSERT_TRUE(file.ok()) << file.status();
  std::string out(content.size(), '\0');
  for (auto [begin, end] : {std::pair<size_t, size_t>{0, 300000},
                            {0, 0},
                            {1, 2},
                            {4095, 4097},
                            {123457, 299999},
                            {300000, 300000}}) {
    ASSERT_TRUE((*file)->ReadRange(begin, end, out.data())) << begin;
    EXPECT_TRUE(std::string_view(out).substr(0, end - begin) ==
                (*file)->data().substr(begin, end - begin))
        << begin << ".." << end;
  }
  EXPECT_FALSE((*file)->ReadRange(0, 300001, out.data()));  // past the end
  EXPECT_FALSE((*file)->ReadRange(10, 9, out.data()));
  (*file)->CloseDescriptor();
  EXPECT_FALSE((*file)->ReadRange(0, 10, out.data()));
  EXPECT_TRUE((*file)->data() == content);  // the mapping stays
}

TEST_F(MappedFileTest, ReadRangeNeedsAKeptDescriptorOfAMappedFile) {
  std::string out(100, '\0');
  auto mapped = MappedFile::Open(Write("big", Content(100000)));
  ASSERT_TRUE(mapped.ok()) << mapped.status();
  EXPECT_FALSE((*mapped)->ReadRange(0, 10, out.data()));
  // Small files are read into memory: nothing to gain from a descriptor.
  auto small = MappedFile::Open(Write("small", Content(1000)), true);
  ASSERT_TRUE(small.ok()) << small.status();
  EXPECT_FALSE((*small)->ReadRange(0, 10, out.data()));
}

TEST_F(MappedFileTest, ReadRangeOfAStreamAtAnOffset) {
  const std::string content = Content(200000);
  const std::string path = Write("offset", content);
  int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::lseek(fd, 5000, SEEK_SET), 5000);
  auto file = MappedFile::ReadStream(fd, /*keep_descriptor=*/true);
  ::close(fd);  // the file keeps its own duplicate
  ASSERT_TRUE(file.ok()) << file.status();
  std::string out(1000, '\0');
  ASSERT_TRUE((*file)->ReadRange(100, 1100, out.data()));
  EXPECT_TRUE(out == std::string_view(content).substr(5100, 1000));
}

TEST_F(MappedFileTest, ReadStreamBadDescriptor) {
  auto file = MappedFile::ReadStream(-1);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(), "cannot read: Bad file descriptor");
}

}  // namespace
}  // namespace dkimbatch::io
