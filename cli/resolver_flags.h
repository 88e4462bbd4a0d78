// cli/resolver_flags.h
//
// The DNS resolver options shared by `keys fetch`, `keys check` and
// `verify --resolve`, and their help text.
#ifndef DKIMBATCH_CLI_RESOLVER_FLAGS_H_
#define DKIMBATCH_CLI_RESOLVER_FLAGS_H_

#include <string>
#include <string_view>

#include "io/dns_resolver.h"

namespace dkimbatch::cli {

// kResolverHelp lists the options ParseResolverFlag accepts, for --help.
extern const char kResolverHelp[];

// IsResolverFlag returns true for an option name ParseResolverFlag takes
// (every one of them needs a value).
bool IsResolverFlag(std::string_view name);

// ParseResolverFlag applies `--name value` to `*out`. Returns false with a
// usage message in `*error` on a bad value.
bool ParseResolverFlag(std::string_view name, const std::string& value,
                       io::ResolverOptions* out, std::string* error);

}  // namespace dkimbatch::cli

#endif  // DKIMBATCH_CLI_RESOLVER_FLAGS_H_
