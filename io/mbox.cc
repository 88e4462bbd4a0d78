// io/mbox.cc
//
// mbox splitting and un-quoting. The split scans for "\nFrom " and ">From "
// at once (engine/simd/find.h, AVX2 / AVX-512 or memmem) and checks the few
// candidates by hand, so the cost is one pass at memory speed over multi-GB
// archives, with no allocation per line; only a message with a `>From ` is
// looked at again, and copied only when a line really needs un-quoting.
#include "io/mbox.h"

#include <algorithm>

#include "engine/simd/find.h"

namespace dkimbatch::io {
namespace {

constexpr std::string_view kFrom = "From ";

// IsLineStart returns true when byte `i` of `data` begins a line.
bool IsLineStart(std::string_view data, size_t i) {
  return i == 0 || data[i - 1] == '\n';
}

// EmptyLineBefore returns the length of the empty line ("\n" or "\r\n") that
// ends right before `pos` (so `data[pos - 1]` is '\n'), or 0 when the line
// ending there is not empty.
size_t EmptyLineBefore(std::string_view data, size_t pos) {
  if (pos == 0 || data[pos - 1] != '\n') {
    return 0;
  }
  if (IsLineStart(data, pos - 1)) {
    return 1;
  }
  if (pos >= 2 && data[pos - 2] == '\r' && IsLineStart(data, pos - 2)) {
    return 2;
  }
  return 0;
}

// Find returns the position of `needle` in `data` at or after `from`, or
// npos (SIMD at the engine's active level, memmem in scalar).
size_t Find(std::string_view data, size_t from, std::string_view needle) {
  return engine::simd::FindSubstring(data, from, needle);
}

// FindSeparator returns the position of the first `From ` separator line that
// starts after byte `from` and after an empty line, or `data.size()`. It
// notes each `>From ` before it in `*quotes` (unless null), as a position
// from `from`.
size_t FindSeparator(std::string_view data, size_t from, QuoteHits* quotes) {
  size_t i = from;
  for (;; ++i) {
    i = engine::simd::FindAfterEither(data, i, '\n', '>', kFrom);
    if (i == std::string_view::npos) {
      return data.size();
    }
    if (data[i] == '>') {
      if (quotes != nullptr && quotes->size() <= kMaxQuoteHits) {
        quotes->push_back(i - from);
      }
    } else if (EmptyLineBefore(data, i + 1) != 0) {
      return i + 1;
    }
  }
}

// QuotedLineAt returns true when the `>From ` found at `hit` is a line that
// `format` un-quotes; `*line_start` is then the position of its first '>'.
bool QuotedLineAt(std::string_view raw, size_t hit, MboxFormat format,
                  size_t* line_start) {
  size_t k = hit;
  if (format == MboxFormat::kMboxrd) {
    while (k > 0 && raw[k - 1] == '>') {
      --k;
    }
  }
  *line_start = k;
  return IsLineStart(raw, k);
}

}  // namespace

bool LooksLikeMbox(std::string_view data) { return data.starts_with(kFrom); }

bool MboxSplitter::Next(MboxMessage* out) {
  const size_t n = data_.size();
  if (pos_ >= end_) {
    return false;
  }
  const size_t separator = pos_;
  size_t body = pos_;
  if (data_.substr(pos_).starts_with(kFrom)) {
    const size_t eol = data_.find('\n', pos_);  // memchr
    body = eol == std::string_view::npos ? n : eol + 1;
  }
  // Otherwise pos_ is 0 and these are the bytes before the first separator.

  out->quotes.clear();
  const size_t next = FindSeparator(data_, body, &out->quotes);
  out->maybe_quoted = !out->quotes.empty();
  // The empty line before the next separator is framing. At the end of the
  // data a final empty line is framing too (mbox writers end every message
  // with one), as Python's mailbox module and mutt read it.
  size_t end = next;
  size_t framing = EmptyLineBefore(data_, end);
  if (end - body >= framing) {
    end -= framing;
  }
  out->offset = separator;
  out->raw = data_.substr(body, end - body);
  pos_ = next;
  return true;
}

size_t FindSeparatorLine(std::string_view data, size_t from) {
  return FindSeparator(data, from, nullptr);
}

bool MboxSplitter::TakeChunk(size_t target_bytes, size_t* begin, size_t* end) {
  return TakeChunkWith(target_bytes, begin, end, [this](size_t from) {
    return FindSeparatorLine(data_, from);
  });
}

namespace {

// QuoteCursor yields a message's QuoteHits in order: from the split's notes
// when they are complete, else (none given, or more than kMaxQuoteHits) by
// scanning the message.
class QuoteCursor {
 public:
  QuoteCursor(std::string_view raw, const QuoteHits* notes)
      : raw_(raw),
        notes_(notes != nullptr && notes->size() <= kMaxQuoteHits ? notes
                                                                  : nullptr) {}

  // Next returns the next hit, or npos.
  size_t Next() {
    if (notes_ != nullptr) {
      return k_ < notes_->size() ? (*notes_)[k_++] : std::string_view::npos;
    }
    const size_t hit = Find(raw_, from_, ">From ");
    if (hit != std::string_view::npos) from_ = hit + 1;
    return hit;
  }

 private:
  std::string_view raw_;
  const QuoteHits* notes_;
  size_t k_ = 0;     // next note
  size_t from_ = 0;  // where the scan goes on
};

bool NeedsUnquoteAt(std::string_view raw, MboxFormat format,
                    const QuoteHits* notes) {
  QuoteCursor quotes(raw, notes);
  size_t line_start;
  for (size_t hit = quotes.Next(); hit != std::string_view::npos;
       hit = quotes.Next()) {
    if (QuotedLineAt(raw, hit, format, &line_start)) return true;
  }
  return false;
}

void UnquoteAt(std::string_view raw, MboxFormat format, const QuoteHits* notes,
               std::string* out) {
  out->clear();
  out->reserve(raw.size());
  QuoteCursor quotes(raw, notes);
  size_t copied = 0;  // raw[0, copied) is in *out
  size_t line_start;
  for (size_t hit = quotes.Next(); hit != std::string_view::npos;
       hit = quotes.Next()) {
    if (QuotedLineAt(raw, hit, format, &line_start)) {
      out->append(raw.data() + copied, line_start - copied);
      copied = line_start + 1;  // drop one '>'
    }
  }
  out->append(raw.data() + copied, raw.size() - copied);
}

}  // namespace

bool NeedsUnquote(std::string_view raw, MboxFormat format,
                  const QuoteHits& quotes) {
  return NeedsUnquoteAt(raw, format, &quotes);
}

bool NeedsUnquote(std::string_view raw, MboxFormat format) {
  return NeedsUnquoteAt(raw, format, nullptr);
}

void Unquote(std::string_view raw, MboxFormat format, const QuoteHits& quotes,
             std::string* out) {
  UnquoteAt(raw, format, &quotes, out);
}

void Unquote(std::string_view raw, MboxFormat format, std::string* out) {
  UnquoteAt(raw, format, nullptr, out);
}

}  // namespace dkimbatch::io
