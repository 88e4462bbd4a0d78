// bench/rate_reporter.h
//
// A Google Benchmark console reporter that also keeps every benchmark's
// items-per-second rate (from CPU time) and, at the end, prints a summary
// that compares them (batched verifiers against OpenSSL, in the same run);
// and the main() body of such a benchmark program.
#ifndef DKIMBATCH_BENCH_RATE_REPORTER_H_
#define DKIMBATCH_BENCH_RATE_REPORTER_H_

#include <benchmark/benchmark.h>

#include <string>
#include <utility>
#include <vector>

namespace dkimbatch::bench {

class RateReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
      auto it = run.counters.find("items_per_second");
      if (it == run.counters.end()) continue;
      rates_.push_back({run.benchmark_name(), it->second.value});
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    Summarize();
  }

 protected:
  // Summarize prints the comparison, once every benchmark has run.
  virtual void Summarize() = 0;

  // Rate returns the items/s of benchmark `name`, or 0 if it did not run.
  double Rate(const std::string& name) const {
    for (const auto& [n, rate] : rates_) {
      if (n == name) return rate;
    }
    return 0;
  }
  const std::vector<std::pair<std::string, double>>& rates() const {
    return rates_;
  }

 private:
  std::vector<std::pair<std::string, double>> rates_;
};

// RunWithReporter is main(): flags, `register_benchmarks`, the run with
// `reporter`.
inline int RunWithReporter(int argc, char** argv, void (*register_benchmarks)(),
                           RateReporter* reporter) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  register_benchmarks();
  benchmark::RunSpecifiedBenchmarks(reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace dkimbatch::bench

#endif  // DKIMBATCH_BENCH_RATE_REPORTER_H_
