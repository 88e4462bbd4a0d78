// io/dns_resolver.h
//
// Concurrent TXT lookups over real DNS with libunbound: many queries in
// flight, a forwarder (or full recursion from the root), per-zone stub
// servers, optional DNSSEC validation, and a deadline per name so that a
// name whose server never answers becomes TIMEOUT without holding up the
// others.
#ifndef DKIMBATCH_IO_DNS_RESOLVER_H_
#define DKIMBATCH_IO_DNS_RESOLVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/key_store.h"

struct ub_ctx;

namespace dkimbatch::io {

struct ResolverOptions {
  // ADDR[@PORT] of a DNS server to forward every query to (a recursive
  // resolver, or an authoritative server for its own zones); "system" reads
  // /etc/resolv.conf; empty means full recursion from the root servers.
  std::string forwarder;
  // (zone, ADDR[@PORT]): names under `zone` are asked of that server
  // directly (an authoritative server; unbound "stub-zone").
  std::vector<std::pair<std::string, std::string>> stubs;
  // File of trust anchors (DS or DNSKEY records in zone-file format, e.g.
  // /usr/share/dns/root.key). Empty: no validation, `dnssec` is "unknown".
  std::string trust_anchor_file;
  int concurrency = 256;  // queries in flight at most
  double timeout_s = 10;  // per name, from when its query is sent
};

// One name's answer. `rcode` is NOERROR (with `records` possibly empty: the
// name exists without TXT), NXDOMAIN, SERVFAIL (any other failure, including
// REFUSED and a bogus DNSSEC answer) or TIMEOUT (no answer by the deadline).
struct TxtAnswer {
  engine::DnsRcode rcode = engine::DnsRcode::kTimeout;
  // Each TXT record at the name, as its character-strings (not yet joined).
  std::vector<std::vector<std::string>> records;
  // "secure", "insecure" or "bogus" as the validator found with a trust
  // anchor; "unknown" without one, and for TIMEOUT.
  std::string dnssec = "unknown";
  std::string why_bogus;    // the validator's reason, when bogus
  int64_t answered_at = 0;  // Unix seconds when the answer arrived
};

// JoinTxtRecords returns each record's character-strings joined without a
// separator (RFC 6376 §3.6.2.2), as the key cache stores them.
std::vector<std::string> JoinTxtRecords(
    const std::vector<std::vector<std::string>>& records);

// ParseTxtRdata splits one TXT rdata (a sequence of length-prefixed
// character-strings, RFC 1035 §3.3.14) into `*out`. Returns false when a
// length runs past the end.
bool ParseTxtRdata(std::span<const uint8_t> rdata,
                   std::vector<std::string>* out);

class DnsResolver {
 public:
  // Create sets up a resolver, loading libunbound the first time
  // (io/unbound_api.h). Fails on a malformed server address, an unreadable
  // trust anchor file, a libunbound that cannot be loaded, or a libunbound
  // error.
  static absl::StatusOr<std::unique_ptr<DnsResolver>> Create(
      const ResolverOptions& options);
  ~DnsResolver() = default;
  DnsResolver(const DnsResolver&) = delete;
  DnsResolver& operator=(const DnsResolver&) = delete;

  // ResolveTxt looks up the TXT records of every name in `names` and returns
  // the answers in the same order. At most `concurrency` queries are in
  // flight. `progress(done, total)`, if set, is called after each answer.
  std::vector<TxtAnswer> ResolveTxt(
      std::span<const std::string> names,
      const std::function<void(size_t, size_t)>& progress = nullptr);

 private:
  explicit DnsResolver(const ResolverOptions& options) : options_(options) {}

  // NewContext makes a libunbound context set up from `options_`. Each
  // ResolveTxt call gets its own, so answers to a cancelled query can never
  // reach a later call.
  absl::StatusOr<ub_ctx*> NewContext() const;

  ResolverOptions options_;
};

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_DNS_RESOLVER_H_
