// tests/conformance/conformance_test.cc
//
// Runs every case of the shared conformance corpus (cases.jsonl) through the
// real `dkimbatch verify --keys keys.jsonl --now <now> <file>` and compares
// the message-level `dkim` and, per signature in order, d, s, result and
// reason. Cases listed in tests/conformance_exceptions.txt are skipped with
// their written argument; a missing corpus is a failure, not a skip.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "simdjson.h"

namespace {

std::string ConformanceDir() {
  const char* env = std::getenv("DKB_CONFORMANCE_DIR");
  return env != nullptr ? env : DKB_CONFORMANCE_DIR;
}

struct ExpectedSig {
  std::string d, s, result, reason;
  bool d_null = false, s_null = false;
};

struct Case {
  std::string id, file, dkim, note;
  int64_t now = 0;
  std::vector<ExpectedSig> sigs;
};

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// RunCapture runs `cmd` with /bin/sh and returns its standard output.
std::string RunCapture(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    *status = -1;
    return out;
  }
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

std::string StringOrNull(simdjson::dom::element e, bool* is_null) {
  *is_null = e.is_null();
  if (*is_null) return "";
  std::string_view sv;
  if (e.get_string().get(sv) != simdjson::SUCCESS) return "<not a string>";
  return std::string(sv);
}

std::map<std::string, std::string> LoadExceptions() {
  std::map<std::string, std::string> out;
  std::ifstream in(DKB_EXCEPTIONS_FILE);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t hash = line.find('#');
    std::string id = line.substr(0, line.find_first_of(" \t#"));
    out[id] = hash == std::string::npos ? "" : line.substr(hash + 1);
  }
  return out;
}

class ConformanceCase : public testing::Test {
 public:
  explicit ConformanceCase(Case c, std::string exception)
      : case_(std::move(c)), exception_(std::move(exception)) {}

  void TestBody() override {
    if (!exception_.empty()) {
      GTEST_SKIP() << "listed in conformance_exceptions.txt:" << exception_;
    }
    const std::string dir = ConformanceDir();
    std::string cmd = std::string(ShellQuote(DKB_BINARY)) +
                      " verify --quiet --threads 1 --keys " +
                      ShellQuote(dir + "/keys.jsonl") + " --now " +
                      std::to_string(case_.now) + " " +
                      ShellQuote(dir + "/" + case_.file);
    int status = 0;
    std::string out = RunCapture(cmd, &status);
    ASSERT_EQ(status, 0) << cmd;
    ASSERT_FALSE(out.empty()) << cmd;
    ASSERT_EQ(out.find('\n'), out.size() - 1) << "expected one line:\n" << out;
    simdjson::dom::parser parser;
    simdjson::dom::element verdict;
    ASSERT_EQ(parser.parse(out).get(verdict), simdjson::SUCCESS) << out;
    std::string_view dkim;
    ASSERT_EQ(verdict["dkim"].get_string().get(dkim), simdjson::SUCCESS) << out;
    EXPECT_EQ(dkim, case_.dkim) << case_.note << "\n" << out;
    simdjson::dom::array sigs;
    ASSERT_EQ(verdict["signatures"].get_array().get(sigs), simdjson::SUCCESS);
    ASSERT_EQ(sigs.size(), case_.sigs.size()) << out;
    size_t k = 0;
    for (simdjson::dom::element sig : sigs) {
      const ExpectedSig& want = case_.sigs[k++];
      bool d_null = false, s_null = false, dummy = false;
      std::string d = StringOrNull(sig["d"], &d_null);
      std::string s = StringOrNull(sig["s"], &s_null);
      EXPECT_EQ(d_null, want.d_null) << "signature " << k << " d\n" << out;
      EXPECT_EQ(s_null, want.s_null) << "signature " << k << " s\n" << out;
      if (!want.d_null) {
        EXPECT_EQ(d, want.d) << out;
      }
      if (!want.s_null) {
        EXPECT_EQ(s, want.s) << out;
      }
      EXPECT_EQ(StringOrNull(sig["result"], &dummy), want.result)
          << "signature " << k << ": " << case_.note << "\n"
          << out;
      EXPECT_EQ(StringOrNull(sig["reason"], &dummy), want.reason)
          << "signature " << k << ": " << case_.note << "\n"
          << out;
    }
  }

 private:
  Case case_;
  std::string exception_;
};

// RegisterCases reads cases.jsonl and registers one test per case. Returns
// false (after registering a failing test) when the corpus is unreadable.
bool RegisterCases() {
  const std::string path = ConformanceDir() + "/cases.jsonl";
  simdjson::dom::parser parser;
  simdjson::dom::document_stream stream;
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text) != simdjson::SUCCESS ||
      parser.parse_many(text).get(stream) != simdjson::SUCCESS) {
    testing::RegisterTest("Conformance", "CorpusPresent", nullptr, nullptr,
                          __FILE__, __LINE__, [path]() -> testing::Test* {
                            struct Missing : testing::Test {
                              std::string p;
                              void TestBody() override {
                                FAIL() << "cannot read " << p
                                       << " (set DKB_CONFORMANCE_DIR)";
                              }
                            };
                            auto* t = new Missing;
                            t->p = path;
                            return t;
                          });
    return false;
  }
  std::map<std::string, std::string> exceptions = LoadExceptions();
  size_t count = 0;
  for (auto doc : stream) {
    simdjson::dom::element e;
    if (doc.get(e) != simdjson::SUCCESS) continue;
    Case c;
    std::string_view sv;
    if (e["id"].get_string().get(sv) == simdjson::SUCCESS) c.id = sv;
    if (e["file"].get_string().get(sv) == simdjson::SUCCESS) c.file = sv;
    if (e["note"].get_string().get(sv) == simdjson::SUCCESS) c.note = sv;
    if (e["now"].get_int64().get(c.now) != simdjson::SUCCESS) c.now = 0;
    if (e["expect"]["dkim"].get_string().get(sv) == simdjson::SUCCESS) {
      c.dkim = sv;
    }
    simdjson::dom::array sigs;
    if (e["expect"]["signatures"].get_array().get(sigs) == simdjson::SUCCESS) {
      for (simdjson::dom::element sig : sigs) {
        ExpectedSig want;
        bool dummy = false;
        want.d = StringOrNull(sig["d"], &want.d_null);
        want.s = StringOrNull(sig["s"], &want.s_null);
        want.result = StringOrNull(sig["result"], &dummy);
        want.reason = StringOrNull(sig["reason"], &dummy);
        c.sigs.push_back(want);
      }
    }
    std::string name = c.id;
    for (char& ch : name) {
      if (ch == '-') ch = '_';
    }
    std::string exception =
        exceptions.count(c.id) ? exceptions[c.id] + " " : std::string();
    testing::RegisterTest("Conformance", name.c_str(), nullptr, c.id.c_str(),
                          __FILE__, __LINE__,
                          [c, exception]() -> testing::Test* {
                            return new ConformanceCase(c, exception);
                          });
    ++count;
  }
  return count > 0;
}

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  RegisterCases();
  return RUN_ALL_TESTS();
}
