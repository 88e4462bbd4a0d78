// engine/crypto/verify_queue.cc
//
// The deferred signature check queue: byte copies in an arena, one batched
// call per algorithm per Run().
#include "engine/crypto/verify_queue.h"

#include <algorithm>

namespace dkimbatch::engine {

size_t VerifyQueue::Add(Entry entry, std::span<const uint8_t> message,
                        std::span<const uint8_t> signature) {
  entry.message_offset = bytes_.size();
  entry.message_len = message.size();
  entry.signature_offset = bytes_.size() + message.size();
  entry.signature_len = signature.size();
  bytes_.insert(bytes_.end(), message.begin(), message.end());
  bytes_.insert(bytes_.end(), signature.begin(), signature.end());
  entries_.push_back(entry);
  return entries_.size() - 1;
}

size_t VerifyQueue::AddRsa(const RsaBatchKey& key, HashAlg alg,
                           std::span<const uint8_t> digest,
                           std::span<const uint8_t> signature) {
  return Add(Entry{&key, nullptr, alg, 0, 0, 0, 0}, digest, signature);
}

size_t VerifyQueue::AddEd25519(const Ed25519BatchKey& key,
                               std::span<const uint8_t> message,
                               std::span<const uint8_t> signature) {
  return Add(Entry{nullptr, &key, HashAlg::kSha256, 0, 0, 0, 0}, message,
             signature);
}

void VerifyQueue::Run() {
  const size_t count = entries_.size();
  if (done_ == count) return;
  if (results_capacity_ < count) {
    const size_t capacity = std::max(count, 2 * results_capacity_);
    std::unique_ptr<bool[]> grown(new bool[capacity]);
    std::copy(results_.get(), results_.get() + done_, grown.get());
    results_ = std::move(grown);
    scratch_.reset(new bool[capacity]);
    results_capacity_ = capacity;
  }
  // The spans point into bytes_, which does not change during the call.
  rsa_items_.clear();
  ed25519_items_.clear();
  rsa_tickets_.clear();
  ed25519_tickets_.clear();
  for (size_t i = done_; i < count; ++i) {
    const Entry& e = entries_[i];
    const std::span<const uint8_t> message =
        Bytes(e.message_offset, e.message_len);
    const std::span<const uint8_t> signature =
        Bytes(e.signature_offset, e.signature_len);
    if (e.rsa != nullptr) {
      rsa_items_.push_back(RsaBatchItem{e.rsa, e.alg, message, signature});
      rsa_tickets_.push_back(i);
    } else {
      ed25519_items_.push_back(Ed25519BatchItem{e.ed25519, message, signature});
      ed25519_tickets_.push_back(i);
    }
  }
  if (!rsa_items_.empty()) {
    RsaBatchVerify(rsa_items_,
                   std::span<bool>(scratch_.get(), rsa_items_.size()));
    for (size_t j = 0; j < rsa_items_.size(); ++j) {
      results_[rsa_tickets_[j]] = scratch_[j];
    }
  }
  if (!ed25519_items_.empty()) {
    if (ed25519_ == nullptr)
      ed25519_ = std::make_unique<Ed25519BatchVerifier>();
    ed25519_->Verify(ed25519_items_,
                     std::span<bool>(scratch_.get(), ed25519_items_.size()));
    for (size_t j = 0; j < ed25519_items_.size(); ++j) {
      results_[ed25519_tickets_[j]] = scratch_[j];
    }
  }
  done_ = count;
}

void VerifyQueue::Truncate(size_t count) {
  if (count >= entries_.size() || count < done_) return;
  bytes_.resize(entries_[count].message_offset);
  entries_.resize(count);
}

void VerifyQueue::Clear() {
  entries_.clear();
  bytes_.clear();
  done_ = 0;
}

}  // namespace dkimbatch::engine
