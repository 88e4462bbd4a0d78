// tests/engine/test_signer.h
//
// A test-only DKIM signer (RFC 6376 §5) written independently of the engine:
// plain std::string message splitting, the naive canonicalizers of
// reference_canon.h, bottom-up header selection (§5.4.2) and EVP signing.
// The verifier tests check the engine against what this produces.
#ifndef DKIMBATCH_TESTS_ENGINE_TEST_SIGNER_H_
#define DKIMBATCH_TESTS_ENGINE_TEST_SIGNER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/engine/reference_canon.h"
#include "tests/engine/test_keys.h"

namespace dkimbatch::testutil {

struct SignSpec {
  EVP_PKEY* key = nullptr;
  std::string a = "rsa-sha256";  // rsa-sha256, rsa-sha1 or ed25519-sha256
  std::string d = "example.com";
  std::string s = "sel";
  std::string header_canon = "relaxed";  // "simple" or "relaxed"
  std::string body_canon = "relaxed";
  std::string c_text;   // c= as written; empty: header_canon/body_canon
  bool omit_c = false;  // no c= at all (means simple/simple)
  std::vector<std::string> h = {"From", "To", "Subject"};
  std::optional<uint64_t> l;
  std::optional<uint64_t> t;
  std::optional<uint64_t> x;
  std::optional<std::string> i;
  bool b_first = false;  // put b= before bh= (b= not the last tag)
};

struct RawField {
  std::string name;
  std::string raw;  // with its CRLF
};

inline bool RefEqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    char x = a[k];
    char y = b[k];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// RefSplitMessage splits a CRLF message into fields and body.
inline void RefSplitMessage(std::string_view msg, std::vector<RawField>* fields,
                            std::string* body) {
  size_t sep = msg.find("\r\n\r\n");
  std::string_view head =
      sep == std::string_view::npos ? msg : msg.substr(0, sep + 2);
  *body = sep == std::string_view::npos ? "" : std::string(msg.substr(sep + 4));
  for (const std::string& line : RefSplitLines(head)) {
    if (!line.empty() && RefIsWsp(line[0]) && !fields->empty()) {
      fields->back().raw += line + "\r\n";
      continue;
    }
    RawField f;
    f.name = line.substr(0, line.find(':'));
    while (!f.name.empty() && RefIsWsp(f.name.back())) f.name.pop_back();
    f.raw = line + "\r\n";
    fields->push_back(f);
  }
}

inline std::string CanonHeader(const std::string& canon, std::string_view raw,
                               bool with_crlf) {
  if (canon == "relaxed") return RefRelaxedHeader(raw, with_crlf);
  std::string out(raw);
  if (!with_crlf && out.size() >= 2 && out.ends_with("\r\n")) {
    out.resize(out.size() - 2);
  }
  return out;
}

// SignMessage returns the CRLF `message` with a DKIM-Signature field
// prepended, made as RFC 6376 §5 says.
inline std::string SignMessage(std::string_view message, const SignSpec& spec) {
  std::vector<RawField> fields;
  std::string body;
  RefSplitMessage(message, &fields, &body);
  const bool sha1 = spec.a == "rsa-sha1";

  std::string canon_body =
      spec.body_canon == "relaxed" ? RefRelaxedBody(body) : RefSimpleBody(body);
  if (spec.l && *spec.l < canon_body.size()) canon_body.resize(*spec.l);
  const std::string bh = Base64Encode(Sha(canon_body, sha1));

  std::string sig = "DKIM-Signature: v=1; a=" + spec.a + ";";
  if (!spec.omit_c) {
    sig += " c=";
    sig += spec.c_text.empty() ? spec.header_canon + "/" + spec.body_canon
                               : spec.c_text;
    sig += ";";
  }
  sig += " d=" + spec.d + "; s=" + spec.s + ";\r\n\t";
  if (spec.t) sig += "t=" + std::to_string(*spec.t) + "; ";
  if (spec.x) sig += "x=" + std::to_string(*spec.x) + "; ";
  if (spec.l) sig += "l=" + std::to_string(*spec.l) + "; ";
  if (spec.i) sig += "i=" + *spec.i + "; ";
  sig += "h=";
  for (size_t k = 0; k < spec.h.size(); ++k) {
    sig += (k == 0 ? "" : " : ") + spec.h[k];
  }
  sig += ";\r\n\t";
  // The b= value is folded and surrounded by FWS so that emptying it must
  // remove exactly the value range.
  std::string before_b;
  std::string after_b;
  if (spec.b_first) {
    before_b = sig + "b=";
    after_b = ";\r\n\tbh=" + bh + ";";
  } else {
    before_b = sig + "bh=" + bh + ";\r\n\tb=";
    after_b = "";
  }

  // Header hash input (§3.7): h= fields bottom-up, then this field with an
  // empty b= and no final CRLF.
  std::string header_data;
  std::vector<bool> used(fields.size(), false);
  for (const std::string& name : spec.h) {
    for (size_t j = fields.size(); j-- > 0;) {
      if (!used[j] && RefEqualsIgnoreCase(fields[j].name, name)) {
        used[j] = true;
        header_data += CanonHeader(spec.header_canon, fields[j].raw, true);
        break;
      }
    }
  }
  header_data +=
      CanonHeader(spec.header_canon, before_b + after_b + "\r\n", false);

  Bytes signature;
  if (spec.a == "ed25519-sha256") {
    signature = SignEd25519(spec.key, Sha(header_data));
  } else {
    signature = SignRsa(spec.key, header_data, sha1);
  }
  std::string b64 = Base64Encode(signature);
  std::string folded = " ";
  for (size_t k = 0; k < b64.size(); k += 60) {
    if (k > 0) folded += "\r\n\t ";
    folded += b64.substr(k, 60);
  }
  folded += " ";
  return before_b + folded + after_b + "\r\n" + std::string(message);
}

// KeyRecordFor returns a DNS TXT key record for `key` (SPKI p=).
inline std::string KeyRecordFor(EVP_PKEY* key, std::string_view extra = "") {
  if (EVP_PKEY_get_id(key) == EVP_PKEY_ED25519) {
    return "v=DKIM1; k=ed25519; " + std::string(extra) +
           "p=" + Base64Encode(RawEd25519(key));
  }
  return "v=DKIM1; k=rsa; " + std::string(extra) +
         "p=" + Base64Encode(SpkiDer(key));
}

}  // namespace dkimbatch::testutil

#endif  // DKIMBATCH_TESTS_ENGINE_TEST_SIGNER_H_
