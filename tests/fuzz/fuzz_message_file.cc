// tests/fuzz/fuzz_message_file.cc
//
// The input reader on one file (io/input_reader.h, as for a Maildir or .eml
// PATH): the bytes are written to a temporary file which InputReader opens,
// sniffs (mbox or single message), splits and un-quotes. Every message must
// be a view into memory the reader keeps alive, indices must count up from
// 0, and the file must yield at least one record.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "io/input_reader.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

const std::string& TempPath() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir != nullptr ? dir : "/tmp") + "/dkb_fuzz_message_" +
           std::to_string(::getpid()) + ".eml";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dkimbatch::io;
  const std::string& path = TempPath();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  FUZZ_CHECK(f != nullptr);
  FUZZ_CHECK(size == 0 || std::fwrite(data, 1, size, f) == size);
  FUZZ_CHECK(std::fclose(f) == 0);

  for (MboxFormat format : {MboxFormat::kMboxrd, MboxFormat::kMboxo}) {
    InputReader reader({path}, InputOptions{format});
    RawMessage msg;
    uint64_t expected_index = 0;
    size_t total = 0;
    while (reader.Next(&msg)) {
      FUZZ_CHECK(msg.source != nullptr && *msg.source == path);
      FUZZ_CHECK(msg.index == expected_index++);
      if (!msg.error.empty()) {
        FUZZ_CHECK(msg.bytes.empty());
        FUZZ_CHECK(size == 0);  // the only error a readable file gives
        continue;
      }
      // Touch every byte (ASan checks that the view is alive).
      for (char c : msg.bytes) total += static_cast<unsigned char>(c);
      RawMessage moved = std::move(msg);  // views survive a move
      for (char c : moved.bytes) total -= static_cast<unsigned char>(c);
      FUZZ_CHECK(moved.bytes.size() <= size);
      if (moved.offset.has_value()) FUZZ_CHECK(*moved.offset < size);
    }
    FUZZ_CHECK(total == 0);
    FUZZ_CHECK(expected_index >= 1);
    FUZZ_CHECK(!reader.any_read_failed());
  }
  ::unlink(path.c_str());
  return 0;
}
