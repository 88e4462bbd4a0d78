// tests/fuzz/fuzz_mbox_split.cc
//
// mbox splitting and un-quoting (io/mbox.h) against a line-by-line
// reference written from the rules in mbox.h: a `From ` line is a separator
// at the start of the data or after an empty line; the empty line before a
// separator (and a final empty line) is framing. Also checks that un-quoting
// removes exactly one '>' per quoted line and nothing else, and that a
// split chunk by chunk (MboxSplitter::TakeChunk) gives the same messages.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/mbox.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using dkimbatch::io::MboxFormat;

struct RefMessage {
  uint64_t offset;
  size_t begin;
  size_t end;
};

bool IsEmptyLine(std::string_view line) {
  return line == "\n" || line == "\r\n";
}

std::vector<RefMessage> RefSplit(std::string_view data) {
  // Line starts, and which lines are separators.
  std::vector<size_t> starts;
  for (size_t p = 0; p < data.size();) {
    starts.push_back(p);
    size_t nl = data.find('\n', p);
    p = nl == std::string_view::npos ? data.size() : nl + 1;
  }
  auto line = [&](size_t k) {
    size_t end = k + 1 < starts.size() ? starts[k + 1] : data.size();
    return data.substr(starts[k], end - starts[k]);
  };
  std::vector<size_t> separators;  // line numbers
  for (size_t k = 0; k < starts.size(); ++k) {
    if (line(k).starts_with("From ") && (k == 0 || IsEmptyLine(line(k - 1)))) {
      separators.push_back(k);
    }
  }
  std::vector<RefMessage> out;
  if (data.empty()) return out;
  // (offset, first body byte) of each message.
  std::vector<std::pair<size_t, size_t>> heads;
  if (separators.empty() || separators[0] != 0) heads.push_back({0, 0});
  for (size_t k : separators) {
    size_t body = k + 1 < starts.size() ? starts[k + 1] : data.size();
    heads.push_back({starts[k], body});
  }
  for (size_t m = 0; m < heads.size(); ++m) {
    size_t next = m + 1 < heads.size() ? heads[m + 1].first : data.size();
    size_t end = next;
    // Framing: the empty line that ends right at `next`.
    size_t framing = 0;
    if (next > 0 && data[next - 1] == '\n') {
      // Line k is the one ending at `next`.
      size_t k = static_cast<size_t>(
          std::upper_bound(starts.begin(), starts.end(), next - 1) -
          starts.begin() - 1);
      if (IsEmptyLine(line(k))) framing = line(k).size();
    }
    if (end - heads[m].second >= framing) end -= framing;
    out.push_back({heads[m].first, heads[m].second, end});
  }
  return out;
}

// QuotedLines counts the lines of `raw` that `format` un-quotes.
size_t QuotedLines(std::string_view raw, MboxFormat format) {
  size_t count = 0;
  for (size_t p = 0; p < raw.size();) {
    size_t nl = raw.find('\n', p);
    size_t end = nl == std::string_view::npos ? raw.size() : nl + 1;
    std::string_view l = raw.substr(p, end - p);
    size_t q = 0;
    while (q < l.size() && l[q] == '>') ++q;
    bool quoted = q > 0 && l.substr(q).starts_with("From ") &&
                  (format == MboxFormat::kMboxrd || q == 1);
    count += quoted ? 1 : 0;
    p = end;
  }
  return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<RefMessage> want = RefSplit(text);
  dkimbatch::io::MboxSplitter splitter(text);
  dkimbatch::io::MboxMessage message;
  size_t i = 0;
  while (splitter.Next(&message)) {
    FUZZ_CHECK(i < want.size());
    FUZZ_CHECK(message.offset == want[i].offset);
    FUZZ_CHECK(message.raw.data() == text.data() + want[i].begin);
    FUZZ_CHECK(message.raw.size() == want[i].end - want[i].begin);
    FUZZ_CHECK(message.maybe_quoted ==
               (message.raw.find(">From ") != std::string_view::npos));
    // The split's QuoteHits are the ">From "s of the message, the first
    // kMaxQuoteHits + 1 of them.
    size_t hits = 0;
    for (size_t at = message.raw.find(">From "); at != std::string_view::npos;
         at = message.raw.find(">From ", at + 1)) {
      if (hits < message.quotes.size()) FUZZ_CHECK(message.quotes[hits] == at);
      ++hits;
    }
    FUZZ_CHECK(message.quotes.size() ==
               std::min(hits, dkimbatch::io::kMaxQuoteHits + 1));
    for (MboxFormat format : {MboxFormat::kMboxrd, MboxFormat::kMboxo}) {
      const size_t quoted = QuotedLines(message.raw, format);
      FUZZ_CHECK(dkimbatch::io::NeedsUnquote(message.raw, format) ==
                 (quoted > 0));
      FUZZ_CHECK(dkimbatch::io::NeedsUnquote(message.raw, format,
                                             message.quotes) == (quoted > 0));
      std::string unquoted;
      dkimbatch::io::Unquote(message.raw, format, &unquoted);
      FUZZ_CHECK(unquoted.size() + quoted == message.raw.size());
      std::string from_split;
      dkimbatch::io::Unquote(message.raw, format, message.quotes, &from_split);
      FUZZ_CHECK(from_split == unquoted);
    }
    ++i;
  }
  FUZZ_CHECK(i == want.size());
  FUZZ_CHECK(dkimbatch::io::LooksLikeMbox(text) == text.starts_with("From "));

  // Chunk by chunk (TakeChunk, a splitter per range), with a chunk size
  // taken from the input, the messages are the same.
  const size_t target = size == 0 ? 0 : data[0] % 64;
  dkimbatch::io::MboxSplitter chunker(text);
  size_t begin, end, expected_begin = 0;
  i = 0;
  while (chunker.TakeChunk(target, &begin, &end)) {
    FUZZ_CHECK(begin == expected_begin && end > begin && end <= size);
    dkimbatch::io::MboxSplitter part(text, begin, end);
    const size_t before = i;
    while (part.Next(&message)) {
      FUZZ_CHECK(i < want.size());
      FUZZ_CHECK(message.offset == want[i].offset);
      FUZZ_CHECK(message.raw.data() == text.data() + want[i].begin);
      FUZZ_CHECK(message.raw.size() == want[i].end - want[i].begin);
      ++i;
    }
    FUZZ_CHECK(i > before);
    expected_begin = end;
  }
  FUZZ_CHECK(i == want.size() && expected_begin == size);
  return 0;
}
