// io/unbound_api.h
//
// libunbound's functions, from a dlopen of the library on first use rather
// than from linking it: only --resolve and `keys fetch` need it, and
// loading it with the four libraries it pulls in cost every other run 2.4
// ms of start-up (a trivial program linked with and without them on a
// 2-core VM: 8.8 vs 6.5 ms).
#ifndef DKIMBATCH_IO_UNBOUND_API_H_
#define DKIMBATCH_IO_UNBOUND_API_H_

#include <unbound.h>

#include "absl/status/statusor.h"

namespace dkimbatch::io {

// The functions io/dns_resolver.cc calls, as unbound.h declares them.
struct UnboundApi {
  decltype(&::ub_ctx_create) ctx_create;
  decltype(&::ub_ctx_delete) ctx_delete;
  decltype(&::ub_ctx_set_option) ctx_set_option;
  decltype(&::ub_ctx_resolvconf) ctx_resolvconf;
  decltype(&::ub_ctx_set_fwd) ctx_set_fwd;
  decltype(&::ub_ctx_set_stub) ctx_set_stub;
  decltype(&::ub_ctx_add_ta_file) ctx_add_ta_file;
  decltype(&::ub_ctx_async) ctx_async;
  decltype(&::ub_resolve_async) resolve_async;
  decltype(&::ub_resolve_free) resolve_free;
  decltype(&::ub_cancel) cancel;
  decltype(&::ub_fd) fd;
  decltype(&::ub_process) process;
  decltype(&::ub_strerror) strerror;
};

// LoadUnbound loads libunbound on its first call (from any thread; later
// calls return the same result): its functions, or an error Status such as
// "cannot load libunbound.so.8: ... cannot open shared object file".
absl::StatusOr<const UnboundApi*> LoadUnbound();

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_UNBOUND_API_H_
