// cli/key_prefetch.cc
//
// Key name scan and DNS fetch for `keys fetch` and `verify --resolve`.
#include "cli/key_prefetch.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "engine/key_name.h"
#include "io/key_cache_writer.h"

namespace dkimbatch::cli {

KeyScan ScanKeyNames(std::vector<std::string> paths,
                     const io::InputOptions& options, bool report_errors) {
  KeyScan scan;
  io::InputReader reader(std::move(paths), options);
  io::RawMessage msg;
  while (reader.Next(&msg)) {
    if (!msg.error.empty()) {
      if (msg.read_failed && report_errors) {
        std::fprintf(stderr, "dkimbatch: %s: %s\n", msg.source->c_str(),
                     msg.error.c_str());
      }
      continue;
    }
    ++scan.messages;
    engine::AppendKeyNames(msg.bytes, &scan.names);
    // Keep memory flat on huge archives with few distinct keys.
    if (scan.names.size() > 65536) {
      std::sort(scan.names.begin(), scan.names.end());
      scan.names.erase(std::unique(scan.names.begin(), scan.names.end()),
                       scan.names.end());
    }
  }
  std::sort(scan.names.begin(), scan.names.end());
  scan.names.erase(std::unique(scan.names.begin(), scan.names.end()),
                   scan.names.end());
  scan.read_failed = reader.any_read_failed();
  return scan;
}

std::vector<engine::KeySnapshot> FetchKeySnapshots(
    io::DnsResolver* resolver, const std::vector<std::string>& names,
    std::optional<int64_t> fetched_at, bool progress, FetchStats* stats) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto last = start;
  auto on_progress = [&](size_t done, size_t total) {
    if (!progress) return;
    auto now = Clock::now();
    if (std::chrono::duration<double>(now - last).count() < 2.0) return;
    last = now;
    double secs = std::chrono::duration<double>(now - start).count();
    std::fprintf(stderr, "dkimbatch keys: %zu/%zu names, %.0f names/s\n", done,
                 total, secs > 0 ? static_cast<double>(done) / secs : 0.0);
  };
  std::vector<io::TxtAnswer> answers = resolver->ResolveTxt(names, on_progress);
  std::vector<engine::KeySnapshot> snapshots(answers.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    engine::KeySnapshot& snap = snapshots[i];
    snap.rcode = answers[i].rcode;
    snap.txt = io::JoinTxtRecords(answers[i].records);
    snap.dnssec = answers[i].dnssec;
    snap.fetched_at = fetched_at.value_or(answers[i].answered_at);
    ++stats->by_rcode[static_cast<size_t>(snap.rcode)];
  }
  stats->elapsed_s =
      std::chrono::duration<double>(Clock::now() - start).count();
  return snapshots;
}

void PrintFetchSummary(size_t names, const FetchStats& stats) {
  std::fprintf(
      stderr, "dkimbatch keys: %zu names in %.2f s (%.0f names/s):", names,
      stats.elapsed_s,
      stats.elapsed_s > 0 ? static_cast<double>(names) / stats.elapsed_s : 0.0);
  for (size_t r = 0; r < stats.by_rcode.size(); ++r) {
    std::fprintf(
        stderr, " %s=%llu",
        std::string(io::RcodeWord(static_cast<engine::DnsRcode>(r))).c_str(),
        static_cast<unsigned long long>(stats.by_rcode[r]));
  }
  std::fputc('\n', stderr);
}

bool WriteKeyCache(const std::string& path, bool append,
                   const std::vector<std::string>& names,
                   const std::vector<engine::KeySnapshot>& snapshots) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    io::AppendKeyCacheLine(names[i], snapshots[i], &text);
  }
  std::FILE* f =
      path == "-" ? stdout : std::fopen(path.c_str(), append ? "ab" : "wb");
  if (f == nullptr) {
    std::fprintf(stderr, "dkimbatch: %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return false;
  }
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = (f == stdout ? std::fflush(f) : std::fclose(f)) == 0 && ok;
  if (!ok) {
    std::fprintf(stderr, "dkimbatch: writing %s failed: %s\n", path.c_str(),
                 std::strerror(errno));
  }
  return ok;
}

int ResolveMissingKeys(const std::vector<std::string>& paths,
                       const io::InputOptions& input,
                       const io::ResolverOptions& options, int64_t now,
                       const std::string& keys_out, bool quiet,
                       engine::KeyStore* keys) {
  absl::StatusOr<std::unique_ptr<io::DnsResolver>> resolver =
      io::DnsResolver::Create(options);
  if (!resolver.ok()) {
    std::fprintf(stderr, "dkimbatch verify: %s\n",
                 std::string(resolver.status().message()).c_str());
    return 2;
  }
  // Unreadable inputs are reported by the verification run itself.
  KeyScan scan = ScanKeyNames(paths, input, /*report_errors=*/false);
  std::vector<std::string> missing;
  for (const std::string& name : scan.names) {
    if (keys->Find(name, now) == nullptr) missing.push_back(name);
  }
  FetchStats stats;
  std::vector<engine::KeySnapshot> snapshots =
      FetchKeySnapshots(resolver->get(), missing, std::nullopt,
                        !quiet && isatty(STDERR_FILENO), &stats);
  if (!quiet) PrintFetchSummary(missing.size(), stats);
  if (!keys_out.empty() &&
      !WriteKeyCache(keys_out, /*append=*/true, missing, snapshots)) {
    return 1;
  }
  for (size_t i = 0; i < missing.size(); ++i) {
    keys->Add(missing[i], std::move(snapshots[i]));
  }
  return 0;
}

}  // namespace dkimbatch::cli
