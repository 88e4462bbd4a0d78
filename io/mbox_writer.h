// io/mbox_writer.h
//
// Writes messages as an mboxrd file: a `From ` separator line per message,
// every line matching `^>*From ` quoted with one more '>', an empty line after
// each message. Line ends are kept as the message has them (LF or CRLF).
#ifndef DKIMBATCH_IO_MBOX_WRITER_H_
#define DKIMBATCH_IO_MBOX_WRITER_H_

#include <cstdio>
#include <string>
#include <string_view>

namespace dkimbatch::io {

// AppendMboxrdMessage appends `message` to `*out` in mboxrd form after the
// separator line `from_line` ("From sender date", without line end; a
// default is used when empty). The message's line end (CRLF if its first line
// ends in CRLF, else LF) is used for the added lines; a message lacking a
// final line end gets one.
void AppendMboxrdMessage(std::string_view from_line, std::string_view message,
                         std::string* out);

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_MBOX_WRITER_H_
