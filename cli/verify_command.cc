// cli/verify_command.cc
//
// `dkimbatch verify`: parses the command line of DESIGN.md, loads the key
// cache, runs the pipeline and prints the run summary on standard error.
#include "cli/verify_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cli/key_prefetch.h"
#include "cli/pipeline.h"
#include "cli/resolver_flags.h"
#include "engine/key_store.h"
#include "engine/verifier.h"
#include "io/input_reader.h"
#include "io/key_cache_reader.h"
#include "io/timestamp.h"

namespace dkimbatch::cli {
namespace {

constexpr char kUsage[] =
    "usage: dkimbatch verify [options] PATH...\n"
    "\n"
    "Verifies every DKIM signature of every message and writes one JSON\n"
    "verdict line per message (in input order) to standard output.\n"
    "\n"
    "PATH is an mbox file, a Maildir or any directory of message files\n"
    "(read recursively, sorted), a single message file, or - for standard\n"
    "input.\n"
    "\n"
    "options:\n"
    "  --keys FILE          key cache (keys.jsonl); without it every key is\n"
    "                       unavailable (temperror)\n"
    "  --now TIME           verification time for x=, t= and key snapshots:\n"
    "                       Unix seconds or RFC 3339 UTC\n"
    "                       (2026-11-20T12:00:00Z); default: the current time\n"
    "  --threads N          worker threads (default: number of CPUs)\n"
    "  --out FILE           write verdicts to FILE instead of standard output\n"
    "  --min-key-bits N     smallest acceptable RSA key (default 1024,\n"
    "                       RFC 8301); smaller keys give policy/key_too_small\n"
    "  --allow-sha1         accept rsa-sha1 signatures (default: policy/\n"
    "                       weak_hash, RFC 8301)\n"
    "  --clock-skew SECS    how far t= may lie after --now before it is\n"
    "                       policy/future_timestamp (default 3600)\n"
    "  --format F           mbox quoting: mboxrd, mboxo or auto (default\n"
    "                       auto = mboxrd)\n"
    "  --quiet              no progress or summary on standard error\n"
    "  -h, --help           this help\n"
    "\n"
    "live lookups (names missing from the key cache):\n"
    "  --resolve            before verifying, look up over DNS every key\n"
    "                       name the messages need that has no snapshot at\n"
    "                       --now (answers are dated when they arrive, so\n"
    "                       they count only when --now is not in the past)\n"
    "  --keys-out FILE      append those lookups to FILE as a key cache\n"
    "                       snapshot (may be the --keys file itself), so the\n"
    "                       run can be repeated offline\n"
    "%s"
    "\n"
    "exit status: 0 when every input was read (whatever the verdicts), 1 when\n"
    "an input could not be read (it still gets a verdict line with "
    "\"error\"),\n"
    "2 on a usage error.\n";

bool ParseInt(std::string_view text, long long min, long long max,
              long long* out) {
  if (text.empty()) return false;
  std::string s(text);
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size() || v < min || v > max) {
    return false;
  }
  *out = v;
  return true;
}

int UsageError(const std::string& message) {
  std::fprintf(stderr, "dkimbatch verify: %s\n", message.c_str());
  std::fprintf(stderr, "Try 'dkimbatch verify --help'.\n");
  return 2;
}

void PrintSummary(const RunStats& stats) {
  std::fprintf(stderr, "dkimbatch: %llu messages in %.2f s (%.0f msgs/s):",
               static_cast<unsigned long long>(stats.messages), stats.elapsed_s,
               stats.elapsed_s > 0
                   ? static_cast<double>(stats.messages) / stats.elapsed_s
                   : 0.0);
  for (size_t r = 0; r < stats.by_result.size(); ++r) {
    if (stats.by_result[r] == 0) continue;
    std::fprintf(
        stderr, " %s=%llu",
        std::string(engine::ResultWord(static_cast<engine::Result>(r))).c_str(),
        static_cast<unsigned long long>(stats.by_result[r]));
  }
  std::fprintf(stderr, " errors=%llu\n",
               static_cast<unsigned long long>(stats.errors));
}

}  // namespace

void PrintVerifyUsage(bool full) {
  if (full) {
    std::printf(kUsage, kResolverHelp);
  } else {
    std::fputs("usage: dkimbatch verify [options] PATH...\n", stdout);
  }
}

int RunVerifyCommand(int argc, char** argv) {
  std::string keys_path;
  std::string out_path;
  engine::VerifyOptions verify;
  verify.now = static_cast<int64_t>(std::time(nullptr));
  PipelineOptions pipeline;
  unsigned hw = std::thread::hardware_concurrency();
  pipeline.threads = hw == 0 ? 1 : static_cast<int>(hw);
  io::InputOptions input;
  bool quiet = false;
  std::vector<std::string> paths;
  bool resolve = false;
  bool now_given = false;
  std::string keys_out_path;
  io::ResolverOptions resolver_options;
  std::string resolver_flag;  // the first resolver option given

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
      PrintVerifyUsage(true);
      return 0;
    }
    if (arg == "--allow-sha1") {
      verify.allow_sha1 = true;
      continue;
    }
    if (arg == "--quiet" || arg == "-q") {
      quiet = true;
      continue;
    }
    if (arg == "--resolve") {
      resolve = true;
      continue;
    }
    // Options with a value: "--opt value" or "--opt=value".
    std::string_view name = arg;
    std::string value;
    size_t eq = arg.find('=');
    if (eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = std::string(arg.substr(eq + 1));
    } else {
      if (name != "--keys" && name != "--now" && name != "--threads" &&
          name != "--out" && name != "--min-key-bits" && name != "--format" &&
          name != "--clock-skew" && name != "--keys-out" &&
          !IsResolverFlag(name)) {
        return UsageError("unknown option '" + std::string(arg) + "'");
      }
      if (i + 1 >= argc) {
        return UsageError("option '" + std::string(arg) + "' needs a value");
      }
      value = argv[++i];
    }
    long long n = 0;
    if (name == "--keys") {
      keys_path = value;
    } else if (name == "--out") {
      out_path = value;
    } else if (name == "--now") {
      std::optional<int64_t> t = io::ParseTimestamp(value);
      if (!t) {
        return UsageError("--now: '" + value +
                          "' is neither Unix seconds nor RFC 3339 UTC");
      }
      verify.now = *t;
      now_given = true;
    } else if (name == "--keys-out") {
      keys_out_path = value;
    } else if (IsResolverFlag(name)) {
      if (resolver_flag.empty()) resolver_flag = std::string(name);
      std::string error;
      if (!ParseResolverFlag(name, value, &resolver_options, &error)) {
        return UsageError(error);
      }
    } else if (name == "--threads") {
      if (!ParseInt(value, 1, 1024, &n)) {
        return UsageError("--threads: expected 1..1024, got '" + value + "'");
      }
      pipeline.threads = static_cast<int>(n);
    } else if (name == "--min-key-bits") {
      if (!ParseInt(value, 0, 65536, &n)) {
        return UsageError("--min-key-bits: expected 0..65536, got '" + value +
                          "'");
      }
      verify.min_key_bits = static_cast<int>(n);
    } else if (name == "--clock-skew") {
      if (!ParseInt(value, 0, 100LL * 365 * 86400, &n)) {
        return UsageError("--clock-skew: expected seconds, got '" + value +
                          "'");
      }
      verify.clock_skew = n;
    } else if (name == "--format") {
      if (value == "mboxrd" || value == "auto") {
        input.mbox_format = io::MboxFormat::kMboxrd;
      } else if (value == "mboxo") {
        input.mbox_format = io::MboxFormat::kMboxo;
      } else {
        return UsageError("--format: expected mboxo, mboxrd or auto, got '" +
                          value + "'");
      }
    } else {
      return UsageError("unknown option '" + std::string(name) + "'");
    }
  }
  if (paths.empty()) return UsageError("no PATH given");
  if (!resolve && !keys_out_path.empty()) {
    return UsageError("--keys-out needs --resolve");
  }
  if (!resolve && !resolver_flag.empty()) {
    return UsageError(resolver_flag + " needs --resolve");
  }
  if (resolve) {
    for (const std::string& p : paths) {
      if (p == "-") {
        return UsageError(
            "--resolve reads the input twice: save standard input to a file");
      }
    }
  }

  engine::KeyStore keys;
  if (!keys_path.empty()) {
    io::KeyCacheStats key_stats;
    absl::Status status = io::LoadKeyCache(keys_path, &keys, &key_stats);
    if (!status.ok()) {
      std::fprintf(stderr, "dkimbatch verify: --keys %s: %s\n",
                   keys_path.c_str(), std::string(status.message()).c_str());
      return 2;
    }
    for (const std::string& warning : key_stats.warnings) {
      std::fprintf(stderr, "dkimbatch: warning: %s\n", warning.c_str());
    }
  } else if (!quiet && !resolve) {
    std::fprintf(stderr,
                 "dkimbatch: warning: no --keys given; every signature will "
                 "be temperror/key_unavailable\n");
  }
  if (resolve) {
    if (now_given && verify.now < static_cast<int64_t>(std::time(nullptr)) &&
        !quiet) {
      std::fprintf(stderr,
                   "dkimbatch: warning: --now is in the past: keys looked up "
                   "now are later snapshots and will not be used\n");
    }
    int status = ResolveMissingKeys(paths, input, resolver_options, verify.now,
                                    keys_out_path, quiet, &keys);
    if (status != 0) return status;
    // Answers arrived after the default "now": verify as of after them.
    if (!now_given) verify.now = static_cast<int64_t>(std::time(nullptr));
  }

  std::FILE* out = stdout;
  if (!out_path.empty()) {
    out = std::fopen(out_path.c_str(), "wb");
    if (out == nullptr) {
      std::fprintf(stderr, "dkimbatch verify: --out %s: %s\n", out_path.c_str(),
                   std::strerror(errno));
      return 2;
    }
  }
  if (!quiet && isatty(STDERR_FILENO)) pipeline.progress_interval_s = 2.0;

  io::InputReader reader(std::move(paths), input);
  RunStats stats = RunVerify(&reader, keys, verify, pipeline, out);
  if (out != stdout && std::fclose(out) != 0) stats.write_failed = true;
  if (!quiet) PrintSummary(stats);
  if (stats.write_failed) {
    std::fprintf(stderr, "dkimbatch verify: writing verdicts failed: %s\n",
                 std::strerror(errno));
    return 1;
  }
  return reader.any_read_failed() ? 1 : 0;
}

}  // namespace dkimbatch::cli
