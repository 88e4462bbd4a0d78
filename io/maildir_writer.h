// io/maildir_writer.h
//
// Writes messages into a Maildir (creates DIR/{cur,new,tmp}); each message is
// written to tmp/ and renamed into place, so a reader never sees half a file.
#ifndef DKIMBATCH_IO_MAILDIR_WRITER_H_
#define DKIMBATCH_IO_MAILDIR_WRITER_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace dkimbatch::io {

class MaildirWriter {
 public:
  // Create makes DIR, DIR/cur, DIR/new and DIR/tmp (existing ones are fine).
  static absl::Status Create(const std::string& dir, MaildirWriter* out);

  // Write stores `message` as DIR/<sub>/<name> where `sub` is "cur" or "new"
  // and `name` a file name chosen by the caller (deterministic names keep
  // generated corpora reproducible; names sort in the wanted order).
  absl::Status Write(std::string_view sub, const std::string& name,
                     std::string_view message) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_MAILDIR_WRITER_H_
