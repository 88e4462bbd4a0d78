// cli/run_summary.h
//
// The summary at the end of `dkimbatch verify`: on standard error for a
// person, and as JSON for `--summary FILE`.
#ifndef DKIMBATCH_CLI_RUN_SUMMARY_H_
#define DKIMBATCH_CLI_RUN_SUMMARY_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "cli/pipeline.h"
#include "io/verdict_file.h"

namespace dkimbatch::cli {

struct RunSummary {
  uint64_t messages = 0;  // verdict lines in the output, earlier run included
  uint64_t resumed = 0;   // of which were already there (--resume)
  uint64_t errors = 0;    // lines carrying "error"
  std::array<uint64_t, 7> by_result{};  // indexed by engine::Result
  std::map<std::string, uint64_t> by_reason;
  double elapsed_s = 0;   // this run
  double msgs_per_s = 0;  // messages verified by this run per second
  int exit_status = 0;
};

// MakeSummary joins this run's `stats` and the `previous` lines kept by
// --resume.
RunSummary MakeSummary(const RunStats& stats, const io::VerdictTally& previous,
                       int exit_status);

// SummaryText returns the human summary: one line of counts by result, one
// of reasons by count (most frequent first), each starting "dkimbatch: ".
std::string SummaryText(const RunSummary& summary);

// SummaryJson returns the summary as one JSON object (and '\n'): messages,
// resumed, results (all seven words), reasons (most frequent first), errors,
// elapsed_s, msgs_per_s, exit_status.
std::string SummaryJson(const RunSummary& summary);

// PrintSummary writes SummaryText to standard error.
void PrintSummary(const RunSummary& summary);

// WriteSummaryJson writes SummaryJson to `path` through a temporary file and
// a rename, so the file is always whole. Returns the error, if any.
absl::Status WriteSummaryJson(const RunSummary& summary,
                              const std::string& path);

}  // namespace dkimbatch::cli

#endif  // DKIMBATCH_CLI_RUN_SUMMARY_H_
