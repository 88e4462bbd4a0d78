// io/chunk_splitter.h
//
// ChunkSplitter: the messages of an mbox chunk (io/input_reader.h), read
// with pread(2) a window at a time into one reused buffer rather than
// through the file's mapping, so that each window is still in the core's
// caches when its messages are verified and no page of the mapping is
// touched (see MappedFile::ReadRange for why that matters).
#ifndef DKIMBATCH_IO_CHUNK_SPLITTER_H_
#define DKIMBATCH_IO_CHUNK_SPLITTER_H_

#include <cstddef>
#include <cstdint>

#include "engine/huge_buffer.h"
#include "io/input_reader.h"
#include "io/mapped_file.h"
#include "io/mbox.h"

namespace dkimbatch::io {

class ChunkSplitter {
 public:
  // Windows of `window` bytes at least (more when a message is longer). A
  // message still unfinished after `max_copy` bytes, and every one after
  // it in the chunk, is split from the mapping instead, so the buffer stays
  // within max_copy bytes (rounded up to engine::HugeBuffer's 2 MiB).
  static constexpr size_t kWindow = size_t{512} << 10;
  static constexpr size_t kMaxCopy = size_t{8} << 20;
  ChunkSplitter() : ChunkSplitter(kWindow, kMaxCopy) {}
  ChunkSplitter(size_t window, size_t max_copy);

  // Start splits the messages of `chunk` from its separator at `from` (a
  // position in chunk.file->data(), chunk.begin or one that pos() gave)
  // to chunk.end. `chunk` must outlive the split.
  void Start(const MboxChunk& chunk, size_t from);

  // Next is MboxSplitter::Next over chunk.file->data() from `from` to
  // chunk.end: the same messages, offsets and quote notes. `out->raw` is
  // valid until the next call of Next or Start.
  bool Next(MboxMessage* out);

  // pos is where the next message begins, in chunk.file->data().
  size_t pos() const { return static_cast<size_t>(base_) + split_.pos(); }

 private:
  // Read sets the window to the bytes of the file from `from` (a
  // separator) on: those already in the buffer from there, then at least
  // as many again as those and no fewer than window_ bytes, up to the
  // chunk's end. Returns false (the caller then maps) when that exceeds
  // max_copy_, or there is no memory for it, or it cannot be read.
  bool Read(size_t from);

  // Map makes the rest of the chunk, from `from`, split from the mapping.
  void Map(size_t from);

  size_t window_, max_copy_;
  engine::HugeBuffer buffer_;
  const MappedFile* file_ = nullptr;
  size_t end_ = 0;       // chunk.end
  size_t read_end_ = 0;  // where the window ends, in file_->data()
  uint64_t base_ = 0;    // where the splitter's data begins, in file_->data()
  bool mapped_ = false;  // split_ is over file_->data() itself (base_ 0)
  MboxSplitter split_{std::string_view()};
};

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_CHUNK_SPLITTER_H_
