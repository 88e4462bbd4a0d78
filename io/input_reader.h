// io/input_reader.h
//
// Turns the command line's PATH arguments into a stream of raw messages, in a
// deterministic order: an mbox file (detected by a leading `From ` line), a
// single message file (.eml or any file that is not an mbox), a Maildir or a
// directory tree (io/maildir.h), or "-" for standard input.
#ifndef DKIMBATCH_IO_INPUT_READER_H_
#define DKIMBATCH_IO_INPUT_READER_H_

#include <cstdint>
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
  size_t arg = 0;                             // which PATH argument (0-based)
  uint64_t index = 0;              // 0-based position within its PATH arg
  std::optional<uint64_t> offset;  // byte offset, mbox only
  std::string_view bytes;          // the message (points into `file` or
                                   // `unquoted`)
  std::shared_ptr<const MappedFile> file;  // keeps `bytes` alive
  // Used when mbox un-quoting changed the bytes. It is always heap-allocated,
  // so moving a RawMessage keeps `bytes` valid; a copy must re-point `bytes`.
  std::string unquoted;
  std::string error;         // input could not be read; `bytes` is empty
  bool read_failed = false;  // true when `error` is an I/O failure (exit 1)
  // With InputOptions::defer_unquote: the mbox quoting `bytes` (still
  // quoted) is in, and its QuoteHits; ResolveBytes un-quotes.
  std::optional<MboxFormat> quoting;
  QuoteHits quotes;
};

// ResolveBytes returns the message bytes of `msg`: `msg.bytes`, or, for a
// deferred mbox message with quoted lines, its un-quoted copy in `*scratch`.
std::string_view ResolveBytes(const RawMessage& msg, std::string* scratch);

// A run of whole messages of a mapped mbox, left for the consumer to split
// (MboxSplitter(file->data(), begin, end), or MboxSplitter over a copy of
// those bytes that file->ReadRange made, its offsets then counted from
// `begin`): so that each message is split right before it is verified, on
// the same thread, and is still in that core's caches. The PATH argument's
// message index of the first of them is not known (the reader has not
// counted them).
struct MboxChunk {
  std::shared_ptr<const std::string> source;  // PATH as given, or file path
  size_t arg = 0;                             // which PATH argument
  std::shared_ptr<const MappedFile> file;
  size_t begin = 0, end = 0;  // separator positions in file->data()
  MboxFormat format = MboxFormat::kMboxrd;
  uint64_t max_message_bytes = UINT64_MAX;  // InputOptions'
};

// MboxMessageBytes returns the bytes to verify of `message`: its raw bytes,
// or its un-quoted copy in `*scratch` when a line needs un-quoting. A
// message larger than `max_message_bytes` is never copied.
std::string_view MboxMessageBytes(const MboxMessage& message, MboxFormat format,
                                  uint64_t max_message_bytes,
                                  std::string* scratch);

struct InputOptions {
  MboxFormat mbox_format = MboxFormat::kMboxrd;
  // Leave mbox un-quoting to the consumer (RawMessage::quoting and
  // ResolveBytes), so that it runs in parallel and in the consumer's own
  // reused buffer rather than in the serial reader.
  bool defer_unquote = false;
  // An mbox message larger than this (as stored) is not un-quoted: it will
  // not be verified (engine::VerifyOptions::max_message_bytes), so it is
  // never copied either.
  uint64_t max_message_bytes = UINT64_MAX;
};

class InputReader {
 public:
  InputReader(std::vector<std::string> paths, InputOptions options);

  // Next fills `*out` with the next message and returns true, or returns
  // false when every input is exhausted. An input that cannot be opened or
  // read yields one RawMessage with `error` set (and `read_failed`), e.g.
  // "cannot open: No such file or directory". An empty file, empty stdin or a
  // directory with no message file yields one RawMessage with `error`
  // "empty input" (not a read failure). Directory entries that could not be
  // listed (io/maildir.h) each yield a RawMessage with `error` set to the
  // reason, `source` the entry's path and `read_failed`; they come after the
  // directory's messages. `index` counts every RawMessage of a PATH argument,
  // errors included, so (PATH, index) is unique. Directories are listed only
  // when reached, and only one mbox is open at a time.
  bool Next(RawMessage* out);

  // NextChunk, when the reader is inside a mapped mbox file (not a piped
  // stream), hands over its next messages as one chunk of about
  // `target_bytes` and returns true; else it returns false and Next goes on.
  // The messages of a chunk count towards their PATH's `index` but the
  // reader does not count them: after a chunk, `index` of the messages Next
  // returns from the same PATH is no longer exact.
  bool NextChunk(size_t target_bytes, MboxChunk* out);

  // The PATH argument of the message Next returned last and the `index` of
  // the next message from it (exact while no chunk has been taken). Before
  // any message: SIZE_MAX and 0.
  size_t current_arg() const { return next_path_ - 1; }
  uint64_t next_index() const { return next_index_; }

  // any_read_failed returns true once an input could not be read (exit 1).
  bool any_read_failed() const { return any_read_failed_; }

 private:
  // (Private members may be reorganised freely by the implementation.)

  // StartNextPath begins the next PATH argument. Returns true when that
  // already filled `*out` (an error, an empty input or a single message).
  bool StartNextPath(RawMessage* out);

  // NextMessage is Next without setting `arg`.
  bool NextMessage(RawMessage* out);

  // OpenInput reads the file at `path` (or stdin for "-"; a piped mbox
  // there is read in windows) as `source`.
  // Returns true when it filled `*out`; false when it started an mbox, whose
  // messages then come from `splitter_`.
  bool OpenInput(const std::string& path,
                 std::shared_ptr<const std::string> source, RawMessage* out);

  // OpenedInput goes on from OpenInput with the bytes of the input.
  bool OpenedInput(absl::StatusOr<std::shared_ptr<MappedFile>> file,
                   std::shared_ptr<const std::string> source, RawMessage* out);

  // FillError makes `*out` the error record `error` for `source`.
  void FillError(std::shared_ptr<const std::string> source, std::string error,
                 bool read_failed, RawMessage* out);

  std::vector<std::string> paths_;
  InputOptions options_;
  size_t next_path_ = 0;
  uint64_t next_index_ = 0;  // index of the next RawMessage of this PATH

  // Directory PATH being walked: its files, then its listing problems.
  std::vector<std::string> listed_;
  size_t next_listed_ = 0;
  std::vector<std::string> listing_errors_;  // "path: reason"
  size_t next_listing_error_ = 0;

  // Current mbox being split; the reader holds only this one open.
  std::shared_ptr<const MappedFile> current_;
  std::shared_ptr<const std::string> current_source_;
  std::optional<MboxSplitter> splitter_;
  MboxMessage message_;  // the split's last message (its QuoteHits reused)

  // SeparatorByReading is FindSeparatorLine(current_->data(), from), with
  // the bytes read into peek_ (through the mapping if they cannot be).
  size_t SeparatorByReading(size_t from);
  std::string peek_;

  // A piped mbox on stdin is read a window at a time (kStreamWindow bytes
  // more each time), so memory does not grow with the stream: current_ is
  // the window, stream_base_ its offset in the stream. A message that runs
  // off the end of a window is carried into the next one.
  static constexpr size_t kStreamWindow = size_t{16} << 20;
  bool streaming_ = false;   // current_ is a window of stdin
  bool stream_eof_ = false;  // stdin has ended
  uint64_t stream_base_ = 0;
  std::string stream_error_;  // a read failure, reported after the messages

  // NextWindow moves the splitter to the next window of stdin, starting
  // with the unfinished message at `carry_from` of the current one. Returns
  // false (stream_error_ set) when reading fails.
  bool NextWindow(size_t carry_from);

  bool any_read_failed_ = false;
};

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_INPUT_READER_H_
