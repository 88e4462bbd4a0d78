// engine/crypto/sha256_many.cc
//
// Sha256Many: the kernel choice, the OpenSSL reference kernel, and the
// SHA-NI path's scheduling of messages onto interleaved streams (each
// message is its whole blocks read in place, then one or two padded final
// blocks built in the stream's own buffer).
#include "engine/crypto/sha256_many.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "engine/crypto/digest.h"
#include "engine/crypto/sha256_many_kernels.h"

namespace dkimbatch::engine {
namespace {

// FIPS 180-4 §5.3.3: the initial hash value.
constexpr uint32_t kInitialState[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                       0xa54ff53a, 0x510e527f, 0x9b05688c,
                                       0x1f83d9ab, 0x5be0cd19};

constexpr size_t kBlockSize = 64;

void RunOpenssl(std::span<const Sha256Job> jobs) {
  if (jobs.empty()) return;
  Digest digest;  // one EVP_MD_CTX for all jobs
  for (const Sha256Job& job : jobs) {
    digest.Reset(HashAlg::kSha256);
    if (job.len > 0) {
      digest.Write(
          std::string_view(reinterpret_cast<const char*>(job.data), job.len));
    }
    digest.Final(job.out);
  }
}

// Stream is one message in flight: its state and the blocks still to
// compress, first the message's whole blocks in place, then `last`.
struct Stream {
  // Start begins `job` and builds its padded final block(s): the bytes
  // after the last whole block, 0x80, zeros, and the bit length as a
  // 64-bit big-endian number (FIPS 180-4 §5.1.1).
  void Start(const Sha256Job& job) {
    std::memcpy(state, kInitialState, sizeof(state));
    out = job.out;
    const size_t whole = job.len / kBlockSize;
    const size_t rest = job.len % kBlockSize;
    const size_t last_size =
        rest < kBlockSize - 8 ? kBlockSize : 2 * kBlockSize;
    if (rest > 0) std::memcpy(last, job.data + whole * kBlockSize, rest);
    last[rest] = 0x80;
    std::memset(last + rest + 1, 0, last_size - 8 - (rest + 1));
    const uint64_t bits = static_cast<uint64_t>(job.len) * 8;
    for (int i = 0; i < 8; ++i) {
      last[last_size - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
    }
    last_blocks = last_size / kBlockSize;
    if (whole > 0) {
      next = job.data;
      blocks = whole;
    } else {
      next = last;
      blocks = last_blocks;
      last_blocks = 0;
    }
  }

  // Advance notes that `n` (at most `blocks`) blocks were compressed; it
  // returns false when the message is done.
  bool Advance(size_t n) {
    next += n * kBlockSize;
    blocks -= n;
    if (blocks > 0) return true;
    if (last_blocks == 0) return false;
    next = last;
    blocks = last_blocks;
    last_blocks = 0;
    return true;
  }

  void WriteDigest() const {
    for (int i = 0; i < 8; ++i) {
      out[4 * i] = static_cast<uint8_t>(state[i] >> 24);
      out[4 * i + 1] = static_cast<uint8_t>(state[i] >> 16);
      out[4 * i + 2] = static_cast<uint8_t>(state[i] >> 8);
      out[4 * i + 3] = static_cast<uint8_t>(state[i]);
    }
  }

  uint32_t state[8];
  const uint8_t* next;  // the next block to compress
  size_t blocks;        // blocks at `next` still to compress
  size_t last_blocks;   // blocks of `last` to compress after those (0 or 1-2)
  uint8_t* out;
  uint8_t last[2 * kBlockSize];
};

// RunShaNi keeps up to kStreams messages in flight. Each step compresses,
// in every busy stream, as many blocks as the one nearest the end of its
// run (in place or in `last`) has left; then finished messages write their
// digest and their stream takes the next job. Busy streams are kept first
// in `order` so the kernel gets exactly as many streams as are busy.
template <int kStreams>
void RunShaNi(std::span<const Sha256Job> jobs) {
  static_assert(kStreams >= 1 && kStreams <= internal::kSha256ShaNiMaxStreams);
  Stream streams[kStreams];
  int order[kStreams];
  size_t next_job = 0;
  int busy = 0;
  while (busy < kStreams && next_job < jobs.size()) {
    streams[busy].Start(jobs[next_job++]);
    order[busy] = busy;
    ++busy;
  }
  while (busy > 0) {
    uint32_t* states[kStreams];
    const uint8_t* data[kStreams];
    size_t run = streams[order[0]].blocks;
    for (int i = 0; i < busy; ++i) {
      Stream& stream = streams[order[i]];
      states[i] = stream.state;
      data[i] = stream.next;
      run = std::min(run, stream.blocks);
    }
    internal::Sha256ShaNiBlocks(busy, states, data, run);
    for (int i = 0; i < busy;) {
      Stream& stream = streams[order[i]];
      if (stream.Advance(run)) {
        ++i;
        continue;
      }
      stream.WriteDigest();
      if (next_job < jobs.size()) {
        stream.Start(jobs[next_job++]);
        ++i;
        continue;
      }
      // No job left: the stream goes idle, the last busy one takes its place.
      --busy;
      std::swap(order[i], order[busy]);
    }
  }
}

}  // namespace

bool Sha256ManyKernelSupported(Sha256ManyKernel kernel) {
  static const bool shani = internal::Sha256ShaNiSupported();
  return kernel == Sha256ManyKernel::kOpenssl || shani;
}

void Sha256Many(std::span<const Sha256Job> jobs) {
  static const Sha256ManyKernel best =
      Sha256ManyKernelSupported(Sha256ManyKernel::kShaNi)
          ? Sha256ManyKernel::kShaNi
          : Sha256ManyKernel::kOpenssl;
  Sha256ManyWith(best, jobs);
}

void Sha256ManyWith(Sha256ManyKernel kernel, std::span<const Sha256Job> jobs) {
  if (kernel == Sha256ManyKernel::kShaNi) {
    RunShaNi<internal::kSha256ShaNiStreams>(jobs);
  } else {
    RunOpenssl(jobs);
  }
}

namespace internal {

void Sha256ManyShaNi(int streams, std::span<const Sha256Job> jobs) {
  static_assert(kSha256ShaNiMaxStreams == 4);
  switch (streams) {
    case 1:
      RunShaNi<1>(jobs);
      break;
    case 2:
      RunShaNi<2>(jobs);
      break;
    case 3:
      RunShaNi<3>(jobs);
      break;
    case 4:
      RunShaNi<4>(jobs);
      break;
    default:
      std::abort();
  }
}

}  // namespace internal
}  // namespace dkimbatch::engine
