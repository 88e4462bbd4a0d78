// io/maildir.cc
//
// Directory listing for Maildir and plain message trees, with opendir /
// readdir / fstatat (d_type saves a stat per file in large Maildirs). Nothing
// here opens a message: special files are reported, never read, so a FIFO in
// a directory cannot hang the run; directory symlinks are never followed, so
// symlink loops cannot recurse.
#include "io/maildir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

namespace dkimbatch::io {
namespace {

enum class Kind : uint8_t {
  kFile,        // regular file, or symlink to one
  kDirectory,   // real directory (not a symlink)
  kDirSymlink,  // symlink to a directory: never followed
  kSpecial,     // FIFO, socket, device (or a symlink to one)
  kBroken,      // stat failed (dangling symlink, loop...): `err` says why
};

struct Entry {
  std::string name;
  Kind kind;
  int err = 0;
};

// Join returns `dir` + "/" + `name`, without doubling a trailing '/'.
std::string Join(const std::string& dir, std::string_view name) {
  std::string path;
  path.reserve(dir.size() + 1 + name.size());
  path = dir;
  if (path.empty() || path.back() != '/') {
    path += '/';
  }
  path += name;
  return path;
}

std::string Problem(const std::string& path, std::string_view reason) {
  std::string out = path;
  out += ": ";
  out += reason;
  return out;
}

Kind KindOfMode(mode_t mode) {
  if (S_ISREG(mode)) {
    return Kind::kFile;
  }
  if (S_ISDIR(mode)) {
    return Kind::kDirectory;
  }
  return Kind::kSpecial;
}

// Classify works out the kind of entry `name` of the open directory `dir_fd`.
Entry Classify(int dir_fd, const dirent& de) {
  Entry entry{de.d_name, Kind::kSpecial, 0};
  switch (de.d_type) {
    case DT_REG:
      entry.kind = Kind::kFile;
      return entry;
    case DT_DIR:
      entry.kind = Kind::kDirectory;
      return entry;
    case DT_FIFO:
    case DT_SOCK:
    case DT_CHR:
    case DT_BLK:
      return entry;
    default:
      break;  // DT_LNK or DT_UNKNOWN: ask the file system
  }
  struct stat st;
  if (::fstatat(dir_fd, de.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    entry.kind = Kind::kBroken;
    entry.err = errno;
    return entry;
  }
  if (!S_ISLNK(st.st_mode)) {
    entry.kind = KindOfMode(st.st_mode);
    return entry;
  }
  if (::fstatat(dir_fd, de.d_name, &st, 0) != 0) {
    entry.kind = Kind::kBroken;
    entry.err = errno;
    return entry;
  }
  entry.kind = KindOfMode(st.st_mode);
  if (entry.kind == Kind::kDirectory) {
    entry.kind = Kind::kDirSymlink;
  }
  return entry;
}

// ReadDir stores the entries of `dir` (without "." and "..") in `*out`,
// sorted by name. Returns the errno when `dir` cannot be opened or read.
int ReadDir(const std::string& dir, std::vector<Entry>* out) {
  out->clear();
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    return errno;
  }
  int err = 0;
  for (;;) {
    errno = 0;
    const dirent* de = ::readdir(d);
    if (de == nullptr) {
      err = errno;
      break;
    }
    if (std::strcmp(de->d_name, ".") == 0 ||
        std::strcmp(de->d_name, "..") == 0) {
      continue;
    }
    out->push_back(Classify(::dirfd(d), *de));
  }
  ::closedir(d);
  std::sort(out->begin(), out->end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return err;
}

// IsRealDirectory returns true when `path` is a directory and not a symlink.
bool IsRealDirectory(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Report appends the problem with a non-file `entry` at `path` to `*errors`;
// directories and directory symlinks are not problems.
void Report(const Entry& entry, const std::string& path,
            std::vector<std::string>* errors) {
  if (entry.kind == Kind::kSpecial) {
    errors->push_back(Problem(path, "not a regular file"));
  } else if (entry.kind == Kind::kBroken) {
    errors->push_back(Problem(path, std::strerror(entry.err)));
  }
}

void ListTree(const std::string& dir, const std::vector<Entry>& entries,
              std::vector<std::string>* out, std::vector<std::string>* errors);

// ListMaildir lists Maildir `dir`, whose own entries are `entries`.
void ListMaildir(const std::string& dir, const std::vector<Entry>& entries,
                 std::vector<std::string>* out,
                 std::vector<std::string>* errors) {
  // (file name, path): sorting by name interleaves cur/ and new/ in delivery
  // order, since Maildir names start with the delivery time.
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<Entry> sub_entries;
  for (const char* sub : {"cur", "new"}) {
    const std::string sub_dir = Join(dir, sub);
    if (!IsRealDirectory(sub_dir)) {
      continue;
    }
    if (int err = ReadDir(sub_dir, &sub_entries); err != 0) {
      errors->push_back(Problem(sub_dir, std::strerror(err)));
    }
    for (Entry& entry : sub_entries) {
      if (entry.name[0] == '.') {
        continue;
      }
      std::string path = Join(sub_dir, entry.name);
      if (entry.kind == Kind::kFile) {
        files.emplace_back(std::move(entry.name), std::move(path));
      } else {
        Report(entry, path, errors);
      }
    }
  }
  std::sort(files.begin(), files.end());
  for (auto& [name, path] : files) {
    out->push_back(std::move(path));
  }
  files.clear();

  // Maildir++ sub-folders: `.Name/` directories that are Maildirs themselves.
  for (const Entry& entry : entries) {
    if (entry.kind != Kind::kDirectory || entry.name[0] != '.') {
      continue;
    }
    const std::string sub_dir = Join(dir, entry.name);
    if (!IsMaildir(sub_dir)) {
      continue;
    }
    if (int err = ReadDir(sub_dir, &sub_entries); err != 0) {
      errors->push_back(Problem(sub_dir, std::strerror(err)));
      continue;
    }
    ListMaildir(sub_dir, sub_entries, out, errors);
  }
}

// ListTree lists plain directory `dir`, whose entries are `entries`, in path
// order (component by component). A sub-directory that is a Maildir is
// listed by the Maildir rules, so its tmp/ and index files are skipped.
void ListTree(const std::string& dir, const std::vector<Entry>& entries,
              std::vector<std::string>* out, std::vector<std::string>* errors) {
  std::vector<Entry> sub_entries;
  for (const Entry& entry : entries) {
    if (entry.name[0] == '.') {
      continue;
    }
    std::string path = Join(dir, entry.name);
    switch (entry.kind) {
      case Kind::kFile:
        out->push_back(std::move(path));
        break;
      case Kind::kDirectory:
        if (int err = ReadDir(path, &sub_entries); err != 0) {
          errors->push_back(Problem(path, std::strerror(err)));
          break;
        }
        if (IsMaildir(path)) {
          ListMaildir(path, sub_entries, out, errors);
        } else {
          ListTree(path, sub_entries, out, errors);
        }
        break;
      case Kind::kDirSymlink:
        break;
      case Kind::kSpecial:
      case Kind::kBroken:
        Report(entry, path, errors);
        break;
    }
  }
}

}  // namespace

bool IsMaildir(const std::string& dir) {
  return IsRealDirectory(Join(dir, "cur")) || IsRealDirectory(Join(dir, "new"));
}

absl::Status ListMessageFiles(const std::string& dir,
                              std::vector<std::string>* out,
                              std::vector<std::string>* errors) {
  std::vector<Entry> entries;
  if (int err = ReadDir(dir, &entries); err != 0) {
    return absl::ErrnoToStatus(err, "cannot read directory");
  }
  if (IsMaildir(dir)) {
    ListMaildir(dir, entries, out, errors);
  } else {
    ListTree(dir, entries, out, errors);
  }
  return absl::OkStatus();
}

}  // namespace dkimbatch::io
