// engine/huge_buffer.cc
//
// HugeBuffer: anonymous mappings aligned to 2 MiB (mapped 2 MiB larger,
// then trimmed), so that every 2 MiB of them can be one huge page.
#include "engine/huge_buffer.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

namespace dkimbatch::engine {

HugeBuffer::HugeBuffer(HugeBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      capacity_(std::exchange(other.capacity_, 0)) {}

HugeBuffer& HugeBuffer::operator=(HugeBuffer&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

void HugeBuffer::Reserve(size_t n, size_t keep) {
  if (n <= capacity_) return;
  if (n > SIZE_MAX / 2) throw std::bad_alloc();
  const size_t capacity = (n + kHugePage - 1) / kHugePage * kHugePage;
  const size_t mapped = capacity + kHugePage;
  void* map = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) throw std::bad_alloc();
  char* const start = static_cast<char*>(map);
  const uintptr_t at = reinterpret_cast<uintptr_t>(start);
  char* const aligned = start + ((kHugePage - at % kHugePage) % kHugePage);
  // The unaligned head and the tail past the capacity go back at once.
  if (aligned > start) ::munmap(start, static_cast<size_t>(aligned - start));
  char* const end = aligned + capacity;
  if (end < start + mapped) {
    ::munmap(end, static_cast<size_t>(start + mapped - end));
  }
  // Advice only: without huge pages the buffer works the same, slower.
  ::madvise(aligned, capacity, MADV_HUGEPAGE);
  if (keep > 0)
    std::memcpy(aligned, data_, keep < capacity_ ? keep : capacity_);
  Release();
  data_ = aligned;
  capacity_ = capacity;
}

void HugeBuffer::Release() {
  if (data_ != nullptr) ::munmap(data_, capacity_);
  data_ = nullptr;
  capacity_ = 0;
}

}  // namespace dkimbatch::engine
