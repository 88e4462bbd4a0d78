// io/verdict_file.h
//
// The verdict output and what `dkimbatch verify --resume` needs from it.
// Verdict lines are written whole: one write(2) per batch of whole lines, to
// a descriptor opened with O_APPEND, never through a stdio buffer. A run
// killed at any moment (kill -9) therefore leaves whole lines, plus at most
// the first part of the batch that was being written; ScanVerdictFile finds
// where the whole lines end and OpenVerdictFile cuts the partial tail off
// before appending.
#ifndef DKIMBATCH_IO_VERDICT_FILE_H_
#define DKIMBATCH_IO_VERDICT_FILE_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/verdict.h"

namespace dkimbatch::io {

// Counts over verdict lines, as the run summary reports them.
struct VerdictTally {
  uint64_t messages = 0;
  uint64_t errors = 0;                  // lines carrying "error"
  std::array<uint64_t, 7> by_result{};  // indexed by engine::Result
  std::map<std::string, uint64_t> by_reason;

  // Add counts one verdict.
  void Add(const engine::Verdict& verdict);
};

struct VerdictFileState {
  uint64_t lines = 0;          // whole lines (messages already done)
  uint64_t whole_bytes = 0;    // length of the whole lines: where to append
  uint64_t partial_bytes = 0;  // bytes of a cut-off last line after them
  std::string last_line;       // last whole line without '\n' ("" if none)
  VerdictTally tally;          // of the whole lines
};

// ScanVerdictFile reads the verdict file at `path`. A missing file gives the
// empty state. Returns an error when the file cannot be read, or when a
// whole line is not a verdict line (not a JSON object with a "dkim" result
// word and a "signatures" array): then it is not a dkimbatch verdict file
// and must not be appended to.
absl::StatusOr<VerdictFileState> ScanVerdictFile(const std::string& path);

// OpenVerdictFile opens `path` for writing verdict lines with O_APPEND and
// returns the descriptor. With `resume`, the file (created if missing) is
// cut to its first `keep_bytes` bytes, dropping a partial last line;
// otherwise it is created or truncated to empty.
absl::StatusOr<int> OpenVerdictFile(const std::string& path, bool resume,
                                    uint64_t keep_bytes);

// WriteAll writes all of `bytes` to `fd` with as few write(2) calls as the
// kernel allows (retrying short writes and EINTR). Returns false, with errno
// set, on failure.
bool WriteAll(int fd, std::string_view bytes);

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_VERDICT_FILE_H_
