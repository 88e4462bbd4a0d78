// cli/run_summary.cc
//
// Run summary formatting: counts by result word and by reason (most
// frequent first, ties by name), errors, elapsed time and throughput.
#include "cli/run_summary.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <utility>
#include <vector>

#include "engine/verdict.h"
#include "io/jsonl_writer.h"

namespace dkimbatch::cli {
namespace {

std::vector<std::pair<std::string, uint64_t>> ReasonsByCount(
    const RunSummary& summary) {
  std::vector<std::pair<std::string, uint64_t>> reasons(
      summary.by_reason.begin(), summary.by_reason.end());
  std::stable_sort(
      reasons.begin(), reasons.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  return reasons;
}

std::string Format(const char* format, ...)
    __attribute__((format(printf, 1, 2)));

std::string Format(const char* format, ...) {
  char buf[256];
  va_list args;
  va_start(args, format);
  int n = std::vsnprintf(buf, sizeof(buf), format, args);
  va_end(args);
  return std::string(buf, n < 0 ? 0 : std::min<size_t>(n, sizeof(buf) - 1));
}

}  // namespace

RunSummary MakeSummary(const RunStats& stats, const io::VerdictTally& previous,
                       int exit_status) {
  RunSummary summary;
  summary.resumed = previous.messages;
  summary.messages = stats.messages + previous.messages;
  summary.errors = stats.errors + previous.errors;
  for (size_t r = 0; r < summary.by_result.size(); ++r) {
    summary.by_result[r] = stats.by_result[r] + previous.by_result[r];
  }
  summary.by_reason = previous.by_reason;
  for (const auto& [reason, count] : stats.by_reason) {
    summary.by_reason[reason] += count;
  }
  summary.elapsed_s = stats.elapsed_s;
  summary.msgs_per_s =
      stats.elapsed_s > 0
          ? static_cast<double>(stats.messages) / stats.elapsed_s
          : 0.0;
  summary.exit_status = exit_status;
  return summary;
}

std::string SummaryText(const RunSummary& summary) {
  std::string out;
  if (summary.resumed == 0) {
    out = Format("dkimbatch: %" PRIu64 " messages in %.2f s (%.0f msgs/s):",
                 summary.messages, summary.elapsed_s, summary.msgs_per_s);
  } else {
    out = Format(
        "dkimbatch: %" PRIu64 " messages (%" PRIu64
        " from the earlier run, %" PRIu64 " now in %.2f s, %.0f msgs/s):",
        summary.messages, summary.resumed, summary.messages - summary.resumed,
        summary.elapsed_s, summary.msgs_per_s);
  }
  for (size_t r = 0; r < summary.by_result.size(); ++r) {
    if (summary.by_result[r] == 0) continue;
    out += ' ';
    out += engine::ResultWord(static_cast<engine::Result>(r));
    out += Format("=%" PRIu64, summary.by_result[r]);
  }
  out += Format(" errors=%" PRIu64 "\n", summary.errors);
  if (!summary.by_reason.empty()) {
    out += "dkimbatch: reasons:";
    for (const auto& [reason, count] : ReasonsByCount(summary)) {
      out += ' ' + reason + Format("=%" PRIu64, count);
    }
    out += '\n';
  }
  return out;
}

std::string SummaryJson(const RunSummary& summary) {
  std::string out =
      Format("{\"messages\":%" PRIu64 ",\"resumed\":%" PRIu64 ",\"results\":{",
             summary.messages, summary.resumed);
  for (size_t r = 0; r < summary.by_result.size(); ++r) {
    if (r != 0) out += ',';
    io::AppendJsonString(engine::ResultWord(static_cast<engine::Result>(r)),
                         &out);
    out += Format(":%" PRIu64, summary.by_result[r]);
  }
  out += "},\"reasons\":{";
  bool first = true;
  for (const auto& [reason, count] : ReasonsByCount(summary)) {
    if (!first) out += ',';
    first = false;
    io::AppendJsonString(reason, &out);
    out += Format(":%" PRIu64, count);
  }
  out += Format("},\"errors\":%" PRIu64
                ",\"elapsed_s\":%.3f,\"msgs_per_s\":%.1f,\"exit_status\":%d}\n",
                summary.errors, summary.elapsed_s, summary.msgs_per_s,
                summary.exit_status);
  return out;
}

void PrintSummary(const RunSummary& summary) {
  std::string text = SummaryText(summary);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

absl::Status WriteSummaryJson(const RunSummary& summary,
                              const std::string& path) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return absl::ErrnoToStatus(errno, "cannot write");
  bool ok = io::WriteAll(fd, SummaryJson(summary));
  int err = ok ? 0 : errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return absl::ErrnoToStatus(err, "cannot write");
  }
  return absl::OkStatus();
}

}  // namespace dkimbatch::cli
