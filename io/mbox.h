// io/mbox.h
//
// mbox splitting and un-quoting (mboxo and mboxrd) over an in-memory view.
//
// A `From ` separator line counts only at the start of the data or right after
// an empty line (LF or CRLF line ends). A message is the bytes after its
// separator line up to the next separator; the empty line that precedes the
// next separator belongs to the mbox framing and is not part of the message.
// The last message may lack a final newline.
#ifndef DKIMBATCH_IO_MBOX_H_
#define DKIMBATCH_IO_MBOX_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/inlined_vector.h"

namespace dkimbatch::io {

// mbox quoting variants. DESIGN.md: `auto` (the CLI default) reads as mboxrd.
enum class MboxFormat : uint8_t { kMboxo, kMboxrd };

// LooksLikeMbox returns true when `data` starts with a `From ` separator.
bool LooksLikeMbox(std::string_view data);

// QuoteHits are the positions in a message of each '>' right before "From "
// (ascending): the only places un-quoting can change. The split notes at
// most kMaxQuoteHits + 1 of them: a list that long stands for "more than
// kMaxQuoteHits", which NeedsUnquote and Unquote find again by scanning
// (so memory stays bounded whatever a message holds).
using QuoteHits = absl::InlinedVector<size_t, 4>;
inline constexpr size_t kMaxQuoteHits = 256;

struct MboxMessage {
  uint64_t offset = 0;   // byte offset of the `From ` separator line
  std::string_view raw;  // message bytes, still quoted
  // Whether `raw` holds a `>From `, and where (noted by the split in the
  // same pass): when false no line needs un-quoting; when true, NeedsUnquote
  // decides.
  bool maybe_quoted = false;
  QuoteHits quotes;
};

// MboxSplitter cuts messages out of `data` one at a time, without copying.
// `data` must outlive the splitter and the views it returns.
class MboxSplitter {
 public:
  explicit MboxSplitter(std::string_view data)
      : data_(data), end_(data.size()) {}

  // A splitter of the messages of `data` from `begin` to `end`, both
  // positions of separators (as TakeChunk returns them) or `end` ==
  // data.size(). Offsets and messages are those of the whole `data`.
  MboxSplitter(std::string_view data, size_t begin, size_t end)
      : data_(data), pos_(begin), end_(end) {}

  // Next stores the next message in `*out` and returns true, or returns false
  // at the end of the data. Bytes before the first separator (when `data`
  // does not start with one) are returned as a message of their own.
  bool Next(MboxMessage* out);

  // TakeChunk passes over the next messages, about `target_bytes` of them
  // (at least one message, ending at a separator or the end of the data),
  // without reading them: [*begin, *end) is then the range for a splitter
  // of its own. Returns false when no message is left. Reads only the bytes
  // from `target_bytes` on up to the next separator.
  bool TakeChunk(size_t target_bytes, size_t* begin, size_t* end);

  // TakeChunkWith is TakeChunk with `find(from)` standing in for
  // FindSeparatorLine(data, from) (e.g. to read the bytes from the file
  // rather than through the view).
  template <typename Find>
  bool TakeChunkWith(size_t target_bytes, size_t* begin, size_t* end,
                     Find find) {
    if (pos_ >= end_) return false;
    // The first separator whose line break is at pos_ + target_bytes or
    // later (so past pos_): Next, run from pos_, finds every separator
    // before it and stops right at it, since a `From ` line ends before
    // any empty line.
    const size_t from = target_bytes < end_ - pos_ ? pos_ + target_bytes : end_;
    *begin = pos_;
    *end = from >= end_ ? end_ : std::min<size_t>(find(from), end_);
    pos_ = *end;
    return true;
  }

  // at_end returns true when the data is used up: the message Next last
  // returned ended with the data, not at a separator (so, for a window of
  // a longer stream, it may go on past it).
  bool at_end() const { return pos_ >= data_.size(); }

  // pos is where the next message begins (its separator).
  size_t pos() const { return pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  size_t end_;  // Next stops here
};

// FindSeparatorLine returns the position of the first `From ` separator
// line of `data` whose line break before it is at `from` or later, or
// data.size(). It reads from `from` - 2 on (whether that line break ends
// an empty line).
size_t FindSeparatorLine(std::string_view data, size_t from);

// NeedsUnquote returns true when `raw` holds a line that `format` un-quotes:
// `^>+From ` for mboxrd, `^>From ` for mboxo. `quotes` are raw's QuoteHits
// as the split notes them; without them, raw is scanned.
bool NeedsUnquote(std::string_view raw, MboxFormat format,
                  const QuoteHits& quotes);
bool NeedsUnquote(std::string_view raw, MboxFormat format);

// Unquote writes `raw` to `*out` with one `>` removed from each quoted line.
// `quotes` are raw's QuoteHits as the split notes them; without them, raw
// is scanned.
void Unquote(std::string_view raw, MboxFormat format, const QuoteHits& quotes,
             std::string* out);
void Unquote(std::string_view raw, MboxFormat format, std::string* out);

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_MBOX_H_
