// io/key_cache_writer.cc
//
// Key cache lines, field order as in DESIGN.md.
#include "io/key_cache_writer.h"

#include "io/jsonl_writer.h"
#include "io/timestamp.h"

namespace dkimbatch::io {

std::string_view RcodeWord(engine::DnsRcode rcode) {
  switch (rcode) {
    case engine::DnsRcode::kNoError:
      return "NOERROR";
    case engine::DnsRcode::kNxDomain:
      return "NXDOMAIN";
    case engine::DnsRcode::kServFail:
      return "SERVFAIL";
    case engine::DnsRcode::kTimeout:
      return "TIMEOUT";
  }
  return "SERVFAIL";
}

void AppendKeyCacheLine(std::string_view name,
                        const engine::KeySnapshot& snapshot, std::string* out) {
  *out += "{\"name\":";
  AppendJsonString(name, out);
  *out += ",\"rcode\":\"";
  *out += RcodeWord(snapshot.rcode);
  *out += "\",\"txt\":[";
  for (size_t i = 0; i < snapshot.txt.size(); ++i) {
    if (i > 0) *out += ',';
    AppendJsonString(snapshot.txt[i], out);
  }
  *out += "],\"dnssec\":";
  AppendJsonString(snapshot.dnssec.empty() ? "unknown" : snapshot.dnssec, out);
  *out += ",\"fetched_at\":\"";
  *out += FormatTimestamp(snapshot.fetched_at);
  *out += "\"}\n";
}

}  // namespace dkimbatch::io
