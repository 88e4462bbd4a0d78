// engine/crypto/sha256_many.cc
//
// Sha256Many: the kernel choice, the OpenSSL reference kernel, and the
// scheduling of messages onto the SHA-NI path's interleaved streams and the
// AVX-512 path's 16 lanes (each message is its whole blocks read in place,
// then one or two padded final blocks built in the stream's own buffer).
#include "engine/crypto/sha256_many.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "engine/crypto/digest.h"
#include "engine/crypto/sha256_many_kernels.h"
#include "engine/simd/cpu.h"

namespace dkimbatch::engine {
namespace {

using internal::Sha256Stream;

constexpr size_t kBlockSize = internal::kSha256BlockSize;

void OpensslDigest(Digest& digest, const Sha256Job& job) {
  digest.Reset(HashAlg::kSha256);
  if (job.len > 0) {
    digest.Write(
        std::string_view(reinterpret_cast<const char*>(job.data), job.len));
  }
  digest.Final(job.out);
}

void RunOpenssl(std::span<const Sha256Job> jobs) {
  if (jobs.empty()) return;
  Digest digest;  // one EVP_MD_CTX for all jobs
  for (const Sha256Job& job : jobs) OpensslDigest(digest, job);
}

// RunShaNi keeps up to kStreams messages in flight: first the `started`
// ones (mid-message, from another kernel), then `jobs`. Each step
// compresses, in every busy stream, as many blocks as the one nearest the
// end of its run (in place or in `last`) has left; then finished messages
// write their digest and their stream takes the next message. Busy streams
// are kept first in `slots` so the kernel gets exactly as many streams as
// are busy.
template <int kStreams>
void RunShaNi(std::span<Sha256Stream* const> started,
              std::span<const Sha256Job> jobs) {
  static_assert(kStreams >= 1 && kStreams <= internal::kSha256ShaNiMaxStreams);
  Sha256Stream own[kStreams];
  Sha256Stream* slots[kStreams];
  size_t next_started = 0;
  size_t next_job = 0;
  // Take puts the next message in slot i (a new job in own[i], which slot i
  // alone uses until no message is left); false when none is left.
  const auto take = [&](int i) {
    if (next_started < started.size()) {
      slots[i] = started[next_started++];
      return true;
    }
    if (next_job < jobs.size()) {
      own[i].Start(jobs[next_job++]);
      slots[i] = &own[i];
      return true;
    }
    return false;
  };
  int busy = 0;
  while (busy < kStreams && take(busy)) ++busy;
  while (busy > 0) {
    uint32_t* states[kStreams];
    const uint8_t* data[kStreams];
    size_t run = slots[0]->blocks;
    for (int i = 0; i < busy; ++i) {
      states[i] = slots[i]->state;
      data[i] = slots[i]->next;
      run = std::min(run, slots[i]->blocks);
    }
    internal::Sha256ShaNiBlocks(busy, states, data, run);
    for (int i = 0; i < busy;) {
      Sha256Stream& stream = *slots[i];
      if (stream.Advance(run)) {
        ++i;
        continue;
      }
      stream.WriteDigest();
      if (take(i)) {
        ++i;
        continue;
      }
      // No message left: the slot goes idle, the last busy one takes its
      // place.
      --busy;
      std::swap(slots[i], slots[busy]);
    }
  }
}

// BlockCount returns the blocks a message of `len` bytes is compressed in.
size_t BlockCount(size_t len) { return (len + 8) / kBlockSize + 1; }

// LongestFirst returns the order in which to start `jobs` (at most
// UINT32_MAX): by block count, most first (ties by index). Lanes that start
// messages of about the same length then run in step, and the last
// messages to start are the short ones, so the lanes also finish at about
// the same time.
std::vector<uint32_t> LongestFirst(std::span<const Sha256Job> jobs) {
  std::vector<uint64_t> keys(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    const uint64_t blocks =
        std::min<size_t>(BlockCount(jobs[i].len), UINT32_MAX);
    keys[i] = (UINT32_MAX - blocks) << 32 | i;
  }
  std::sort(keys.begin(), keys.end());
  std::vector<uint32_t> order(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    order[i] = static_cast<uint32_t>(keys[i]);
  }
  return order;
}

// OpensslOutliers returns how many of the longest jobs (the first ones of
// `order`) should be left to OpenSSL because one lane would otherwise
// compress them alone for long, when no SHA-NI path can take the last busy
// lanes. Costs are counted in 16ths of the time of one 16-lane block: a
// block in a full set of lanes costs 1, in a lane that runs alone 16, by
// OpenSSL kSha256Avx512OverOpenssl. The lanes take as long as their total
// or their longest job alone, whichever is more.
size_t OpensslOutliers(std::span<const Sha256Job> jobs,
                       std::span<const uint32_t> order) {
  constexpr int kLanes = internal::kSha256Avx512Lanes;
  constexpr uint64_t kOpensslCost = internal::kSha256Avx512OverOpenssl;
  uint64_t rest = 0;  // blocks of the jobs not left to OpenSSL
  for (const Sha256Job& job : jobs) rest += BlockCount(job.len);
  uint64_t best_cost =
      std::max<uint64_t>(kLanes * BlockCount(jobs[order[0]].len), rest);
  uint64_t openssl_cost = 0;
  size_t best = 0;
  for (size_t k = 1; k <= std::min<size_t>(order.size(), kLanes); ++k) {
    const uint64_t blocks = BlockCount(jobs[order[k - 1]].len);
    openssl_cost += kOpensslCost * blocks;
    rest -= blocks;
    const uint64_t longest =
        k < order.size() ? BlockCount(jobs[order[k]].len) : 0;
    const uint64_t cost = openssl_cost + std::max(kLanes * longest, rest);
    if (cost < best_cost) {
      best_cost = cost;
      best = k;
    }
  }
  return best;
}

// RunAvx512 keeps up to 16 messages in flight, one per lane, like RunShaNi,
// starting them longest first: each step compresses in every lane as many
// blocks as the busy lane nearest the end of its run has left, then
// finished lanes take the next job. The lanes' states live transposed in
// `states` (word j of lane i at j * 16 + i); an idle lane reads a busy
// lane's blocks and its state is ignored. Once no job is left and fewer
// than `options.shani_below` lanes are busy, the SHA-NI path finishes them
// if the CPU has it; if it cannot, OpenSSL may take the longest jobs first
// (OpensslOutliers).
void RunAvx512(const internal::Sha256Avx512Options& options,
               std::span<const Sha256Job> jobs) {
  constexpr int kLanes = internal::kSha256Avx512Lanes;
  if (jobs.empty()) return;
  const int shani_below = Sha256ManyKernelSupported(Sha256ManyKernel::kShaNi)
                              ? options.shani_below
                              : 0;
  const bool outliers = shani_below == 0 && options.openssl_outliers;
  // With no more jobs than lanes all start at once, in any order; jobs
  // that come longest first already are taken as they are (no allocation).
  const bool sorted = std::is_sorted(
      jobs.begin(), jobs.end(), [](const Sha256Job& a, const Sha256Job& b) {
        return BlockCount(a.len) > BlockCount(b.len);
      });
  const std::vector<uint32_t> order =
      ((jobs.size() > static_cast<size_t>(kLanes) && !sorted) || outliers) &&
              jobs.size() <= UINT32_MAX
          ? LongestFirst(jobs)
          : std::vector<uint32_t>();
  size_t next_job = 0;  // in `order`, if not empty
  if (outliers && !order.empty()) {
    const size_t n = OpensslOutliers(jobs, order);
    if (n > 0) {
      Digest digest;
      for (; next_job < n; ++next_job) {
        OpensslDigest(digest, jobs[order[next_job]]);
      }
    }
  }
  Sha256Stream lanes[kLanes];
  alignas(64) uint32_t states[8 * kLanes];
  int busy_lanes[kLanes];  // the busy lanes, in any order
  int busy = 0;
  uint32_t fresh = 0;  // lanes started since the last kernel call
  const auto start = [&](int lane) {
    lanes[lane].Start(jobs[order.empty() ? next_job : order[next_job]]);
    ++next_job;
    fresh |= 1u << lane;
  };
  while (busy < kLanes && next_job < jobs.size()) {
    start(busy);
    busy_lanes[busy] = busy;
    ++busy;
  }
  while (busy > 0) {
    if (busy < shani_below && next_job == jobs.size()) {
      Sha256Stream* started[kLanes];
      for (int i = 0; i < busy; ++i) {
        const int lane = busy_lanes[i];
        if ((fresh >> lane & 1) == 0) {  // else still the initial state
          for (int j = 0; j < 8; ++j) {
            lanes[lane].state[j] = states[j * kLanes + lane];
          }
        }
        started[i] = &lanes[lane];
      }
      RunShaNi<internal::kSha256ShaNiStreams>(
          std::span<Sha256Stream* const>(started, busy), {});
      return;
    }
    const uint8_t* data[kLanes];
    size_t run = lanes[busy_lanes[0]].blocks;
    for (int i = 0; i < busy; ++i) {
      run = std::min(run, lanes[busy_lanes[i]].blocks);
    }
    std::fill(data, data + kLanes, lanes[busy_lanes[0]].next);
    for (int i = 0; i < busy; ++i) {
      data[busy_lanes[i]] = lanes[busy_lanes[i]].next;
    }
    internal::Sha256Avx512Blocks(states, fresh, data, run);
    fresh = 0;
    for (int i = 0; i < busy;) {
      const int lane = busy_lanes[i];
      if (lanes[lane].Advance(run)) {
        ++i;
        continue;
      }
      for (int j = 0; j < 8; ++j) {
        const uint32_t word = __builtin_bswap32(states[j * kLanes + lane]);
        std::memcpy(lanes[lane].out + 4 * j, &word, 4);
      }
      if (next_job < jobs.size()) {
        start(lane);
        ++i;
        continue;
      }
      --busy;
      std::swap(busy_lanes[i], busy_lanes[busy]);
    }
  }
}

}  // namespace

bool Sha256ManyKernelSupported(Sha256ManyKernel kernel) {
  static const bool shani = internal::Sha256ShaNiSupported();
  static const bool avx512 = simd::SimdLevelSupported(simd::SimdLevel::kAvx512);
  switch (kernel) {
    case Sha256ManyKernel::kOpenssl:
      return true;
    case Sha256ManyKernel::kShaNi:
      return shani;
    case Sha256ManyKernel::kAvx512:
      return avx512;
  }
  return false;
}

void Sha256Many(std::span<const Sha256Job> jobs) {
  static const bool avx512 =
      Sha256ManyKernelSupported(Sha256ManyKernel::kAvx512);
  static const bool shani = Sha256ManyKernelSupported(Sha256ManyKernel::kShaNi);
  // The --simd level bounds the choice: scalar is the OpenSSL reference.
  const simd::SimdLevel level = simd::ActiveSimdLevel();
  Sha256ManyKernel kernel = Sha256ManyKernel::kOpenssl;
  if (level == simd::SimdLevel::kAvx512 && avx512) {
    kernel = Sha256ManyKernel::kAvx512;
  } else if (level != simd::SimdLevel::kScalar && shani) {
    kernel = Sha256ManyKernel::kShaNi;
  }
  Sha256ManyWith(kernel, jobs);
}

void SortLongestFirst(std::vector<Sha256Job>* jobs,
                      std::vector<Sha256Job>* scratch) {
  // Block counts below kCounted each have a bucket; longer jobs share the
  // first one and are sorted among themselves (few: a batch's bodies are
  // mostly a few KB).
  static constexpr size_t kCounted = 512;
  const auto bucket = [](const Sha256Job& job) {
    return kCounted - std::min(BlockCount(job.len), kCounted);
  };
  if (jobs->size() < 2) return;
  size_t start[kCounted + 1] = {};
  for (const Sha256Job& job : *jobs) ++start[bucket(job) + 1];
  for (size_t b = 1; b <= kCounted; ++b) start[b] += start[b - 1];
  scratch->resize(jobs->size());
  for (const Sha256Job& job : *jobs) (*scratch)[start[bucket(job)]++] = job;
  // start[0] is now the end of bucket 0, the jobs of kCounted blocks or more.
  std::sort(scratch->begin(), scratch->begin() + start[0],
            [](const Sha256Job& a, const Sha256Job& b) {
              return BlockCount(a.len) > BlockCount(b.len);
            });
  jobs->swap(*scratch);
}

void Sha256ManyWith(Sha256ManyKernel kernel, std::span<const Sha256Job> jobs) {
  switch (kernel) {
    case Sha256ManyKernel::kShaNi:
      RunShaNi<internal::kSha256ShaNiStreams>({}, jobs);
      break;
    case Sha256ManyKernel::kAvx512:
      RunAvx512({}, jobs);
      break;
    case Sha256ManyKernel::kOpenssl:
      RunOpenssl(jobs);
      break;
  }
}

namespace internal {

void Sha256ManyShaNi(int streams, std::span<const Sha256Job> jobs) {
  static_assert(kSha256ShaNiMaxStreams == 4);
  switch (streams) {
    case 1:
      RunShaNi<1>({}, jobs);
      break;
    case 2:
      RunShaNi<2>({}, jobs);
      break;
    case 3:
      RunShaNi<3>({}, jobs);
      break;
    case 4:
      RunShaNi<4>({}, jobs);
      break;
    default:
      std::abort();
  }
}

void Sha256ManyAvx512(const Sha256Avx512Options& options,
                      std::span<const Sha256Job> jobs) {
  RunAvx512(options, jobs);
}

}  // namespace internal
}  // namespace dkimbatch::engine
