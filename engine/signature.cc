// engine/signature.cc
//
// DKIM-Signature tag validation, in the order of RFC 6376 §6.1.1: tag-list
// syntax, v=, required tags, a=, c=, encodings, q=, h= must hold From, i=
// must be within d=.
#include "engine/signature.h"

#include <algorithm>
#include <utility>

#include "engine/base64.h"
#include "engine/internal/ascii.h"

namespace dkimbatch::engine {
namespace {

using internal::EqualsIgnoreCase;
using internal::Excerpt;
using internal::IsFwsChar;
using internal::TrimFws;

// ParseDecimal parses 1*DIGIT (at most 76 digits per §3.5; values beyond
// uint64 saturate, which no real l=/t=/x= reaches).
bool ParseDecimal(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 76) return false;
  constexpr uint64_t kMaxTenth = UINT64_MAX / 10;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    // v * 10 + digit > UINT64_MAX, without a division per digit.
    const bool over =
        v > kMaxTenth || (v == kMaxTenth && digit > UINT64_MAX % 10);
    v = over ? UINT64_MAX : v * 10 + digit;
  }
  *out = v;
  return true;
}

bool ParseCanon(std::string_view text, Canon* out) {
  if (EqualsIgnoreCase(text, "simple")) {
    *out = Canon::kSimple;
  } else if (EqualsIgnoreCase(text, "relaxed")) {
    *out = Canon::kRelaxed;
  } else {
    return false;
  }
  return true;
}

// SplitColonList splits "a : b:c" into trimmed items; false on an empty item.
template <typename Out>
bool SplitColonList(std::string_view text, Out* out) {
  size_t pos = 0;
  while (true) {
    size_t colon = text.find(':', pos);
    std::string_view item = TrimFws(text.substr(
        pos, colon == std::string_view::npos ? std::string_view::npos
                                             : colon - pos));
    if (item.empty()) return false;
    out->emplace_back(item.data(), item.size());  // in place, as in ParseTags
    if (colon == std::string_view::npos) return true;
    pos = colon + 1;
  }
}

// IsWithinDomain: `sub` equals `domain` or is a subdomain of it (label
// boundary), case-insensitively.
bool IsWithinDomain(std::string_view sub, std::string_view domain) {
  if (sub.size() == domain.size()) return EqualsIgnoreCase(sub, domain);
  if (sub.size() < domain.size() + 1) return false;
  return sub[sub.size() - domain.size() - 1] == '.' &&
         EqualsIgnoreCase(sub.substr(sub.size() - domain.size()), domain);
}

// SignatureTags finds the tags §3.5 defines in one pass over the list:
// the one-letter names by letter, and bh= (names are case-sensitive; a
// list with duplicates never gets here).
class SignatureTags {
 public:
  explicit SignatureTags(const TagList& list) {
    for (const Tag& tag : list.tags) {
      const std::string_view name = tag.name;
      if (name.size() == 1 && name[0] >= 'a' && name[0] <= 'z') {
        letters_[name[0] - 'a'] = &tag;
      } else if (name == "bh") {
        bh_ = &tag;
      }
    }
  }
  const Tag* operator[](char letter) const { return letters_[letter - 'a']; }
  const Tag* bh() const { return bh_; }

 private:
  const Tag* letters_[26] = {};
  const Tag* bh_ = nullptr;
};

Reason Fail(Reason reason, std::string text, std::string* detail) {
  *detail = std::move(text);
  return reason;
}

}  // namespace

std::string_view CanonName(Canon canon) {
  return canon == Canon::kRelaxed ? "relaxed" : "simple";
}

Reason ParseSignature(std::string_view value, Signature* out,
                      std::string* detail) {
  out->d.reset();
  out->s.reset();
  out->a.reset();
  out->auid.clear();
  out->auid_domain.clear();
  ParseTagList(value, &out->tags);
  const TagList& tags = out->tags;
  if (!tags.ok()) {
    return Fail(Reason::kSigSyntax,
                DescribeTagListError(tags, value, "tag list"), detail);
  }
  const SignatureTags known(tags);
  const Tag* const v = known['v'];
  const Tag* const a = known['a'];
  const Tag* const d = known['d'];
  const Tag* const s = known['s'];
  out->canon_known = false;
  if (d != nullptr) out->d = d->value;
  if (known['i'] != nullptr) {
    out->auid.assign(known['i']->value);
  } else if (d != nullptr) {
    out->auid.assign("@").append(d->value);
  }
  if (s != nullptr) out->s = s->value;
  if (a != nullptr) out->a = a->value;

  if (v == nullptr) return Fail(Reason::kSigSyntax, "missing v= tag", detail);
  if (v->value != "1") {
    return Fail(Reason::kSigVersion, "v=" + Excerpt(v->value) + " is not 1",
                detail);
  }
  const std::pair<const Tag*, const char*> required[] = {
      {a, "a"}, {known['b'], "b"}, {known.bh(), "bh"},
      {d, "d"}, {known['h'], "h"}, {s, "s"}};
  for (const auto& [tag, name] : required) {
    if (tag == nullptr) {
      return Fail(Reason::kSigSyntax,
                  std::string("missing required tag ") + name + "=", detail);
    }
  }
  if (EqualsIgnoreCase(a->value, "rsa-sha256")) {
    out->algorithm = Algorithm::kRsaSha256;
  } else if (EqualsIgnoreCase(a->value, "rsa-sha1")) {
    out->algorithm = Algorithm::kRsaSha1;
  } else if (EqualsIgnoreCase(a->value, "ed25519-sha256")) {
    out->algorithm = Algorithm::kEd25519Sha256;
  } else {
    return Fail(Reason::kUnsupportedAlgorithm,
                "a=" + Excerpt(a->value) + " is not supported", detail);
  }
  out->header_canon = Canon::kSimple;
  out->body_canon = Canon::kSimple;
  if (const Tag* c = known['c']) {
    std::string_view text = c->value;
    size_t slash = text.find('/');
    std::string_view header_text = TrimFws(text.substr(0, slash));
    bool ok = ParseCanon(header_text, &out->header_canon);
    if (ok && slash != std::string_view::npos) {
      ok = ParseCanon(TrimFws(text.substr(slash + 1)), &out->body_canon);
    }
    if (!ok) {
      return Fail(Reason::kUnsupportedCanonicalization,
                  "c=" + Excerpt(text) + " is not supported", detail);
    }
  }
  out->canon_known = true;
  const Tag* b = known['b'];
  const Tag* bh = known.bh();
  out->b_tag = b;
  if (!Base64Decode(b->value, &out->b) || out->b.empty()) {
    return Fail(Reason::kSigSyntax, "b= is not valid base64", detail);
  }
  if (!Base64Decode(bh->value, &out->bh) || out->bh.empty()) {
    return Fail(Reason::kSigSyntax, "bh= is not valid base64", detail);
  }
  out->sdid = d->value;
  out->selector = s->value;
  if (out->sdid.empty()) return Fail(Reason::kSigSyntax, "empty d=", detail);
  if (out->selector.empty()) {
    return Fail(Reason::kSigSyntax, "empty s=", detail);
  }
  for (char ch : out->sdid) {
    if (IsFwsChar(ch)) {
      return Fail(Reason::kSigSyntax, "white space in d=", detail);
    }
  }
  for (char ch : out->selector) {
    if (IsFwsChar(ch)) {
      return Fail(Reason::kSigSyntax, "white space in s=", detail);
    }
  }
  struct NumericTag {
    const char* name;
    const Tag* tag;
    std::optional<uint64_t>* field;
  };
  for (NumericTag num : {NumericTag{"l", known['l'], &out->length},
                         NumericTag{"t", known['t'], &out->timestamp},
                         NumericTag{"x", known['x'], &out->expiration}}) {
    num.field->reset();
    if (const Tag* tag = num.tag) {
      uint64_t parsed = 0;
      if (!ParseDecimal(tag->value, &parsed)) {
        return Fail(Reason::kSigSyntax,
                    std::string(num.name) + "= is not a decimal number",
                    detail);
      }
      *num.field = parsed;
    }
  }
  if (out->timestamp && out->expiration && *out->expiration < *out->timestamp) {
    return Fail(Reason::kSigSyntax, "x= is earlier than t=", detail);
  }
  if (const Tag* q = known['q']) {
    absl::InlinedVector<std::string_view, 4> methods;
    bool dns_txt = false;
    if (SplitColonList(q->value, &methods)) {
      for (std::string_view m : methods) {
        if (EqualsIgnoreCase(m, "dns/txt")) dns_txt = true;
      }
    }
    if (!dns_txt) {
      return Fail(Reason::kSigSyntax,
                  "q=" + Excerpt(q->value) + " has no dns/txt", detail);
    }
  }
  out->signed_headers.clear();
  const std::string_view h = known['h']->value;
  // (kMaxSignedHeaders colons take at least as many bytes: the count is
  // skipped for every usual h=.)
  if (h.size() >= kMaxSignedHeaders &&
      static_cast<size_t>(std::count(h.begin(), h.end(), ':')) >=
          kMaxSignedHeaders) {
    return Fail(Reason::kSigSyntax,
                "h= lists more than " + std::to_string(kMaxSignedHeaders) +
                    " header names",
                detail);
  }
  if (!SplitColonList(h, &out->signed_headers)) {
    return Fail(Reason::kSigSyntax, "empty header name in h=", detail);
  }
  bool from_signed = false;
  for (std::string_view name : out->signed_headers) {
    if (EqualsIgnoreCase(name, "from")) from_signed = true;
  }
  if (!from_signed) {
    return Fail(Reason::kFromNotSigned, "h= does not include From", detail);
  }
  if (const Tag* i = known['i']) {
    size_t at = i->value.rfind('@');
    if (at == std::string_view::npos) {
      return Fail(Reason::kSigSyntax, "i= has no '@'", detail);
    }
    std::string_view domain = i->value.substr(at + 1);
    if (!IsWithinDomain(domain, out->sdid)) {
      return Fail(Reason::kIdentityMismatch,
                  "i= domain " + Excerpt(domain) + " is not d=" +
                      Excerpt(out->sdid) + " or a subdomain of it",
                  detail);
    }
    out->auid_domain = internal::Lower(domain);
  } else {
    out->auid_domain = internal::Lower(out->sdid);
  }
  detail->clear();
  return Reason::kOk;
}

}  // namespace dkimbatch::engine
