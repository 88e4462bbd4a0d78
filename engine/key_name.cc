// engine/key_name.cc
//
// Key names from DKIM-Signature header fields, without verifying anything.
#include "engine/key_name.h"

#include "engine/internal/ascii.h"
#include "engine/message.h"
#include "engine/tag_list.h"

namespace dkimbatch::engine {

std::optional<std::string> KeyDnsName(std::string_view selector,
                                      std::string_view sdid) {
  if (!sdid.empty() && sdid.back() == '.') sdid.remove_suffix(1);
  std::string name = internal::Lower(selector);
  name += "._domainkey.";
  name += internal::Lower(sdid);
  if (selector.empty() || sdid.empty() || name.size() > 253) {
    return std::nullopt;
  }
  size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return std::nullopt;
      label = 0;
      continue;
    }
    if (c <= ' ' || c > '~' || ++label > 63) return std::nullopt;
  }
  if (label == 0) return std::nullopt;
  return name;
}

void AppendKeyNames(std::string_view message, std::vector<std::string>* out) {
  Message parsed;
  ParseMessage(message, &parsed);  // splits headers; the body is not read
  TagList tags;
  for (const HeaderField& field : parsed.headers) {
    if (!internal::EqualsIgnoreCase(field.name, "DKIM-Signature")) continue;
    ParseTagList(field.value, &tags);
    if (!tags.ok()) continue;
    const Tag* s = tags.Find("s");
    const Tag* d = tags.Find("d");
    if (s == nullptr || d == nullptr) continue;
    if (std::optional<std::string> name = KeyDnsName(s->value, d->value)) {
      out->push_back(std::move(*name));
    }
  }
}

}  // namespace dkimbatch::engine
