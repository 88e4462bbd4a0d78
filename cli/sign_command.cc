// cli/sign_command.cc
//
// `dkimbatch sign`: parses the command line, loads the PEM private key, and
// signs every message of one PATH with engine::Signer, writing the same kind
// of archive: an mbox gives an mboxrd mbox (each message keeps its `From `
// separator line), a Maildir or directory gives a Maildir (file names kept),
// a single message file or standard input gives the signed message. A
// message that cannot be signed is copied unchanged, with a warning.
#include "cli/sign_command.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/parse_int.h"
#include "engine/crypto/private_key.h"
#include "engine/message.h"
#include "engine/signer.h"
#include "io/input_reader.h"
#include "io/maildir_writer.h"
#include "io/mbox_writer.h"
#include "io/timestamp.h"

namespace dkimbatch::cli {
namespace {

constexpr char kUsage[] =
    "usage: dkimbatch sign --key FILE -d DOMAIN -s SELECTOR [options] PATH\n"
    "\n"
    "Signs every message of PATH with DKIM (RFC 6376, RFC 8463): a new\n"
    "DKIM-Signature field goes on top of each message (existing signatures\n"
    "are kept, below it). The output is the same kind of archive as PATH:\n"
    "  an mbox file (starts with a `From ` line)\n"
    "                  -> an mboxrd mbox to --out FILE or standard output;\n"
    "                     each message keeps its `From ` separator line\n"
    "  a Maildir or any directory of message files\n"
    "                  -> a Maildir at --out DIR (required); each file keeps\n"
    "                     its name, in cur/ or new/ as in the source Maildir\n"
    "                     (new/ for files of a plain directory); a name\n"
    "                     already written gets .2, .3, ... (files of the\n"
    "                     same base name, messages of an mbox file)\n"
    "  a message file, or - for standard input\n"
    "                  -> the signed message to --out FILE or standard\n"
    "                     output (an mbox on standard input gives an mbox)\n"
    "mbox input is read as mboxrd unless --format says otherwise; line ends\n"
    "are kept (LF or CRLF) and the signature covers the CRLF form.\n"
    "\n"
    "required:\n"
    "  --key FILE            PEM private key (PKCS#8 or traditional RSA;\n"
    "                        RSA or Ed25519)\n"
    "  -d, --domain DOMAIN   signing domain (d=)\n"
    "  -s, --selector SEL    selector (s=); the key record lives at\n"
    "                        SEL._domainkey.DOMAIN\n"
    "options:\n"
    "  -a, --algorithm ALG   rsa-sha256, rsa-sha1 or ed25519-sha256\n"
    "                        (default: rsa-sha256 for an RSA key,\n"
    "                        ed25519-sha256 for an Ed25519 key)\n"
    "  -c, --canon C         header/body canonicalization: simple/simple,\n"
    "                        relaxed/relaxed, relaxed/simple, simple/relaxed;\n"
    "                        a single word names the header algorithm and\n"
    "                        the body one is then simple (RFC 6376 3.5).\n"
    "                        Default relaxed/relaxed\n"
    "  --headers H1:H2:...   header fields to sign, replacing the default\n"
    "                        list (from:reply-to:to:cc:subject:date:\n"
    "                        message-id:in-reply-to:references:mime-version:\n"
    "                        content-type:content-transfer-encoding:\n"
    "                        content-disposition:list-id:list-unsubscribe:\n"
    "                        list-unsubscribe-post); every present instance\n"
    "                        of a listed field is signed; From is always\n"
    "                        signed\n"
    "  --oversign            sign From, To and Subject once more than they\n"
    "                        occur, so none can be added after signing\n"
    "  --body-length         add l= (the length of the whole canonical body)\n"
    "  -i, --identity AUID   add i= (e.g. @DOMAIN or user@sub.DOMAIN; its\n"
    "                        domain must be DOMAIN or a subdomain of it)\n"
    "  --time TIME           signing time t=: Unix seconds or RFC 3339 UTC\n"
    "                        (2026-11-20T12:00:00Z); default: the current\n"
    "                        time\n"
    "  --expire-after SECS   add x= (expiry), SECS >= 1 seconds after t=\n"
    "  --out PATH            output file (mbox, message) or Maildir\n"
    "                        directory (created if missing; files of the\n"
    "                        same name are replaced); must not be PATH\n"
    "  --format F            mbox input quoting: mboxrd, mboxo or auto\n"
    "                        (default auto = mboxrd); output is mboxrd\n"
    "  -q, --quiet           no run summary on standard error\n"
    "  -h, --help            this help\n"
    "\n"
    "A message that cannot be signed (no header field, an empty file, or a\n"
    "signing failure) is copied unchanged with a warning naming it; a file\n"
    "that cannot be read is skipped with a warning.\n"
    "\n"
    "exit status: 0 when every message was signed, 1 when a message was\n"
    "copied unchanged or skipped or the output could not be written, 2 on a\n"
    "usage error (including an unreadable key or an output that cannot be\n"
    "created).\n";

constexpr std::string_view kEmptyInput = "empty input";

// Latest accepted --time: 9999-12-31T23:59:59Z (so t= + --expire-after
// cannot overflow).
constexpr int64_t kMaxTime = 253402300799;

int UsageError(const std::string& message) {
  std::fprintf(stderr, "dkimbatch sign: %s\n", message.c_str());
  std::fprintf(stderr, "Try 'dkimbatch sign --help'.\n");
  return 2;
}

void Warn(const std::string& message) {
  std::fprintf(stderr, "dkimbatch sign: warning: %s\n", message.c_str());
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// ParseCanonPair reads "header/body" or a single word (body then simple).
bool ParseCanonPair(std::string_view text, engine::SignOptions* out) {
  auto one = [](std::string_view word, engine::Canon* canon) {
    if (word == "simple") {
      *canon = engine::Canon::kSimple;
      return true;
    }
    if (word == "relaxed") {
      *canon = engine::Canon::kRelaxed;
      return true;
    }
    return false;
  };
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    out->body_canon = engine::Canon::kSimple;
    return one(text, &out->header_canon);
  }
  return one(text.substr(0, slash), &out->header_canon) &&
         one(text.substr(slash + 1), &out->body_canon);
}

bool ParseAlgorithm(std::string_view text, engine::Algorithm* out) {
  if (text == "rsa-sha256") {
    *out = engine::Algorithm::kRsaSha256;
  } else if (text == "rsa-sha1") {
    *out = engine::Algorithm::kRsaSha1;
  } else if (text == "ed25519-sha256") {
    *out = engine::Algorithm::kEd25519Sha256;
  } else {
    return false;
  }
  return true;
}

// IsTagValueText returns true when `text` is non-empty and can stand in a
// tag value unquoted: visible ASCII or UTF-8, no ';' or '=' (which would end
// or break the tag), no white space or control bytes.
bool IsTagValueText(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == ';' || c == '=') return false;
  }
  return true;
}

// ParseHeaderList splits "h1:h2:..." into field names (RFC 5322 ftext:
// printable ASCII except ':').
bool ParseHeaderList(std::string_view text, std::vector<std::string>* out,
                     std::string* error) {
  out->clear();
  size_t start = 0;
  for (;;) {
    size_t colon = text.find(':', start);
    std::string_view name = text.substr(
        start, colon == std::string_view::npos ? colon : colon - start);
    if (name.empty()) {
      *error = "--headers: empty field name in '" + std::string(text) + "'";
      return false;
    }
    for (char c : name) {
      if (c < 33 || c > 126) {
        *error =
            "--headers: '" + std::string(name) + "' is not a header field name";
        return false;
      }
    }
    out->push_back(AsciiLower(name));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  return true;
}

// AuidFitsDomain returns true when the domain part of `auid` is `domain` or a
// subdomain of it (RFC 6376 3.5, i=).
bool AuidFitsDomain(std::string_view auid, std::string_view domain) {
  size_t at = auid.rfind('@');
  if (at == std::string_view::npos) return false;
  std::string auid_domain = AsciiLower(auid.substr(at + 1));
  std::string sdid = AsciiLower(domain);
  if (auid_domain == sdid) return true;
  return auid_domain.size() > sdid.size() + 1 && auid_domain.ends_with(sdid) &&
         auid_domain[auid_domain.size() - sdid.size() - 1] == '.';
}

bool ReadWholeFile(const std::string& path, std::string* out,
                   std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = std::strerror(errno);
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    *error = "read error";
    return false;
  }
  *out = std::move(buffer).str();
  return true;
}

// SameFile returns true when `a` ("-": standard input) is a regular file or
// a directory and `b` is the same one. Writing over an input that is being read
// (mapped) would corrupt it.
bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa;
  struct stat sb;
  const int rc = a == "-" ? ::fstat(0, &sa) : ::stat(a.c_str(), &sa);
  return rc == 0 && (S_ISREG(sa.st_mode) || S_ISDIR(sa.st_mode)) &&
         ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

std::string_view BaseName(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// MaildirSub returns "cur" for a file whose directory is named cur (a
// Maildir's cur/, io/maildir.h), else "new".
std::string_view MaildirSub(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return "new";
  return BaseName(path.substr(0, slash)) == "cur" ? "cur" : "new";
}

// FromLine returns the `From ` separator line (without its line end) of an
// mbox message, or "" when there is none.
std::string_view FromLine(const io::RawMessage& m) {
  if (!m.offset.has_value() || m.file == nullptr) return {};
  std::string_view data = m.file->data();
  if (*m.offset >= data.size()) return {};
  std::string_view line = data.substr(*m.offset);
  line = line.substr(0, line.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (!line.starts_with("From ")) return {};
  return line;
}

// Describe names a message for warnings: its file, and for a message of an
// mbox its offset (and its 0-based number when the mbox is the PATH itself;
// within a directory `index` counts the directory's messages instead).
std::string Describe(const io::RawMessage& m, const std::string& path) {
  std::string name = m.source == nullptr ? "?" : *m.source;
  if (name == "-") name = "standard input";
  if (m.offset.has_value()) {
    if (m.source != nullptr && *m.source == path) {
      name += " message " + std::to_string(m.index);
    }
    name += " (offset " + std::to_string(*m.offset) + ")";
  }
  return name;
}

struct Counts {
  uint64_t messages = 0;
  uint64_t signed_ok = 0;
  uint64_t unchanged = 0;
  uint64_t unreadable = 0;
};

// SignRun signs one message at a time and counts what happened.
class SignRun {
 public:
  SignRun(const std::string& path, const engine::PrivateKey& key,
          const engine::SignOptions& options)
      : path_(path), key_(key), options_(options) {}

  // Sign sets `*out_field` to the DKIM-Signature field for `m`, or returns
  // false (with a warning printed) when `m` is to be copied unchanged.
  bool Sign(const io::RawMessage& m, std::string* out_field) {
    ++counts_.messages;
    engine::ParseMessage(m.bytes, &parsed_);
    bool has_field = false;
    for (const engine::HeaderField& f : parsed_.headers) {
      if (!f.name.empty()) {
        has_field = true;
        break;
      }
    }
    std::string error;
    if (!has_field) {
      error = m.bytes.empty() ? "empty message" : "no header field";
    } else if (signer_.Sign(m.bytes, key_, options_, out_field, &error)) {
      ++counts_.signed_ok;
      return true;
    }
    ++counts_.unchanged;
    Warn(Describe(m, path_) + ": cannot sign (" + error +
         "); copied unchanged");
    return false;
  }

  // Skip records an input that could not be read at all.
  void Skip(const io::RawMessage& m) {
    ++counts_.unreadable;
    Warn((m.source == nullptr ? std::string("?") : *m.source) + ": " + m.error +
         "; skipped");
  }

  const Counts& counts() const { return counts_; }

 private:
  const std::string& path_;
  const engine::PrivateKey& key_;
  const engine::SignOptions& options_;
  engine::Signer signer_;
  engine::Message parsed_;
  Counts counts_;
};

bool WriteBytes(std::FILE* out, std::string_view bytes) {
  return bytes.empty() ||
         std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size();
}

// SignStream signs an mbox, a message file or standard input to `out`.
// Returns false when writing failed.
bool SignStream(const std::string& path, io::InputOptions input, SignRun* run,
                std::FILE* out) {
  io::InputReader reader({path}, input);
  io::RawMessage m;
  std::string field;
  std::string buffer;
  std::string framed;
  while (reader.Next(&m)) {
    if (!m.error.empty()) {
      if (!m.read_failed && m.error == kEmptyInput) {
        run->Sign(m, &field);  // counts and warns; nothing to copy
      } else {
        run->Skip(m);
      }
      continue;
    }
    const bool signed_ok = run->Sign(m, &field);
    if (m.offset.has_value()) {
      buffer = signed_ok ? field : std::string();
      buffer.append(m.bytes);
      framed.clear();
      io::AppendMboxrdMessage(FromLine(m), buffer, &framed);
      if (!WriteBytes(out, framed)) return false;
    } else {
      if (signed_ok && !WriteBytes(out, field)) return false;
      if (!WriteBytes(out, m.bytes)) return false;
    }
  }
  return true;
}

// UniqueName returns `name` in `sub`, or when already taken `name` with
// ".2", ".3", ... put before the Maildir info (":2,...") if there is one.
std::string UniqueName(std::string_view sub, const std::string& name,
                       std::set<std::string>* used) {
  if (used->insert(std::string(sub) + "/" + name).second) return name;
  size_t colon = name.find(':');
  std::string stem = name.substr(0, colon);
  std::string info = colon == std::string::npos ? "" : name.substr(colon);
  for (int n = 2;; ++n) {
    std::string candidate = stem + "." + std::to_string(n) + info;
    if (used->insert(std::string(sub) + "/" + candidate).second) {
      return candidate;
    }
  }
}

// SignToMaildir signs every message under the directory `path` into
// `writer`. Returns false when writing failed.
bool SignToMaildir(const std::string& path, io::InputOptions input,
                   const io::MaildirWriter& writer, SignRun* run) {
  io::InputReader reader({path}, input);
  io::RawMessage m;
  std::string field;
  std::string text;
  std::set<std::string> used;
  while (reader.Next(&m)) {
    const bool whole_input = m.source != nullptr && *m.source == path;
    if (!m.error.empty() && (whole_input || m.read_failed)) {
      if (whole_input && m.error == kEmptyInput) {
        Warn(path + ": no message files");
      } else {
        run->Skip(m);
      }
      continue;
    }
    // A message, or an empty file (copied as an empty message).
    const bool signed_ok = run->Sign(m, &field);
    text = signed_ok ? field : std::string();
    text.append(m.bytes);
    const std::string_view sub = MaildirSub(*m.source);
    const std::string name =
        UniqueName(sub, std::string(BaseName(*m.source)), &used);
    if (name != BaseName(*m.source)) {
      Warn(Describe(m, path) + ": name already used in " + std::string(sub) +
           "/; written as " + name);
    }
    absl::Status status = writer.Write(sub, name, text);
    if (!status.ok()) {
      std::fprintf(stderr, "dkimbatch sign: %s\n",
                   std::string(status.message()).c_str());
      return false;
    }
  }
  return true;
}

}  // namespace

int RunSignCommand(int argc, char** argv) {
  std::string key_path;
  std::string out_path;
  std::string algorithm_text;
  std::optional<int64_t> sign_time;
  long long expire_after = 0;
  bool quiet = false;
  engine::SignOptions options;
  io::InputOptions input;
  std::vector<std::string> paths;

  bool options_done = false;
  for (int i = 0; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (options_done || arg == "-" || !arg.starts_with("-")) {
      paths.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--oversign") {
      options.oversign = {"from", "to", "subject"};
      continue;
    }
    if (arg == "--body-length") {
      options.body_length = true;
      continue;
    }
    if (arg == "-q" || arg == "--quiet") {
      quiet = true;
      continue;
    }
    // Options with a value: "--opt value", "--opt=value", "-d value" or
    // "-dvalue".
    std::string name(arg);
    std::string value;
    bool have_value = false;
    if (arg.starts_with("--")) {
      size_t eq = arg.find('=');
      if (eq != std::string_view::npos) {
        name = std::string(arg.substr(0, eq));
        value = std::string(arg.substr(eq + 1));
        have_value = true;
      }
    } else if (arg.size() > 2) {
      name = std::string(arg.substr(0, 2));
      value = std::string(arg.substr(2));
      have_value = true;
    }
    if (name == "--domain") name = "-d";
    if (name == "--selector") name = "-s";
    if (name == "--algorithm") name = "-a";
    if (name == "--canon") name = "-c";
    if (name == "--identity") name = "-i";
    if (name != "--key" && name != "-d" && name != "-s" && name != "-a" &&
        name != "-c" && name != "--headers" && name != "-i" &&
        name != "--time" && name != "--expire-after" && name != "--out" &&
        name != "--format") {
      return UsageError("unknown option '" + std::string(arg) + "'");
    }
    if (!have_value) {
      if (i + 1 >= argc) {
        return UsageError("option '" + std::string(arg) + "' needs a value");
      }
      value = argv[++i];
    }
    std::string error;
    long long n = 0;
    if (name == "--key") {
      key_path = value;
    } else if (name == "-d") {
      if (!IsTagValueText(value)) {
        return UsageError("-d: '" + value + "' is not a domain name");
      }
      options.domain = value;
    } else if (name == "-s") {
      if (!IsTagValueText(value)) {
        return UsageError("-s: '" + value + "' is not a selector");
      }
      options.selector = value;
    } else if (name == "-a") {
      if (!ParseAlgorithm(value, &options.algorithm)) {
        return UsageError(
            "-a: expected rsa-sha256, rsa-sha1 or ed25519-sha256, got '" +
            value + "'");
      }
      algorithm_text = value;
    } else if (name == "-c") {
      if (!ParseCanonPair(value, &options)) {
        return UsageError(
            "-c: expected simple or relaxed, or two of them as "
            "header/body (e.g. relaxed/relaxed), got '" +
            value + "'");
      }
    } else if (name == "--headers") {
      if (!ParseHeaderList(value, &options.headers, &error)) {
        return UsageError(error);
      }
    } else if (name == "-i") {
      if (!IsTagValueText(value) || value.find('@') == std::string::npos) {
        return UsageError("-i: '" + value +
                          "' is not an identity (local@domain or @domain)");
      }
      options.auid = value;
    } else if (name == "--time") {
      sign_time = io::ParseTimestamp(value);
      if (!sign_time || *sign_time < 0 || *sign_time > kMaxTime) {
        return UsageError("--time: '" + value +
                          "' is neither Unix seconds nor RFC 3339 UTC (up to "
                          "9999-12-31T23:59:59Z)");
      }
    } else if (name == "--expire-after") {
      if (!ParseInt(value, 1, 100LL * 366 * 86400, &n)) {
        return UsageError("--expire-after: expected seconds >= 1, got '" +
                          value + "'");
      }
      expire_after = n;
    } else if (name == "--out") {
      if (value.empty()) return UsageError("--out: empty path");
      out_path = value;
    } else if (name == "--format") {
      if (value == "mboxrd" || value == "auto") {
        input.mbox_format = io::MboxFormat::kMboxrd;
      } else if (value == "mboxo") {
        input.mbox_format = io::MboxFormat::kMboxo;
      } else {
        return UsageError("--format: expected mboxo, mboxrd or auto, got '" +
                          value + "'");
      }
    }
  }

  if (key_path.empty()) return UsageError("--key is required");
  if (options.domain.empty()) return UsageError("-d DOMAIN is required");
  if (options.selector.empty()) return UsageError("-s SELECTOR is required");
  if (paths.empty()) return UsageError("no PATH given");
  if (paths.size() > 1) {
    return UsageError("exactly one PATH, got " + std::to_string(paths.size()));
  }
  const std::string& path = paths[0];
  if (!options.auid.empty() && !AuidFitsDomain(options.auid, options.domain)) {
    return UsageError("-i: the domain of '" + options.auid + "' is not '" +
                      options.domain + "' or a subdomain of it");
  }
  options.timestamp =
      sign_time.value_or(static_cast<int64_t>(std::time(nullptr)));
  if (expire_after > 0) options.expiration = options.timestamp + expire_after;

  // The key, and the algorithm it allows.
  std::string pem;
  std::string error;
  if (!ReadWholeFile(key_path, &pem, &error)) {
    return UsageError("--key " + key_path + ": " + error);
  }
  engine::PrivateKey key;
  if (!engine::ParsePrivateKeyPem(pem, &key, &error)) {
    return UsageError("--key " + key_path + ": " + error);
  }
  const bool ed25519_key = key.type == engine::KeyType::kEd25519;
  if (algorithm_text.empty()) {
    options.algorithm = ed25519_key ? engine::Algorithm::kEd25519Sha256
                                    : engine::Algorithm::kRsaSha256;
  } else if ((options.algorithm == engine::Algorithm::kEd25519Sha256) !=
             ed25519_key) {
    return UsageError("-a " + algorithm_text + " does not suit the " +
                      (ed25519_key ? "Ed25519" : "RSA") + " key in " +
                      key_path);
  }
  if (options.algorithm == engine::Algorithm::kRsaSha1) {
    Warn("rsa-sha1 signatures are refused by RFC 8301 verifiers");
  }
  if (!ed25519_key && key.bits < 1024) {
    Warn("an RSA key of " + std::to_string(key.bits) +
         " bits is refused by RFC 8301 verifiers (minimum 1024)");
  }

  // Input kind: a directory gives a Maildir, anything else a stream.
  struct stat st;
  if (path != "-" && ::stat(path.c_str(), &st) != 0) {
    std::fprintf(stderr, "dkimbatch sign: %s: cannot open: %s\n", path.c_str(),
                 std::strerror(errno));
    return 1;
  }
  const bool is_dir = path != "-" && S_ISDIR(st.st_mode);
  if (is_dir && out_path.empty()) {
    return UsageError("a directory PATH needs --out DIR (a Maildir)");
  }
  if (!out_path.empty() && SameFile(path, out_path)) {
    return UsageError("--out " + out_path + " is the input itself");
  }

  const auto start = std::chrono::steady_clock::now();
  SignRun run(path, key, options);
  bool write_ok = true;
  if (is_dir) {
    io::MaildirWriter writer;
    absl::Status status = io::MaildirWriter::Create(out_path, &writer);
    if (!status.ok()) {
      return UsageError("--out " + out_path + ": " +
                        std::string(status.message()));
    }
    write_ok = SignToMaildir(path, input, writer, &run);
  } else {
    std::FILE* out = stdout;
    if (!out_path.empty()) {
      out = std::fopen(out_path.c_str(), "wb");
      if (out == nullptr) {
        return UsageError("--out " + out_path + ": " + std::strerror(errno));
      }
    }
    write_ok = SignStream(path, input, &run, out);
    if (std::fflush(out) != 0) write_ok = false;
    if (out != stdout && std::fclose(out) != 0) write_ok = false;
    if (!write_ok) {
      std::fprintf(stderr, "dkimbatch sign: writing %s failed: %s\n",
                   out_path.empty() ? "standard output" : out_path.c_str(),
                   std::strerror(errno));
    }
  }
  const Counts& counts = run.counts();
  if (!quiet) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    std::fprintf(stderr,
                 "dkimbatch sign: %llu message%s in %.2f s: signed=%llu "
                 "unchanged=%llu unreadable=%llu\n",
                 static_cast<unsigned long long>(counts.messages),
                 counts.messages == 1 ? "" : "s", elapsed,
                 static_cast<unsigned long long>(counts.signed_ok),
                 static_cast<unsigned long long>(counts.unchanged),
                 static_cast<unsigned long long>(counts.unreadable));
  }
  if (!write_ok) return 1;
  return counts.unchanged + counts.unreadable > 0 ? 1 : 0;
}

}  // namespace dkimbatch::cli
