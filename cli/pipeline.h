// cli/pipeline.h
//
// The verify pipeline: a oneTBB parallel_pipeline joining io/ (reading and
// writing, serial and in order) and engine/ (verification, in parallel).
// This is the only part of dkimbatch that runs threads.
#ifndef DKIMBATCH_CLI_PIPELINE_H_
#define DKIMBATCH_CLI_PIPELINE_H_

#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include "engine/key_store.h"
#include "engine/verdict.h"
#include "engine/verifier.h"
#include "io/input_reader.h"

namespace dkimbatch::cli {

struct PipelineOptions {
  int threads = 1;
  // Messages and message bytes per token at most. An mbox chunk is sized
  // for about batch_messages messages, at most batch_bytes, and then runs
  // on to the next separator.
  size_t batch_messages = 256;
  size_t batch_bytes = 4 << 20;
  double progress_interval_s = 0;  // 0: no progress lines
  // Hand runs of a mapped mbox's messages to the verify stage to cut out
  // (io::MboxChunk) rather than cutting them in the serial read stage. The
  // output is the same either way.
  bool mbox_chunks = true;
  // A worker verifies this many messages of a chunk at most (and 8 MB of
  // their lines); the writer verifies the rest a group at a time, so that
  // memory stays bounded when a chunk holds many more messages than its
  // size suggested (a run of tiny messages).
  size_t max_chunk_lines = 4096;
};

struct RunStats {
  uint64_t messages = 0;
  uint64_t errors = 0;                  // verdict lines carrying "error"
  std::array<uint64_t, 7> by_result{};  // indexed by engine::Result
  std::map<std::string, uint64_t> by_reason;
  double elapsed_s = 0;
  bool write_failed = false;
};

// StartWorkers has the thread pool start the worker threads of a run with
// `threads` threads now, in the background, so that they are up when
// RunVerify begins; the caller goes on (loading keys) meanwhile. Optional:
// RunVerify starts them itself otherwise, a few milliseconds later.
void StartWorkers(int threads);

// RunVerify reads every message from `reader`, verifies it against `keys`
// and writes one verdict line per message to `out`, in input order.
RunStats RunVerify(io::InputReader* reader, const engine::KeyStore& keys,
                   const engine::VerifyOptions& verify_options,
                   const PipelineOptions& options, std::FILE* out);

}  // namespace dkimbatch::cli

#endif  // DKIMBATCH_CLI_PIPELINE_H_
