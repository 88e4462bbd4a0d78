// engine/prepared_key.h
//
// The parsed-key cache entry: one key snapshot's TXT records parsed once into
// the key record that verifies and a ready-to-use OpenSSL key, shared
// read-only by every verifier thread.
#ifndef DKIMBATCH_ENGINE_PREPARED_KEY_H_
#define DKIMBATCH_ENGINE_PREPARED_KEY_H_

#include <string>
#include <vector>

#include "engine/crypto/public_key.h"
#include "engine/key_record.h"
#include "engine/verdict.h"

namespace dkimbatch::engine {

// PreparedKey is immutable once made and must not be copied or moved:
// `record` points into `record_text`.
struct PreparedKey {
  PreparedKey() = default;
  PreparedKey(const PreparedKey&) = delete;
  PreparedKey& operator=(const PreparedKey&) = delete;

  // kOk when a TXT record parsed as a key record; otherwise the first
  // problem (kKeyNotFound when no record was a DKIM key record).
  Reason record_reason = Reason::kKeyNotFound;
  std::string record_detail;  // why, without the DNS name
  std::string record_text;    // the chosen TXT record
  KeyRecord record;           // parsed from record_text (when kOk)

  // When the record parsed: whether its p= is a key of its k= type.
  bool key_ok = false;
  std::string key_error;  // why p= is not a key (when !key_ok)
  PublicKey public_key;
};

// PrepareKey picks the key record among a snapshot's TXT records (RFC 6376
// §6.1.2: records whose v= is not DKIM1 are discarded; the first record that
// parses wins, else the first problem is reported) and parses its public
// key.
void PrepareKey(const std::vector<std::string>& txt, PreparedKey* out);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_PREPARED_KEY_H_
