// cli/keys_check_command.cc
//
// `dkimbatch keys check`: fetches the TXT records at `<s>._domainkey.<d>`
// (or takes --record text not yet published), lints them with
// engine/key_lint.h, optionally checks that a private key matches, and
// prints the findings for a person (default) or as one JSON object.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/keys_command.h"
#include "cli/resolver_flags.h"
#include "engine/crypto/private_key.h"
#include "engine/key_lint.h"
#include "engine/key_name.h"
#include "io/dns_resolver.h"
#include "io/jsonl_writer.h"
#include "io/key_cache_writer.h"

namespace dkimbatch::cli {
namespace {

constexpr char kUsage[] =
    "usage: dkimbatch keys check -d DOMAIN -s SELECTOR [options]\n"
    "       dkimbatch keys check --record 'v=DKIM1; k=rsa; p=...' [options]\n"
    "\n"
    "Looks up the DKIM key record at SELECTOR._domainkey.DOMAIN and checks\n"
    "it the way verifiers read it: syntax errors with their position (the\n"
    "';=rsa' typo, stray quotes, a key split into several TXT records, white\n"
    "space inside the base64), v= k= h= s= t= and their meaning, key type\n"
    "and size (RFC 8301: at least 1024 bits, 2048 advised), revocation, and\n"
    "whether a private key matches.\n"
    "\n"
    "options:\n"
    "  -d DOMAIN            signing domain (d=)\n"
    "  -s SELECTOR          selector (s=)\n"
    "  --record TEXT        check TEXT (the TXT data, without zone-file\n"
    "                       quotes) instead of looking it up; repeat for\n"
    "                       several TXT records at one name\n"
    "  --private-key FILE   PEM private key that should match p=\n"
    "  --json               one JSON object instead of text\n"
    "%s"
    "  -h, --help           this help\n"
    "\n"
    "exit status: 0 when the record has no error (and the private key, if\n"
    "given, matches), 1 otherwise (including a failed lookup), 2 on a usage\n"
    "error.\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "dkimbatch keys check: %s\n", message.c_str());
  std::fprintf(stderr, "Try 'dkimbatch keys check --help'.\n");
  return 2;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return static_cast<bool>(in) || in.eof();
}

// Printable copy of record text for the terminal.
std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  return out;
}

// Excerpt prints the record around `pos` with a caret under it.
void PrintExcerpt(std::string_view text, size_t pos) {
  constexpr size_t kBefore = 30, kWidth = 70;
  const size_t begin = pos > kBefore ? pos - kBefore : 0;
  std::string line = (begin > 0 ? "..." : "") +
                     Printable(text.substr(begin, kWidth)) +
                     (begin + kWidth < text.size() ? "..." : "");
  std::printf("      %s\n      %*s^\n", line.c_str(),
              static_cast<int>(pos - begin + (begin > 0 ? 3 : 0)), "");
}

// StringOf maps a position in a joined record to (string, offset) text.
std::string WhereInStrings(const std::vector<std::string>& strings,
                           size_t pos) {
  if (strings.size() < 2) return "";
  for (size_t i = 0; i < strings.size(); ++i) {
    if (pos < strings[i].size()) {
      return " (string " + std::to_string(i + 1) + ", byte " +
             std::to_string(pos) + ")";
    }
    pos -= strings[i].size();
  }
  return "";
}

struct CheckResult {
  std::string name;  // empty for --record without -d/-s
  bool looked_up = false;
  io::TxtAnswer answer;
  engine::KeyLint lint;
  std::string private_key_path;
  std::string private_key;  // "match", "mismatch", "no_key", "unreadable"
  std::string private_key_error;
  bool ok = false;
};

void PrintHuman(const CheckResult& r) {
  std::string title = r.name.empty() ? "record given with --record" : r.name;
  if (r.looked_up) {
    std::printf("%s: %s, %zu TXT record%s, dnssec %s\n", title.c_str(),
                std::string(io::RcodeWord(r.answer.rcode)).c_str(),
                r.answer.records.size(),
                r.answer.records.size() == 1 ? "" : "s",
                r.answer.dnssec.c_str());
  } else {
    std::printf("%s: %zu TXT record%s\n", title.c_str(),
                r.answer.records.size(),
                r.answer.records.size() == 1 ? "" : "s");
  }
  std::vector<std::string> joined = io::JoinTxtRecords(r.answer.records);
  auto print_finding = [&](const engine::LintFinding& f) {
    std::string where;
    if (f.position && f.record >= 0) {
      where = " at byte " + std::to_string(*f.position) +
              WhereInStrings(r.answer.records[static_cast<size_t>(f.record)],
                             *f.position);
    }
    std::printf("  %s[%s]%s: %s\n",
                std::string(engine::LintSeverityWord(f.severity)).c_str(),
                f.code.c_str(), where.c_str(), f.message.c_str());
    if (f.position && f.record >= 0) {
      PrintExcerpt(joined[static_cast<size_t>(f.record)], *f.position);
    }
  };
  for (size_t i = 0; i < joined.size(); ++i) {
    std::string shown = Printable(joined[i]);
    if (shown.size() > 100) shown = shown.substr(0, 97) + "...";
    std::printf("record %zu: \"%s\" (%zu bytes)\n", i + 1, shown.c_str(),
                joined[i].size());
    for (const engine::LintFinding& f : r.lint.findings) {
      if (f.record == static_cast<int>(i)) print_finding(f);
    }
  }
  for (const engine::LintFinding& f : r.lint.findings) {
    if (f.record < 0) print_finding(f);
  }
  const engine::KeySummary& key = r.lint.key;
  if (key.record >= 0 && key.bits > 0) {
    std::printf("key: %s, %d bits (record %d)%s%s%s\n", key.type.c_str(),
                key.bits, key.record + 1, key.testing ? ", testing (t=y)" : "",
                key.strict ? ", strict (t=s)" : "",
                key.usable ? "" : ", not usable");
  } else if (key.revoked) {
    std::printf("key: revoked (record %d)\n", key.record + 1);
  }
  if (!r.private_key.empty()) {
    std::printf("private key %s: %s%s\n", r.private_key_path.c_str(),
                r.private_key == "match"      ? "matches p="
                : r.private_key == "mismatch" ? "DOES NOT match p="
                : r.private_key == "no_key"   ? "no usable p= to compare with"
                                              : "cannot be used: ",
                r.private_key_error.c_str());
  }
  size_t errors = 0, warnings = 0;
  for (const engine::LintFinding& f : r.lint.findings) {
    errors += f.severity == engine::LintSeverity::kError;
    warnings += f.severity == engine::LintSeverity::kWarning;
  }
  std::printf("%s: %zu error%s, %zu warning%s\n", r.ok ? "OK" : "NOT OK",
              errors, errors == 1 ? "" : "s", warnings,
              warnings == 1 ? "" : "s");
}

void PrintJson(const CheckResult& r) {
  std::string j = "{\"name\":";
  if (r.name.empty()) {
    j += "null";
  } else {
    io::AppendJsonString(r.name, &j);
  }
  j += ",\"source\":\"";
  j += r.looked_up ? "dns" : "record";
  j += "\"";
  if (r.looked_up) {
    j += ",\"rcode\":\"";
    j += io::RcodeWord(r.answer.rcode);
    j += "\",\"dnssec\":";
    io::AppendJsonString(r.answer.dnssec, &j);
  }
  j += ",\"records\":[";
  for (size_t i = 0; i < r.answer.records.size(); ++i) {
    if (i > 0) j += ',';
    j += "{\"strings\":[";
    for (size_t s = 0; s < r.answer.records[i].size(); ++s) {
      if (s > 0) j += ',';
      io::AppendJsonString(r.answer.records[i][s], &j);
    }
    j += "],\"text\":";
    std::string text;
    for (const std::string& s : r.answer.records[i]) text += s;
    io::AppendJsonString(text, &j);
    j += "}";
  }
  j += "],\"key\":";
  const engine::KeySummary& key = r.lint.key;
  if (key.record < 0) {
    j += "null";
  } else {
    j += "{\"record\":" + std::to_string(key.record) + ",\"type\":";
    io::AppendJsonString(key.type, &j);
    j += ",\"bits\":" + std::to_string(key.bits);
    j += std::string(",\"usable\":") + (key.usable ? "true" : "false");
    j += std::string(",\"revoked\":") + (key.revoked ? "true" : "false");
    j += std::string(",\"testing\":") + (key.testing ? "true" : "false");
    j += std::string(",\"strict\":") + (key.strict ? "true" : "false");
    j += ",\"h\":";
    io::AppendJsonString(key.hashes, &j);
    j += ",\"s\":";
    io::AppendJsonString(key.services, &j);
    j += "}";
  }
  j += ",\"private_key\":";
  if (r.private_key.empty()) {
    j += "null";
  } else {
    io::AppendJsonString(r.private_key, &j);
  }
  j += ",\"findings\":[";
  for (size_t i = 0; i < r.lint.findings.size(); ++i) {
    const engine::LintFinding& f = r.lint.findings[i];
    if (i > 0) j += ',';
    j += "{\"severity\":\"";
    j += engine::LintSeverityWord(f.severity);
    j += "\",\"code\":";
    io::AppendJsonString(f.code, &j);
    j += ",\"record\":";
    j += f.record < 0 ? "null" : std::to_string(f.record);
    j += ",\"position\":";
    j += f.position ? std::to_string(*f.position) : "null";
    j += ",\"message\":";
    io::AppendJsonString(f.message, &j);
    j += "}";
  }
  j += std::string("],\"ok\":") + (r.ok ? "true" : "false") + "}\n";
  std::fputs(j.c_str(), stdout);
}

}  // namespace

int RunKeysCheckCommand(int argc, char** argv) {
  io::ResolverOptions resolver_options;
  std::string domain, selector, private_key_path;
  std::vector<std::string> records;
  bool json = false;

  for (int i = 0; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::printf(kUsage, kResolverHelp);
      return 0;
    }
    if (arg == "--json") {
      json = true;
      continue;
    }
    std::string_view name = arg;
    std::string value;
    if (size_t eq = arg.find('=');
        arg.substr(0, 2) == "--" && eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = std::string(arg.substr(eq + 1));
    } else {
      if (name != "-d" && name != "-s" && name != "--domain" &&
          name != "--selector" && name != "--record" &&
          name != "--private-key" && !IsResolverFlag(name)) {
        return UsageError("unknown option or argument '" + std::string(arg) +
                          "'");
      }
      if (i + 1 >= argc) {
        return UsageError("option '" + std::string(arg) + "' needs a value");
      }
      value = argv[++i];
    }
    std::string error;
    if (name == "-d" || name == "--domain") {
      domain = value;
    } else if (name == "-s" || name == "--selector") {
      selector = value;
    } else if (name == "--record") {
      records.push_back(value);
    } else if (name == "--private-key") {
      private_key_path = value;
    } else if (!ParseResolverFlag(name, value, &resolver_options, &error)) {
      return UsageError(error);
    }
  }

  CheckResult result;
  if (!domain.empty() || !selector.empty()) {
    std::optional<std::string> name = engine::KeyDnsName(selector, domain);
    if (!name) {
      return UsageError("-d and -s must both be given and make a DNS name");
    }
    result.name = *name;
  }
  if (records.empty()) {
    if (result.name.empty()) {
      return UsageError("give -d DOMAIN -s SELECTOR, or --record TEXT");
    }
    absl::StatusOr<std::unique_ptr<io::DnsResolver>> resolver =
        io::DnsResolver::Create(resolver_options);
    if (!resolver.ok()) {
      std::fprintf(stderr, "dkimbatch keys check: %s\n",
                   std::string(resolver.status().message()).c_str());
      return 2;
    }
    std::vector<std::string> names = {result.name};
    result.answer = std::move((*resolver)->ResolveTxt(names)[0]);
    result.looked_up = true;
  } else {
    result.answer.rcode = engine::DnsRcode::kNoError;
    for (std::string& text : records) {
      result.answer.records.push_back({std::move(text)});
    }
  }

  const io::TxtAnswer& answer = result.answer;
  if (answer.rcode == engine::DnsRcode::kNoError) {
    result.lint = engine::LintKeyRecords(answer.records);
    if (answer.records.empty() && result.looked_up) {
      result.lint.findings[0].message =
          "the name exists but has no TXT record (key_not_found)";
    }
  } else {
    engine::LintFinding f;
    f.severity = engine::LintSeverity::kError;
    if (answer.rcode == engine::DnsRcode::kNxDomain) {
      f.code = "nxdomain";
      f.message = "no such name (NXDOMAIN): verifiers give key_not_found";
    } else {
      f.code =
          answer.rcode == engine::DnsRcode::kTimeout ? "timeout" : "servfail";
      f.message = "the lookup failed (" +
                  std::string(io::RcodeWord(answer.rcode)) +
                  (answer.why_bogus.empty() ? "" : ": " + answer.why_bogus) +
                  "): verifiers give temperror (key_unavailable)";
    }
    result.lint.findings.push_back(std::move(f));
  }
  if (answer.dnssec == "bogus") {
    result.lint.findings.push_back(engine::LintFinding{
        engine::LintSeverity::kError, "dnssec_bogus", -1, std::nullopt,
        "DNSSEC validation failed" +
            (answer.why_bogus.empty() ? "" : ": " + answer.why_bogus)});
  }

  bool key_ok = true;
  if (!private_key_path.empty()) {
    result.private_key_path = private_key_path;
    std::string pem;
    engine::PrivateKey key;
    if (!ReadFile(private_key_path, &pem)) {
      result.private_key = "unreadable";
      result.private_key_error = "cannot read the file";
    } else if (!engine::ParsePrivateKeyPem(pem, &key,
                                           &result.private_key_error)) {
      result.private_key = "unreadable";
    } else {
      switch (engine::MatchPrivateKey(result.lint.key, key)) {
        case engine::KeyMatch::kMatch:
          result.private_key = "match";
          break;
        case engine::KeyMatch::kMismatch:
          result.private_key = "mismatch";
          break;
        case engine::KeyMatch::kNoKey:
          result.private_key = "no_key";
          break;
      }
    }
    key_ok = result.private_key == "match";
  }
  result.ok = result.lint.ok() && key_ok;
  if (json) {
    PrintJson(result);
  } else {
    PrintHuman(result);
  }
  return result.ok ? 0 : 1;
}

}  // namespace dkimbatch::cli
