// io/mapped_file.cc
//
// MappedFile: large regular files are mapped read-only (MAP_PRIVATE, with
// MADV_SEQUENTIAL so the kernel reads ahead and drops pages behind us), small
// ones are read into a buffer (one read() is cheaper than mmap + page faults +
// a munmap TLB shootdown across the pipeline's threads), and pipes, FIFOs and
// character devices are read to the end into an anonymous mapping grown with
// mremap(). Errors carry the errno text, e.g. "cannot open: No such file or
// directory".
#include "io/mapped_file.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "absl/status/status.h"

namespace dkimbatch::io {
namespace {

// Regular files below this size are read rather than mapped.
constexpr size_t kSmallFileBytes = size_t{64} * 1024;

// A FIFO or character device named as a PATH is read into memory; past this
// size it is refused rather than exhausting memory (e.g. /dev/zero).
constexpr size_t kMaxNamedStreamBytes = size_t{1} << 30;

constexpr size_t kUnlimited = std::numeric_limits<size_t>::max();

// ReleaseBefore gives pages back this many bytes at a time at least.
constexpr size_t kReleaseStep = size_t{32} << 20;

// FdCloser closes a descriptor on scope exit.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

size_t PageSize() {
  static const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  return page;
}

// RoundUpToPage returns `n` rounded up to a whole number of pages.
size_t RoundUpToPage(size_t n) {
  const size_t page = PageSize();
  return n > kUnlimited - page ? kUnlimited : (n + page - 1) / page * page;
}

// StreamBytes is what ReadAll read: `len` bytes at the start of the private
// anonymous mapping `map` of `map_len` bytes (null when nothing was read).
struct StreamBytes {
  void* map = nullptr;
  size_t map_len = 0;
  size_t len = 0;
};

// ReadSome reads up to `n` bytes of `fd` into `buf`: the count (0 at end of
// stream), or -1 with errno set. It retries on EINTR and, for a descriptor
// left non-blocking by whoever gave it to us, waits in poll().
ssize_t ReadSome(int fd, char* buf, size_t n) {
  for (;;) {
    const ssize_t got = ::read(fd, buf, n);
    if (got >= 0) return got;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd pfd{fd, POLLIN, 0};
      if (::poll(&pfd, 1, -1) >= 0 || errno == EINTR) continue;
    }
    return -1;
  }
}

// ReadAll reads `fd` to its end into `*out`. The bytes go into an anonymous
// mapping that mremap() grows without copying, so a stream of N bytes costs
// about N bytes of memory (a doubling heap buffer peaks at 2-3 N). It fails
// with ResourceExhausted once more than `max_bytes` arrive, and with the errno
// text when read() fails.
absl::Status ReadAll(int fd, size_t max_bytes, StreamBytes* out) {
  // One byte over `max_bytes` is enough to refuse: never map more.
  const size_t limit =
      max_bytes < kUnlimited ? RoundUpToPage(max_bytes + 1) : kUnlimited;
  size_t cap = std::min<size_t>(size_t{256} * 1024, limit);
  void* map = ::mmap(nullptr, cap, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) {
    return absl::ErrnoToStatus(errno, "cannot read");
  }
  size_t len = 0;
  absl::Status status;
  for (;;) {
    if (len == cap) {
      if (len > max_bytes) {
        status = absl::ResourceExhaustedError(
            "cannot read: input larger than " +
            std::to_string(max_bytes >> 20) + " MiB");
        break;
      }
      const size_t grown = cap > limit / 2 ? limit : cap * 2;
      void* moved = ::mremap(map, cap, grown, MREMAP_MAYMOVE);
      if (moved == MAP_FAILED) {
        status = absl::ErrnoToStatus(errno, "cannot read");
        break;
      }
      map = moved;
      cap = grown;
    }
    const ssize_t n = ReadSome(fd, static_cast<char*>(map) + len, cap - len);
    if (n > 0) {
      len += static_cast<size_t>(n);
      continue;
    }
    if (n < 0) status = absl::ErrnoToStatus(errno, "cannot read");
    break;
  }
  if (!status.ok() || len == 0) {
    ::munmap(map, cap);
    return status;
  }
  // Give back the unused tail; the bytes are read-only from now on.
  const size_t used = RoundUpToPage(len);
  if (used < cap) {
    ::munmap(static_cast<char*>(map) + used, cap - used);
  }
  ::mprotect(map, used, PROT_READ);
  out->map = map;
  out->map_len = used;
  out->len = len;
  return absl::OkStatus();
}

// PreadAll reads regular file `fd` from `offset` to its end into `*out`;
// `size_hint` is the expected length (the file may be changing under us).
absl::Status PreadAll(int fd, uint64_t offset, size_t size_hint,
                      std::string* out) {
  out->resize(size_hint + 1);
  size_t len = 0;
  for (;;) {
    if (len == out->size()) {
      out->resize(out->size() * 2);
    }
    ssize_t n = ::pread(fd, out->data() + len, out->size() - len,
                        static_cast<off_t>(offset + len));
    if (n > 0) {
      len += static_cast<size_t>(n);
      continue;
    }
    if (n == 0) {
      break;
    }
    if (errno == EINTR) {
      continue;
    }
    int err = errno;
    out->clear();
    return absl::ErrnoToStatus(err, "cannot read");
  }
  out->resize(len);
  return absl::OkStatus();
}

}  // namespace

MappedFile::~MappedFile() {
  if (map_ != nullptr) {
    ::munmap(map_, map_len_);
  }
  CloseDescriptor();
}

void MappedFile::CloseDescriptor() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool MappedFile::ReadRange(size_t begin, size_t end, char* out) const {
  if (fd_ < 0 || begin > end || end > data_.size()) return false;
  // The file offset of data()[begin]: data() starts where the mapping of
  // the whole file does, or later (a stream's offset, see ReadStream).
  const uint64_t at = static_cast<uint64_t>(data_.data() + begin -
                                            static_cast<const char*>(map_));
  size_t done = 0;
  while (done < end - begin) {
    const ssize_t n = ::pread(fd_, out + done, end - begin - done,
                              static_cast<off_t>(at + done));
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n == 0 || errno != EINTR) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::shared_ptr<MappedFile>> MappedFile::Open(
    const std::string& path, bool keep_descriptor) {
  // O_NONBLOCK: opening a FIFO that no process writes to must not hang the
  // run (e.g. `dkimbatch verify dir/*` reaching one). Reading it then gives
  // end-of-file at once (empty input); a FIFO or pipe whose writer is there
  // (`<(...)`) is read to the end, waiting in poll() when it is slow.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno, "cannot open");
  }
  FdCloser closer(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    return absl::ErrnoToStatus(errno, "cannot open");
  }
  if (S_ISREG(st.st_mode)) {
    return ReadStream(fd, keep_descriptor);  // freshly opened: from byte 0
  }
  if (S_ISDIR(st.st_mode)) {
    return absl::ErrnoToStatus(EISDIR, "cannot open");
  }
  if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) {
    return absl::FailedPreconditionError("cannot open: not a regular file");
  }
  StreamBytes bytes;
  absl::Status status = ReadAll(fd, kMaxNamedStreamBytes, &bytes);
  if (!status.ok()) {
    return status;
  }
  std::shared_ptr<MappedFile> file(new MappedFile());
  file->map_ = bytes.map;
  file->map_len_ = bytes.map_len;
  file->data_ =
      std::string_view(static_cast<const char*>(bytes.map), bytes.len);
  return file;
}

absl::StatusOr<std::shared_ptr<MappedFile>> MappedFile::ReadChunk(
    int fd, std::string_view carry, size_t want, bool* eof) {
  *eof = false;
  const size_t cap = RoundUpToPage(carry.size() + std::max<size_t>(want, 1));
  void* map = ::mmap(nullptr, cap, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) {
    return absl::ErrnoToStatus(errno, "cannot read");
  }
  char* bytes = static_cast<char*>(map);
  if (!carry.empty()) std::memcpy(bytes, carry.data(), carry.size());
  size_t len = carry.size();
  const size_t end = carry.size() + want;
  while (len < end) {
    const ssize_t n = ReadSome(fd, bytes + len, end - len);
    if (n > 0) {
      len += static_cast<size_t>(n);
      continue;
    }
    if (n == 0) {
      *eof = true;
      break;
    }
    const int err = errno;
    ::munmap(map, cap);
    return absl::ErrnoToStatus(err, "cannot read");
  }
  const size_t used = RoundUpToPage(std::max<size_t>(len, 1));
  if (used < cap) ::munmap(bytes + used, cap - used);
  ::mprotect(map, used, PROT_READ);
  std::shared_ptr<MappedFile> file(new MappedFile());
  file->map_ = map;
  file->map_len_ = used;
  file->data_ = std::string_view(bytes, len);
  return file;
}

absl::StatusOr<std::shared_ptr<MappedFile>> MappedFile::ReadStream(
    int fd, bool keep_descriptor) {
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    return absl::ErrnoToStatus(errno, "cannot read");
  }
  std::shared_ptr<MappedFile> file(new MappedFile());
  if (!S_ISREG(st.st_mode)) {
    StreamBytes bytes;
    absl::Status status = ReadAll(fd, kUnlimited, &bytes);
    if (!status.ok()) {
      return status;
    }
    file->map_ = bytes.map;
    file->map_len_ = bytes.map_len;
    file->data_ =
        std::string_view(static_cast<const char*>(bytes.map), bytes.len);
    return file;
  }

  // A regular file, e.g. `dkimbatch verify - < archive.mbox`: map it from the
  // current offset rather than copy the archive to the heap, then consume it
  // as read() would have.
  off_t pos = ::lseek(fd, 0, SEEK_CUR);
  if (pos < 0) {
    return absl::ErrnoToStatus(errno, "cannot read");
  }
  const uint64_t start = static_cast<uint64_t>(pos);
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size <= start) {
    return file;  // empty view
  }
  if (size - start < kSmallFileBytes) {
    absl::Status status =
        PreadAll(fd, start, static_cast<size_t>(size - start), &file->owned_);
    if (!status.ok()) {
      return status;
    }
    file->data_ = file->owned_;
  } else {
    if (size > std::numeric_limits<size_t>::max()) {
      return absl::ResourceExhaustedError("cannot map: file too large");
    }
    void* map = ::mmap(nullptr, static_cast<size_t>(size), PROT_READ,
                       MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
      return absl::ErrnoToStatus(errno, "cannot map");
    }
    // Advice only: failure changes nothing but speed.
    ::madvise(map, static_cast<size_t>(size), MADV_SEQUENTIAL);
    file->map_ = map;
    file->map_len_ = static_cast<size_t>(size);
    file->file_mapping_ = true;
    file->data_ = std::string_view(static_cast<const char*>(map) + start,
                                   static_cast<size_t>(size - start));
    // A duplicate, so the caller's descriptor stays theirs to close. On
    // failure ReadRange says no, and the mapping is read instead.
    if (keep_descriptor) file->fd_ = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  }
  ::lseek(fd, 0, SEEK_END);
  return file;
}

void MappedFile::ReadAhead(size_t offset) const {
  constexpr size_t kAhead = size_t{16} << 20;
  if (!file_mapping_ || advised_ >= map_len_) return;
  offset = std::min(offset, data_.size());
  char* const base = static_cast<char*>(map_);
  const size_t from = static_cast<size_t>(data_.data() + offset - base);
  if (from + kAhead / 2 < advised_) return;
  // madvise() wants a page-aligned start, so the ranges end on pages.
  const size_t start = std::max(advised_, from - from % PageSize());
  size_t end = from + kAhead;
  end = end >= map_len_ ? map_len_ : end - end % PageSize();
  // In steps: the kernel reads at most its read-ahead size (read_ahead_kb,
  // often 128 KB) per call. Advice only: the pages are read in when touched
  // anyway.
  constexpr size_t kStep = size_t{128} << 10;
  for (size_t at = start; at < end; at += kStep) {
    ::madvise(base + at, std::min(kStep, end - at), MADV_WILLNEED);
  }
  advised_ = end;
}

void MappedFile::ReleaseBefore(size_t offset) const {
  if (!file_mapping_) return;
  offset = std::min(offset, data_.size());
  const char* base = static_cast<const char*>(map_);
  size_t end = static_cast<size_t>(data_.data() + offset - base);
  end -= end % PageSize();
  // In steps of at least kReleaseStep: each call makes the kernel flush the
  // TLBs of every CPU running one of this process's threads, and these
  // interrupts are costly in a virtual machine.
  if (end <= released_ || end - released_ < kReleaseStep) return;
  // Advice only: on failure the pages merely stay resident.
  ::madvise(const_cast<char*>(base) + released_, end - released_,
            MADV_DONTNEED);
  released_ = end;
}

}  // namespace dkimbatch::io
