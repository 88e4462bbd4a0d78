// cli/key_prefetch.h
//
// Shared by `keys fetch` and `verify --resolve`: a headers-only scan of the
// inputs for the key names their signatures need, and the DNS lookup of
// those names into key snapshots.
#ifndef DKIMBATCH_CLI_KEY_PREFETCH_H_
#define DKIMBATCH_CLI_KEY_PREFETCH_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/key_store.h"
#include "io/dns_resolver.h"
#include "io/input_reader.h"

namespace dkimbatch::cli {

struct KeyScan {
  std::vector<std::string> names;  // distinct, sorted
  uint64_t messages = 0;
  bool read_failed = false;  // an input could not be read (exit 1)
};

// ScanKeyNames reads every message of `paths` and collects the distinct key
// names of its DKIM-Signature fields (engine/key_name.h). Inputs that cannot
// be read set `read_failed` and, with `report_errors`, are reported on
// standard error.
KeyScan ScanKeyNames(std::vector<std::string> paths,
                     const io::InputOptions& options, bool report_errors);

struct FetchStats {
  std::array<uint64_t, 4> by_rcode{};  // indexed by engine::DnsRcode
  double elapsed_s = 0;
};

// FetchKeySnapshots resolves `names` and returns one snapshot per name, in
// the same order. `fetched_at` overrides the answer times when set. With
// `progress`, a line goes to standard error every 2 s.
std::vector<engine::KeySnapshot> FetchKeySnapshots(
    io::DnsResolver* resolver, const std::vector<std::string>& names,
    std::optional<int64_t> fetched_at, bool progress, FetchStats* stats);

// PrintFetchSummary prints "dkimbatch keys: N names in T s (R names/s):
// NOERROR=.. NXDOMAIN=.. SERVFAIL=.. TIMEOUT=.." on standard error.
void PrintFetchSummary(size_t names, const FetchStats& stats);

// WriteKeyCache writes the key cache lines of `names`/`snapshots`
// to the file at `path` (created if missing; truncated first unless
// `append`). Returns false with a message on standard error on failure.
bool WriteKeyCache(const std::string& path, bool append,
                   const std::vector<std::string>& names,
                   const std::vector<engine::KeySnapshot>& snapshots);

// ResolveMissingKeys is `verify --resolve`: it scans `paths` for the key
// names that have no snapshot in `*keys` at `now`, looks them up live, adds
// the answers to `*keys` and, when `keys_out` is non-empty, appends them to
// that file as a snapshot (so the run can be repeated offline). Returns 0,
// 2 when the resolver cannot be set up, 1 when `keys_out` cannot be written.
int ResolveMissingKeys(const std::vector<std::string>& paths,
                       const io::InputOptions& input,
                       const io::ResolverOptions& options, int64_t now,
                       const std::string& keys_out, bool quiet,
                       engine::KeyStore* keys);

}  // namespace dkimbatch::cli

#endif  // DKIMBATCH_CLI_KEY_PREFETCH_H_
