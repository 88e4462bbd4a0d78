// engine/key_store.h
//
// In-memory key snapshot store: DNS answers for `<s>._domainkey.<d>` names,
// possibly several snapshots per name (key history), looked up at a pinned
// time. A pure value type: io/key_cache_reader.h fills it from keys.jsonl.
// Each snapshot's key record is parsed once, when it is added (the parsed-key
// cache), so verifier threads share ready-to-use keys and re-parse nothing.
#ifndef DKIMBATCH_ENGINE_KEY_STORE_H_
#define DKIMBATCH_ENGINE_KEY_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/prepared_key.h"

namespace dkimbatch::engine {

enum class DnsRcode : uint8_t { kNoError, kNxDomain, kServFail, kTimeout };

// One DNS answer for a name, as fetched at `fetched_at` (Unix seconds).
struct KeySnapshot {
  DnsRcode rcode = DnsRcode::kNoError;
  std::vector<std::string> txt;  // each TXT record, character-strings joined
  std::string dnssec;            // secure / insecure / bogus / unknown
  int64_t fetched_at = 0;
  // The parsed key record (set by KeyStore::Add; shared, immutable).
  std::shared_ptr<const PreparedKey> prepared;
};

class KeyStore {
 public:
  // NormalizeName lowercases `name` and drops one trailing dot.
  static std::string NormalizeName(std::string_view name);

  // NormalizeInPlace lowercases `*name` in place and returns it without one
  // trailing dot: NormalizeName with no allocation, for FindNormalized.
  static std::string_view NormalizeInPlace(std::string* name);

  // Add records a snapshot for `name` (case-insensitive) and parses its key
  // record. Snapshots may be added in any order.
  void Add(std::string_view name, KeySnapshot snapshot);

  // Find returns the latest snapshot of `name` whose `fetched_at` is not
  // later than `now`, or nullptr when there is none. `name` is matched
  // case-insensitively. `*has_later` (if given) is set when the name exists
  // but only with snapshots later than `now`.
  const KeySnapshot* Find(std::string_view name, int64_t now,
                          bool* has_later = nullptr) const;

  // FindNormalized is Find for a name already in NormalizeName form; it
  // allocates nothing.
  const KeySnapshot* FindNormalized(std::string_view name, int64_t now,
                                    bool* has_later = nullptr) const;

  size_t num_names() const { return names_.size(); }
  size_t num_snapshots() const { return num_snapshots_; }

 private:
  absl::flat_hash_map<std::string, std::vector<KeySnapshot>> names_;
  size_t num_snapshots_ = 0;
};

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_KEY_STORE_H_
