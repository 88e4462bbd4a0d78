// bench/bm_verdict.cc
//
// JSON verdict line writing (io::AppendVerdictLine), one and two signatures.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench_data.h"
#include "engine/verdict.h"
#include "io/jsonl_writer.h"

namespace dkimbatch::bench {
namespace {

engine::SignatureVerdict PassingSignature(std::string_view d,
                                          std::string_view s, int key_bits) {
  engine::SignatureVerdict sig;
  sig.d = std::string(d);
  sig.s = std::string(s);
  sig.a = "rsa-sha256";
  sig.c = "relaxed/relaxed";
  sig.i = std::string("@").append(d);  // not "@" + ...: g++ 12 -Wrestrict
  sig.key_bits = key_bits;
  sig.result = engine::Result::kPass;
  sig.reason = engine::Reason::kOk;
  sig.detail = "signature verified";
  return sig;
}

// TypicalVerdict is a verdict for an mbox message signed by its author
// domain and (with two signatures) by the mailing service that sent it.
// Domains, selectors and Message-ID vary with `seed`.
engine::Verdict TypicalVerdict(int signatures, uint64_t seed) {
  Rng rng(seed);
  const std::string_view d = kDomains[rng.Below(kDomains.size())];
  const std::string_view s = kSelectors[rng.Below(kSelectors.size())];
  const std::string id = HexId(rng, 16);
  engine::Verdict v;
  v.dkim = engine::Result::kPass;
  v.message_id = "<20251231235809." + id + "@mail." + std::string(d) + ">";
  v.from_domain = std::string(d);
  v.signatures.push_back(PassingSignature(d, s, 2048));
  if (signatures > 1) {
    v.signatures.push_back(
        PassingSignature("bounces.mailer.example.net", "s1", 1024));
  }
  return v;
}

void BM_AppendVerdictLine(benchmark::State& state) {
  std::vector<engine::Verdict> verdicts;
  for (uint64_t i = 0; i < 64; ++i) {
    verdicts.push_back(
        TypicalVerdict(static_cast<int>(state.range(0)), 0x7E4D + i));
  }
  io::MessageLocation where{"archive/2025/inbox-2025-12.mbox", 123456,
                            987654321};
  std::string out;
  out.reserve(4096);
  uint64_t bytes = 0;
  size_t next = 0;
  for (auto _ : state) {
    const engine::Verdict& verdict = verdicts[next];
    next = (next + 1) % verdicts.size();
    ++where.index;
    *where.offset += 4096;
    out.clear();
    io::AppendVerdictLine(where, verdict, &out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["line_bytes"] =
      static_cast<double>(bytes) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_AppendVerdictLine)->ArgName("sigs")->Arg(1)->Arg(2);

}  // namespace
}  // namespace dkimbatch::bench
