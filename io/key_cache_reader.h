// io/key_cache_reader.h
//
// Reads a key cache (`keys.jsonl`, DESIGN.md "Key cache") into an
// engine::KeyStore with simdjson. Garbage lines are reported, not fatal.
#ifndef DKIMBATCH_IO_KEY_CACHE_READER_H_
#define DKIMBATCH_IO_KEY_CACHE_READER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/key_store.h"

namespace dkimbatch::io {

struct KeyCacheStats {
  size_t lines = 0;                   // non-blank lines seen
  size_t snapshots = 0;               // lines accepted
  std::vector<std::string> warnings;  // "keys.jsonl:7: <what is wrong>"
  // Bad lines past the first kMaxKeyCacheWarnings are only counted here, so
  // a key cache of garbage cannot fill memory with warnings.
  size_t warnings_dropped = 0;
};

inline constexpr size_t kMaxKeyCacheWarnings = 100;

// ParseKeyCache parses JSONL `text` (named `name` in warnings) into `*store`.
// Each line must be an object with a string `name`, an `rcode` among NOERROR,
// NXDOMAIN, SERVFAIL, TIMEOUT, and optionally `txt` (array of strings;
// missing = none), `dnssec` (string) and `fetched_at` (RFC 3339 or Unix
// seconds; missing = 0, valid at any time). A line that is not such an object
// is skipped with a warning carrying its 1-based line number. Blank lines are
// ignored. Never fails.
void ParseKeyCache(std::string_view text, std::string_view name,
                   engine::KeyStore* store, KeyCacheStats* stats);

// LoadKeyCache maps the file at `path` and parses it with ParseKeyCache.
// Returns an error only when the file cannot be read.
absl::Status LoadKeyCache(const std::string& path, engine::KeyStore* store,
                          KeyCacheStats* stats);

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_KEY_CACHE_READER_H_
