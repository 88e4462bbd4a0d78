// cli/keys_fetch_command.cc
//
// `dkimbatch keys fetch`: scans archives (headers only) for the key names
// their signatures need, resolves them concurrently and writes a key cache
// snapshot (DESIGN.md "Key cache"), one line per name in name order.
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/key_prefetch.h"
#include "cli/keys_command.h"
#include "cli/resolver_flags.h"
#include "io/timestamp.h"

namespace dkimbatch::cli {
namespace {

constexpr char kUsage[] =
    "usage: dkimbatch keys fetch [options] PATH...\n"
    "\n"
    "Reads the header sections of every message (mbox, Maildir, directory,\n"
    "message file or - for standard input), collects the distinct\n"
    "s=/d= pairs of their DKIM-Signature fields, looks up each\n"
    "<s>._domainkey.<d> TXT record and writes a key cache (keys.jsonl): one\n"
    "line per name with rcode (NOERROR, NXDOMAIN, SERVFAIL, TIMEOUT), the\n"
    "TXT records (each record's strings joined), dnssec and fetched_at.\n"
    "\n"
    "options:\n"
    "  --out FILE           write the cache to FILE (default: standard\n"
    "                       output)\n"
    "  --append             add this snapshot to the end of --out FILE\n"
    "                       instead of replacing it (a cache keeps a key's\n"
    "                       history; verify picks by --now)\n"
    "  --fetched-at TIME    record TIME (Unix seconds or RFC 3339 UTC) as\n"
    "                       every line's fetched_at instead of the time the\n"
    "                       answer arrived (for reproducible test snapshots)\n"
    "%s"
    "  --format F           mbox quoting: mboxrd, mboxo or auto\n"
    "  --quiet              no progress or summary on standard error\n"
    "  -h, --help           this help\n"
    "\n"
    "A progress line goes to standard error every 2 s on a terminal, and a\n"
    "summary at the end. exit status: 0 when every input was read (whatever\n"
    "the DNS answers), 1 when an input could not be read or the cache could\n"
    "not be written, 2 on a usage error or a bad resolver set-up.\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "dkimbatch keys fetch: %s\n", message.c_str());
  std::fprintf(stderr, "Try 'dkimbatch keys fetch --help'.\n");
  return 2;
}

}  // namespace

int RunKeysFetchCommand(int argc, char** argv) {
  io::ResolverOptions resolver_options;
  io::InputOptions input;
  std::string out_path = "-";
  bool append = false;
  bool quiet = false;
  std::optional<int64_t> fetched_at;
  std::vector<std::string> paths;

  bool options_done = false;
  for (int i = 0; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (options_done || arg == "-" || arg.substr(0, 1) != "-") {
      paths.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      std::printf(kUsage, kResolverHelp);
      return 0;
    }
    if (arg == "--append") {
      append = true;
      continue;
    }
    if (arg == "--quiet" || arg == "-q") {
      quiet = true;
      continue;
    }
    std::string_view name = arg;
    std::string value;
    if (size_t eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = std::string(arg.substr(eq + 1));
    } else {
      if (name != "--out" && name != "--fetched-at" && name != "--format" &&
          !IsResolverFlag(name)) {
        return UsageError("unknown option '" + std::string(arg) + "'");
      }
      if (i + 1 >= argc) {
        return UsageError("option '" + std::string(arg) + "' needs a value");
      }
      value = argv[++i];
    }
    std::string error;
    if (name == "--out") {
      out_path = value;
    } else if (name == "--fetched-at") {
      fetched_at = io::ParseTimestamp(value);
      if (!fetched_at) {
        return UsageError("--fetched-at: '" + value +
                          "' is neither Unix seconds nor RFC 3339 UTC");
      }
    } else if (name == "--format") {
      if (value == "mboxrd" || value == "auto") {
        input.mbox_format = io::MboxFormat::kMboxrd;
      } else if (value == "mboxo") {
        input.mbox_format = io::MboxFormat::kMboxo;
      } else {
        return UsageError("--format: expected mboxo, mboxrd or auto");
      }
    } else if (!ParseResolverFlag(name, value, &resolver_options, &error)) {
      return UsageError(error);
    }
  }
  if (paths.empty()) return UsageError("no PATH given");
  if (append && out_path == "-") return UsageError("--append needs --out FILE");

  absl::StatusOr<std::unique_ptr<io::DnsResolver>> resolver =
      io::DnsResolver::Create(resolver_options);
  if (!resolver.ok()) {
    std::fprintf(stderr, "dkimbatch keys fetch: %s\n",
                 std::string(resolver.status().message()).c_str());
    return 2;
  }
  KeyScan scan = ScanKeyNames(std::move(paths), input, /*report_errors=*/true);
  if (!quiet) {
    std::fprintf(
        stderr, "dkimbatch keys: %llu messages, %zu distinct key names\n",
        static_cast<unsigned long long>(scan.messages), scan.names.size());
  }
  FetchStats stats;
  std::vector<engine::KeySnapshot> snapshots =
      FetchKeySnapshots(resolver->get(), scan.names, fetched_at,
                        !quiet && isatty(STDERR_FILENO), &stats);
  if (!quiet) PrintFetchSummary(scan.names.size(), stats);
  if (!WriteKeyCache(out_path, append, scan.names, snapshots)) return 1;
  return scan.read_failed ? 1 : 0;
}

}  // namespace dkimbatch::cli
