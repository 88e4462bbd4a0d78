// tests/fuzz/fuzz_signature.cc
//
// DKIM-Signature parsing (RFC 6376 §3.5, §6.1.1): any field value gives a
// reason without crashing; an accepted signature has everything the
// verifier relies on (b=, bh=, d=, s=, From in h=, a b= tag to blank).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/internal/ascii.h"
#include "engine/signature.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dkimbatch::engine;
  std::string_view value(reinterpret_cast<const char*>(data), size);
  Signature sig;
  std::string detail;
  Reason reason = ParseSignature(value, &sig, &detail);
  FUZZ_CHECK(static_cast<int>(reason) < kNumReasons);
  if (reason != Reason::kOk) {
    FUZZ_CHECK(!detail.empty());
    return 0;
  }
  FUZZ_CHECK(!sig.b.empty() && !sig.bh.empty());
  FUZZ_CHECK(!sig.sdid.empty() && !sig.selector.empty());
  FUZZ_CHECK(sig.b_tag != nullptr);
  FUZZ_CHECK(sig.b_tag->value_begin <= sig.b_tag->value_end &&
             sig.b_tag->value_end <= size);
  bool from = false;
  for (std::string_view name : sig.signed_headers) {
    FUZZ_CHECK(!name.empty());
    from = from || dkimbatch::engine::internal::EqualsIgnoreCase(name, "from");
  }
  FUZZ_CHECK(from);
  FUZZ_CHECK(sig.canon_known);
  return 0;
}
