// io/input_reader.h
//
// Turns the command line's PATH arguments into a stream of raw messages, in a
// deterministic order: an mbox file (detected by a leading `From ` line), a
// single message file (.eml or any file that is not an mbox), a Maildir or a
// directory tree (io/maildir.h), or "-" for standard input.
#ifndef DKIMBATCH_IO_INPUT_READER_H_
#define DKIMBATCH_IO_INPUT_READER_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/mapped_file.h"
#include "io/mbox.h"

namespace dkimbatch::io {

// One message to verify, or one input that failed (`error` non-empty).
struct RawMessage {
  std::shared_ptr<const std::string> source;  // PATH as given, or file path
  uint64_t index = 0;                 // 0-based position within its PATH arg
  std::optional<uint64_t> offset;     // byte offset, mbox only
  std::string_view bytes;             // the message (points into `file` or
                                      // `unquoted`)
  std::shared_ptr<const MappedFile> file;  // keeps `bytes` alive
  std::string unquoted;  // used when mbox un-quoting changed the bytes
  std::string error;     // input could not be read; `bytes` is empty
  bool read_failed = false;  // true when `error` is an I/O failure (exit 1)
};

struct InputOptions {
  MboxFormat mbox_format = MboxFormat::kMboxrd;
};

class InputReader {
 public:
  InputReader(std::vector<std::string> paths, InputOptions options);

  // Next fills `*out` with the next message and returns true, or returns
  // false when every input is exhausted. An input that cannot be opened or
  // read yields one RawMessage with `error` set (and `read_failed`). An empty
  // file or a file with no message yields one RawMessage with `error`
  // "empty input" (not a read failure). Directory entries that could not be
  // listed each yield a RawMessage with `error`.
  bool Next(RawMessage* out);

  // any_read_failed returns true once an input could not be read (exit 1).
  bool any_read_failed() const { return any_read_failed_; }

 private:
  // (Private members may be reorganised freely by the implementation.)
  struct Pending {
    std::string path;     // file to open
    std::shared_ptr<const std::string> source_name;
    uint64_t* counter;    // index counter of the PATH argument
  };
  bool OpenNext();

  std::vector<std::string> paths_;
  InputOptions options_;
  size_t next_path_ = 0;
  std::deque<Pending> pending_;
  std::deque<RawMessage> errors_;  // queued error messages from listing
  std::vector<std::unique_ptr<uint64_t>> counters_;
  // Current mbox being split.
  std::shared_ptr<const MappedFile> current_;
  std::shared_ptr<const std::string> current_source_;
  uint64_t* current_counter_ = nullptr;
  std::optional<MboxSplitter> splitter_;
  bool any_read_failed_ = false;
};

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_INPUT_READER_H_
