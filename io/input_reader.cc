// io/input_reader.cc
//
// InputReader walks the PATH arguments in order: "-" is read from stdin, a
// directory is listed (io/maildir.h) when it is reached, a file starting with
// a `From ` line is split as an mbox (io/mbox.h), and any other file is one
// message. Messages are views into the mapped file; only lines that need
// un-quoting cause a copy.
#include "io/input_reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <utility>

#include "io/maildir.h"

namespace dkimbatch::io {
namespace {

constexpr char kEmptyInput[] = "empty input";

std::string StatusText(const absl::Status& status) {
  return std::string(status.message().data(), status.message().size());
}

}  // namespace

std::string_view ResolveBytes(const RawMessage& msg, std::string* scratch) {
  if (!msg.quoting || !NeedsUnquote(msg.bytes, *msg.quoting, msg.quotes)) {
    return msg.bytes;
  }
  Unquote(msg.bytes, *msg.quoting, msg.quotes, scratch);
  return *scratch;
}

std::string_view MboxMessageBytes(const MboxMessage& message, MboxFormat format,
                                  uint64_t max_message_bytes,
                                  std::string* scratch) {
  if (!message.maybe_quoted || message.raw.size() > max_message_bytes ||
      !NeedsUnquote(message.raw, format, message.quotes)) {
    return message.raw;
  }
  Unquote(message.raw, format, message.quotes, scratch);
  return *scratch;
}

InputReader::InputReader(std::vector<std::string> paths, InputOptions options)
    : paths_(std::move(paths)), options_(options) {}

bool InputReader::Next(RawMessage* out) {
  if (!NextMessage(out)) return false;
  out->arg = current_arg();
  return true;
}

size_t InputReader::SeparatorByReading(size_t from) {
  const std::string_view data = current_->data();
  // Windows of the file from `from` - 2 on (the two bytes before tell
  // whether a line break at `from` ends an empty line), each overlapping
  // the one before by 7 bytes: a separator that a window's end cuts
  // ("\n\nFrom " past its line break's two look-back bytes) is whole in
  // the next.
  constexpr size_t kPeek = size_t{16} << 10;
  constexpr size_t kOverlap = 7;
  const size_t first = from >= 2 ? from - 2 : 0;
  size_t window = first;
  while (window < data.size()) {
    const size_t len = std::min(kPeek, data.size() - window);
    peek_.resize(len);
    if (!current_->ReadRange(window, window + len, peek_.data())) {
      return FindSeparatorLine(data, from);  // through the mapping
    }
    // From `from`, or in a later window past its two look-back bytes.
    const size_t start =
        (window == first ? from : std::max(from, window + 2)) - window;
    const size_t found = FindSeparatorLine(peek_, start);
    if (found < len) return window + found;
    if (window + len == data.size()) break;
    window += len - kOverlap;
  }
  return data.size();
}

bool InputReader::NextChunk(size_t target_bytes, MboxChunk* out) {
  // The chunk's end is found by reading the file, not through its mapping
  // (see MappedFile::ReadRange), like the chunk itself (io/chunk_splitter.h).
  if (!splitter_.has_value() || streaming_ ||
      !splitter_->TakeChunkWith(
          target_bytes, &out->begin, &out->end,
          [this](size_t from) { return SeparatorByReading(from); })) {
    return false;
  }
  if (out->source != current_source_) out->source = current_source_;
  out->arg = current_arg();
  if (out->file != current_) out->file = current_;
  out->format = options_.mbox_format;
  out->max_message_bytes = options_.max_message_bytes;
  current_->ReadAhead(out->begin);
  return true;
}

bool InputReader::NextMessage(RawMessage* out) {
  // Reset field by field: a reused RawMessage keeps its buffers' memory.
  // `source` and `file` are set below: an mbox message keeps the ones a
  // reused RawMessage already holds when they are the same (no reference
  // count traffic between the reading and the verifying threads).
  out->index = 0;
  out->offset.reset();
  out->bytes = {};
  out->unquoted.clear();
  out->error.clear();
  out->read_failed = false;
  out->quoting.reset();
  out->quotes.clear();
  for (;;) {
    if (splitter_.has_value()) {
      MboxMessage& message = message_;
      if (splitter_->Next(&message)) {
        if (streaming_ && !stream_eof_ && splitter_->at_end() &&
            NextWindow(static_cast<size_t>(message.offset))) {
          continue;  // the message goes on in the next window
        }
        if (out->source != current_source_) out->source = current_source_;
        out->index = next_index_++;
        out->offset = stream_base_ + message.offset;
        if (out->file != current_) out->file = current_;
        current_->ReadAhead(static_cast<size_t>(message.offset));
        if (options_.defer_unquote && message.maybe_quoted &&
            message.raw.size() <= options_.max_message_bytes) {
          out->quoting = options_.mbox_format;
          out->quotes = message.quotes;
          out->bytes = message.raw;
          return true;
        }
        // At least 16 bytes: past the small-string buffer, so un-quoted
        // bytes live on the heap and survive a move of `*out`.
        if (message.maybe_quoted) out->unquoted.reserve(16);
        out->bytes =
            MboxMessageBytes(message, options_.mbox_format,
                             options_.max_message_bytes, &out->unquoted);
        return true;
      }
      splitter_.reset();
      current_.reset();
      streaming_ = false;
      stream_base_ = 0;
      if (!stream_error_.empty()) {
        FillError(std::move(current_source_), std::move(stream_error_),
                  /*read_failed=*/true, out);
        stream_error_.clear();
        return true;
      }
      current_source_.reset();
    }
    out->source.reset();
    out->file.reset();

    if (next_listed_ < listed_.size()) {
      auto source =
          std::make_shared<const std::string>(std::move(listed_[next_listed_]));
      ++next_listed_;
      if (OpenInput(*source, source, out)) {
        return true;
      }
      continue;
    }

    if (next_listing_error_ < listing_errors_.size()) {
      const std::string& problem = listing_errors_[next_listing_error_++];
      // "path: reason", where the reason never contains ": ".
      size_t colon = problem.rfind(": ");
      if (colon == std::string::npos) {
        FillError(std::make_shared<const std::string>(paths_[next_path_ - 1]),
                  problem, /*read_failed=*/true, out);
      } else {
        FillError(std::make_shared<const std::string>(problem, 0, colon),
                  problem.substr(colon + 2), /*read_failed=*/true, out);
      }
      return true;
    }

    if (next_path_ >= paths_.size()) {
      return false;
    }
    if (StartNextPath(out)) {
      return true;
    }
  }
}

bool InputReader::StartNextPath(RawMessage* out) {
  // Free the previous directory's listing before starting the next one.
  listed_ = {};
  next_listed_ = 0;
  listing_errors_ = {};
  next_listing_error_ = 0;
  next_index_ = 0;

  const std::string& path = paths_[next_path_++];
  auto source = std::make_shared<const std::string>(path);
  struct stat st;
  if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    // Not a directory: MappedFile::Open reports what is wrong, if anything.
    return OpenInput(path, std::move(source), out);
  }
  absl::Status status = ListMessageFiles(path, &listed_, &listing_errors_);
  if (!status.ok()) {
    listed_.clear();
    listing_errors_.clear();
    FillError(std::move(source), StatusText(status), /*read_failed=*/true, out);
    return true;
  }
  if (listed_.empty() && listing_errors_.empty()) {
    FillError(std::move(source), kEmptyInput, /*read_failed=*/false, out);
    return true;
  }
  return false;
}

bool InputReader::NextWindow(size_t carry_from) {
  const std::string_view carry = current_->data().substr(carry_from);
  // At least as much again as the carry: a message longer than a window
  // costs reads and copies linear in its size.
  absl::StatusOr<std::shared_ptr<MappedFile>> window = MappedFile::ReadChunk(
      0, carry, std::max(kStreamWindow, carry.size()), &stream_eof_);
  if (!window.ok()) {
    stream_eof_ = true;
    stream_error_ = StatusText(window.status());
    return false;
  }
  stream_base_ += carry_from;
  current_ = *std::move(window);
  splitter_.emplace(current_->data());
  return true;
}

bool InputReader::OpenInput(const std::string& path,
                            std::shared_ptr<const std::string> source,
                            RawMessage* out) {
  struct stat st;
  if (path == "-" && ::fstat(0, &st) == 0 && !S_ISREG(st.st_mode)) {
    // A pipe: the first window says whether it is an mbox.
    bool eof = false;
    absl::StatusOr<std::shared_ptr<MappedFile>> window =
        MappedFile::ReadChunk(0, {}, kStreamWindow, &eof);
    if (window.ok() && LooksLikeMbox((*window)->data())) {
      current_ = *std::move(window);
      current_source_ = std::move(source);
      splitter_.emplace(current_->data());
      streaming_ = true;
      stream_eof_ = eof;
      stream_base_ = 0;
      return false;
    }
    // One message (or nothing): read the rest behind the first window.
    while (window.ok() && !eof) {
      const std::string_view so_far = (*window)->data();
      window = MappedFile::ReadChunk(
          0, so_far, std::max(kStreamWindow, so_far.size()), &eof);
    }
    return OpenedInput(std::move(window), std::move(source), out);
  }
  // The descriptor stays open while an mbox is split, for its chunks'
  // ReadRange (see NextChunk).
  return OpenedInput(path == "-" ? MappedFile::ReadStream(0, true)
                                 : MappedFile::Open(path, true),
                     std::move(source), out);
}

bool InputReader::OpenedInput(absl::StatusOr<std::shared_ptr<MappedFile>> file,
                              std::shared_ptr<const std::string> source,
                              RawMessage* out) {
  if (!file.ok()) {
    FillError(std::move(source), StatusText(file.status()),
              /*read_failed=*/true, out);
    return true;
  }
  std::string_view data = (*file)->data();
  if (data.empty()) {
    FillError(std::move(source), kEmptyInput, /*read_failed=*/false, out);
    return true;
  }
  if (LooksLikeMbox(data)) {
    // Starts with a separator, so the splitter yields at least one message.
    current_ = *std::move(file);
    current_source_ = std::move(source);
    splitter_.emplace(data);
    return false;
  }
  (*file)->CloseDescriptor();  // one message: its bytes are read in place
  out->source = std::move(source);
  out->index = next_index_++;
  out->bytes = data;
  out->file = *std::move(file);
  return true;
}

void InputReader::FillError(std::shared_ptr<const std::string> source,
                            std::string error, bool read_failed,
                            RawMessage* out) {
  out->source = std::move(source);
  out->index = next_index_++;
  out->error = std::move(error);
  out->read_failed = read_failed;
  if (read_failed) {
    any_read_failed_ = true;
  }
}

}  // namespace dkimbatch::io
