// cli/gen_command.cc
//
// `dkimbatch gen`: writes a seeded synthetic signed corpus into DIR:
//   corpus.mbox          mboxrd, LF line ends, messages in index order
//   maildir/{cur,new,tmp} the same messages, one file each, names sorting in
//                        mbox order
//   keys.jsonl           the key cache (DESIGN.md), fetched_at fixed
//   keys/<s>.<d>.pem     the private keys (TEST ONLY: derived from the seed)
//   truth.jsonl          the verdict `dkimbatch verify --now <gen.json now>`
//                        must give, one line per message in mbox order
//   gen.json             the parameters, the `now` to verify at, and counts;
//                        written last, so it marks a complete corpus
//
// Stage map: messages are made in blocks of 512; a tbb::parallel_pipeline
// keeps 2 x threads blocks in flight:
//   1. hand out (serial)      the next block of indices;
//   2. build (parallel)       tbb::parallel_for over the block, one
//                             MessageBuilder per thread: compose, sign, break,
//                             deliver; the block's mboxrd and truth text;
//   3. write (serial, order)  the block's Maildir files, then its mbox and
//                             truth text. One thread creates every Maildir
//                             file: concurrent creates and renames in one
//                             directory contend for ext4's directory locks
//                             and were several times slower.
// Every byte is a function of the seed, the mix and the index
// (cli/corpus_model.h), so the output is identical at any thread count;
// memory is bounded by the blocks in flight (~90 MB RSS for the default mix).
//
// Threads live here rather than in cli/pipeline.cc (DESIGN.md's "only file
// with threads") because this pipeline shares nothing with verification.
#include "cli/gen_command.h"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "cli/corpus_model.h"
#include "engine/crypto/private_key.h"
#include "engine/verdict.h"
#include "io/maildir_writer.h"
#include "io/mbox_writer.h"
#include "io/timestamp.h"

namespace dkimbatch::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kUsage[] =
    "usage: dkimbatch gen --messages N --out DIR [options]\n"
    "\n"
    "Writes a seeded synthetic corpus of DKIM-signed messages into DIR:\n"
    "corpus.mbox (mboxrd), maildir/ (the same messages), keys.jsonl (key\n"
    "cache), keys/*.pem (TEST-ONLY private keys, derived from the seed),\n"
    "truth.jsonl (the verdict each message must get) and gen.json (the\n"
    "parameters and the --now to verify at). The same seed, N and mix give\n"
    "byte-identical files at any thread count.\n"
    "\n"
    "options:\n"
    "  --messages N             number of messages (required)\n"
    "  --out DIR                output directory (required; created; must be\n"
    "                           empty unless --force)\n"
    "  --seed S                 seed (default 1)\n"
    "  --threads N              worker threads (default: number of CPUs)\n"
    "  --html-fraction F        multipart/alternative HTML, ~10 KB "
    "(default 0.25)\n"
    "  --attachment-fraction F  multipart/mixed with a base64 attachment,\n"
    "                           ~100 KB (default 0.05)\n"
    "  --broken-fraction F      broken after signing or with a bad key:\n"
    "                           body edit, header edit, CR CR LF line ends,\n"
    "                           revoked key, missing key (NXDOMAIN or not in\n"
    "                           the cache), a fifth each (default 0.05)\n"
    "  --ed25519-fraction F     ed25519-sha256, half of them also RSA-signed\n"
    "                           (default 0.05)\n"
    "  --relaxed-fraction F     c=relaxed/relaxed; the rest relaxed/simple,\n"
    "                           simple/simple, simple/relaxed (default 0.85)\n"
    "  --unsigned-fraction F    messages with no signature (default 0)\n"
    "  --key-sizes LIST         RSA sizes with optional weights (default\n"
    "                           1024:10,2048:87,4096:3)\n"
    "  --force                  write into a non-empty DIR (replaces its\n"
    "                           Maildir files and keys)\n"
    "  --quiet                  no progress or summary on standard error\n"
    "  -h, --help               this help\n"
    "\n"
    "exit status: 0 on success, 1 on an I/O or signing failure, 2 on a usage\n"
    "error.\n";

constexpr uint64_t kBlockMessages = 512;

int UsageError(const std::string& message) {
  std::fprintf(stderr, "dkimbatch gen: %s\n", message.c_str());
  std::fprintf(stderr, "Try 'dkimbatch gen --help'.\n");
  return 2;
}

int Failure(const std::string& message) {
  std::fprintf(stderr, "dkimbatch gen: %s\n", message.c_str());
  return 1;
}

bool ParseUint(const std::string& text, unsigned long long max,
               unsigned long long* out) {
  if (text.empty() || text[0] == '-' || text[0] == '+') return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v > max) return false;
  *out = v;
  return true;
}

bool ParseFraction(const std::string& text, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || *end != '\0' || !std::isfinite(v) || v < 0 || v > 1) {
    return false;
  }
  *out = v;
  return true;
}

// WriteFile replaces `path` with `data`.
bool WriteFile(const fs::path& path, std::string_view data,
               std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    *error = path.string() + ": " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) *error = path.string() + ": " + std::strerror(errno);
  return ok;
}

std::string FormatDouble(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

// PrepareDirectory makes DIR ready: created if missing; if it holds anything,
// only with `force`, and then the Maildir files and private keys of an
// earlier run are removed (a smaller corpus must not inherit stale files).
bool PrepareDirectory(const fs::path& dir, bool force, std::string* error) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      *error = dir.string() + " exists and is not a directory";
      return false;
    }
    if (!fs::is_empty(dir, ec)) {
      if (!force) {
        *error = dir.string() +
                 " is not empty (use --force to write into it anyway)";
        return false;
      }
      for (const char* sub :
           {"maildir/cur", "maildir/new", "maildir/tmp", "keys"}) {
        fs::path p = dir / sub;
        if (!fs::is_directory(p, ec)) continue;
        for (const fs::directory_entry& e : fs::directory_iterator(p, ec)) {
          if (e.is_regular_file(ec) && (std::string_view(sub) != "keys" ||
                                        e.path().extension() == ".pem")) {
            fs::remove(e.path(), ec);
          }
        }
      }
    }
  }
  fs::create_directories(dir / "keys", ec);
  if (ec) {
    *error = dir.string() + ": " + ec.message();
    return false;
  }
  return true;
}

struct Counts {
  uint64_t messages = 0;
  uint64_t bytes = 0;  // message bytes (unquoted)
  std::array<uint64_t, kNumMessageKinds> kinds{};
  std::array<uint64_t, kNumBreakages> cases{};
  std::array<uint64_t, 7> dkim{};              // by engine::Result
  std::map<std::string, uint64_t> signatures;  // by key class

  void Add(const Counts& other) {
    messages += other.messages;
    bytes += other.bytes;
    for (size_t i = 0; i < kinds.size(); ++i) kinds[i] += other.kinds[i];
    for (size_t i = 0; i < cases.size(); ++i) cases[i] += other.cases[i];
    for (size_t i = 0; i < dkim.size(); ++i) dkim[i] += other.dkim[i];
    for (const auto& [name, n] : other.signatures) signatures[name] += n;
  }
};

struct MaildirFile {
  std::string sub;
  std::string name;
  std::string text;
};

struct Block {
  uint64_t begin = 0;
  uint64_t end = 0;
  std::vector<MaildirFile> files;  // the block's messages
  std::string mbox;                // the same in mboxrd form
  std::string truth;               // their truth lines
  Counts counts;
  std::string error;  // first failure in the block
};

// Per-thread state of stage 2.
struct Worker {
  explicit Worker(const CorpusModel& model) : builder(model) {}
  MessageBuilder builder;
  GeneratedMessage message;
};

std::string GenJson(const CorpusParams& params, const CorpusModel& model,
                    const Counts& counts, uint64_t mbox_bytes) {
  const std::string now = io::FormatTimestamp(kGenNow);
  std::string j = "{\n";
  j += "  \"generator\": \"dkimbatch gen\",\n";
  j += "  \"format\": 1,\n";
  j += "  \"seed\": " + std::to_string(params.seed) + ",\n";
  j += "  \"messages\": " + std::to_string(params.messages) + ",\n";
  j += "  \"now\": \"" + now + "\",\n";
  j += "  \"now_unix\": " + std::to_string(kGenNow) + ",\n";
  j += "  \"fetched_at\": \"" + io::FormatTimestamp(kGenFetchedAt) + "\",\n";
  j += "  \"verify\": \"dkimbatch verify --keys keys.jsonl --now " + now +
       " corpus.mbox\",\n";
  j +=
      "  \"mix\": {\"html_fraction\": " + FormatDouble(params.html_fraction) +
      ", \"attachment_fraction\": " + FormatDouble(params.attachment_fraction) +
      ", \"broken_fraction\": " + FormatDouble(params.broken_fraction) +
      ", \"ed25519_fraction\": " + FormatDouble(params.ed25519_fraction) +
      ", \"relaxed_fraction\": " + FormatDouble(params.relaxed_fraction) +
      ", \"unsigned_fraction\": " + FormatDouble(params.unsigned_fraction) +
      ", \"key_sizes\": \"" + FormatKeySizes(params.rsa_sizes) + "\"},\n";
  j += "  \"files\": {\"mbox\": \"corpus.mbox\", \"maildir\": \"maildir\", "
       "\"keys\": \"keys.jsonl\", \"private_keys\": \"keys\", \"truth\": "
       "\"truth.jsonl\"},\n";
  j += "  \"keys\": [\n";
  for (size_t i = 0; i < model.keys().size(); ++i) {
    const KeySpec& k = model.keys()[i];
    j += "    {\"name\": \"" + k.DnsName() + "\", \"file\": \"keys/" +
         k.FileName() + "\", \"class\": \"" + k.ClassName() +
         "\", \"state\": \"" + std::string(KeyStateName(k.state)) + "\"}";
    j += i + 1 < model.keys().size() ? ",\n" : "\n";
  }
  j += "  ],\n";
  j += "  \"counts\": {\n    \"kinds\": {";
  for (int i = 0; i < kNumMessageKinds; ++i) {
    if (i > 0) j += ", ";
    j += "\"" + std::string(MessageKindName(static_cast<MessageKind>(i))) +
         "\": " + std::to_string(counts.kinds[static_cast<size_t>(i)]);
  }
  j += "},\n    \"cases\": {";
  for (int i = 0; i < kNumBreakages; ++i) {
    if (i > 0) j += ", ";
    j += "\"" + std::string(CaseName(static_cast<Breakage>(i))) +
         "\": " + std::to_string(counts.cases[static_cast<size_t>(i)]);
  }
  j += "},\n    \"dkim\": {";
  bool first = true;
  for (size_t i = 0; i < counts.dkim.size(); ++i) {
    if (counts.dkim[i] == 0) continue;
    if (!first) j += ", ";
    first = false;
    j += "\"" +
         std::string(engine::ResultWord(static_cast<engine::Result>(i))) +
         "\": " + std::to_string(counts.dkim[i]);
  }
  j += "},\n    \"signatures\": {";
  first = true;
  for (const auto& [name, n] : counts.signatures) {
    if (!first) j += ", ";
    first = false;
    j += "\"" + name + "\": " + std::to_string(n);
  }
  j += "},\n    \"message_bytes\": " + std::to_string(counts.bytes) +
       ",\n    \"mbox_bytes\": " + std::to_string(mbox_bytes) + "\n  }\n}\n";
  return j;
}

// MakeKeys derives every key of the plan (in parallel: RSA-4096 takes a
// while), writes keys/*.pem, keys/README.txt and keys.jsonl, and returns the
// parsed private keys.
bool MakeKeys(const CorpusParams& params, const std::vector<KeySpec>& keys,
              const fs::path& dir, std::vector<engine::PrivateKey>* out,
              std::string* error) {
  std::vector<std::string> pems(keys.size());
  std::vector<std::string> errors(keys.size());
  tbb::parallel_for(size_t{0}, keys.size(), [&](size_t i) {
    if (!GenerateKeyPem(params.seed, keys[i], &pems[i], &errors[i])) {
      errors[i] = keys[i].DnsName() + ": " + errors[i];
    }
  });
  out->clear();
  out->resize(keys.size());
  std::string cache;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!errors[i].empty()) {
      *error = errors[i];
      return false;
    }
    if (!engine::ParsePrivateKeyPem(pems[i], &(*out)[i], error) ||
        !WriteFile(dir / "keys" / keys[i].FileName(), pems[i], error)) {
      return false;
    }
    const KeySpec& k = keys[i];
    if (k.state == KeyState::kAbsent) continue;
    cache += "{\"name\":\"" + k.DnsName() + "\",\"rcode\":\"";
    if (k.state == KeyState::kNxDomain) {
      cache += "NXDOMAIN\",\"txt\":[]";
    } else {
      cache += "NOERROR\",\"txt\":[\"" +
               KeyRecordText(k, engine::PublicKeyRecordValue((*out)[i])) +
               "\"]";
    }
    cache += ",\"dnssec\":\"insecure\",\"fetched_at\":\"" +
             io::FormatTimestamp(kGenFetchedAt) + "\"}\n";
  }
  static constexpr char kReadme[] =
      "TEST ONLY - DO NOT USE FOR REAL MAIL.\n"
      "These private keys were derived by `dkimbatch gen` from its --seed:\n"
      "anyone who knows the seed can rebuild them. They sign a synthetic\n"
      "corpus; no real DNS name publishes their public halves.\n";
  return WriteFile(dir / "keys" / "README.txt", kReadme, error) &&
         WriteFile(dir / "keys.jsonl", cache, error);
}

}  // namespace

int RunGenCommand(int argc, char** argv) {
  CorpusParams params;
  std::string out_dir;
  bool have_messages = false;
  bool force = false;
  bool quiet = false;
  unsigned hw = std::thread::hardware_concurrency();
  int threads = hw == 0 ? 1 : static_cast<int>(hw);

  for (int i = 0; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--force") {
      force = true;
      continue;
    }
    if (arg == "--quiet" || arg == "-q") {
      quiet = true;
      continue;
    }
    if (arg.substr(0, 2) != "--") {
      return UsageError("unexpected argument '" + std::string(arg) + "'");
    }
    // Options with a value: "--opt value" or "--opt=value".
    std::string name(arg);
    std::string value;
    size_t eq = arg.find('=');
    if (eq != std::string_view::npos) {
      name = std::string(arg.substr(0, eq));
      value = std::string(arg.substr(eq + 1));
    } else {
      if (i + 1 >= argc) {
        return UsageError("option '" + name + "' needs a value");
      }
      value = argv[++i];
    }
    unsigned long long n = 0;
    if (name == "--messages") {
      if (!ParseUint(value, 1000000000ULL, &n) || n == 0) {
        return UsageError("--messages: expected 1..1000000000, got '" + value +
                          "'");
      }
      params.messages = n;
      have_messages = true;
    } else if (name == "--seed") {
      if (!ParseUint(value, UINT64_MAX, &n)) {
        return UsageError("--seed: expected an unsigned integer, got '" +
                          value + "'");
      }
      params.seed = n;
    } else if (name == "--out") {
      if (value.empty()) return UsageError("--out: empty directory name");
      out_dir = value;
    } else if (name == "--threads") {
      if (!ParseUint(value, 1024, &n) || n == 0) {
        return UsageError("--threads: expected 1..1024, got '" + value + "'");
      }
      threads = static_cast<int>(n);
    } else if (name == "--key-sizes") {
      std::string error;
      if (!ParseKeySizes(value, &params.rsa_sizes, &error)) {
        return UsageError("--key-sizes: " + error);
      }
    } else {
      double* fraction =
          name == "--html-fraction"         ? &params.html_fraction
          : name == "--attachment-fraction" ? &params.attachment_fraction
          : name == "--broken-fraction"     ? &params.broken_fraction
          : name == "--ed25519-fraction"    ? &params.ed25519_fraction
          : name == "--relaxed-fraction"    ? &params.relaxed_fraction
          : name == "--unsigned-fraction"   ? &params.unsigned_fraction
                                            : nullptr;
      if (fraction == nullptr) {
        return UsageError("unknown option '" + name + "'");
      }
      if (!ParseFraction(value, fraction)) {
        return UsageError(name + ": expected a number in 0..1, got '" + value +
                          "'");
      }
    }
  }
  if (!have_messages) return UsageError("--messages is required");
  if (out_dir.empty()) return UsageError("--out is required");
  if (params.html_fraction + params.attachment_fraction > 1 + 1e-9) {
    return UsageError("--html-fraction plus --attachment-fraction exceeds 1");
  }

  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                  static_cast<size_t>(threads));
  const fs::path dir(out_dir);
  std::string error;
  if (!PrepareDirectory(dir, force, &error)) {
    return error.find("--force") != std::string::npos ? UsageError(error)
                                                      : Failure(error);
  }
  io::MaildirWriter maildir;
  absl::Status status =
      io::MaildirWriter::Create((dir / "maildir").string(), &maildir);
  if (!status.ok()) return Failure(std::string(status.message()));

  std::vector<KeySpec> keys = PlanKeys(params);
  std::vector<engine::PrivateKey> private_keys;
  if (!MakeKeys(params, keys, dir, &private_keys, &error)) {
    return Failure(error);
  }
  const CorpusModel model(params, std::move(keys), std::move(private_keys));
  const double keys_s =
      std::chrono::duration<double>(Clock::now() - start).count();

  std::FILE* mbox = std::fopen((dir / "corpus.mbox").c_str(), "wb");
  if (mbox == nullptr) {
    return Failure((dir / "corpus.mbox").string() + ": " +
                   std::strerror(errno));
  }
  std::FILE* truth = std::fopen((dir / "truth.jsonl").c_str(), "wb");
  if (truth == nullptr) {
    std::fclose(mbox);
    return Failure((dir / "truth.jsonl").string() + ": " +
                   std::strerror(errno));
  }

  tbb::enumerable_thread_specific<Worker> workers(
      [&] { return Worker(model); });
  std::atomic<bool> failed{false};
  std::string first_error;
  Counts total;
  uint64_t mbox_bytes = 0;
  uint64_t next = 0;
  const bool progress = !quiet && isatty(STDERR_FILENO);
  auto last_progress = Clock::now();

  auto hand_out = [&](tbb::flow_control& fc) -> Block* {
    if (next >= params.messages || failed.load()) {
      fc.stop();
      return nullptr;
    }
    auto block = std::make_unique<Block>();
    block->begin = next;
    block->end = std::min(params.messages, next + kBlockMessages);
    next = block->end;
    return block.release();
  };

  auto build = [&](Block* block) -> Block* {
    const size_t n = static_cast<size_t>(block->end - block->begin);
    std::vector<std::string> mbox_parts(n), truth_parts(n);
    std::vector<Counts> counts(n);
    std::vector<std::string> errors(n);
    block->files.resize(n);
    tbb::parallel_for(
        tbb::blocked_range<size_t>(0, n, 8),
        [&](const tbb::blocked_range<size_t>& range) {
          Worker& w = workers.local();
          for (size_t i = range.begin(); i != range.end(); ++i) {
            GeneratedMessage& m = w.message;
            try {
              if (!w.builder.Build(block->begin + i, &m, &errors[i])) {
                if (errors[i].empty()) errors[i] = "signing failed";
                continue;
              }
            } catch (const std::exception& e) {
              errors[i] = std::string("internal error: ") + e.what();
              continue;
            }
            io::AppendMboxrdMessage(m.mbox_from, m.text, &mbox_parts[i]);
            truth_parts[i] = m.truth_line;
            MaildirFile& file = block->files[i];
            file.sub = m.maildir_sub;
            file.name = m.maildir_name;
            file.text.swap(m.text);
            Counts& c = counts[i];
            c.messages = 1;
            c.bytes = file.text.size();
            c.kinds[static_cast<size_t>(m.spec.kind)] = 1;
            c.cases[static_cast<size_t>(m.spec.breakage)] = 1;
            c.dkim[static_cast<size_t>(m.dkim)] = 1;
            for (const SignatureSpec& s : m.spec.signatures) {
              ++c.signatures[model.keys()[s.key].ClassName()];
            }
          }
        });
    size_t mbox_size = 0, truth_size = 0;
    for (size_t i = 0; i < n; ++i) {
      mbox_size += mbox_parts[i].size();
      truth_size += truth_parts[i].size();
    }
    block->mbox.reserve(mbox_size);
    block->truth.reserve(truth_size);
    for (size_t i = 0; i < n; ++i) {
      if (!errors[i].empty() && block->error.empty()) {
        block->error =
            "message " + std::to_string(block->begin + i) + ": " + errors[i];
      }
      block->mbox.append(mbox_parts[i]);
      block->truth.append(truth_parts[i]);
      block->counts.Add(counts[i]);
    }
    if (!block->error.empty()) failed.store(true);
    return block;
  };

  auto write = [&](Block* block) {
    std::unique_ptr<Block> owned(block);
    if (!block->error.empty()) {
      if (first_error.empty()) first_error = block->error;
      return;
    }
    if (!first_error.empty()) return;
    // Maildir files are written here, by one thread (see the stage map).
    for (const MaildirFile& file : block->files) {
      absl::Status st = maildir.Write(file.sub, file.name, file.text);
      if (!st.ok()) {
        first_error = std::string(st.message());
        failed.store(true);
        return;
      }
    }
    if (std::fwrite(block->mbox.data(), 1, block->mbox.size(), mbox) !=
            block->mbox.size() ||
        std::fwrite(block->truth.data(), 1, block->truth.size(), truth) !=
            block->truth.size()) {
      first_error = std::string("writing failed: ") + std::strerror(errno);
      failed.store(true);
      return;
    }
    mbox_bytes += block->mbox.size();
    total.Add(block->counts);
    if (progress) {
      auto now = Clock::now();
      if (now - last_progress >= std::chrono::seconds(2)) {
        last_progress = now;
        double s = std::chrono::duration<double>(now - start).count();
        std::fprintf(stderr, "dkimbatch gen: %llu / %llu messages, %.0f/s\n",
                     static_cast<unsigned long long>(total.messages),
                     static_cast<unsigned long long>(params.messages),
                     static_cast<double>(total.messages) /
                         (s > keys_s ? s - keys_s : 1));
      }
    }
  };

  tbb::parallel_pipeline(
      static_cast<size_t>(threads) * 2,
      tbb::make_filter<void, Block*>(tbb::filter_mode::serial_in_order,
                                     hand_out) &
          tbb::make_filter<Block*, Block*>(tbb::filter_mode::parallel, build) &
          tbb::make_filter<Block*, void>(tbb::filter_mode::serial_in_order,
                                         write));
  bool close_failed = std::fclose(mbox) != 0;
  close_failed = std::fclose(truth) != 0 || close_failed;
  if (!first_error.empty()) return Failure(first_error);
  if (close_failed) {
    return Failure(std::string("writing failed: ") + std::strerror(errno));
  }
  if (!WriteFile(dir / "gen.json", GenJson(params, model, total, mbox_bytes),
                 &error)) {
    return Failure(error);
  }

  if (!quiet) {
    const double elapsed =
        std::chrono::duration<double>(Clock::now() - start).count();
    std::fprintf(stderr,
                 "dkimbatch gen: %llu messages (%.1f MB mbox) in %.2f s "
                 "(keys %.2f s, %.0f msgs/s):",
                 static_cast<unsigned long long>(total.messages),
                 static_cast<double>(mbox_bytes) / 1e6, elapsed, keys_s,
                 static_cast<double>(total.messages) /
                     (elapsed > keys_s ? elapsed - keys_s : 1));
    for (size_t i = 0; i < total.dkim.size(); ++i) {
      if (total.dkim[i] == 0) continue;
      std::fprintf(
          stderr, " %s=%llu",
          std::string(engine::ResultWord(static_cast<engine::Result>(i)))
              .c_str(),
          static_cast<unsigned long long>(total.dkim[i]));
    }
    std::fprintf(stderr,
                 "\ndkimbatch gen: verify with: dkimbatch verify --keys "
                 "%s/keys.jsonl --now %s %s/corpus.mbox\n",
                 out_dir.c_str(), io::FormatTimestamp(kGenNow).c_str(),
                 out_dir.c_str());
  }
  return 0;
}

}  // namespace dkimbatch::cli
