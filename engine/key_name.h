// engine/key_name.h
//
// The DNS names a message's signatures need (`<s>._domainkey.<d>`, RFC 6376
// §3.6.2.1), read from the header section only: what `keys fetch` and
// `verify --resolve` look up before verification.
#ifndef DKIMBATCH_ENGINE_KEY_NAME_H_
#define DKIMBATCH_ENGINE_KEY_NAME_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dkimbatch::engine {

// KeyDnsName returns the lowercased `<selector>._domainkey.<sdid>` (one
// trailing dot of `sdid` dropped), or nullopt when the result is not a name
// DNS can carry: an empty label, a label over 63 bytes, over 253 bytes in
// all, or a byte outside printable ASCII.
std::optional<std::string> KeyDnsName(std::string_view selector,
                                      std::string_view sdid);

// AppendKeyNames appends to `*out` the key name of every DKIM-Signature
// field of `message` whose tag list parses and has both s= and d= (in
// header order, duplicates kept). Only the header section is read.
void AppendKeyNames(std::string_view message, std::vector<std::string>* out);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_KEY_NAME_H_
