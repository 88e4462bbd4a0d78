// tests/io/jsonl_writer_test.cc
//
// Verdict lines: field order, optional fields, null for absent strings, and
// string escaping (control characters, invalid UTF-8 as \u00XX). Lines are
// parsed back with simdjson; escaping is also compared with a byte-at-a-time
// reference on random input.
#include "io/jsonl_writer.h"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/verdict.h"
#include "gtest/gtest.h"
#include "simdjson.h"

namespace dkimbatch::io {
namespace {

using engine::Reason;
using engine::Result;
using engine::SignatureVerdict;
using engine::Verdict;

std::string Escaped(std::string_view text) {
  std::string out;
  AppendJsonString(text, &out);
  return out;
}

// Keys of `object`, in document order.
std::vector<std::string> Keys(simdjson::dom::object object) {
  std::vector<std::string> keys;
  for (auto field : object) keys.emplace_back(field.key);
  return keys;
}

std::string GetString(simdjson::dom::element e) {
  std::string_view sv;
  EXPECT_EQ(e.get_string().get(sv), simdjson::SUCCESS);
  return std::string(sv);
}

SignatureVerdict FullSignature() {
  SignatureVerdict sig;
  sig.d = "example.com";
  sig.s = "sel";
  sig.a = "rsa-sha256";
  sig.c = "relaxed/simple";
  sig.i = "@example.com";
  sig.key_bits = 2048;
  sig.result = Result::kFail;
  sig.reason = Reason::kBodyHashMismatch;
  sig.detail = "body hash did not verify";
  return sig;
}

TEST(JsonlWriter, DesignExampleShape) {
  Verdict verdict;
  verdict.dkim = Result::kFail;
  verdict.message_id = "<abc@example.com>";
  verdict.from_domain = "example.com";
  verdict.signatures.push_back(FullSignature());
  MessageLocation where;
  where.source = "archive.mbox";
  where.index = 41;
  where.offset = 918273;
  std::string line;
  AppendVerdictLine(where, verdict, &line);
  EXPECT_EQ(line,
            R"({"source":"archive.mbox","index":41,"offset":918273,)"
            R"("message_id":"<abc@example.com>","from":"example.com",)"
            R"("dkim":"fail","signatures":[{"d":"example.com","s":"sel",)"
            R"("a":"rsa-sha256","c":"relaxed/simple","i":"@example.com",)"
            R"("key_bits":2048,"result":"fail","reason":"body_hash_mismatch",)"
            R"("detail":"body hash did not verify"}]})"
            "\n");
}

TEST(JsonlWriter, FieldsParseBackInOrder) {
  SignatureVerdict bare;  // every optional string absent, no key
  bare.result = Result::kPermerror;
  bare.reason = Reason::kSigSyntax;
  bare.detail = "malformed \"tag\"\n";
  Verdict verdict;
  verdict.dkim = Result::kFail;
  verdict.signatures = {FullSignature(), bare};
  verdict.error = "";

  struct Case {
    std::optional<uint64_t> offset;
    std::string error;
    bool message_id;
  };
  const Case kCases[] = {
      {918273, "", true},
      {std::nullopt, "", false},
      {0, "cannot read: Permission denied", true},
      {std::nullopt, "x", false},
      {UINT64_MAX, "", true},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.error);
    verdict.error = c.error;
    verdict.message_id =
        c.message_id ? std::optional<std::string>("<m@x>") : std::nullopt;
    verdict.from_domain =
        c.message_id ? std::optional<std::string>("x") : std::nullopt;
    MessageLocation where;
    where.source = "dir/new/1.eml";
    where.index = 7;
    where.offset = c.offset;
    std::string line = "previous line\n";  // appended, not overwritten
    AppendVerdictLine(where, verdict, &line);
    ASSERT_EQ(line.rfind("previous line\n", 0), 0u);
    line.erase(0, 14);
    ASSERT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1);  // exactly one line

    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(simdjson::padded_string(line)).get(doc),
              simdjson::SUCCESS)
        << line;
    simdjson::dom::object object;
    ASSERT_EQ(doc.get_object().get(object), simdjson::SUCCESS);

    std::vector<std::string> want_keys = {"source", "index"};
    if (c.offset) want_keys.push_back("offset");
    for (const char* k : {"message_id", "from", "dkim", "signatures"}) {
      want_keys.push_back(k);
    }
    if (!c.error.empty()) want_keys.push_back("error");
    EXPECT_EQ(Keys(object), want_keys);

    EXPECT_EQ(GetString(object["source"]), "dir/new/1.eml");
    uint64_t number = 0;
    ASSERT_EQ(object["index"].get_uint64().get(number), simdjson::SUCCESS);
    EXPECT_EQ(number, 7u);
    if (c.offset) {
      ASSERT_EQ(object["offset"].get_uint64().get(number), simdjson::SUCCESS);
      EXPECT_EQ(number, *c.offset);
    }
    if (c.message_id) {
      EXPECT_EQ(GetString(object["message_id"]), "<m@x>");
      EXPECT_EQ(GetString(object["from"]), "x");
    } else {
      EXPECT_TRUE(object["message_id"].is_null());
      EXPECT_TRUE(object["from"].is_null());
    }
    EXPECT_EQ(GetString(object["dkim"]), "fail");
    if (!c.error.empty()) {
      EXPECT_EQ(GetString(object["error"]), c.error);
    }

    simdjson::dom::array sigs;
    ASSERT_EQ(object["signatures"].get_array().get(sigs), simdjson::SUCCESS);
    ASSERT_EQ(sigs.size(), 2u);
    simdjson::dom::object first, second;
    ASSERT_EQ(sigs.at(0).get_object().get(first), simdjson::SUCCESS);
    ASSERT_EQ(sigs.at(1).get_object().get(second), simdjson::SUCCESS);
    EXPECT_EQ(Keys(first),
              (std::vector<std::string>{"d", "s", "a", "c", "i", "key_bits",
                                        "result", "reason", "detail"}));
    EXPECT_EQ(Keys(second),
              (std::vector<std::string>{"d", "s", "a", "c", "i", "result",
                                        "reason", "detail"}));
    int64_t bits = 0;
    ASSERT_EQ(first["key_bits"].get_int64().get(bits), simdjson::SUCCESS);
    EXPECT_EQ(bits, 2048);
    EXPECT_EQ(GetString(first["c"]), "relaxed/simple");
    for (const char* k : {"d", "s", "a", "c", "i"}) {
      EXPECT_TRUE(second[k].is_null()) << k;
    }
    EXPECT_EQ(GetString(second["result"]), "permerror");
    EXPECT_EQ(GetString(second["reason"]), "sig_syntax");
    EXPECT_EQ(GetString(second["detail"]), "malformed \"tag\"\n");
  }
}

TEST(JsonlWriter, UnsignedMessageHasEmptySignatureList) {
  Verdict verdict;  // dkim = none
  MessageLocation where;
  where.source = "-";
  std::string line;
  AppendVerdictLine(where, verdict, &line);
  EXPECT_EQ(line, R"({"source":"-","index":0,"message_id":null,"from":null,)"
                  R"("dkim":"none","signatures":[]})"
                  "\n");
}

TEST(JsonlWriter, EscapesStrings) {
  struct Case {
    std::string_view in;
    std::string_view want;  // without the surrounding quotes
  };
  using namespace std::string_view_literals;
  const Case kCases[] = {
      {"", ""},
      {"abc", "abc"},
      {R"(a"b\c)", R"(a\"b\\c)"},
      {"/", "/"},
      {"\b\f\n\r\t", R"(\b\f\n\r\t)"},
      {"\x00\x01\x1f\x0b"sv, R"(\u0000\u0001\u001f\u000b)"},
      {"\x7f", "\x7f"},  // DEL is allowed raw in JSON
      // Well-formed UTF-8 passes through, at each length and at the limits.
      {"\xC2\x80", "\xC2\x80"},
      {"caf\xC3\xA9", "caf\xC3\xA9"},
      {"\xE0\xA0\x80", "\xE0\xA0\x80"},
      {"\xE2\x82\xAC", "\xE2\x82\xAC"},
      {"\xED\x9F\xBF", "\xED\x9F\xBF"},  // U+D7FF, just below surrogates
      {"\xEE\x80\x80", "\xEE\x80\x80"},  // U+E000, just above
      {"\xE2\x80\xA8", "\xE2\x80\xA8"},  // U+2028 is valid JSON
      {"\xF0\x90\x80\x80", "\xF0\x90\x80\x80"},
      {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},
      {"\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"},  // U+10FFFF
      // Every byte of an ill-formed sequence becomes \u00XX.
      {"\x80", R"(\u0080)"},
      {"\xBF", R"(\u00bf)"},
      {"\xFF\xFE", R"(\u00ff\u00fe)"},
      {"\xC0\xAF", R"(\u00c0\u00af)"},                      // overlong '/'
      {"\xC1\xBF", R"(\u00c1\u00bf)"},                      // overlong
      {"\xE0\x80\xAF", R"(\u00e0\u0080\u00af)"},            // overlong
      {"\xE0\x9F\xBF", R"(\u00e0\u009f\u00bf)"},            // overlong
      {"\xF0\x80\x80\xAF", R"(\u00f0\u0080\u0080\u00af)"},  // overlong
      {"\xF0\x8F\xBF\xBF", R"(\u00f0\u008f\u00bf\u00bf)"},  // overlong
      {"\xED\xA0\x80", R"(\u00ed\u00a0\u0080)"},            // U+D800
      {"\xED\xBF\xBF", R"(\u00ed\u00bf\u00bf)"},            // U+DFFF
      {"\xF4\x90\x80\x80", R"(\u00f4\u0090\u0080\u0080)"},  // > U+10FFFF
      {"\xF5\x80\x80\x80", R"(\u00f5\u0080\u0080\u0080)"},
      {"\xC3", R"(\u00c3)"},            // truncated at the end
      {"\xE2\x82", R"(\u00e2\u0082)"},  // truncated at the end
      {"\xE2\x82"
       "A",
       R"(\u00e2\u0082A)"},  // truncated by ASCII
      {"\xF0\x9F\x98"
       "\xC3\xA9",
       R"(\u00f0\u009f\u0098)"
       "\xC3\xA9"},
      {"caf\xE9 cr\xE8me", R"(caf\u00e9 cr\u00e8me)"},  // Latin-1 input
      // Longer than one 8-byte word, specials at every position.
      {"0123456789abcdefghij", "0123456789abcdefghij"},
      {"0123456\"89abcdef", R"(0123456\"89abcdef)"},
      {"01234567\n9abcdef", R"(01234567\n9abcdef)"},
      {"0123456\xC3\xA9"
       "9abcdefgh",
       "0123456\xC3\xA9"
       "9abcdefgh"},
      {"abcdefg\xFF"
       "abcdefgh\\",
       R"(abcdefg\u00ffabcdefgh\\)"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(testing::PrintToString(std::string(c.in)));
    EXPECT_EQ(Escaped(c.in), "\"" + std::string(c.want) + "\"");
  }
}

TEST(JsonlWriter, InvalidUtf8MessageIdGivesValidJsonLine) {
  Verdict verdict;
  verdict.message_id = std::string("<caf\xE9\x00\x01@x\xED\xA0\x80>", 13);
  verdict.from_domain = "\xC3\xA9xample.com";
  MessageLocation where;
  where.source = "m\xFF.mbox";
  std::string line;
  AppendVerdictLine(where, verdict, &line);
  EXPECT_TRUE(simdjson::validate_utf8(line.data(), line.size()));
  EXPECT_NE(
      line.find(
          R"("message_id":"<caf\u00e9\u0000\u0001@x\u00ed\u00a0\u0080>")"),
      std::string::npos)
      << line;
  EXPECT_NE(line.find(R"("source":"m\u00ff.mbox")"), std::string::npos);
  EXPECT_NE(line.find("\"from\":\"\xC3\xA9xample.com\""), std::string::npos);

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(simdjson::padded_string(line)).get(doc),
            simdjson::SUCCESS);
  // Each invalid byte is read back as the Latin-1 character of that value.
  EXPECT_EQ(GetString(doc["message_id"]),
            std::string("<caf\xC3\xA9\x00\x01@x\xC3\xAD\xC2\xA0\xC2\x80>", 17));
}

// ReferenceEscape is the byte-at-a-time twin of AppendJsonString: it decodes
// a code point arithmetically and checks the range rules directly.
std::string ReferenceEscape(std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  auto escape_byte = [&](unsigned char b) {
    out += "\\u00";
    out += kHex[b >> 4];
    out += kHex[b & 15];
  };
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20) {
            escape_byte(c);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    size_t len = c >= 0xF8   ? 0
                 : c >= 0xF0 ? 4
                 : c >= 0xE0 ? 3
                 : c >= 0xC0 ? 2
                             : 0;
    uint32_t cp = len == 4 ? (c & 0x07u) : len == 3 ? (c & 0x0Fu) : (c & 0x1Fu);
    bool ok = len != 0 && i + len <= text.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const unsigned char b = static_cast<unsigned char>(text[i + k]);
      ok = (b & 0xC0) == 0x80;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    ok = ok && cp >= min_cp[len] && cp <= 0x10FFFF &&
         !(cp >= 0xD800 && cp <= 0xDFFF);
    if (ok) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      escape_byte(c);
      ++i;
    }
  }
  return out + "\"";
}

TEST(JsonlWriter, MatchesReferenceOnRandomInput) {
  // Bytes drawn mostly from the interesting ones: specials, lead bytes at
  // each range edge, continuation bytes.
  const unsigned char kAlphabet[] = {
      'a',  'Z',  ' ',  '"',  '\\', '\n', 0x00, 0x1F, 0x7F, 0x80, 0x8F,
      0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC,
      0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
  std::mt19937 rng(12345);
  std::uniform_int_distribution<size_t> pick(0, sizeof(kAlphabet) - 1);
  std::uniform_int_distribution<int> any_byte(0, 255);
  std::uniform_int_distribution<int> coin(0, 3);
  simdjson::dom::parser parser;
  for (int iter = 0; iter < 20000; ++iter) {
    const size_t len = static_cast<size_t>(iter % 41);
    std::string text;
    for (size_t k = 0; k < len; ++k) {
      text += static_cast<char>(coin(rng) == 0 ? any_byte(rng)
                                               : kAlphabet[pick(rng)]);
    }
    const std::string got = Escaped(text);
    ASSERT_EQ(got, ReferenceEscape(text)) << testing::PrintToString(text);
    ASSERT_TRUE(simdjson::validate_utf8(got.data(), got.size()));
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(simdjson::padded_string(got)).get(doc),
              simdjson::SUCCESS)
        << got;
    ASSERT_TRUE(doc.is_string());
    if (simdjson::validate_utf8(text.data(), text.size())) {
      EXPECT_EQ(GetString(doc), text);  // valid input round-trips exactly
    }
  }
}

}  // namespace
}  // namespace dkimbatch::io
