// io/unbound_api.cc
//
// LoadUnbound: dlopen and dlsym, once.
#include "io/unbound_api.h"

#include <dlfcn.h>

#include <string>
#include <type_traits>

#include "absl/status/status.h"

namespace dkimbatch::io {
namespace {

// The library dlopen'ed: the soname of the libunbound whose unbound.h this
// is built with (CMakeLists.txt finds it).
constexpr char kUnboundSoname[] = DKB_UNBOUND_SONAME;

absl::StatusOr<const UnboundApi*> Load() {
  void* library = ::dlopen(kUnboundSoname, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = ::dlerror();
    return absl::FailedPreconditionError(
        std::string("cannot load ") + kUnboundSoname + ": " +
        (why != nullptr ? why : "dlopen failed"));
  }
  static UnboundApi api;
  std::string missing;
  const auto find = [&](auto& function, const char* name) {
    void* symbol = ::dlsym(library, name);
    if (symbol == nullptr)
      missing += std::string(missing.empty() ? "" : ", ") + name;
    function =
        reinterpret_cast<std::remove_reference_t<decltype(function)>>(symbol);
  };
  find(api.ctx_create, "ub_ctx_create");
  find(api.ctx_delete, "ub_ctx_delete");
  find(api.ctx_set_option, "ub_ctx_set_option");
  find(api.ctx_resolvconf, "ub_ctx_resolvconf");
  find(api.ctx_set_fwd, "ub_ctx_set_fwd");
  find(api.ctx_set_stub, "ub_ctx_set_stub");
  find(api.ctx_add_ta_file, "ub_ctx_add_ta_file");
  find(api.ctx_async, "ub_ctx_async");
  find(api.resolve_async, "ub_resolve_async");
  find(api.resolve_free, "ub_resolve_free");
  find(api.cancel, "ub_cancel");
  find(api.fd, "ub_fd");
  find(api.process, "ub_process");
  find(api.strerror, "ub_strerror");
  if (!missing.empty()) {
    // The library stays loaded: unloading it is not worth the risk.
    return absl::FailedPreconditionError(std::string(kUnboundSoname) +
                                         " lacks " + missing);
  }
  return &api;
}

}  // namespace

absl::StatusOr<const UnboundApi*> LoadUnbound() {
  static const absl::StatusOr<const UnboundApi*> loaded = Load();
  return loaded;
}

}  // namespace dkimbatch::io
