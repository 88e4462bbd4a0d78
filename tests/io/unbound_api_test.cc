// tests/io/unbound_api_test.cc
//
// LoadUnbound: the library the build found loads by its soname, every
// function is there, the same table comes back each time, and it works
// (ub_strerror, a context made and freed). That the program does not link
// libunbound is checked by tests/cli/usage_test.sh's ldd line.
#include "io/unbound_api.h"

#include <string>

#include "gtest/gtest.h"

namespace dkimbatch::io {
namespace {

TEST(LoadUnbound, LoadsEveryFunctionOnce) {
  absl::StatusOr<const UnboundApi*> api = LoadUnbound();
  ASSERT_TRUE(api.ok()) << api.status();
  const UnboundApi& ub = **api;
  for (const void* f : {reinterpret_cast<const void*>(ub.ctx_create),
                        reinterpret_cast<const void*>(ub.ctx_delete),
                        reinterpret_cast<const void*>(ub.ctx_set_option),
                        reinterpret_cast<const void*>(ub.ctx_resolvconf),
                        reinterpret_cast<const void*>(ub.ctx_set_fwd),
                        reinterpret_cast<const void*>(ub.ctx_set_stub),
                        reinterpret_cast<const void*>(ub.ctx_add_ta_file),
                        reinterpret_cast<const void*>(ub.ctx_async),
                        reinterpret_cast<const void*>(ub.resolve_async),
                        reinterpret_cast<const void*>(ub.resolve_free),
                        reinterpret_cast<const void*>(ub.cancel),
                        reinterpret_cast<const void*>(ub.fd),
                        reinterpret_cast<const void*>(ub.process),
                        reinterpret_cast<const void*>(ub.strerror)}) {
    EXPECT_NE(f, nullptr);
  }
  absl::StatusOr<const UnboundApi*> again = LoadUnbound();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *api);
  EXPECT_FALSE(std::string(ub.strerror(UB_NOMEM)).empty());
  ub_ctx* ctx = ub.ctx_create();
  ASSERT_NE(ctx, nullptr);
  EXPECT_EQ(ub.ctx_set_option(ctx, "do-ip6:", "no"), 0);
  EXPECT_NE(ub.ctx_set_option(ctx, "no-such-option:", "1"), 0);
  ub.ctx_delete(ctx);
}

}  // namespace
}  // namespace dkimbatch::io
