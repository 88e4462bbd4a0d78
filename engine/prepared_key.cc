// engine/prepared_key.cc
//
// Key record selection and public-key parsing, done once per key snapshot.
#include "engine/prepared_key.h"

namespace dkimbatch::engine {

void PrepareKey(const std::vector<std::string>& txt, PreparedKey* out) {
  out->record_reason = Reason::kKeyNotFound;
  out->record_detail = "no DKIM key record among the TXT records";
  const std::string* chosen = nullptr;
  for (const std::string& record : txt) {
    if (IsDiscardedRecord(record)) continue;
    KeyRecord key;
    std::string detail;
    Reason r = ParseKeyRecord(record, &key, &detail);
    if (r == Reason::kOk) {
      chosen = &record;
      break;
    }
    if (out->record_reason == Reason::kKeyNotFound) {  // the first problem
      out->record_reason = r;
      out->record_detail = std::move(detail);
    }
  }
  if (chosen == nullptr) return;
  // Parse our own copy so that the record's views live as long as we do.
  out->record_text = *chosen;
  std::string detail;
  out->record_reason = ParseKeyRecord(out->record_text, &out->record, &detail);
  out->record_detail.clear();
  out->key_ok = ParsePublicKey(out->record.type, out->record.public_key,
                               &out->public_key, &out->key_error);
}

}  // namespace dkimbatch::engine
