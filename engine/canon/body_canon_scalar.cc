// engine/canon/body_canon_scalar.cc
//
// Scalar body canonicalization: the reference implementation, the code to
// read to understand the algorithm. Lines are found with memchr; empty
// lines are only counted and emitted when a non-empty line follows, which
// drops trailing empty lines.
#include <algorithm>
#include <cstring>

#include "engine/canon/body_canon_internal.h"
#include "engine/internal/ascii.h"

namespace dkimbatch::engine::internal {
namespace {

// BufferedOutput batches small writes and enforces the l= limit.
class BufferedOutput {
 public:
  BufferedOutput(ByteSink* sink, uint64_t limit) : sink_(sink), limit_(limit) {}
  ~BufferedOutput() { Flush(); }

  void Append(std::string_view bytes) {
    total_ += bytes.size();
    if (written_ >= limit_) return;
    uint64_t room = limit_ - written_;
    if (bytes.size() > room) bytes = bytes.substr(0, room);
    written_ += bytes.size();
    if (bytes.size() > sizeof(buf_) - used_) {
      Flush();
      if (bytes.size() >= sizeof(buf_)) {
        sink_->Write(bytes);
        return;
      }
    }
    std::memcpy(buf_ + used_, bytes.data(), bytes.size());
    used_ += bytes.size();
  }
  void Flush() {
    if (used_ > 0) sink_->Write(std::string_view(buf_, used_));
    used_ = 0;
  }
  uint64_t total() const { return total_; }

 private:
  ByteSink* sink_;
  uint64_t limit_;
  uint64_t written_ = 0;
  uint64_t total_ = 0;
  size_t used_ = 0;
  char buf_[4096];
};

// Canonical content of one line (line break excluded) under relaxed: WSP runs
// become one SP, trailing WSP goes. Written into `scratch`.
std::string_view RelaxLine(std::string_view line, char* scratch) {
  size_t n = 0;
  bool pending_space = false;
  for (char c : line) {
    if (IsWsp(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) scratch[n++] = ' ';
    pending_space = false;
    scratch[n++] = c;
  }
  return std::string_view(scratch, n);
}

}  // namespace

uint64_t CanonicalizeBodyScalar(Canon canon, std::string_view body,
                                uint64_t limit, ByteSink* sink) {
  BufferedOutput out(sink, limit);
  uint64_t pending_empty = 0;  // empty lines not yet known to be non-trailing
  bool emitted = false;
  char scratch[4096];
  size_t pos = 0;
  const size_t n = body.size();
  while (pos < n) {
    const void* nl = std::memchr(body.data() + pos, '\n', n - pos);
    size_t end =
        nl == nullptr
            ? n
            : static_cast<size_t>(static_cast<const char*>(nl) - body.data());
    std::string_view line = body.substr(pos, end - pos);
    if (nl != nullptr && !line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    pos = nl == nullptr ? n : end + 1;
    if (canon == Canon::kRelaxed) {
      // Relax long lines piecewise: a piece boundary inside a WSP run is
      // handled by carrying the pending space.
      bool all_wsp = std::all_of(line.begin(), line.end(), IsWsp);
      if (all_wsp) {
        ++pending_empty;
        continue;
      }
      for (; pending_empty > 0; --pending_empty) out.Append("\r\n");
      // Strip trailing WSP first so pieces never end a line with a space.
      while (!line.empty() && IsWsp(line.back())) line.remove_suffix(1);
      bool space_before = false;
      while (!line.empty()) {
        size_t take = std::min(line.size(), sizeof(scratch) / 2);
        std::string_view piece = line.substr(0, take);
        line.remove_prefix(take);
        bool starts_wsp = IsWsp(piece.front());
        std::string_view relaxed = RelaxLine(piece, scratch);
        if (space_before && !starts_wsp) out.Append(" ");
        out.Append(relaxed);
        // RelaxLine dropped this piece's trailing WSP; remember it.
        space_before = IsWsp(piece.back());
        // A WSP run spanning the boundary must give exactly one SP.
        if (space_before && !line.empty()) {
          while (!line.empty() && IsWsp(line.front())) line.remove_prefix(1);
        }
      }
      out.Append("\r\n");
    } else {
      if (line.empty()) {
        ++pending_empty;
        continue;
      }
      for (; pending_empty > 0; --pending_empty) out.Append("\r\n");
      out.Append(line);
      out.Append("\r\n");
    }
    emitted = true;
  }
  if (!emitted && canon == Canon::kSimple) out.Append("\r\n");
  out.Flush();
  return out.total();
}

}  // namespace dkimbatch::engine::internal
