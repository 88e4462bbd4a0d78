// io/mbox_writer.cc
//
// mboxrd writing: the separator line, the message with every `^>*From ` line
// quoted with one more '>', a final line end if missing, and the empty framing
// line. Quoting scans with memmem() for "From " and checks each hit by hand,
// so a message without such lines is appended in one copy.
#include "io/mbox_writer.h"

#include <cstring>

namespace dkimbatch::io {
namespace {

constexpr std::string_view kFrom = "From ";
constexpr std::string_view kDefaultFromLine =
    "From MAILER-DAEMON Thu Jan  1 00:00:00 1970";

// FindFrom returns the position of "From " in `data` at or after `from`, or
// npos.
size_t FindFrom(std::string_view data, size_t from) {
  if (from >= data.size()) {
    return std::string_view::npos;
  }
  const void* hit = ::memmem(data.data() + from, data.size() - from,
                             kFrom.data(), kFrom.size());
  if (hit == nullptr) {
    return std::string_view::npos;
  }
  return static_cast<size_t>(static_cast<const char*>(hit) - data.data());
}

// AppendSeparator appends the `From ` line built from `from_line` (default
// when empty, "From " prefixed when missing, line breaks inside turned into
// spaces so the separator stays one line) and `eol`.
void AppendSeparator(std::string_view from_line, std::string_view eol,
                     std::string* out) {
  while (!from_line.empty() &&
         (from_line.back() == '\n' || from_line.back() == '\r')) {
    from_line.remove_suffix(1);
  }
  if (from_line.empty()) {
    from_line = kDefaultFromLine;
  }
  if (!from_line.starts_with(kFrom)) {
    out->append(kFrom);
  }
  const size_t start = out->size();
  out->append(from_line);
  for (size_t i = start; i < out->size(); ++i) {
    if ((*out)[i] == '\n' || (*out)[i] == '\r') {
      (*out)[i] = ' ';
    }
  }
  out->append(eol);
}

}  // namespace

void AppendMboxrdMessage(std::string_view from_line, std::string_view message,
                         std::string* out) {
  const size_t nl = message.find('\n');
  const std::string_view eol =
      (nl != std::string_view::npos && nl > 0 && message[nl - 1] == '\r')
          ? "\r\n"
          : "\n";
  out->reserve(out->size() + from_line.size() + message.size() + 16);
  AppendSeparator(from_line, eol, out);

  // Quote every line that matches ^>*From : one more '>' before its first
  // byte.
  size_t copied = 0;  // message[0, copied) is in *out
  for (size_t hit = FindFrom(message, 0); hit != std::string_view::npos;
       hit = FindFrom(message, hit + 1)) {
    size_t line_start = hit;
    while (line_start > 0 && message[line_start - 1] == '>') {
      --line_start;
    }
    if (line_start != 0 && message[line_start - 1] != '\n') {
      continue;
    }
    out->append(message.data() + copied, line_start - copied);
    out->push_back('>');
    copied = line_start;
  }
  out->append(message.data() + copied, message.size() - copied);

  // An empty message stays empty: the framing line alone reads back as "".
  if (!message.empty() && message.back() != '\n') {
    out->append(eol);
  }
  out->append(eol);
}

}  // namespace dkimbatch::io
