// engine/canon/body_canon_internal.h
//
// Pieces of body canonicalization shared by its implementations: one entry
// point per SIMD level (body_canon.cc picks one), the extent of the body
// that has canonical lines (trailing empty lines cut off up front), and the
// output buffer the vector kernels stream through. Not for use outside
// engine/canon/ and its tests.
#ifndef DKIMBATCH_ENGINE_CANON_BODY_CANON_INTERNAL_H_
#define DKIMBATCH_ENGINE_CANON_BODY_CANON_INTERNAL_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "engine/canon/canon_mode.h"
#include "engine/canon/sink.h"

namespace dkimbatch::engine::internal {

// CanonicalizeBodyScalar is the reference implementation
// (body_canon_scalar.cc); the others must give byte-identical output and
// the same return value for every input, limit and sink.
uint64_t CanonicalizeBodyScalar(Canon canon, std::string_view body,
                                uint64_t limit, ByteSink* sink);
uint64_t CanonicalizeBodyAvx2(Canon canon, std::string_view body,
                              uint64_t limit, ByteSink* sink);
uint64_t CanonicalizeBodyAvx512(Canon canon, std::string_view body,
                                uint64_t limit, ByteSink* sink);
// The AVX-512 level's kernel on a CPU with VBMI2 (simd::CpuHasAvx512Vbmi2).
uint64_t CanonicalizeBodyAvx512Vbmi2(Canon canon, std::string_view body,
                                     uint64_t limit, ByteSink* sink);

// BodyExtent: the canonical body is the canonical form of every line of
// body[0, end), each ended by CRLF, then CRLF when `add_crlf`.
struct BodyExtent {
  size_t end = 0;
  bool add_crlf = false;
};

// FindBodyExtent cuts the trailing lines that canonicalize to nothing off
// `body` (empty lines for simple, all-WSP ones for relaxed, §3.4.3-4), so
// the kernels never hold back empty lines. An unterminated last line sets
// `add_crlf` and, under relaxed, loses its trailing WSP here; an empty
// canonical body gives end 0 with `add_crlf` for simple only. It scans
// backwards, so it reads only the trailing blank lines and a few bytes of
// the last line with content.
BodyExtent FindBodyExtent(Canon canon, std::string_view body);

// BodyOutput streams canonical bytes to a ByteSink, honouring l= and
// counting every canonical byte. Kernels write at cursor() directly, with up
// to kSlack bytes of overrun past what they keep. A sink with a window (the
// verifier's hash arena) is written in place; any other goes through a
// fixed buffer (no allocation), and long unchanged spans of the input go to
// it without a copy (Append).
class BodyOutput {
 public:
  static constexpr size_t kCapacity = 8192;
  static constexpr size_t kSlack = 256;
  static constexpr size_t kDirect = 2048;

  BodyOutput(ByteSink* sink, uint64_t limit) : sink_(sink), limit_(limit) {
    Open(kCapacity);
  }
  BodyOutput(const BodyOutput&) = delete;
  BodyOutput& operator=(const BodyOutput&) = delete;

  // cursor is where a kernel writes next; it passes the end of what it
  // wrote to set_cursor().
  char* cursor() const { return cursor_; }
  void set_cursor(char* cursor) { cursor_ = cursor; }

  // MakeRoom makes sure kSlack bytes are free at cursor().
  void MakeRoom() {
    if (static_cast<size_t>(end_ - cursor_) < kSlack) {
      Flush();
      Open(kCapacity);
    }
  }

  // Append emits `bytes` after what is written so far.
  void Append(std::string_view bytes) {
    if (bytes.empty()) return;
    if (!window_ && bytes.size() >= kDirect) {
      Flush();
      Emit(bytes);
      return;
    }
    if (bytes.size() > static_cast<size_t>(end_ - cursor_)) {
      Flush();
      Open(std::max(kCapacity, bytes.size() + kSlack));
    }
    std::memcpy(cursor_, bytes.data(), bytes.size());
    cursor_ += bytes.size();
  }

  // Flush hands what is written to the sink; MakeRoom or Append opens
  // room again.
  void Flush() {
    const size_t n = static_cast<size_t>(cursor_ - begin_);
    if (window_) {
      total_ += n;
      const uint64_t keep =
          written_ >= limit_ ? 0 : std::min<uint64_t>(n, limit_ - written_);
      written_ += keep;
      sink_->Commit(static_cast<size_t>(keep));
      begin_ = cursor_ = end_ = nullptr;
    } else {
      Emit(std::string_view(buf_, n));
      cursor_ = buf_;
    }
  }

  // total returns the number of canonical bytes emitted (flushed) so far.
  uint64_t total() const { return total_; }

 private:
  // Open starts room for at least `min` bytes at cursor(): a window of the
  // sink if it has one, else the buffer (min is at most kCapacity then).
  void Open(size_t min) {
    char* window = sink_->Window(min);
    window_ = window != nullptr;
    begin_ = cursor_ = window_ ? window : buf_;
    end_ = window_ ? window + min : buf_ + kCapacity;
  }

  void Emit(std::string_view bytes) {
    total_ += bytes.size();
    if (written_ >= limit_ || bytes.empty()) return;
    bytes =
        bytes.substr(0, std::min<uint64_t>(bytes.size(), limit_ - written_));
    written_ += bytes.size();
    sink_->Write(bytes);
  }

  ByteSink* sink_;
  uint64_t limit_;
  uint64_t written_ = 0;
  uint64_t total_ = 0;
  bool window_ = false;
  char* begin_ = nullptr;
  char* cursor_ = nullptr;
  char* end_ = nullptr;
  alignas(64) char buf_[kCapacity];
};

}  // namespace dkimbatch::engine::internal

#endif  // DKIMBATCH_ENGINE_CANON_BODY_CANON_INTERNAL_H_
