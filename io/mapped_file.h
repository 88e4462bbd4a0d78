// io/mapped_file.h
//
// Read-only view of a whole input: a memory-mapped regular file (never read
// into the heap, so archives larger than RAM work), or the bytes of a
// non-seekable stream such as standard input.
#ifndef DKIMBATCH_IO_MAPPED_FILE_H_
#define DKIMBATCH_IO_MAPPED_FILE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dkimbatch::io {

class MappedFile {
 public:
  // Open maps the regular file at `path` read-only. An empty file gives an
  // empty view. Returns an error Status (with errno text) when the file cannot
  // be opened or mapped, or is not a regular file.
  static absl::StatusOr<std::shared_ptr<const MappedFile>> Open(
      const std::string& path);

  // ReadStream reads the whole of file descriptor `fd` (e.g. 0 for stdin)
  // into memory.
  static absl::StatusOr<std::shared_ptr<const MappedFile>> ReadStream(int fd);

  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view data() const { return data_; }

 private:
  MappedFile() = default;
  std::string_view data_;
  void* map_ = nullptr;  // munmap'ed on destruction when non-null
  size_t map_len_ = 0;
  std::string owned_;    // stream contents
};

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_MAPPED_FILE_H_
