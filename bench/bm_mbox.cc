// bench/bm_mbox.cc
//
// mbox splitting (io::MboxSplitter) and un-quoting checks over a synthetic
// ~64 MB in-memory mbox, at each SIMD level of the separator scan (a level
// this CPU cannot run is skipped).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_data.h"
#include "bench/simd_level.h"
#include "io/mbox.h"

namespace dkimbatch::bench {
namespace {

using engine::simd::SimdLevel;
constexpr size_t kMboxBytes = size_t{64} << 20;

struct Corpus {
  std::string data;                      // the mbox
  std::vector<std::string_view> raws;    // each message, as split
  std::vector<std::string_view> quoted;  // the ones with a ">From " line
  size_t raw_bytes = 0;
  size_t quoted_bytes = 0;
};

// Message `index` of the corpus: a 15-field header block and a 2 KB (3 in 4)
// or 10 KB (1 in 4) text body, LF line ends. One in ten bodies holds a
// quoted ">From " line (mboxrd / mboxo quoting of a body line that began
// with "From "), one in twenty a ">>From " line, and one in ten a forwarded
// "From: ..." line (a near miss for the separator search).
std::string MakeMessage(size_t index, Rng& rng,
                        const std::vector<std::string>& bodies_2k,
                        const std::vector<std::string>& bodies_10k) {
  std::string m = "From alice@example.com Wed Dec 31 23:58:09 2025\n";
  for (const std::string& field : HeaderBlock(index)) m.append(field);
  m.append("\n");
  const bool big = rng.Below(4) == 0;
  const auto& pool = big ? bodies_10k : bodies_2k;
  std::string_view body = pool[rng.Below(pool.size())];
  const size_t cut = body.find('\n', body.size() / 2) + 1;
  m.append(body.substr(0, cut));
  if (rng.Chance(10)) m.append(">From the desk of the managing editor\n");
  if (rng.Chance(5)) m.append(">>From here on, quoted twice\n");
  if (rng.Chance(10)) {
    m.append("\n---------- Forwarded message ---------\nFrom: Bob <bob@");
    m.append(std::to_string(index % 97)).append(".example.org>\n");
  }
  m.append(body.substr(cut));
  m.append("\n");  // mbox framing: an empty line before the next separator
  return m;
}

const Corpus& GetCorpus() {
  static const Corpus corpus = [] {
    Corpus c;
    std::vector<std::string> bodies_2k, bodies_10k;
    for (uint64_t i = 0; i < 32; ++i) {
      bodies_2k.push_back(MakeTextBody(2 << 10, 0xA000 + i));
      bodies_10k.push_back(MakeTextBody(10 << 10, 0xB000 + i));
    }
    Rng rng(0x3B0C5);
    c.data.reserve(kMboxBytes + (64 << 10));
    size_t made = 0;
    for (; c.data.size() < kMboxBytes; ++made) {
      c.data.append(MakeMessage(made, rng, bodies_2k, bodies_10k));
    }
    io::MboxSplitter splitter(c.data);
    io::MboxMessage m;
    while (splitter.Next(&m)) {
      c.raws.push_back(m.raw);
      c.raw_bytes += m.raw.size();
      if (m.raw.find("\n>From ") != std::string_view::npos ||
          m.raw.find("\n>>From ") != std::string_view::npos) {
        c.quoted.push_back(m.raw);
        c.quoted_bytes += m.raw.size();
      }
    }
    if (c.raws.size() != made) {
      std::fprintf(stderr, "bm_mbox: made %zu messages, split %zu\n", made,
                   c.raws.size());
      std::abort();
    }
    return c;
  }();
  return corpus;
}

// Splitting the whole mbox into message views; bytes are mbox bytes.
void BM_MboxSplit(benchmark::State& state, SimdLevel level) {
  const Corpus& c = GetCorpus();
  LevelScope scope(state, level);
  if (!scope.ok()) return;
  size_t messages = 0;
  for (auto _ : state) {
    io::MboxSplitter splitter(c.data);
    io::MboxMessage m;
    messages = 0;
    while (splitter.Next(&m)) {
      benchmark::DoNotOptimize(m.raw.data());
      ++messages;
    }
  }
  if (messages != c.raws.size()) state.SkipWithError("message count changed");
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(c.data.size()));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(messages));
  state.counters["messages"] = static_cast<double>(messages);
  state.counters["mbox_MB"] = static_cast<double>(c.data.size()) / (1 << 20);
}
BENCHMARK_CAPTURE(BM_MboxSplit, scalar, SimdLevel::kScalar)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MboxSplit, avx2, SimdLevel::kAvx2)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MboxSplit, avx512, SimdLevel::kAvx512)
    ->Unit(benchmark::kMillisecond);

// NeedsUnquote over every message (the reader asks it of each one); arg 0 is
// mboxo, 1 is mboxrd.
void BM_NeedsUnquote(benchmark::State& state, SimdLevel level) {
  const Corpus& c = GetCorpus();
  LevelScope scope(state, level);
  if (!scope.ok()) return;
  const auto format =
      state.range(0) == 0 ? io::MboxFormat::kMboxo : io::MboxFormat::kMboxrd;
  size_t hits = 0;
  for (auto _ : state) {
    hits = 0;
    for (std::string_view raw : c.raws) hits += io::NeedsUnquote(raw, format);
    benchmark::DoNotOptimize(hits);
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(c.raw_bytes));
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(c.raws.size()));
  state.counters["need_unquote"] = static_cast<double>(hits);
}
BENCHMARK_CAPTURE(BM_NeedsUnquote, scalar, SimdLevel::kScalar)
    ->ArgName("mboxrd")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NeedsUnquote, avx2, SimdLevel::kAvx2)
    ->ArgName("mboxrd")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NeedsUnquote, avx512, SimdLevel::kAvx512)
    ->ArgName("mboxrd")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);

// Unquote (mboxrd) of the messages that need it: a copy with '>' dropped.
void BM_Unquote(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  std::string out;
  for (auto _ : state) {
    for (std::string_view raw : c.quoted) {
      io::Unquote(raw, io::MboxFormat::kMboxrd, &out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(c.quoted_bytes));
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(c.quoted.size()));
}
BENCHMARK(BM_Unquote)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace dkimbatch::bench
