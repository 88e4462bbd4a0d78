// tests/engine/reference_canon.h
//
// Naive std::string canonicalizers written straight from RFC 6376 §3.4, used
// as the independent reference for the engine's streaming code and by the
// test-only signer. Slow and obvious on purpose; shares no engine code.
#ifndef DKIMBATCH_TESTS_ENGINE_REFERENCE_CANON_H_
#define DKIMBATCH_TESTS_ENGINE_REFERENCE_CANON_H_

#include <string>
#include <string_view>
#include <vector>

namespace dkimbatch::testutil {

inline bool RefIsWsp(char c) { return c == ' ' || c == '\t'; }

// RefToCrlf turns every LF not preceded by CR into CRLF (archives store LF).
inline std::string RefToCrlf(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

// RefToLf turns every CRLF into a bare LF.
inline std::string RefToLf(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    }
    out += text[i];
  }
  return out;
}

// RefSplitLines splits CRLF text into lines (without CRLF); a last line with
// no CRLF is a line too.
inline std::vector<std::string> RefSplitLines(std::string_view crlf_text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < crlf_text.size()) {
    size_t crlf = crlf_text.find("\r\n", pos);
    if (crlf == std::string_view::npos) {
      lines.emplace_back(crlf_text.substr(pos));
      break;
    }
    lines.emplace_back(crlf_text.substr(pos, crlf - pos));
    pos = crlf + 2;
  }
  return lines;
}

// RefSimpleBody: §3.4.3. Every line ends in CRLF, trailing empty lines are
// dropped, and an empty body becomes one CRLF.
inline std::string RefSimpleBody(std::string_view body) {
  std::vector<std::string> lines = RefSplitLines(RefToCrlf(body));
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty()) return "\r\n";
  std::string out;
  for (const std::string& line : lines) out += line + "\r\n";
  return out;
}

// RefRelaxLine: WSP runs become one SP; WSP at the end of the line goes.
inline std::string RefRelaxLine(std::string_view line) {
  std::string out;
  for (size_t i = 0; i < line.size(); ++i) {
    if (RefIsWsp(line[i])) {
      if (i == 0 || !RefIsWsp(line[i - 1])) out += ' ';
    } else {
      out += line[i];
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// RefRelaxedBody: §3.4.4 (with errata 1384): relax each line, drop trailing
// empty lines; an empty body stays empty.
inline std::string RefRelaxedBody(std::string_view body) {
  std::vector<std::string> lines = RefSplitLines(RefToCrlf(body));
  for (std::string& line : lines) line = RefRelaxLine(line);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::string out;
  for (const std::string& line : lines) out += line + "\r\n";
  return out;
}

// RefRelaxedHeader: §3.4.2 for one field "Name: value CRLF" (raw bytes,
// possibly folded): lowercase name, unfold, WSP runs to one SP, no WSP around
// the colon or at the end. Ends in CRLF when `with_crlf`.
inline std::string RefRelaxedHeader(std::string_view raw, bool with_crlf) {
  std::string unfolded;
  std::string crlf = RefToCrlf(raw);
  for (size_t i = 0; i < crlf.size(); ++i) {
    if (crlf.compare(i, 2, "\r\n") == 0) {
      ++i;
      continue;
    }
    unfolded += crlf[i];
  }
  size_t colon = unfolded.find(':');
  std::string name = unfolded.substr(0, colon);
  std::string value =
      colon == std::string::npos ? "" : unfolded.substr(colon + 1);
  while (!name.empty() && RefIsWsp(name.back())) name.pop_back();
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::string relaxed = RefRelaxLine(value);
  if (!relaxed.empty() && relaxed.front() == ' ') relaxed.erase(0, 1);
  return name + ":" + relaxed + (with_crlf ? "\r\n" : "");
}

}  // namespace dkimbatch::testutil

#endif  // DKIMBATCH_TESTS_ENGINE_REFERENCE_CANON_H_
