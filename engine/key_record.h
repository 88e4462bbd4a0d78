// engine/key_record.h
//
// DKIM key records (RFC 6376 §3.6.1): which TXT records are key records, how
// their tags are read, and whether a record may verify a given signature
// (§6.1.2).
#ifndef DKIMBATCH_ENGINE_KEY_RECORD_H_
#define DKIMBATCH_ENGINE_KEY_RECORD_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/crypto/public_key.h"
#include "engine/signature.h"
#include "engine/tag_list.h"
#include "engine/verdict.h"

namespace dkimbatch::engine {

struct KeyRecord {
  TagList tags;
  KeyType type = KeyType::kRsa;     // k=, default rsa
  std::string_view key_type_text;   // k= as written ("rsa" if absent)
  std::string_view hashes;          // h=, empty when absent (any hash)
  std::string_view services;        // s=, empty when absent ("*")
  bool testing = false;             // t=y
  bool strict = false;              // t=s
  std::vector<uint8_t> public_key;  // decoded p=
};

// IsDiscardedRecord returns true for a TXT record that §3.6.1 says to
// discard: its first tag is v= with a value other than "DKIM1" (e.g. an SPF
// record). Works on text that does not parse as a whole.
bool IsDiscardedRecord(std::string_view txt);

// ParseKeyRecord parses one TXT record into `*out`. Returns kOk, or
// kKeySyntax (malformed tag list, v= not first, missing p=, bad base64) or
// kKeyRevoked (empty p=), with a human `*detail`.
Reason ParseKeyRecord(std::string_view txt, KeyRecord* out,
                      std::string* detail);

// CheckKeyForSignature applies §6.1.2 / §3.6.1 to a parsed record and a
// signature: k= vs a=, h= vs the hash, s= includes email, t=s. Returns kOk
// or the permerror reason with `*detail`.
Reason CheckKeyForSignature(const KeyRecord& key, const Signature& sig,
                            std::string* detail);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_KEY_RECORD_H_
