// io/maildir.h
//
// Directory inputs: a Maildir (messages in cur/ and new/, tmp/ ignored) or any
// directory tree of message files, listed in a deterministic order.
#ifndef DKIMBATCH_IO_MAILDIR_H_
#define DKIMBATCH_IO_MAILDIR_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace dkimbatch::io {

// IsMaildir returns true when `dir` has a `cur` or `new` subdirectory.
bool IsMaildir(const std::string& dir);

// ListMessageFiles appends to `*out` the message files under `dir`:
// - for a Maildir, the files of cur/ and new/ sorted by file name (ties by
//   path), then any Maildir++ sub-folders (`.Name/` that are Maildirs) in
//   sorted order; tmp/, other top-level files and sub-directories of cur/ and
//   new/ are ignored;
// - for another directory, every regular file found recursively, sorted by
//   path (component by component, byte order, so a directory's files stay
//   together), where a sub-directory that is itself a Maildir is listed by the
//   Maildir rules.
// Names that start with '.' are skipped (except Maildir++ folders). Paths are
// `dir` + "/" + relative path (no doubled '/' when `dir` ends with one).
// Symlinks to files are followed; directory symlinks are not (no loops).
// Problems with single entries are appended to `*errors` as "path: reason"
// (the reason never contains ": ") and do not stop the walk: unreadable
// sub-directories, broken or looping symlinks (strerror text), and FIFOs,
// sockets and devices ("not a regular file"; they are never opened, so they
// cannot block). Returns an error
// ("cannot read directory: ...") only when `dir` itself cannot be read.
absl::Status ListMessageFiles(const std::string& dir,
                              std::vector<std::string>* out,
                              std::vector<std::string>* errors);

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_MAILDIR_H_
