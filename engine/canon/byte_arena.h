// engine/canon/byte_arena.h
//
// ByteArena: a growable byte buffer that is also a ByteSink with a window,
// so canonicalization writes into it in place. Unlike std::string it never
// zeroes the room it hands out, which is what makes writing in place pay.
#ifndef DKIMBATCH_ENGINE_CANON_BYTE_ARENA_H_
#define DKIMBATCH_ENGINE_CANON_BYTE_ARENA_H_

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

#include "engine/canon/sink.h"

namespace dkimbatch::engine {

class ByteArena final : public ByteSink {
 public:
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

  void clear() { size_ = 0; }
  // Truncate drops everything after the first `size` bytes.
  void Truncate(size_t size) {
    if (size < size_) size_ = size;
  }
  // Release gives the memory back.
  void Release() {
    data_.reset();
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
    return data_.get() + size_;
  }
  void Commit(size_t n) override { size_ += n; }

 private:
  void Grow(size_t min) {
    size_t capacity = capacity_ < 4096 ? 4096 : capacity_;
    while (capacity - size_ < min) capacity *= 2;
    std::unique_ptr<char[]> grown(new char[capacity]);  // not zeroed
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CANON_BYTE_ARENA_H_
