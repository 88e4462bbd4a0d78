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
//   path), then any Maildir++ sub-folders (`.Name/`) in sorted order;
// - for another directory, every regular file found recursively, sorted by
//   path, skipping names that start with '.'.
// Paths are `dir` + "/" + relative path. Symlinks to files are followed;
// directory symlinks are not (no loops). Problems with single entries
// (unreadable subdirectories) are appended to `*errors` as "path: reason" and
// do not stop the walk. Returns an error only when `dir` itself cannot be
// read.
absl::Status ListMessageFiles(const std::string& dir,
                              std::vector<std::string>* out,
                              std::vector<std::string>* errors);

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_MAILDIR_H_
