// cli/verify_command.cc
//
// `dkimbatch verify`: parses the command line of DESIGN.md, loads the key
// cache, runs the pipeline and prints the run summary on standard error.
#include "cli/verify_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cli/key_prefetch.h"
#include "cli/parse_int.h"
#include "cli/pipeline.h"
#include "cli/resolver_flags.h"
#include "cli/run_summary.h"
#include "engine/key_store.h"
#include "engine/verifier.h"
#include "io/input_reader.h"
#include "io/jsonl_writer.h"
#include "io/key_cache_reader.h"
#include "io/timestamp.h"
#include "io/verdict_file.h"

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
    "  --max-message-bytes N\n"
    "                       larger messages are not verified: each of their\n"
    "                       signatures is permerror/message_too_large\n"
    "                       (default 67108864 = 64 MiB)\n"
    "  --max-headers N      messages with more header fields are not\n"
    "                       verified: permerror/too_many_headers (default\n"
    "                       10000)\n"
    "  --max-signatures N   check at most N DKIM-Signature fields per "
    "message;\n"
    "                       one more entry, permerror/too_many_signatures,\n"
    "                       counts the rest (default 32)\n"
    "  --max-key-bits N     larger RSA keys are permerror/key_too_large\n"
    "                       (default 8192, at most 16384)\n"
    "  --resume             with --out FILE: keep the verdict lines FILE\n"
    "                       already holds (dropping a cut-off last line),\n"
    "                       skip that many messages of the same inputs and\n"
    "                       append the rest, so FILE ends up as one whole\n"
    "                       run would have written it\n"
    "  --summary FILE       write the run summary as JSON to FILE\n"
    "  --progress           a progress line every 2 s on standard error\n"
    "                       (default: only when it is a terminal)\n"
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
    "2 on a usage error, or when --resume finds that FILE does not continue\n"
    "these inputs (FILE is then left as it was).\n";

// SkipDone reads past the `done.lines` messages that the verdict file
// already holds and checks that the last of them is the message its last
// line is for (same source, index and offset). Returns "" or the problem.
std::string SkipDone(const io::VerdictFileState& done,
                     io::InputReader* reader) {
  io::RawMessage msg;
  for (uint64_t i = 0; i < done.lines; ++i) {
    if (!reader->Next(&msg)) {
      return "it holds " + std::to_string(done.lines) +
             " verdict lines, the inputs only " + std::to_string(i) +
             " messages";
    }
  }
  if (done.lines == 0) return std::string();
  io::MessageLocation where;
  where.source = *msg.source;
  where.index = msg.index;
  where.offset = msg.offset;
  std::string prefix;
  io::AppendVerdictLinePrefix(where, &prefix);
  if (!done.last_line.starts_with(prefix)) {
    return "its line " + std::to_string(done.lines) + " starts '" +
           done.last_line.substr(0, prefix.size()) + "', but message " +
           std::to_string(done.lines) + " of the inputs is '" + prefix + "'";
  }
  return std::string();
}

int UsageError(const std::string& message) {
  std::fprintf(stderr, "dkimbatch verify: %s\n", message.c_str());
  std::fprintf(stderr, "Try 'dkimbatch verify --help'.\n");
  return 2;
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
  input.defer_unquote = true;  // un-quoting runs in the parallel stage
  bool quiet = false;
  bool resume = false;
  bool progress = false;
  std::string summary_path;
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
    if (arg == "--resume") {
      resume = true;
      continue;
    }
    if (arg == "--progress") {
      progress = true;
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
          !IsResolverFlag(name) && name != "--max-message-bytes" &&
          name != "--max-headers" && name != "--max-signatures" &&
          name != "--max-key-bits" && name != "--summary") {
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
    } else if (name == "--max-message-bytes") {
      if (!ParseInt(value, 1, INT64_MAX, &n)) {
        return UsageError("--max-message-bytes: expected a byte count, got '" +
                          value + "'");
      }
      verify.max_message_bytes = static_cast<uint64_t>(n);
    } else if (name == "--max-headers") {
      if (!ParseInt(value, 1, 100000000, &n)) {
        return UsageError("--max-headers: expected 1..100000000, got '" +
                          value + "'");
      }
      verify.max_headers = static_cast<size_t>(n);
    } else if (name == "--max-signatures") {
      if (!ParseInt(value, 1, 100000, &n)) {
        return UsageError("--max-signatures: expected 1..100000, got '" +
                          value + "'");
      }
      verify.max_signatures = static_cast<size_t>(n);
    } else if (name == "--max-key-bits") {
      if (!ParseInt(value, 1024, 16384, &n)) {
        return UsageError("--max-key-bits: expected 1024..16384, got '" +
                          value + "'");
      }
      verify.max_key_bits = static_cast<int>(n);
    } else if (name == "--summary") {
      summary_path = value;
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
  if (resume && out_path.empty()) {
    return UsageError("--resume needs --out FILE");
  }

  StartWorkers(pipeline.threads);
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
    if (key_stats.warnings_dropped > 0) {
      std::fprintf(stderr, "dkimbatch: warning: %s: %zu more bad lines\n",
                   keys_path.c_str(), key_stats.warnings_dropped);
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

  input.max_message_bytes = verify.max_message_bytes;
  io::InputReader reader(std::move(paths), input);

  // --resume: the lines already in FILE stand for the first messages of the
  // same inputs, in order; check that they do, then skip those messages.
  io::VerdictFileState previous;
  if (resume) {
    absl::StatusOr<io::VerdictFileState> state = io::ScanVerdictFile(out_path);
    if (!state.ok()) {
      std::fprintf(stderr, "dkimbatch verify: --resume: %s: %s\n",
                   out_path.c_str(),
                   std::string(state.status().message()).c_str());
      return 2;
    }
    previous = *std::move(state);
    std::string problem = SkipDone(previous, &reader);
    if (!problem.empty()) {
      std::fprintf(stderr,
                   "dkimbatch verify: --resume: %s does not continue these "
                   "inputs: %s\n",
                   out_path.c_str(), problem.c_str());
      return 2;
    }
  }

  std::FILE* out = stdout;
  if (!out_path.empty()) {
    absl::StatusOr<int> fd =
        io::OpenVerdictFile(out_path, resume, previous.whole_bytes);
    if (!fd.ok()) {
      std::fprintf(stderr, "dkimbatch verify: --out %s: %s\n", out_path.c_str(),
                   std::string(fd.status().message()).c_str());
      return 2;
    }
    out = ::fdopen(*fd, "ab");
    if (out == nullptr) {
      std::fprintf(stderr, "dkimbatch verify: --out %s: %s\n", out_path.c_str(),
                   std::strerror(errno));
      ::close(*fd);
      return 2;
    }
  }
  if (!quiet && (progress || isatty(STDERR_FILENO))) {
    pipeline.progress_interval_s = 2.0;
  }

  RunStats stats = RunVerify(&reader, keys, verify, pipeline, out);
  if (out != stdout && std::fclose(out) != 0) stats.write_failed = true;
  const int exit_status =
      stats.write_failed ? 1 : (reader.any_read_failed() ? 1 : 0);
  RunSummary summary = MakeSummary(stats, previous.tally, exit_status);
  if (!quiet) PrintSummary(summary);
  if (!summary_path.empty()) {
    absl::Status status = WriteSummaryJson(summary, summary_path);
    if (!status.ok()) {
      std::fprintf(stderr, "dkimbatch verify: --summary %s: %s\n",
                   summary_path.c_str(), std::string(status.message()).c_str());
      return 1;
    }
  }
  if (stats.write_failed) {
    std::fprintf(stderr, "dkimbatch verify: writing verdicts failed: %s\n",
                 std::strerror(errno));
  }
  return exit_status;
}

}  // namespace dkimbatch::cli
