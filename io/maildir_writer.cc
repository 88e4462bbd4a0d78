// io/maildir_writer.cc
//
// Maildir writing the Maildir way: write the whole file under tmp/, then
// rename(2) it into cur/ or new/, which is atomic within one file system.
// Write keeps no state, so threads may call it at once on one writer as long
// as they use different names (each name has its own tmp/ file). Files are
// not fsync'ed: the writer makes archives and corpora, not a mail store that
// must survive a crash.
#include "io/maildir_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dkimbatch::io {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// MakeDir creates `path` (mode 0777 less the umask) unless it already is a
// directory.
absl::Status MakeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0777) == 0) {
    return absl::OkStatus();
  }
  const int err = errno;
  struct stat st;
  if (err == EEXIST && ::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      return absl::OkStatus();
    }
    return absl::FailedPreconditionError(path + ": not a directory");
  }
  return absl::InternalError("cannot create directory " + path + ": " +
                             ErrnoText(err));
}

// MakeDirs creates `path` and any missing parent directories.
absl::Status MakeDirs(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    if (path[slash - 1] == '/') {
      continue;  // "a//b"
    }
    std::string parent = path.substr(0, slash);
    struct stat st;
    if (::stat(parent.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      continue;
    }
    absl::Status status = MakeDir(parent);
    if (!status.ok()) {
      return status;
    }
  }
  return MakeDir(path);
}

// WriteAll writes `data` to `fd`, retrying short writes and EINTR. Returns
// false with errno set on failure.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

absl::Status MaildirWriter::Create(const std::string& dir, MaildirWriter* out) {
  if (dir.empty()) {
    return absl::InvalidArgumentError("empty Maildir path");
  }
  std::string base = dir;
  while (base.size() > 1 && base.back() == '/') {
    base.pop_back();
  }
  absl::Status status = MakeDirs(base);
  if (!status.ok()) {
    return status;
  }
  const std::string prefix = base == "/" ? base : base + "/";
  for (const char* sub : {"cur", "new", "tmp"}) {
    status = MakeDir(prefix + sub);
    if (!status.ok()) {
      return status;
    }
  }
  out->dir_ = base;
  return absl::OkStatus();
}

absl::Status MaildirWriter::Write(std::string_view sub, const std::string& name,
                                  std::string_view message) const {
  if (dir_.empty()) {
    return absl::FailedPreconditionError("MaildirWriter used before Create");
  }
  if (sub != "cur" && sub != "new") {
    return absl::InvalidArgumentError(
        "Maildir sub-folder must be cur or new, "
        "not '" +
        std::string(sub) + "'");
  }
  if (name.empty() || name == "." || name == ".." ||
      name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("bad Maildir file name '" + name + "'");
  }
  const std::string prefix = dir_ == "/" ? dir_ : dir_ + "/";
  const std::string tmp_path = prefix + "tmp/" + name;
  const std::string final_path = prefix + std::string(sub) + "/" + name;

  int fd =
      ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    return absl::InternalError("cannot create " + tmp_path + ": " +
                               ErrnoText(errno));
  }
  bool ok = WriteAll(fd, message);
  int err = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(tmp_path.c_str());
    return absl::InternalError("cannot write " + tmp_path + ": " +
                               ErrnoText(err));
  }
  if (::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    err = errno;
    ::unlink(tmp_path.c_str());
    return absl::InternalError("cannot rename " + tmp_path + " to " +
                               final_path + ": " + ErrnoText(err));
  }
  return absl::OkStatus();
}

}  // namespace dkimbatch::io
