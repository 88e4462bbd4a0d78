// cli/resolver_flags.cc
//
// --resolver, --stub, --trust-anchor, --timeout, --concurrency.
#include "cli/resolver_flags.h"

#include <cerrno>
#include <cstdlib>

#include "cli/parse_int.h"

namespace dkimbatch::cli {

const char kResolverHelp[] =
    "  --resolver ADDR[@PORT]  DNS server to send every query to (a\n"
    "                       recursive resolver, or an authoritative server\n"
    "                       for its own zones); 'system' uses\n"
    "                       /etc/resolv.conf; default: full recursion from\n"
    "                       the root servers\n"
    "  --stub ZONE=ADDR[@PORT] ask this authoritative server directly for\n"
    "                       names under ZONE (repeatable)\n"
    "  --trust-anchor FILE  validate DNSSEC from these trust anchors (DS or\n"
    "                       DNSKEY records, e.g. /usr/share/dns/root.key);\n"
    "                       without it dnssec is 'unknown'\n"
    "  --timeout SECS       give up on a name SECS after its query was sent\n"
    "                       (default 10; libunbound retransmits within that\n"
    "                       time): it is recorded as TIMEOUT\n"
    "  --concurrency N      queries in flight at most (default 256)\n";

bool IsResolverFlag(std::string_view name) {
  return name == "--resolver" || name == "--stub" || name == "--trust-anchor" ||
         name == "--timeout" || name == "--concurrency";
}

bool ParseResolverFlag(std::string_view name, const std::string& value,
                       io::ResolverOptions* out, std::string* error) {
  if (name == "--resolver") {
    if (value.empty()) {
      *error = "--resolver: empty address";
      return false;
    }
    out->forwarder = value;
  } else if (name == "--stub") {
    size_t eq = value.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == value.size()) {
      *error = "--stub: expected ZONE=ADDR[@PORT], got '" + value + "'";
      return false;
    }
    out->stubs.emplace_back(value.substr(0, eq), value.substr(eq + 1));
  } else if (name == "--trust-anchor") {
    out->trust_anchor_file = value;
  } else if (name == "--timeout") {
    char* end = nullptr;
    errno = 0;
    double secs = std::strtod(value.c_str(), &end);
    if (value.empty() || errno != 0 || end != value.c_str() + value.size() ||
        !(secs > 0 && secs <= 3600)) {
      *error = "--timeout: expected seconds in (0, 3600], got '" + value + "'";
      return false;
    }
    out->timeout_s = secs;
  } else if (name == "--concurrency") {
    long long n = 0;
    if (!ParseInt(value, 1, 4096, &n)) {
      *error = "--concurrency: expected 1..4096, got '" + value + "'";
      return false;
    }
    out->concurrency = static_cast<int>(n);
  } else {
    *error = "unknown option '" + std::string(name) + "'";
    return false;
  }
  return true;
}

}  // namespace dkimbatch::cli
