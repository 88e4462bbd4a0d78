// cli/pipeline.cc
//
// Stage map of `dkimbatch verify`:
//   1. read   (serial, in order)  io::InputReader fills a Batch: with a chunk
//                                 of a mapped mbox (about batch_messages
//                                 messages' worth of bytes, found without
//                                 reading them), or else with messages it
//                                 cut out (bounded by messages and bytes);
//   2. verify (parallel)          one engine::Verifier per worker thread
//                                 verifies the batch's messages (a chunk's
//                                 are read a window at a time into the
//                                 worker's buffer and cut out one at a time,
//                                 so each is still in the core's caches when
//                                 verified), then
//                                 runs their RSA checks together (batched,
//                                 IFMA) and turns each verdict into a line;
//   3. write  (serial, in order)  the lines get their indexes and go to the
//                                 output; the run statistics.
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
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "io/chunk_splitter.h"
#include "io/jsonl_writer.h"
#include "io/verdict_file.h"

namespace dkimbatch::cli {
namespace {

// Where a verdict line's `index` goes: its PATH argument and the position
// in Batch::lines. The writer numbers the lines, since the verifier does not
// know how many messages the chunks before its own held.
struct IndexSlot {
  size_t arg;
  size_t at;
};

// A token: the messages of one batch and, after verification, their verdict
// lines and counts. Batches are recycled (see BatchPool), so their vectors
// and strings keep their memory from one batch to the next. A batch holds
// either messages the reader cut out (`size` of the `messages` slots) or,
// `chunked`, a run of mbox messages for the verifier to cut out itself.
struct Batch {
  std::vector<io::RawMessage> messages;  // slots; the first `size` are used
  size_t size = 0;
  bool chunked = false;
  io::MboxChunk chunk;
  size_t rest = 0;    // chunked: where (in chunk.file->data()) the messages
                      // the writer verifies begin
  std::string lines;  // without their indexes
  std::vector<IndexSlot> index_slots;  // one per line
  uint64_t bytes = 0;                  // message bytes (as stored)
  uint64_t errors = 0;
  std::array<uint64_t, 7> by_result{};
  std::array<uint64_t, engine::kNumReasons> by_reason{};
  // The mapped mbox the batch ended in and the offset where its last
  // message ended: pages before it are released once the batch is written.
  std::shared_ptr<const io::MappedFile> tail_file;
  size_t tail_end = 0;
};

// ClearLines empties the lines of `batch` and their counts.
void ClearLines(Batch* batch) {
  batch->lines.clear();
  batch->index_slots.clear();
  batch->errors = 0;
  batch->by_result.fill(0);
  batch->by_reason.fill(0);
}

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
    batch->chunked = false;
    ClearLines(batch);
    batch->bytes = 0;
    batch->tail_file.reset();
    batch->tail_end = 0;
    return batch;
  }
  void Put(Batch* batch) { free_.push(batch); }

 private:
  tbb::concurrent_queue<Batch*> free_;
};

// Per worker thread: a verifier, a buffer for un-quoted mbox messages, the
// last message cut out of a chunk, and the verdicts of the messages being
// verified (and of a chunk's, their offsets). The verdicts are the worker's,
// not the batch's: a batch's lines are made before it leaves the worker, and
// slots that the same core reuses batch after batch are more likely to be
// in its caches.
struct Worker {
  engine::Verifier verifier;
  std::string unquoted;
  io::MboxMessage message;
  std::vector<engine::Verdict> verdicts;
  std::vector<uint64_t> offsets;
  io::ChunkSplitter chunk_split;  // its buffer is reused chunk after chunk
};

// Messages in the first batch (see `read` below).
constexpr size_t kFirstBatchMessages = 16;

// Past this size the un-quoting buffer is given back after use, so one huge
// message does not pin its size for the rest of the run.
constexpr size_t kMaxKeptBuffer = 4 << 20;

// At most this many messages of a chunk are verified before their RSA
// checks run (Verifier::Flush) and their lines are made, so the verdicts
// held at once stay bounded whatever a chunk holds.
constexpr size_t kChunkGroup = 1024;

// A chunk's size is a guess (see chunk_target in RunVerify), and a run of
// tiny messages can make it hold many more than it should. Past this many
// bytes of lines (or PipelineOptions::max_chunk_lines lines) the worker
// leaves the rest of its chunk to the writer, which verifies it a group at a
// time and writes each group's lines at once: so the lines a batch holds
// stay bounded whatever the archive.
constexpr size_t kMaxChunkLineBytes = 8 << 20;

// The smallest chunk (see chunk_target in RunVerify).
constexpr size_t kMinChunkBytes = 64 << 10;

// VerifyOne verifies the message `get_bytes()` returns into `*out`, its RSA
// checks deferred to the worker's next Flush() (a message that threw has
// nothing pending).
template <typename GetBytes>
void VerifyOne(Worker& worker, GetBytes get_bytes, engine::Verdict* out) {
  try {
    worker.verifier.VerifyDeferred(get_bytes(), out);
  } catch (const std::exception& e) {
    *out = engine::Verdict();
    out->error = std::string("internal error: ") + e.what();
  }
  if (worker.unquoted.capacity() > kMaxKeptBuffer) {
    std::string().swap(worker.unquoted);
  }
}

// AppendLine adds the verdict line of `verdict` (without its index) and its
// counts to `batch`.
void AppendLine(const io::MessageLocation& where, size_t arg,
                const engine::Verdict& verdict, Batch* batch) {
  IndexSlot& slot = batch->index_slots.emplace_back();
  slot.arg = arg;
  io::AppendVerdictLine(where, verdict, &batch->lines, &slot.at);
  if (!verdict.error.empty()) ++batch->errors;
  ++batch->by_result[static_cast<size_t>(verdict.dkim)];
  for (const engine::SignatureVerdict& sig : verdict.signatures) {
    ++batch->by_reason[static_cast<size_t>(sig.reason)];
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
  auto make_worker = [&] {
    return Worker{engine::Verifier(keys, verify_options), {}, {}, {}, {}, {}};
  };
  tbb::enumerable_thread_specific<Worker> workers(make_worker);
  BatchPool pool;
  bool done = false;
  bool first_batch = true;
  // Message bytes and count of the batches seen so far (when read for
  // batches of messages, when written for chunks), in all and of the last
  // one: for chunk_target.
  std::atomic<uint64_t> seen_bytes{0}, seen_messages{0};
  std::atomic<uint64_t> last_bytes{0}, last_messages{0};
  auto note_seen = [&](uint64_t messages, uint64_t bytes) {
    seen_messages.fetch_add(messages, std::memory_order_relaxed);
    seen_bytes.fetch_add(bytes, std::memory_order_relaxed);
    last_messages.store(messages, std::memory_order_relaxed);
    last_bytes.store(bytes, std::memory_order_relaxed);
  };
  // The lines' indexes: the writer's PATH argument and its next index (an
  // input that --resume read past is continued).
  size_t index_arg = reader->current_arg();
  uint64_t next_index = reader->next_index();
  std::string output;  // a batch's lines with their indexes

  // chunk_target is the size of the next mbox chunk: about batch_messages
  // messages as large as the average so far, or the last batch's if that is
  // smaller (a run of small messages does not make a chunk of many lines).
  auto chunk_target = [&]() -> size_t {
    const uint64_t messages = seen_messages.load(std::memory_order_relaxed);
    const uint64_t last = last_messages.load(std::memory_order_relaxed);
    if (messages == 0 || last == 0) return options.batch_bytes;
    const uint64_t average =
        std::min(seen_bytes.load(std::memory_order_relaxed) / messages,
                 last_bytes.load(std::memory_order_relaxed) / last);
    return std::clamp<size_t>(average * options.batch_messages, kMinChunkBytes,
                              std::max(options.batch_bytes, kMinChunkBytes));
  };

  // 1. read (serial, in order): fill a batch with the next messages.
  auto read = [&](tbb::flow_control& fc) -> Batch* {
    if (done) {
      fc.stop();
      return nullptr;
    }
    Batch* batch = pool.Get();
    if (!first_batch && options.mbox_chunks &&
        reader->NextChunk(chunk_target(), &batch->chunk)) {
      batch->chunked = true;
      return batch;
    }
    batch->chunk.file.reset();  // no mapping held for nothing
    batch->chunk.source.reset();
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
    batch->bytes = bytes;
    note_seen(batch->size, bytes);
    return batch;
  };

  // 2. verify (parallel): verdict lines and counts for the whole batch.
  auto verify_messages = [&](Worker& worker, Batch* batch) {
    if (worker.verdicts.size() < batch->size) {
      worker.verdicts.resize(batch->size);
    }
    // Every message first; their RSA checks run together at Flush(), 8 per
    // kernel call (engine/crypto/rsa_batch.h).
    for (size_t k = 0; k < batch->size; ++k) {
      if (k + 1 < batch->size) Prefetch(batch->messages[k + 1].bytes);
      const io::RawMessage& msg = batch->messages[k];
      engine::Verdict* verdict = &worker.verdicts[k];
      if (!msg.error.empty()) {
        verdict->dkim = engine::Result::kNone;
        verdict->signatures.clear();
        verdict->message_id.reset();
        verdict->from_domain.reset();
        verdict->error = msg.error;
        continue;
      }
      VerifyOne(
          worker, [&] { return io::ResolveBytes(msg, &worker.unquoted); },
          verdict);
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
      AppendLine({*msg.source, 0, msg.offset}, msg.arg, worker.verdicts[k],
                 batch);
      if (msg.file != batch->tail_file) {
        msg.file.reset();
        msg.source.reset();
      }
    }
  };
  // A chunk: each message is cut out right before it is verified, so its
  // bytes are still in this core's caches (the cut read them all).
  // verify_group verifies the next `group` messages of `*split` at most
  // and adds their lines to `batch`; it returns false once none are left.
  const size_t group =
      std::clamp<size_t>(options.max_chunk_lines, 1, kChunkGroup);
  auto verify_group = [&](Worker& worker, io::ChunkSplitter* split,
                          Batch* batch) {
    const io::MboxChunk& chunk = batch->chunk;
    io::MboxMessage& message = worker.message;
    // The verifier holds on to the verdicts until Flush: room for a whole
    // group now, so that they never move.
    if (worker.verdicts.size() < kChunkGroup) {
      worker.verdicts.resize(kChunkGroup);
      worker.offsets.resize(kChunkGroup);
    }
    size_t n = 0;
    bool more = true;
    while (n < group && (more = split->Next(&message))) {
      worker.offsets[n] = message.offset;
      VerifyOne(
          worker,
          [&] {
            return io::MboxMessageBytes(message, chunk.format,
                                        chunk.max_message_bytes,
                                        &worker.unquoted);
          },
          &worker.verdicts[n]);
      ++n;
    }
    worker.verifier.Flush();
    for (size_t k = 0; k < n; ++k) {
      AppendLine({*chunk.source, 0, worker.offsets[k]}, chunk.arg,
                 worker.verdicts[k], batch);
    }
    return more;
  };
  auto verify_chunk = [&](Worker& worker, Batch* batch) {
    const io::MboxChunk& chunk = batch->chunk;
    io::ChunkSplitter& split = worker.chunk_split;
    split.Start(chunk, chunk.begin);
    while (verify_group(worker, &split, batch) &&
           batch->index_slots.size() < options.max_chunk_lines &&
           batch->lines.size() < kMaxChunkLineBytes) {
    }
    batch->rest = split.pos();
    batch->bytes = chunk.end - chunk.begin;
    batch->tail_file = chunk.file;
    batch->tail_end = chunk.end;
  };
  auto verify = [&](Batch* batch) -> Batch* {
    Worker& worker = workers.local();
    if (batch->chunked) {
      verify_chunk(worker, batch);
    } else {
      verify_messages(worker, batch);
    }
    return batch;
  };

  // 3. write (serial, in order): output, statistics, memory release.
  // emit writes the lines of `batch` with their indexes, and counts them.
  auto emit = [&](Batch* batch) {
    // One write(2) of whole lines, no stdio buffer: a run killed at any
    // moment leaves whole lines (io/verdict_file.h).
    output.clear();
    size_t copied = 0;
    for (const IndexSlot& slot : batch->index_slots) {
      if (slot.arg != index_arg) {
        index_arg = slot.arg;
        next_index = 0;
      }
      output.append(batch->lines, copied, slot.at - copied);
      char digits[24];
      const auto end =
          std::to_chars(digits, digits + sizeof(digits), next_index++).ptr;
      output.append(digits, static_cast<size_t>(end - digits));
      copied = slot.at;
    }
    output.append(batch->lines, copied);
    if (!stats.write_failed && !io::WriteAll(::fileno(out), output)) {
      stats.write_failed = true;
    }
    stats.messages += batch->index_slots.size();
    stats.errors += batch->errors;
    for (size_t i = 0; i < stats.by_result.size(); ++i) {
      stats.by_result[i] += batch->by_result[i];
    }
    for (size_t i = 0; i < by_reason.size(); ++i) {
      by_reason[i] += batch->by_reason[i];
    }
  };
  std::unique_ptr<Worker> writer_worker;  // for the rests of chunks
  auto write = [&](Batch* batch) {
    uint64_t lines = batch->index_slots.size();
    emit(batch);
    if (batch->chunked && batch->rest < batch->chunk.end) {
      if (!writer_worker) {
        writer_worker.reset(new Worker(make_worker()));
      }
      io::ChunkSplitter& split = writer_worker->chunk_split;
      split.Start(batch->chunk, batch->rest);
      bool more = true;
      while (more) {
        ClearLines(batch);
        more = verify_group(*writer_worker, &split, batch);
        lines += batch->index_slots.size();
        emit(batch);
      }
    }
    if (batch->chunked && lines > 0) note_seen(lines, batch->bytes);
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
