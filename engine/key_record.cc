// engine/key_record.cc
//
// Key record parsing and applicability checks.
#include "engine/key_record.h"

#include "engine/base64.h"
#include "engine/internal/ascii.h"

namespace dkimbatch::engine {
namespace {

using internal::EqualsIgnoreCase;
using internal::Excerpt;
using internal::IsFwsChar;
using internal::TrimFws;

// ColonListHas: does the colon-separated `list` contain `item`
// (case-insensitive, FWS around items ignored)?
bool ColonListHas(std::string_view list, std::string_view item) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t colon = list.find(':', pos);
    if (colon == std::string_view::npos) colon = list.size();
    if (EqualsIgnoreCase(TrimFws(list.substr(pos, colon - pos)), item)) {
      return true;
    }
    pos = colon + 1;
  }
  return false;
}

Reason Fail(Reason reason, std::string text, std::string* detail) {
  *detail = std::move(text);
  return reason;
}

}  // namespace

bool IsDiscardedRecord(std::string_view txt) {
  size_t p = 0;
  while (p < txt.size() && IsFwsChar(txt[p])) ++p;
  if (p >= txt.size() || txt[p] != 'v') return false;
  ++p;
  while (p < txt.size() && IsFwsChar(txt[p])) ++p;
  if (p >= txt.size() || txt[p] != '=') return false;
  size_t end = txt.find(';', p + 1);
  std::string_view value = TrimFws(
      txt.substr(p + 1, end == std::string_view::npos ? std::string_view::npos
                                                      : end - p - 1));
  return value != "DKIM1";
}

Reason ParseKeyRecord(std::string_view txt, KeyRecord* out,
                      std::string* detail) {
  ParseTagList(txt, &out->tags);
  const TagList& tags = out->tags;
  if (!tags.ok()) {
    return Fail(Reason::kKeySyntax,
                DescribeTagListError(tags, txt, "key record"), detail);
  }
  const Tag* v = tags.Find("v");
  if (v != nullptr && &tags.tags[0] != v) {
    return Fail(Reason::kKeySyntax, "v= is not the first tag", detail);
  }
  if (v != nullptr && v->value != "DKIM1") {
    return Fail(Reason::kKeySyntax, "v= is not DKIM1", detail);
  }
  out->type = KeyType::kRsa;
  out->key_type_text = "rsa";
  if (const Tag* k = tags.Find("k")) {
    out->key_type_text = k->value;
    if (EqualsIgnoreCase(k->value, "rsa")) {
      out->type = KeyType::kRsa;
    } else if (EqualsIgnoreCase(k->value, "ed25519")) {
      out->type = KeyType::kEd25519;
    } else {
      out->type = KeyType::kUnknown;
    }
  }
  const Tag* h = tags.Find("h");
  out->hashes = h != nullptr ? h->value : std::string_view();
  const Tag* s = tags.Find("s");
  out->services = s != nullptr ? s->value : std::string_view();
  out->testing = false;
  out->strict = false;
  if (const Tag* t = tags.Find("t")) {
    out->testing = ColonListHas(t->value, "y");
    out->strict = ColonListHas(t->value, "s");
  }
  const Tag* p = tags.Find("p");
  if (p == nullptr) return Fail(Reason::kKeySyntax, "missing p= tag", detail);
  if (p->value.empty()) {
    return Fail(Reason::kKeyRevoked, "key revoked (empty p=)", detail);
  }
  if (!Base64Decode(p->value, &out->public_key) || out->public_key.empty()) {
    return Fail(Reason::kKeySyntax, "p= is not valid base64", detail);
  }
  detail->clear();
  return Reason::kOk;
}

Reason CheckKeyForSignature(const KeyRecord& key, const Signature& sig,
                            std::string* detail) {
  const KeyType wanted = sig.algorithm == Algorithm::kEd25519Sha256
                             ? KeyType::kEd25519
                             : KeyType::kRsa;
  if (key.type != wanted) {
    return Fail(Reason::kKeyTypeMismatch,
                "key k=" + Excerpt(key.key_type_text) +
                    " does not match a=" + Excerpt(sig.a.value_or("")),
                detail);
  }
  if (!key.hashes.empty()) {
    std::string_view hash =
        HashOf(sig.algorithm) == HashAlg::kSha1 ? "sha1" : "sha256";
    if (!ColonListHas(key.hashes, hash)) {
      return Fail(
          Reason::kKeyHashMismatch,
          "key h=" + Excerpt(key.hashes) + " excludes " + std::string(hash),
          detail);
    }
  }
  if (!key.services.empty() && !ColonListHas(key.services, "*") &&
      !ColonListHas(key.services, "email")) {
    return Fail(Reason::kKeyServiceMismatch,
                "key s=" + Excerpt(key.services) + " excludes email", detail);
  }
  if (key.strict && !EqualsIgnoreCase(sig.auid_domain, sig.sdid)) {
    return Fail(Reason::kKeyStrictSubdomain,
                "key t=s but i= domain " + Excerpt(sig.auid_domain) +
                    " is not d=" + Excerpt(sig.sdid),
                detail);
  }
  detail->clear();
  return Reason::kOk;
}

}  // namespace dkimbatch::engine
