// engine/key_lint.cc
//
// Key record lint: character-level problems first (quotes, escapes, white
// space in base64), then the tag list (resumed after each bad tag-spec so
// one typo does not hide the rest), then each tag's meaning and the key.
#include "engine/key_lint.h"

#include <openssl/evp.h>

#include <algorithm>

#include "engine/base64.h"
#include "engine/crypto/public_key.h"
#include "engine/internal/ascii.h"
#include "engine/key_record.h"
#include "engine/tag_list.h"

namespace dkimbatch::engine {
namespace {

using internal::EqualsIgnoreCase;
using internal::IsFwsChar;
using internal::TrimFws;

constexpr size_t kMaxCharacterString = 255;

// A tag found by the resumable parse: views into the joined record.
struct LintTag {
  std::string_view name;
  std::string_view value;
  size_t name_pos = 0;
  size_t value_pos = 0;
};

class RecordLinter {
 public:
  RecordLinter(int record, std::string_view text, KeyLint* out)
      : record_(record), text_(text), out_(out) {}

  // Run lints the record as a DKIM key record; fills `summary`.
  void Run(KeySummary* summary);

 private:
  void Add(LintSeverity severity, std::string code, std::string message,
           std::optional<size_t> position = std::nullopt) {
    out_->findings.push_back(LintFinding{severity, std::move(code), record_,
                                         position, std::move(message)});
  }
  size_t PosOf(std::string_view part) const {
    return static_cast<size_t>(part.data() - text_.data());
  }
  void CheckCharacters();
  void ParseTags();
  const LintTag* Find(std::string_view name) const {
    for (const LintTag& t : tags_) {
      if (t.name == name) return &t;
    }
    return nullptr;
  }
  void CheckVersion();
  void CheckKeyType(KeySummary* summary);
  void CheckHashes(KeySummary* summary);
  void CheckServices(KeySummary* summary);
  void CheckFlags(KeySummary* summary);
  void CheckOtherTags();
  void CheckPublicKey(KeySummary* summary);

  int record_;
  std::string_view text_;
  KeyLint* out_;
  std::vector<LintTag> tags_;
  bool syntax_error_ = false;
  KeyType type_ = KeyType::kRsa;
};

void RecordLinter::CheckCharacters() {
  for (size_t i = 0; i < text_.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text_[i]);
    if (c == '"') {
      Add(LintSeverity::kError, "stray_quote",
          "a double quote is part of the record: the zone file or DNS "
          "control panel quoted it twice; remove the quotes from the data",
          i);
      return;  // one is enough: they come in pairs
    }
    if (c == '\\') {
      Add(LintSeverity::kError, "stray_backslash",
          "a backslash is part of the record (a zone-file escape such as "
          "'\\;' published literally)",
          i);
      return;
    }
    if ((c < 0x20 && !IsFwsChar(static_cast<char>(c))) || c >= 0x7f) {
      Add(LintSeverity::kError, "bad_character",
          "byte 0x" + std::string(1, "0123456789abcdef"[c >> 4]) +
              std::string(1, "0123456789abcdef"[c & 15]) +
              " is not allowed in a key record (printable ASCII only)",
          i);
      return;
    }
  }
}

void RecordLinter::ParseTags() {
  size_t start = 0;
  while (start <= text_.size()) {
    TagList list;
    std::string_view rest = text_.substr(start);
    ParseTagList(rest, &list);
    for (const Tag& tag : list.tags) {
      if (Find(tag.name) != nullptr) {
        Add(LintSeverity::kError, "duplicate_tag",
            "tag " + std::string(tag.name) + "= appears twice",
            PosOf(tag.name));
        syntax_error_ = true;
        continue;
      }
      tags_.push_back(
          LintTag{tag.name, tag.value, PosOf(tag.name), PosOf(tag.value)});
    }
    if (list.ok()) break;
    syntax_error_ = true;
    const size_t pos = start + list.error_pos;
    size_t end = text_.find(';', pos);
    if (end == std::string_view::npos) end = text_.size();
    // The offending tag-spec, for the message and for a k= hint.
    size_t spec_begin = text_.rfind(';', pos == 0 ? 0 : pos - 1);
    spec_begin = (spec_begin == std::string_view::npos || pos == 0)
                     ? start
                     : std::max(start, spec_begin + 1);
    std::string_view spec = TrimFws(text_.substr(spec_begin, end - spec_begin));
    std::string quoted = "'" + std::string(spec.substr(0, 40)) +
                         (spec.size() > 40 ? "...'" : "'");
    switch (list.error) {
      case TagListError::kEmptyName: {
        std::string_view value = TrimFws(spec.substr(spec.find('=') + 1));
        std::string hint;
        if (EqualsIgnoreCase(value, "rsa") ||
            EqualsIgnoreCase(value, "ed25519")) {
          hint = " (did you mean 'k=" + std::string(value) + "'?)";
        }
        Add(LintSeverity::kError, "empty_tag_name",
            "tag name missing before '=' in " + quoted + hint +
                ": verifiers reject the whole record (key_syntax)",
            pos);
        break;
      }
      case TagListError::kDuplicate: {
        Add(LintSeverity::kError, "duplicate_tag",
            "tag appears twice: " + quoted, pos);
        // ParseTagList stops before the duplicate; skip that tag-spec.
        break;
      }
      case TagListError::kMissingEquals:
        Add(LintSeverity::kError, "missing_equals",
            "tag-spec " + quoted + " has no '=' (a missing ';' or '='?)", pos);
        break;
      case TagListError::kBadName:
        Add(LintSeverity::kError, "bad_tag_name",
            "invalid tag name in " + quoted +
                " (letters, digits and '_', starting with a letter; a "
                "missing ';'?)",
            pos);
        break;
      case TagListError::kBadValue:
        Add(LintSeverity::kError, "bad_value",
            "invalid character in tag value " + quoted, pos);
        break;
      case TagListError::kTooManyTags:
        Add(LintSeverity::kError, "too_many_tags",
            "more tag-specs than any key record needs: verifiers reject the "
            "whole record (key_syntax)",
            pos);
        return;  // nothing more worth reading
      case TagListError::kOk:
        break;
    }
    start = end + 1;
  }
}

void RecordLinter::CheckVersion() {
  const LintTag* v = Find("v");
  if (v == nullptr) {
    Add(LintSeverity::kNote, "v_absent",
        "no v=DKIM1 tag (optional, but if present it must come first)");
    return;
  }
  if (&tags_[0] != v) {
    Add(LintSeverity::kError, "v_not_first",
        "v= must be the first tag (RFC 6376 §3.6.1)", v->name_pos);
  }
  if (v->value != "DKIM1") {
    Add(LintSeverity::kError, "bad_version",
        "v=" + std::string(v->value) +
            " is not DKIM1: verifiers discard the whole record",
        v->value_pos);
  }
}

void RecordLinter::CheckKeyType(KeySummary* summary) {
  const LintTag* k = Find("k");
  summary->type = "rsa";
  type_ = KeyType::kRsa;
  if (k == nullptr) {
    Add(LintSeverity::kNote, "k_absent", "no k= tag: an RSA key is assumed");
    return;
  }
  summary->type = std::string(k->value);
  if (EqualsIgnoreCase(k->value, "rsa")) {
    summary->type = "rsa";
  } else if (EqualsIgnoreCase(k->value, "ed25519")) {
    summary->type = "ed25519";
    type_ = KeyType::kEd25519;
  } else {
    type_ = KeyType::kUnknown;
    Add(LintSeverity::kError, "unknown_key_type",
        "k=" + std::string(k->value) +
            " is not a key type verifiers know (rsa, ed25519): every "
            "signature fails (key_type_mismatch)",
        k->value_pos);
  }
}

// ForEachListItem calls `fn(item, pos)` for each item of a colon list.
template <typename Fn>
void ForEachListItem(std::string_view list, size_t list_pos, Fn fn) {
  size_t p = 0;
  while (p <= list.size()) {
    size_t colon = list.find(':', p);
    if (colon == std::string_view::npos) colon = list.size();
    std::string_view raw = list.substr(p, colon - p);
    std::string_view item = TrimFws(raw);
    fn(item, list_pos + p + static_cast<size_t>(item.data() - raw.data()));
    p = colon + 1;
  }
}

void RecordLinter::CheckHashes(KeySummary* summary) {
  const LintTag* h = Find("h");
  if (h == nullptr) return;
  summary->hashes = std::string(h->value);
  bool sha1 = false, sha256 = false;
  ForEachListItem(
      h->value, h->value_pos, [&](std::string_view item, size_t pos) {
        if (EqualsIgnoreCase(item, "sha256")) {
          sha256 = true;
        } else if (EqualsIgnoreCase(item, "sha1")) {
          sha1 = true;
        } else {
          Add(LintSeverity::kWarning, "unknown_hash",
              "h= lists an unknown hash '" + std::string(item) + "' (ignored)",
              pos);
        }
      });
  if (!sha256) {
    Add(LintSeverity::kError, "h_excludes_sha256",
        "h= does not include sha256: every rsa-sha256 and ed25519-sha256 "
        "signature with this key fails (key_hash_mismatch)",
        h->value_pos);
  } else if (sha1) {
    Add(LintSeverity::kWarning, "h_allows_sha1",
        "h= allows sha1, which RFC 8301 forbids for signing and verifying; "
        "use h=sha256 or leave h= out",
        h->value_pos);
  }
}

void RecordLinter::CheckServices(KeySummary* summary) {
  const LintTag* s = Find("s");
  if (s == nullptr) return;
  summary->services = std::string(s->value);
  bool email = false;
  ForEachListItem(s->value, s->value_pos, [&](std::string_view item, size_t) {
    if (item == "*" || EqualsIgnoreCase(item, "email")) email = true;
  });
  if (!email) {
    Add(LintSeverity::kError, "s_excludes_email",
        "s=" + std::string(s->value) +
            " does not include email or *: the key may not be used for mail "
            "(key_service_mismatch)",
        s->value_pos);
  }
}

void RecordLinter::CheckFlags(KeySummary* summary) {
  const LintTag* t = Find("t");
  if (t == nullptr) return;
  ForEachListItem(
      t->value, t->value_pos, [&](std::string_view item, size_t pos) {
        if (item == "y") {
          summary->testing = true;
          Add(LintSeverity::kWarning, "testing",
              "t=y: the domain is testing DKIM; verifiers may treat failed "
              "signatures as if the mail were unsigned. Remove it once signing "
              "works",
              pos);
        } else if (item == "s") {
          summary->strict = true;
          Add(LintSeverity::kNote, "strict",
              "t=s: the i= domain of signatures must be exactly d=, not a "
              "subdomain",
              pos);
        } else if (!item.empty()) {
          Add(LintSeverity::kNote, "unknown_flag",
              "t= flag '" + std::string(item) + "' is unknown (ignored)", pos);
        }
      });
}

void RecordLinter::CheckOtherTags() {
  for (const LintTag& tag : tags_) {
    const std::string_view n = tag.name;
    if (n == "v" || n == "k" || n == "h" || n == "s" || n == "t" || n == "p" ||
        n == "n") {
      continue;
    }
    if (n == "g") {
      Add(LintSeverity::kNote, "obsolete_tag",
          "g= was dropped by RFC 6376 and is ignored", tag.name_pos);
    } else {
      Add(LintSeverity::kNote, "unknown_tag",
          "unknown tag " + std::string(n) + "= (ignored)", tag.name_pos);
    }
  }
}

// LooksLikeSpki: an RSA p= in SubjectPublicKeyInfo form carries the
// rsaEncryption OID near its start; a bare RSAPublicKey does not.
bool LooksLikeSpki(std::span<const uint8_t> der) {
  static constexpr uint8_t kRsaOid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                        0xf7, 0x0d, 0x01, 0x01, 0x01};
  std::span<const uint8_t> head = der.first(std::min<size_t>(der.size(), 24));
  return std::search(head.begin(), head.end(), std::begin(kRsaOid),
                     std::end(kRsaOid)) != head.end();
}

void RecordLinter::CheckPublicKey(KeySummary* summary) {
  const LintTag* p = Find("p");
  if (p == nullptr) {
    Add(LintSeverity::kError, "missing_p",
        "no p= tag: the record carries no key (key_syntax)");
    return;
  }
  if (p->value.empty()) {
    summary->revoked = true;
    Add(LintSeverity::kWarning, "revoked",
        "p= is empty: the key is revoked and every signature with this "
        "selector fails (key_revoked)",
        p->value_pos);
    return;
  }
  for (size_t i = 0; i < p->value.size(); ++i) {
    if (IsFwsChar(p->value[i])) {
      Add(LintSeverity::kWarning, "base64_whitespace",
          "white space inside p= (RFC 6376 allows it, but some verifiers "
          "and DNS panels break on it): publish the base64 without spaces",
          p->value_pos + i);
      break;
    }
  }
  std::vector<uint8_t> der;
  if (!Base64Decode(p->value, &der) || der.empty()) {
    size_t bad = p->value.size();
    size_t digits = 0;
    for (size_t i = 0; i < p->value.size(); ++i) {
      const char c = p->value[i];
      const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '+' || c == '/';
      if (alpha) ++digits;
      if (!alpha && !IsFwsChar(c) && c != '=') {
        bad = i;
        break;
      }
    }
    if (bad < p->value.size()) {
      Add(LintSeverity::kError, "bad_base64",
          std::string("character '") + p->value[bad] +
              "' is not base64 in p= (key_syntax)",
          p->value_pos + bad);
    } else {
      Add(LintSeverity::kError, "bad_base64",
          "p= is not valid base64 (" + std::to_string(digits) +
              " digits: truncated, or a string of the record missing?)",
          p->value_pos);
    }
    return;
  }
  summary->public_key = der;
  if (type_ == KeyType::kUnknown) return;
  PublicKey key;
  std::string error;
  if (!ParsePublicKey(type_, der, &key, &error)) {
    std::string hint;
    if (type_ == KeyType::kRsa && der.size() == 32) {
      hint = " (32 bytes: an Ed25519 key? then add k=ed25519)";
    } else if (type_ == KeyType::kEd25519 && der.size() > 64) {
      hint =
          " (" + std::to_string(der.size()) + " bytes: an RSA key? then k=rsa)";
    } else if (type_ == KeyType::kRsa) {
      hint = " (" + std::to_string(der.size()) +
             " bytes of DER that do not decode: truncated?)";
    }
    Add(LintSeverity::kError, "bad_key", error + hint + " (key_syntax)",
        p->value_pos);
    return;
  }
  summary->bits = key.bits;
  summary->usable = !syntax_error_;
  if (type_ == KeyType::kEd25519) {
    Add(LintSeverity::kNote, "ed25519",
        "Ed25519 key (RFC 8463): verifiers that predate it ignore such "
        "signatures, so sign with an RSA key as well");
    return;
  }
  if (!LooksLikeSpki(der)) {
    Add(LintSeverity::kWarning, "rsa_not_spki",
        "p= is a bare RSAPublicKey; RFC 6376 asks for SubjectPublicKeyInfo "
        "and some verifiers accept only that",
        p->value_pos);
  }
  if (key.bits < 1024) {
    Add(LintSeverity::kError, "key_too_small",
        "RSA key of " + std::to_string(key.bits) +
            " bits: RFC 8301 verifiers must reject keys under 1024 bits; "
            "use 2048",
        p->value_pos);
  } else if (key.bits < 2048) {
    Add(LintSeverity::kWarning, "key_small",
        "RSA key of " + std::to_string(key.bits) +
            " bits: RFC 8301 says signers should use at least 2048 bits",
        p->value_pos);
  } else if (key.bits > 4096) {
    Add(LintSeverity::kWarning, "key_large",
        "RSA key of " + std::to_string(key.bits) +
            " bits: RFC 8301 verifiers need only support up to 4096 bits",
        p->value_pos);
  }
}

void RecordLinter::Run(KeySummary* summary) {
  CheckCharacters();
  ParseTags();
  if (tags_.empty()) return;
  CheckVersion();
  CheckKeyType(summary);
  CheckHashes(summary);
  CheckServices(summary);
  CheckFlags(summary);
  CheckOtherTags();
  CheckPublicKey(summary);
}

// LooksLikeKeyFragment: text with no tag structure that is all base64, as
// left when a key is split across TXT records instead of strings.
bool LooksLikeKeyFragment(std::string_view text) {
  if (text.size() < 8) return false;
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    (c >= '0' && c <= '9') || c == '+' || c == '/' ||
                    c == '=' || IsFwsChar(c);
    if (!ok) return false;
  }
  return true;
}

// IsKeyRecord: a record meant as a key record: one verifiers would try
// (not one that §3.6.1 discards, such as SPF) with some tag structure, or
// one they discard only because its v= is a mistyped "DKIM1" ("DKIM 1",
// "DKIM1\"), which the lint then reports.
bool IsKeyRecord(std::string_view text) {
  if (IsDiscardedRecord(text)) {
    std::string_view t = TrimFws(text);
    t.remove_prefix(std::min<size_t>(t.find('=') + 1, t.size()));
    return EqualsIgnoreCase(TrimFws(t).substr(0, 4), "DKIM");
  }
  return text.find('=') != std::string_view::npos &&
         !LooksLikeKeyFragment(text);
}

}  // namespace

std::string_view LintSeverityWord(LintSeverity severity) {
  switch (severity) {
    case LintSeverity::kError:
      return "error";
    case LintSeverity::kWarning:
      return "warning";
    case LintSeverity::kNote:
      return "note";
  }
  return "?";
}

bool KeyLint::ok() const {
  return std::none_of(
      findings.begin(), findings.end(),
      [](const LintFinding& f) { return f.severity == LintSeverity::kError; });
}

KeyLint LintKeyRecords(std::span<const std::vector<std::string>> records) {
  KeyLint lint;
  if (records.empty()) {
    lint.findings.push_back(
        LintFinding{LintSeverity::kError, "no_txt", -1, std::nullopt,
                    "no TXT record at this name (key_not_found)"});
    return lint;
  }
  std::vector<std::string> joined;
  for (const std::vector<std::string>& strings : records) {
    std::string text;
    for (const std::string& s : strings) text += s;
    joined.push_back(std::move(text));
  }
  int key_records = 0;
  for (size_t r = 0; r < records.size(); ++r) {
    const int index = static_cast<int>(r);
    const std::string& text = joined[r];
    for (const std::string& s : records[r]) {
      if (s.size() > kMaxCharacterString) {
        const size_t parts =
            (s.size() + kMaxCharacterString - 1) / kMaxCharacterString;
        lint.findings.push_back(LintFinding{
            LintSeverity::kNote, "long_string", index, std::nullopt,
            "the record is " + std::to_string(s.size()) +
                " bytes; a TXT character-string holds at most 255: publish "
                "it as " +
                std::to_string(parts) +
                " strings in one TXT record (\"...\" \"...\")"});
      }
    }
    if (LooksLikeKeyFragment(text)) {
      lint.findings.push_back(LintFinding{
          LintSeverity::kError, "split_record", index, 0,
          "this TXT record is bare base64, like the rest of a key: a key "
          "split across several TXT records is not joined; publish its "
          "strings in one TXT record"});
      continue;
    }
    if (!IsKeyRecord(text)) {
      std::string_view head = TrimFws(std::string_view(text).substr(0, 24));
      lint.findings.push_back(LintFinding{
          LintSeverity::kNote, "not_a_key_record", index, std::nullopt,
          "'" + std::string(head) + (text.size() > 24 ? "...'" : "'") +
              " is not a DKIM key record (ignored by verifiers)"});
      continue;
    }
    ++key_records;
    if (records[r].size() > 1) {
      std::string sizes;
      for (const std::string& s : records[r]) {
        sizes += (sizes.empty() ? "" : ", ") + std::to_string(s.size());
      }
      lint.findings.push_back(LintFinding{
          LintSeverity::kNote, "multi_string", index, std::nullopt,
          "published as " + std::to_string(records[r].size()) +
              " character-strings (" + sizes +
              " bytes), which verifiers join with nothing between them"});
    }
    KeySummary summary;
    RecordLinter(index, text, &lint).Run(&summary);
    if (lint.key.record < 0) {
      summary.record = index;
      lint.key = std::move(summary);
    }
  }
  if (key_records == 0) {
    lint.findings.push_back(LintFinding{
        LintSeverity::kError, "no_key_record", -1, std::nullopt,
        "none of the TXT records is a DKIM key record (key_not_found)"});
  } else if (key_records > 1) {
    lint.findings.push_back(LintFinding{
        LintSeverity::kError, "multiple_key_records", -1, std::nullopt,
        std::to_string(key_records) +
            " DKIM key records at one name: RFC 6376 §3.6.2.2 leaves the "
            "result undefined; publish exactly one"});
  }
  return lint;
}

KeyMatch MatchPrivateKey(const KeySummary& summary,
                         const PrivateKey& private_key) {
  if (summary.public_key.empty() || summary.bits == 0) return KeyMatch::kNoKey;
  const KeyType type =
      summary.type == "ed25519" ? KeyType::kEd25519 : KeyType::kRsa;
  PublicKey key;
  std::string error;
  if (!ParsePublicKey(type, summary.public_key, &key, &error)) {
    return KeyMatch::kNoKey;
  }
  return EVP_PKEY_eq(key.pkey.get(), private_key.pkey.get()) == 1
             ? KeyMatch::kMatch
             : KeyMatch::kMismatch;
}

}  // namespace dkimbatch::engine
