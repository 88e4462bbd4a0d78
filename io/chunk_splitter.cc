// io/chunk_splitter.cc
//
// ChunkSplitter: an MboxSplitter over a window of the chunk read into a
// buffer. A message that runs to the window's end may go on past it, so
// the window is then read again from that message's separator, larger.
#include "io/chunk_splitter.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <string_view>

namespace dkimbatch::io {

ChunkSplitter::ChunkSplitter(size_t window, size_t max_copy)
    : window_(std::max<size_t>(window, 1)),
      max_copy_(std::max<size_t>(max_copy, 1)) {}

void ChunkSplitter::Start(const MboxChunk& chunk, size_t from) {
  file_ = chunk.file.get();
  end_ = chunk.end;
  mapped_ = false;
  base_ = read_end_ = from;  // nothing of the chunk in the buffer yet
  if (!Read(from)) Map(from);
}

bool ChunkSplitter::Next(MboxMessage* out) {
  for (;;) {
    if (!split_.Next(out)) return false;
    if (mapped_ || read_end_ >= end_ || !split_.at_end()) {
      out->offset += base_;
      return true;
    }
    // The message runs to the window's end, so it may go on past it (and
    // its end, the empty line before a separator, is not known yet).
    const size_t from = static_cast<size_t>(base_ + out->offset);
    if (!Read(from)) Map(from);
  }
}

bool ChunkSplitter::Read(size_t from) {
  // The window's bytes from `from` on are kept, not read again.
  const size_t kept = from < read_end_ ? read_end_ - from : 0;
  if (kept >= max_copy_) return false;
  // At least as many again as those kept: a long message costs a few
  // reads and scans of itself, not one per window.
  const size_t want =
      std::min({end_ - from, std::max(window_, 2 * kept), max_copy_});
  char* const buffer = buffer_.data();
  if (kept > 0 && from != base_) {
    std::memmove(buffer, buffer + (from - static_cast<size_t>(base_)), kept);
  }
  try {
    buffer_.Reserve(want, kept);  // huge pages (see engine/huge_buffer.h)
  } catch (const std::bad_alloc&) {
    return false;  // no memory for a copy: the mapping has the bytes
  }
  if (!file_->ReadRange(from + kept, from + want, buffer_.data() + kept)) {
    return false;
  }
  base_ = from;
  read_end_ = from + want;
  split_ = MboxSplitter(std::string_view(buffer_.data(), want));
  return true;
}

void ChunkSplitter::Map(size_t from) {
  mapped_ = true;
  base_ = 0;
  read_end_ = end_;
  split_ = MboxSplitter(file_->data(), from, end_);
}

}  // namespace dkimbatch::io
