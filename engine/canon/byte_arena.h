// engine/canon/byte_arena.h
//
// ByteArena: a growable byte buffer that is also a ByteSink with a window,
// so canonicalization writes into it in place. Unlike std::string it never
// zeroes the room it hands out, which is what makes writing in place pay.
// Past 64 KiB it grows in huge pages (engine/huge_buffer.h): a verifier's
// arena holds megabytes of a batch's bodies.
#ifndef DKIMBATCH_ENGINE_CANON_BYTE_ARENA_H_
#define DKIMBATCH_ENGINE_CANON_BYTE_ARENA_H_

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

#include "engine/canon/sink.h"
#include "engine/huge_buffer.h"

namespace dkimbatch::engine {

class ByteArena final : public ByteSink {
 public:
  const char* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

  void clear() { size_ = 0; }
  // Truncate drops everything after the first `size` bytes.
  void Truncate(size_t size) {
    if (size < size_) size_ = size;
  }
  // Release gives the memory back.
  void Release() {
    small_.reset();
    huge_.Release();
    data_ = nullptr;
    size_ = capacity_ = 0;
  }

  void Write(std::string_view bytes) override {
    if (bytes.empty()) return;
    std::memcpy(Window(bytes.size()), bytes.data(), bytes.size());
    size_ += bytes.size();
  }
  char* Window(size_t min) override {
    // Never nullptr (which would read as "no window"), even for min 0.
    if (capacity_ - size_ < min || data_ == nullptr) Grow(min);
    return data_ + size_;
  }
  void Commit(size_t n) override { size_ += n; }

 private:
  // Up to this capacity the bytes live on the heap; past it, in huge_.
  static constexpr size_t kSmallCapacity = size_t{64} << 10;

  void Grow(size_t min) {
    size_t capacity = capacity_ < 4096 ? 4096 : capacity_;
    while (capacity - size_ < min) capacity *= 2;
    if (capacity > kSmallCapacity) {
      if (data_ == huge_.data()) {
        huge_.Reserve(capacity, size_);  // moves the bytes if it must
      } else {
        huge_.Reserve(capacity, 0);
        if (size_ > 0) std::memcpy(huge_.data(), data_, size_);
        small_.reset();
      }
      data_ = huge_.data();
      capacity_ = huge_.capacity();
      return;
    }
    std::unique_ptr<char[]> grown(new char[capacity]);  // not zeroed
    if (size_ > 0) std::memcpy(grown.get(), data_, size_);
    small_ = std::move(grown);
    data_ = small_.get();
    capacity_ = capacity;
  }

  char* data_ = nullptr;  // small_'s or huge_'s
  std::unique_ptr<char[]> small_;
  HugeBuffer huge_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CANON_BYTE_ARENA_H_
