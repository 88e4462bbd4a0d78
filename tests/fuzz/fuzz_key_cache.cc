// tests/fuzz/fuzz_key_cache.cc
//
// The key cache reader (io/key_cache_reader.h): any bytes, as keys.jsonl,
// give snapshots and warnings without crashing, with at most one of either
// per non-blank line; lookups of the names loaded then work at any time.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/key_store.h"
#include "io/key_cache_reader.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  dkimbatch::engine::KeyStore store;
  dkimbatch::io::KeyCacheStats stats;
  dkimbatch::io::ParseKeyCache(text, "keys.jsonl", &store, &stats);
  FUZZ_CHECK(stats.snapshots <= stats.lines);
  FUZZ_CHECK(stats.snapshots + stats.warnings.size() + stats.warnings_dropped ==
             stats.lines);
  FUZZ_CHECK(store.num_snapshots() == stats.snapshots);
  for (int64_t now : {INT64_MIN, int64_t{0}, int64_t{1767312000}, INT64_MAX}) {
    (void)store.Find("sel._domainkey.example.com", now);
    (void)store.Find("", now);
  }
  return 0;
}
