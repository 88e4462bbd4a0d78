// engine/signer.cc
//
// DKIM-Signature construction: body hash, h= list, folded tag list, header
// hash over the field with an empty b=, then the signature.
#include "engine/signer.h"

#include <algorithm>

#include "engine/canon/body_canon.h"
#include "engine/canon/header_canon.h"
#include "engine/header_hash.h"
#include "engine/internal/ascii.h"

namespace dkimbatch::engine {
namespace {

constexpr size_t kLineWidth = 76;

std::string_view AlgorithmName(Algorithm alg) {
  switch (alg) {
    case Algorithm::kRsaSha256:
      return "rsa-sha256";
    case Algorithm::kRsaSha1:
      return "rsa-sha1";
    case Algorithm::kEd25519Sha256:
      return "ed25519-sha256";
  }
  return "?";
}

// FieldBuilder folds "tag=value;" items into lines of at most kLineWidth.
class FieldBuilder {
 public:
  explicit FieldBuilder(std::string_view eol) : eol_(eol) {
    out_ = "DKIM-Signature:";
    line_len_ = out_.size();
  }
  // Add appends " item", folding first if the line would get too long.
  void Add(std::string_view item) {
    if (line_len_ + 1 + item.size() > kLineWidth && line_len_ > 1) {
      out_.append(eol_).append("\t");
      line_len_ = 1;
    } else {
      out_.push_back(' ');
      ++line_len_;
    }
    out_.append(item);
    line_len_ += item.size();
  }
  // AddFolded appends " name=", `value` folded (see AppendFolded), then
  // `suffix`.
  void AddFolded(std::string_view name, std::string_view value,
                 std::string_view breaks, std::string_view suffix) {
    Add(std::string(name) + "=");
    AppendFolded(value, breaks);
    out_.append(suffix);
    line_len_ += suffix.size();
  }
  // AppendFolded appends `value` at the current position, breaking lines
  // only after one of the `breaks` characters, or anywhere when `breaks` is
  // empty (base64: FWS may go anywhere).
  void AppendFolded(std::string_view value, std::string_view breaks) {
    size_t pos = 0;
    while (pos < value.size()) {
      std::string_view rest = value.substr(pos);
      size_t take = Fit(rest, breaks);
      if (take == 0) {
        out_.append(eol_).append("\t ");
        line_len_ = 2;
        take = Fit(rest, breaks);
      }
      if (take == 0) {  // one item longer than a line: let it overflow
        size_t cut = rest.find_first_of(breaks);
        take = cut == std::string_view::npos ? rest.size() : cut + 1;
      }
      out_.append(value.substr(pos, take));
      line_len_ += take;
      pos += take;
    }
  }
  std::string& text() { return out_; }

 private:
  // Fit returns how much of `rest` fits on the current line, ending after a
  // break character unless `rest` fits whole.
  size_t Fit(std::string_view rest, std::string_view breaks) const {
    size_t room = kLineWidth > line_len_ ? kLineWidth - line_len_ : 0;
    if (rest.size() <= room) return rest.size();
    if (breaks.empty()) return room;
    size_t cut = rest.substr(0, room).find_last_of(breaks);
    return cut == std::string_view::npos ? 0 : cut + 1;
  }

  std::string_view eol_;
  std::string out_;
  size_t line_len_ = 0;
};

}  // namespace

std::vector<std::string> DefaultSignedHeaders() {
  return {"from",
          "reply-to",
          "to",
          "cc",
          "subject",
          "date",
          "message-id",
          "in-reply-to",
          "references",
          "mime-version",
          "content-type",
          "content-transfer-encoding",
          "content-disposition",
          "list-id",
          "list-unsubscribe",
          "list-unsubscribe-post"};
}

bool Signer::Sign(std::string_view text, const PrivateKey& key,
                  const SignOptions& options, std::string* out_field,
                  std::string* error) {
  const bool ed25519 = options.algorithm == Algorithm::kEd25519Sha256;
  if (key.type != (ed25519 ? KeyType::kEd25519 : KeyType::kRsa)) {
    *error = std::string("key type does not suit ") +
             std::string(AlgorithmName(options.algorithm));
    return false;
  }
  if (options.domain.empty() || options.selector.empty()) {
    *error = "domain and selector are required";
    return false;
  }
  ParseMessage(text, &message_);
  const size_t nl = text.find('\n');
  const std::string_view eol =
      (nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r') ? "\r\n"
                                                                       : "\n";

  // h=: every present instance of each listed name; From at least once;
  // over-signed names once more than present.
  std::vector<std::string> names;
  auto count = [&](std::string_view name) {
    size_t n = 0;
    for (const HeaderField& f : message_.headers) {
      if (internal::EqualsIgnoreCase(f.name, name)) ++n;
    }
    return n;
  };
  bool has_from = false;
  for (const std::string& name : options.headers) {
    std::string lower = internal::Lower(name);
    size_t n = count(lower);
    if (lower == "from" && n == 0) n = 1;
    for (size_t i = 0; i < n; ++i) names.push_back(lower);
    if (lower == "from") has_from = true;
  }
  if (!has_from) names.insert(names.begin(), std::string("from"));
  for (const std::string& name : options.oversign) {
    names.push_back(internal::Lower(name));
  }
  std::vector<std::string_view> name_views(names.begin(), names.end());

  // Body hash.
  const HashAlg hash = HashOf(options.algorithm);
  uint8_t body_hash[kMaxDigestSize];
  digest_.Reset(hash);
  uint64_t body_len = CanonicalizeBody(options.body_canon, message_.body,
                                       kNoBodyLimit, &digest_);
  size_t body_hash_len = digest_.Final(body_hash);

  FieldBuilder field(eol);
  field.Add("v=1;");
  field.Add("a=" + std::string(AlgorithmName(options.algorithm)) + ";");
  field.Add("c=" + std::string(CanonName(options.header_canon)) + "/" +
            std::string(CanonName(options.body_canon)) + ";");
  field.Add("d=" + options.domain + ";");
  field.Add("s=" + options.selector + ";");
  if (options.timestamp >= 0) {
    field.Add("t=" + std::to_string(options.timestamp) + ";");
  }
  if (options.expiration >= 0) {
    field.Add("x=" + std::to_string(options.expiration) + ";");
  }
  if (options.body_length) field.Add("l=" + std::to_string(body_len) + ";");
  if (!options.auid.empty()) field.Add("i=" + options.auid + ";");
  std::string h_value;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) h_value.push_back(':');
    h_value.append(names[i]);
  }
  field.AddFolded("h", h_value, ":", ";");
  field.AddFolded(
      "bh", Base64Encode(std::span<const uint8_t>(body_hash, body_hash_len)),
      "", ";");
  field.Add("b=");

  // Header hash: the signed fields, then this field with b= empty and no
  // final line break.
  header_data_.clear();
  AppendSignedHeaders(message_, name_views, options.header_canon, kNoField,
                      &header_data_);
  AppendCanonicalHeader(options.header_canon, field.text(), false,
                        &header_data_);
  uint8_t header_hash[kMaxDigestSize];
  digest_.Reset(hash);
  digest_.Write(header_data_);
  size_t header_hash_len = digest_.Final(header_hash);
  std::vector<uint8_t> signature;
  std::span<const uint8_t> digest(header_hash, header_hash_len);
  bool ok = ed25519 ? SignEd25519(key, digest, &signature)
                    : SignRsa(key, hash, digest, &signature);
  if (!ok) {
    *error = "signing failed";
    return false;
  }
  field.AppendFolded(Base64Encode(signature), "");
  std::string& out = field.text();
  out.append(eol);
  *out_field = std::move(out);
  return true;
}

}  // namespace dkimbatch::engine
