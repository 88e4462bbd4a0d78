// tests/fuzz/fuzz_header_canon.cc
//
// Differential fuzzer for header field canonicalization (RFC 6376 §3.4.1,
// §3.4.2): every implementation in kHeaderImpls must produce exactly the
// bytes of the naive reference; any difference aborts.
//
// Input: byte 0 picks the algorithm (bit 0) and whether the final CRLF is
// kept (bit 1; dropped for the DKIM-Signature being verified, §3.7); the
// rest is the field as HeaderCursor cuts it: a name without CR or LF, ':',
// then any value bytes (continuation lines included). The whole input also
// goes to the header field splitter (simd::ScanField), whose levels must
// agree with its scalar reference from the first two offsets.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/canon/header_canon.h"
#include "engine/simd/cpu.h"
#include "engine/simd/find.h"
#include "tests/engine/reference_canon.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using dkimbatch::engine::Canon;

using HeaderCanonFn = void (*)(Canon, std::string_view, bool, std::string*);

struct HeaderImpl {
  const char* name;
  HeaderCanonFn canonicalize;
};

// Implementations under test: the engine's entry point at every SIMD
// level, so that scalar and vector kernels are each compared byte for byte
// with the reference (and so with each other) on every input. On a CPU
// without a level, SetSimdLevel refuses it and the previous level runs.
template <dkimbatch::engine::simd::SimdLevel kLevel>
void HeaderAt(Canon canon, std::string_view field, bool crlf,
              std::string* out) {
  dkimbatch::engine::simd::SetSimdLevel(kLevel);
  dkimbatch::engine::AppendCanonicalHeader(canon, field, crlf, out);
}

constexpr HeaderImpl kHeaderImpls[] = {
    {"scalar", &HeaderAt<dkimbatch::engine::simd::SimdLevel::kScalar>},
    {"avx2", &HeaderAt<dkimbatch::engine::simd::SimdLevel::kAvx2>},
    {"avx512", &HeaderAt<dkimbatch::engine::simd::SimdLevel::kAvx512>},
};

// RefSimpleHeader: §3.4.1, no change but bare LF read as CRLF; the final
// line break is dropped or completed as asked.
std::string RefSimpleHeader(std::string_view raw, bool with_crlf) {
  std::string out = dkimbatch::testutil::RefToCrlf(raw);
  const bool ends_crlf = out.size() >= 2 && out.ends_with("\r\n");
  if (!with_crlf && ends_crlf) out.resize(out.size() - 2);
  if (with_crlf && !ends_crlf) out += "\r\n";
  return out;
}

// CheckScanField compares every ScanField level this CPU runs with the
// scalar reference.
void CheckScanField(std::string_view text) {
  namespace simd = dkimbatch::engine::simd;
  using ScanFn = simd::FieldScan (*)(std::string_view, size_t);
  for (size_t from : {size_t{0}, size_t{1}}) {
    const simd::FieldScan want = simd::internal::ScanFieldScalar(text, from);
    for (simd::SimdLevel level : simd::SupportedSimdLevels()) {
      const simd::FieldScan got = simd::ForLevel<ScanFn>(
          level, simd::internal::ScanFieldAvx512, simd::internal::ScanFieldAvx2,
          simd::internal::ScanFieldScalar)(text, from);
      FUZZ_CHECK(got.end == want.end && got.name_len == want.name_len &&
                 (want.name_len == 0 || got.colon == want.colon));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckScanField(std::string_view(reinterpret_cast<const char*>(data), size));
  if (size < 1) return 0;
  const Canon canon = (data[0] & 1) ? Canon::kRelaxed : Canon::kSimple;
  const bool with_crlf = (data[0] & 2) != 0;
  std::string_view raw(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t colon = raw.find(':');
  if (colon == std::string_view::npos || colon == 0) return 0;
  if (raw.substr(0, colon).find_first_of("\r\n") != std::string_view::npos) {
    return 0;
  }
  const std::string want =
      canon == Canon::kRelaxed
          ? dkimbatch::testutil::RefRelaxedHeader(raw, with_crlf)
          : RefSimpleHeader(raw, with_crlf);
  for (const HeaderImpl& impl : kHeaderImpls) {
    std::string got = "prefix";  // appends, never overwrites
    impl.canonicalize(canon, raw, with_crlf, &got);
    if (got != "prefix" + want) {
      std::fprintf(stderr, "%s differs from the reference (%s)\n", impl.name,
                   canon == Canon::kRelaxed ? "relaxed" : "simple");
    }
    FUZZ_CHECK(got == "prefix" + want);
  }
  return 0;
}
