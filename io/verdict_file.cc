// io/verdict_file.cc
//
// Verdict file scanning (memchr over the mapped file, simdjson per line for
// the tally), O_APPEND opening with the partial tail cut off, and whole
// writes.
#include "io/verdict_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "io/mapped_file.h"
#include "simdjson.h"

namespace dkimbatch::io {
namespace {

// ResultIndex maps a result word to its engine::Result index, or -1.
int ResultIndex(std::string_view word) {
  for (int r = 0; r < 7; ++r) {
    if (engine::ResultWord(static_cast<engine::Result>(r)) == word) return r;
  }
  return -1;
}

// TallyLine adds the verdict line `line` (no '\n') to `*tally`. Returns
// false when it is not a verdict line.
bool TallyLine(simdjson::dom::parser& parser, std::vector<char>* padded,
               std::string_view line, VerdictTally* tally) {
  if (padded->size() < line.size() + simdjson::SIMDJSON_PADDING) {
    padded->resize(line.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(padded->data(), line.data(), line.size());
  simdjson::dom::element doc;
  if (parser.parse(padded->data(), line.size(), false).get(doc) !=
      simdjson::SUCCESS) {
    return false;
  }
  std::string_view dkim;
  simdjson::dom::array signatures;
  if (doc["dkim"].get_string().get(dkim) != simdjson::SUCCESS ||
      doc["signatures"].get_array().get(signatures) != simdjson::SUCCESS) {
    return false;
  }
  const int result = ResultIndex(dkim);
  if (result < 0) return false;
  ++tally->messages;
  ++tally->by_result[static_cast<size_t>(result)];
  simdjson::dom::element error;
  if (doc["error"].get(error) == simdjson::SUCCESS) ++tally->errors;
  for (simdjson::dom::element sig : signatures) {
    std::string_view reason;
    if (sig["reason"].get_string().get(reason) == simdjson::SUCCESS) {
      ++tally->by_reason[std::string(reason)];
    }
  }
  return true;
}

}  // namespace

void VerdictTally::Add(const engine::Verdict& verdict) {
  ++messages;
  if (!verdict.error.empty()) ++errors;
  ++by_result[static_cast<size_t>(verdict.dkim)];
  for (const engine::SignatureVerdict& sig : verdict.signatures) {
    ++by_reason[std::string(engine::ReasonCode(sig.reason))];
  }
}

absl::StatusOr<VerdictFileState> ScanVerdictFile(const std::string& path) {
  VerdictFileState state;
  absl::StatusOr<std::shared_ptr<const MappedFile>> file =
      MappedFile::Open(path);
  if (!file.ok()) {
    if (absl::IsNotFound(file.status())) return state;
    return file.status();
  }
  const std::string_view data = (*file)->data();
  simdjson::dom::parser parser;
  std::vector<char> padded;
  size_t pos = 0;
  while (pos < data.size()) {
    const void* nl = std::memchr(data.data() + pos, '\n', data.size() - pos);
    if (nl == nullptr) break;  // a cut-off last line
    const size_t end =
        static_cast<size_t>(static_cast<const char*>(nl) - data.data());
    std::string_view line = data.substr(pos, end - pos);
    if (!TallyLine(parser, &padded, line, &state.tally)) {
      return absl::FailedPreconditionError("line " +
                                           std::to_string(state.lines + 1) +
                                           " is not a dkimbatch verdict line");
    }
    ++state.lines;
    state.last_line.assign(line);
    pos = end + 1;
  }
  state.whole_bytes = pos;
  state.partial_bytes = data.size() - pos;
  return state;
}

absl::StatusOr<int> OpenVerdictFile(const std::string& path, bool resume,
                                    uint64_t keep_bytes) {
  int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
  if (!resume) flags |= O_TRUNC;
  int fd = ::open(path.c_str(), flags, 0666);
  if (fd < 0) return absl::ErrnoToStatus(errno, "cannot open");
  if (resume && ::ftruncate(fd, static_cast<off_t>(keep_bytes)) != 0) {
    int err = errno;
    ::close(fd);
    return absl::ErrnoToStatus(err, "cannot truncate the partial last line");
  }
  return fd;
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace dkimbatch::io
