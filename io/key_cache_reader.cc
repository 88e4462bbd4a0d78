// io/key_cache_reader.cc
//
// keys.jsonl → engine::KeyStore. Each line is copied into one reused padded
// buffer and parsed on its own with simdjson's DOM parser (error codes, no
// exceptions), so one bad line costs a warning and nothing else, and the whole
// file is read in one linear pass.
#include "io/key_cache_reader.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/key_store.h"
#include "io/jsonl_writer.h"
#include "io/mapped_file.h"
#include "io/timestamp.h"
#include "simdjson.h"

namespace dkimbatch::io {
namespace {

// A key cache line is one DNS answer (at most 64 KiB on the wire, a few
// times that once JSON-escaped); anything longer is refused unparsed.
constexpr size_t kMaxLineBytes = size_t{1} << 20;

// At most this many bytes of an offending value are quoted in a warning.
constexpr size_t kMaxQuotedBytes = 64;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// Quote returns `value` (shortened) as a JSON string, safe to print.
std::string Quote(std::string_view value) {
  std::string out;
  if (value.size() > kMaxQuotedBytes) {
    AppendJsonString(value.substr(0, kMaxQuotedBytes), &out);
    out.insert(out.size() - 1, "...");
  } else {
    AppendJsonString(value, &out);
  }
  return out;
}

// ParseRcode maps a DNS response code word (any case) to engine::DnsRcode.
bool ParseRcode(std::string_view word, engine::DnsRcode* out) {
  struct Entry {
    std::string_view word;
    engine::DnsRcode rcode;
  };
  static constexpr Entry kRcodes[] = {
      {"NOERROR", engine::DnsRcode::kNoError},
      {"NXDOMAIN", engine::DnsRcode::kNxDomain},
      {"SERVFAIL", engine::DnsRcode::kServFail},
      {"TIMEOUT", engine::DnsRcode::kTimeout},
  };
  for (const Entry& entry : kRcodes) {
    if (word.size() != entry.word.size()) continue;
    bool equal = true;
    for (size_t i = 0; i < word.size() && equal; ++i) {
      char c = word[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - ('a' - 'A'));
      equal = c == entry.word[i];
    }
    if (equal) {
      *out = entry.rcode;
      return true;
    }
  }
  return false;
}

// ParseTxt fills `*out` from the `txt` array. An element that is itself an
// array of strings is one record given as its character-strings: they are
// joined. Returns an error description, or an empty string on success.
std::string ParseTxt(simdjson::dom::element txt,
                     std::vector<std::string>* out) {
  simdjson::dom::array records;
  if (txt.get_array().get(records) != simdjson::SUCCESS) {
    return "\"txt\" is not an array of strings";
  }
  size_t index = 0;
  for (simdjson::dom::element record : records) {
    std::string_view text;
    simdjson::dom::array parts;
    if (record.get_string().get(text) == simdjson::SUCCESS) {
      out->emplace_back(text);
    } else if (record.get_array().get(parts) == simdjson::SUCCESS) {
      std::string joined;
      for (simdjson::dom::element part : parts) {
        std::string_view piece;
        if (part.get_string().get(piece) != simdjson::SUCCESS) {
          return "\"txt\"[" + std::to_string(index) +
                 "] is an array with a non-string element";
        }
        joined.append(piece);
      }
      out->push_back(std::move(joined));
    } else {
      return "\"txt\"[" + std::to_string(index) +
             "] is neither a string nor an array of strings";
    }
    ++index;
  }
  return std::string();
}

// ParseFetchedAt reads `fetched_at`: an RFC 3339 / Unix-seconds string, or a
// non-negative JSON integer. Returns an error description, or "" on success.
std::string ParseFetchedAt(simdjson::dom::element value, int64_t* out) {
  std::string_view text;
  int64_t number = 0;
  if (value.get_string().get(text) == simdjson::SUCCESS) {
    std::optional<int64_t> t = ParseTimestamp(text);
    if (!t.has_value()) {
      return "bad \"fetched_at\" " + Quote(text) +
             " (expected RFC 3339 or Unix seconds)";
    }
    *out = *t;
    return std::string();
  }
  if ((value.type() == simdjson::dom::element_type::INT64 ||
       value.type() == simdjson::dom::element_type::UINT64) &&
      value.get_int64().get(number) == simdjson::SUCCESS && number >= 0) {
    *out = number;
    return std::string();
  }
  return "bad \"fetched_at\" (expected an RFC 3339 string or non-negative "
         "Unix seconds)";
}

// ParseLine parses one non-blank line into `*out_name` and `*out_snapshot`.
// `padded` holds the line followed by at least SIMDJSON_PADDING bytes.
// Returns an error description, or an empty string on success.
std::string ParseLine(simdjson::dom::parser& parser, const char* padded,
                      size_t len, std::string* out_name,
                      engine::KeySnapshot* out_snapshot) {
  simdjson::dom::element doc;
  simdjson::error_code error =
      parser.parse(padded, len, /*realloc_if_needed=*/false).get(doc);
  if (error != simdjson::SUCCESS) {
    return std::string("not valid JSON: ") + simdjson::error_message(error);
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) {
    return "not a JSON object";
  }

  simdjson::dom::element field;
  std::string_view text;
  if (object.at_key("name").get(field) != simdjson::SUCCESS) {
    return "missing \"name\"";
  }
  if (field.get_string().get(text) != simdjson::SUCCESS) {
    return "\"name\" is not a string";
  }
  if (text.empty()) return "\"name\" is empty";
  out_name->assign(text);

  if (object.at_key("rcode").get(field) != simdjson::SUCCESS) {
    return "missing \"rcode\"";
  }
  if (field.get_string().get(text) != simdjson::SUCCESS) {
    return "\"rcode\" is not a string";
  }
  if (!ParseRcode(text, &out_snapshot->rcode)) {
    return "unknown \"rcode\" " + Quote(text) +
           " (expected NOERROR, NXDOMAIN, SERVFAIL or TIMEOUT)";
  }

  // Optional fields: absent or null means "not given".
  if (object.at_key("txt").get(field) == simdjson::SUCCESS &&
      !field.is_null()) {
    std::string problem = ParseTxt(field, &out_snapshot->txt);
    if (!problem.empty()) return problem;
  }
  if (object.at_key("dnssec").get(field) == simdjson::SUCCESS &&
      !field.is_null()) {
    if (field.get_string().get(text) != simdjson::SUCCESS) {
      return "\"dnssec\" is not a string";
    }
    out_snapshot->dnssec.assign(text);
  }
  if (object.at_key("fetched_at").get(field) == simdjson::SUCCESS &&
      !field.is_null()) {
    std::string problem = ParseFetchedAt(field, &out_snapshot->fetched_at);
    if (!problem.empty()) return problem;
  }
  return std::string();
}

}  // namespace

void ParseKeyCache(std::string_view text, std::string_view name,
                   engine::KeyStore* store, KeyCacheStats* stats) {
  KeyCacheStats discarded;
  if (stats == nullptr) stats = &discarded;
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    text.remove_prefix(kUtf8Bom.size());
  }

  simdjson::dom::parser parser;
  std::vector<char> padded;  // the current line + SIMDJSON_PADDING
  auto warn = [&](size_t line_number, std::string_view what) {
    if (stats->warnings.size() >= kMaxKeyCacheWarnings) {
      ++stats->warnings_dropped;
      return;
    }
    std::string warning(name);
    warning += ':';
    warning += std::to_string(line_number);
    warning += ": ";
    warning += what;
    stats->warnings.push_back(std::move(warning));
  };

  size_t line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    ++line_number;
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (IsBlank(line)) continue;
    ++stats->lines;

    if (line.size() > kMaxLineBytes) {
      warn(line_number, "line too long (" + std::to_string(line.size()) +
                            " bytes; the limit is " +
                            std::to_string(kMaxLineBytes) + ")");
      continue;
    }
    if (padded.size() < line.size() + simdjson::SIMDJSON_PADDING) {
      padded.resize(line.size() + simdjson::SIMDJSON_PADDING);
    }
    std::memcpy(padded.data(), line.data(), line.size());

    std::string dns_name;
    engine::KeySnapshot snapshot;
    std::string problem =
        ParseLine(parser, padded.data(), line.size(), &dns_name, &snapshot);
    if (!problem.empty()) {
      warn(line_number, problem);
      continue;
    }
    store->Add(dns_name, std::move(snapshot));
    ++stats->snapshots;
  }
}

absl::Status LoadKeyCache(const std::string& path, engine::KeyStore* store,
                          KeyCacheStats* stats) {
  absl::StatusOr<std::shared_ptr<const MappedFile>> file =
      MappedFile::Open(path);
  if (!file.ok()) return file.status();
  ParseKeyCache((*file)->data(), path, store, stats);
  return absl::OkStatus();
}

}  // namespace dkimbatch::io
