// engine/crypto/rsa_verify_queue.cc
//
// The deferred RSA check queue: byte copies in an arena, one RsaBatchVerify
// call per Run().
#include "engine/crypto/rsa_verify_queue.h"

#include <algorithm>

namespace dkimbatch::engine {

size_t RsaVerifyQueue::Add(const RsaBatchKey& key, HashAlg alg,
                           std::span<const uint8_t> digest,
                           std::span<const uint8_t> signature) {
  Entry entry{&key,
              alg,
              bytes_.size(),
              digest.size(),
              bytes_.size() + digest.size(),
              signature.size()};
  bytes_.insert(bytes_.end(), digest.begin(), digest.end());
  bytes_.insert(bytes_.end(), signature.begin(), signature.end());
  entries_.push_back(entry);
  return entries_.size() - 1;
}

void RsaVerifyQueue::Run() {
  const size_t count = entries_.size();
  if (done_ == count) return;
  if (results_capacity_ < count) {
    const size_t capacity = std::max(count, 2 * results_capacity_);
    std::unique_ptr<bool[]> grown(new bool[capacity]);
    std::copy(results_.get(), results_.get() + done_, grown.get());
    results_ = std::move(grown);
    results_capacity_ = capacity;
  }
  // The spans point into bytes_, which does not change during the call.
  items_.clear();
  for (size_t i = done_; i < count; ++i) {
    const Entry& e = entries_[i];
    items_.push_back(RsaBatchItem{
        e.key, e.alg,
        std::span<const uint8_t>(bytes_.data() + e.digest_offset, e.digest_len),
        std::span<const uint8_t>(bytes_.data() + e.signature_offset,
                                 e.signature_len)});
  }
  RsaBatchVerify(items_,
                 std::span<bool>(results_.get() + done_, count - done_));
  done_ = count;
}

void RsaVerifyQueue::Truncate(size_t count) {
  if (count >= entries_.size() || count < done_) return;
  bytes_.resize(entries_[count].digest_offset);
  entries_.resize(count);
}

void RsaVerifyQueue::Clear() {
  entries_.clear();
  bytes_.clear();
  done_ = 0;
}

}  // namespace dkimbatch::engine
