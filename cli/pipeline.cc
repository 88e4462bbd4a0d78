// cli/pipeline.cc
//
// Stage map of `dkimbatch verify`:
//   1. read   (serial, in order)  io::InputReader cuts messages out of mapped
//                                 files into a Batch (bounded by messages and
//                                 bytes);
//   2. verify (parallel)          one engine::Verifier per worker thread
//                                 verifies the batch's messages, then runs
//                                 their RSA checks together (batched, IFMA)
//                                 and turns each verdict into a line;
//   3. write  (serial, in order)  the batch's lines go to the output and the
//                                 run statistics.
// At most 4 x threads batches are in flight, and batches are recycled, so
// memory stays flat whatever the archive size: once a batch is written, the
// pages of the mapped mbox before it are released. Output order equals input
// order at any thread count. A warm run allocates nothing per message
// (tests/alloc).
#include "cli/pipeline.h"

#include <tbb/concurrent_queue.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "io/jsonl_writer.h"
#include "io/verdict_file.h"

namespace dkimbatch::cli {
namespace {

// A token: the messages of one batch and, after verification, their verdict
// lines and counts. Batches are recycled (see BatchPool), so their vectors
// and strings keep their memory from one batch to the next.
struct Batch {
  std::vector<io::RawMessage> messages;  // slots; the first `size` are used
  size_t size = 0;
  std::vector<engine::Verdict> verdicts;  // reused, like `messages`
  std::string lines;
  uint64_t errors = 0;
  std::array<uint64_t, 7> by_result{};
  std::array<uint64_t, engine::kNumReasons> by_reason{};
  // The mapped mbox the batch ended in and the offset where its last
  // message ended: pages before it are released once the batch is written.
  std::shared_ptr<const io::MappedFile> tail_file;
  size_t tail_end = 0;
};

// Batches go from the writer back to the reader through this pool, so a run
// allocates only as many batches as there are tokens in flight.
class BatchPool {
 public:
  ~BatchPool() {
    Batch* batch = nullptr;
    while (free_.try_pop(batch)) delete batch;
  }
  Batch* Get() {
    Batch* batch = nullptr;
    if (!free_.try_pop(batch)) batch = new Batch;
    batch->size = 0;
    batch->lines.clear();
    batch->errors = 0;
    batch->by_result.fill(0);
    batch->by_reason.fill(0);
    batch->tail_file.reset();
    batch->tail_end = 0;
    return batch;
  }
  void Put(Batch* batch) { free_.push(batch); }

 private:
  tbb::concurrent_queue<Batch*> free_;
};

// Per worker thread: a verifier and a buffer for un-quoted mbox messages.
struct Worker {
  engine::Verifier verifier;
  std::string unquoted;
};

// Messages in the first batch (see `read` below).
constexpr size_t kFirstBatchMessages = 16;

// Past this size the un-quoting buffer is given back after use, so one huge
// message does not pin its size for the rest of the run.
constexpr size_t kMaxKeptBuffer = 4 << 20;

// VerifyOne verifies `msg` into `*out`, its RSA checks deferred to the
// worker's next Flush() (a message that threw has nothing pending).
void VerifyOne(Worker& worker, const io::RawMessage& msg,
               engine::Verdict* out) {
  if (!msg.error.empty()) {
    out->dkim = engine::Result::kNone;
    out->signatures.clear();
    out->message_id.reset();
    out->from_domain.reset();
    out->error = msg.error;
    return;
  }
  try {
    worker.verifier.VerifyDeferred(io::ResolveBytes(msg, &worker.unquoted),
                                   out);
  } catch (const std::exception& e) {
    *out = engine::Verdict();
    out->error = std::string("internal error: ") + e.what();
  }
  if (worker.unquoted.capacity() > kMaxKeptBuffer) {
    std::string().swap(worker.unquoted);
  }
}

// Prefetch asks for the first 16 KB of `bytes` in the caches: the reader
// scanned them a whole batch ago, so by now they have left L2, and the next
// message is read while this one is verified.
void Prefetch(std::string_view bytes) {
  const size_t n = std::min<size_t>(bytes.size(), 16 << 10);
  for (size_t i = 0; i < n; i += 64) __builtin_prefetch(bytes.data() + i);
}

}  // namespace

void StartWorkers(int threads) {
  // An enqueued task is run by a worker thread, never waited for by the
  // caller: each one makes the pool start a worker without blocking.
  for (int i = 1; i < threads; ++i) tbb::this_task_arena::enqueue([] {});
}

RunStats RunVerify(io::InputReader* reader, const engine::KeyStore& keys,
                   const engine::VerifyOptions& verify_options,
                   const PipelineOptions& options, std::FILE* out) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto last_progress = start;
  RunStats stats;
  std::array<uint64_t, engine::kNumReasons> by_reason{};
  const int threads = options.threads < 1 ? 1 : options.threads;
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                  static_cast<size_t>(threads));
  tbb::enumerable_thread_specific<Worker> workers([&] {
    return Worker{engine::Verifier(keys, verify_options), {}};
  });
  BatchPool pool;
  bool done = false;
  bool first_batch = true;

  // 1. read (serial, in order): fill a batch with the next messages.
  auto read = [&](tbb::flow_control& fc) -> Batch* {
    if (done) {
      fc.stop();
      return nullptr;
    }
    Batch* batch = pool.Get();
    // The first batch is small, so that the other threads have batches to
    // take while its first pass over the archive is still running.
    const size_t limit = first_batch ? std::min<size_t>(options.batch_messages,
                                                        kFirstBatchMessages)
                                     : options.batch_messages;
    first_batch = false;
    size_t bytes = 0;
    while (batch->size < limit && bytes < options.batch_bytes) {
      if (batch->size == batch->messages.size()) batch->messages.emplace_back();
      io::RawMessage& msg = batch->messages[batch->size];
      if (!reader->Next(&msg)) {
        done = true;
        break;
      }
      bytes += msg.bytes.size();
      ++batch->size;
    }
    if (batch->size == 0) {
      pool.Put(batch);
      fc.stop();
      return nullptr;
    }
    return batch;
  };

  // 2. verify (parallel): verdict lines and counts for the whole batch.
  auto verify = [&](Batch* batch) -> Batch* {
    Worker& worker = workers.local();
    if (batch->verdicts.size() < batch->size) {
      batch->verdicts.resize(batch->size);
    }
    // Every message first; their RSA checks run together at Flush(), 8 per
    // kernel call (engine/crypto/rsa_batch.h).
    for (size_t k = 0; k < batch->size; ++k) {
      if (k + 1 < batch->size) Prefetch(batch->messages[k + 1].bytes);
      VerifyOne(worker, batch->messages[k], &batch->verdicts[k]);
    }
    worker.verifier.Flush();
    // Keep the mapping of an mbox message that ends the batch (to release
    // its pages after the write), and the references of every message in
    // that mapping: the reader is likely to refill their slots from the
    // same file, and keeping them spares reference counting across threads.
    // Drop every other mapping (a Maildir file's) now, before the batch
    // waits for its turn to be written. (Mbox messages are views into their
    // mapping: un-quoting is done in Worker::unquoted.)
    const io::RawMessage& last = batch->messages[batch->size - 1];
    if (last.offset && last.file) {
      batch->tail_file = last.file;
      batch->tail_end = static_cast<size_t>(
          last.bytes.data() + last.bytes.size() - last.file->data().data());
    }
    for (size_t k = 0; k < batch->size; ++k) {
      io::RawMessage& msg = batch->messages[k];
      const engine::Verdict& verdict = batch->verdicts[k];
      io::AppendVerdictLine({*msg.source, msg.index, msg.offset}, verdict,
                            &batch->lines);
      if (!verdict.error.empty()) ++batch->errors;
      ++batch->by_result[static_cast<size_t>(verdict.dkim)];
      for (const engine::SignatureVerdict& sig : verdict.signatures) {
        ++batch->by_reason[static_cast<size_t>(sig.reason)];
      }
      if (msg.file != batch->tail_file) {
        msg.file.reset();
        msg.source.reset();
      }
    }
    return batch;
  };

  // 3. write (serial, in order): output, statistics, memory release.
  auto write = [&](Batch* batch) {
    // One write(2) of whole lines, no stdio buffer: a run killed at any
    // moment leaves whole lines (io/verdict_file.h).
    if (!stats.write_failed && !io::WriteAll(::fileno(out), batch->lines)) {
      stats.write_failed = true;
    }
    stats.messages += batch->size;
    stats.errors += batch->errors;
    for (size_t i = 0; i < stats.by_result.size(); ++i) {
      stats.by_result[i] += batch->by_result[i];
    }
    for (size_t i = 0; i < by_reason.size(); ++i) {
      by_reason[i] += batch->by_reason[i];
    }
    if (batch->tail_file) batch->tail_file->ReleaseBefore(batch->tail_end);
    pool.Put(batch);
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
  for (size_t i = 0; i < by_reason.size(); ++i) {
    if (by_reason[i] == 0) continue;
    stats.by_reason[std::string(
        engine::ReasonCode(static_cast<engine::Reason>(i)))] = by_reason[i];
  }
  std::chrono::duration<double> elapsed = Clock::now() - start;
  stats.elapsed_s = elapsed.count();
  return stats;
}

}  // namespace dkimbatch::cli
