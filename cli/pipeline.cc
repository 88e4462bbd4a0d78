// cli/pipeline.cc
//
// Stage map of `dkimbatch verify`:
//   1. read   (serial, in order)  io::InputReader cuts messages out of mapped
//                                 files into a Batch (bounded by messages and
//                                 bytes);
//   2. verify (parallel)          one engine::Verifier per worker thread turns
//                                 each message into a verdict line (RSA checks
//                                 of the whole batch run together, batched);
//   3. write  (serial, in order)  the batch's lines go to the output and the
//                                 run statistics.
// At most 4 x threads batches are in flight, so memory stays flat whatever
// the archive size; output order equals input order at any thread count.
#include "cli/pipeline.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>

#include <chrono>
#include <exception>
#include <memory>
#include <vector>

#include "io/jsonl_writer.h"

namespace dkimbatch::cli {
namespace {

struct Batch {
  std::vector<io::RawMessage> messages;
  std::vector<engine::Verdict> verdicts;
  std::string lines;
};

// VerifyOne verifies `msg` into `*out`, its RSA checks deferred to the
// verifier's next Flush() (a message that threw has nothing pending).
void VerifyOne(engine::Verifier& verifier, const io::RawMessage& msg,
               engine::Verdict* out) {
  if (!msg.error.empty()) {
    out->error = msg.error;
    return;
  }
  try {
    verifier.VerifyDeferred(msg.bytes, out);
  } catch (const std::exception& e) {
    *out = engine::Verdict();
    out->error = std::string("internal error: ") + e.what();
  }
}

}  // namespace

RunStats RunVerify(io::InputReader* reader, const engine::KeyStore& keys,
                   const engine::VerifyOptions& verify_options,
                   const PipelineOptions& options, std::FILE* out) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto last_progress = start;
  RunStats stats;
  const int threads = options.threads < 1 ? 1 : options.threads;
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                  static_cast<size_t>(threads));
  tbb::enumerable_thread_specific<engine::Verifier> verifiers(
      [&] { return engine::Verifier(keys, verify_options); });
  bool done = false;

  auto read = [&](tbb::flow_control& fc) -> Batch* {
    if (done) {
      fc.stop();
      return nullptr;
    }
    auto batch = std::make_unique<Batch>();
    size_t bytes = 0;
    while (batch->messages.size() < options.batch_messages &&
           bytes < options.batch_bytes) {
      io::RawMessage msg;
      if (!reader->Next(&msg)) {
        done = true;
        break;
      }
      bytes += msg.bytes.size();
      batch->messages.push_back(std::move(msg));
    }
    if (batch->messages.empty()) {
      fc.stop();
      return nullptr;
    }
    return batch.release();
  };

  auto verify = [&](Batch* batch) -> Batch* {
    engine::Verifier& verifier = verifiers.local();
    // The batch's RSA checks run together at Flush(), 8 per kernel call.
    batch->verdicts.resize(batch->messages.size());
    for (size_t i = 0; i < batch->messages.size(); ++i) {
      VerifyOne(verifier, batch->messages[i], &batch->verdicts[i]);
    }
    verifier.Flush();
    for (size_t i = 0; i < batch->messages.size(); ++i) {
      const io::RawMessage& msg = batch->messages[i];
      io::MessageLocation where;
      where.source = *msg.source;
      where.index = msg.index;
      where.offset = msg.offset;
      io::AppendVerdictLine(where, batch->verdicts[i], &batch->lines);
    }
    // The message bytes are no longer needed: drop mappings and buffers
    // before the batch waits for its turn to be written.
    for (io::RawMessage& msg : batch->messages) {
      msg.file.reset();
      std::string().swap(msg.unquoted);
    }
    return batch;
  };

  auto write = [&](Batch* batch) {
    std::unique_ptr<Batch> owned(batch);
    if (!stats.write_failed &&
        std::fwrite(batch->lines.data(), 1, batch->lines.size(), out) !=
            batch->lines.size()) {
      stats.write_failed = true;
    }
    for (const engine::Verdict& verdict : batch->verdicts) {
      ++stats.messages;
      if (!verdict.error.empty()) ++stats.errors;
      ++stats.by_result[static_cast<size_t>(verdict.dkim)];
      for (const engine::SignatureVerdict& sig : verdict.signatures) {
        ++stats.by_reason[std::string(engine::ReasonCode(sig.reason))];
      }
    }
    if (options.progress_interval_s > 0) {
      auto now = Clock::now();
      std::chrono::duration<double> since = now - last_progress;
      if (since.count() >= options.progress_interval_s) {
        last_progress = now;
        std::chrono::duration<double> total = now - start;
        std::fprintf(stderr, "dkimbatch: %llu messages, %.0f msgs/s\n",
                     static_cast<unsigned long long>(stats.messages),
                     static_cast<double>(stats.messages) /
                         (total.count() > 0 ? total.count() : 1));
      }
    }
  };

  tbb::parallel_pipeline(
      static_cast<size_t>(threads) * 4,
      tbb::make_filter<void, Batch*>(tbb::filter_mode::serial_in_order, read) &
          tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::parallel, verify) &
          tbb::make_filter<Batch*, void>(tbb::filter_mode::serial_in_order,
                                         write));
  if (std::fflush(out) != 0) stats.write_failed = true;
  std::chrono::duration<double> elapsed = Clock::now() - start;
  stats.elapsed_s = elapsed.count();
  return stats;
}

}  // namespace dkimbatch::cli
