// engine/canon/sink.h
//
// Where canonicalized bytes go: a digest (engine/crypto/digest.h) or the
// verifier's hash arena (canon/byte_arena.h) in verification, a string in
// tests. Writers hand over chunks of a few KB, so a virtual call per chunk
// costs nothing measurable.
#ifndef DKIMBATCH_ENGINE_CANON_SINK_H_
#define DKIMBATCH_ENGINE_CANON_SINK_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace dkimbatch::engine {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void Write(std::string_view bytes) = 0;

  // The in-place path, for sinks that store bytes (canon/byte_arena.h):
  // Window returns room for at least `min` bytes at the sink's end, which
  // the writer fills and then hands over with Commit(n), n <= min, as if
  // by Write of those n bytes. Another Write or Window call invalidates the
  // room. Sinks without one return nullptr: use Write.
  virtual char* Window(size_t /*min*/) { return nullptr; }
  virtual void Commit(size_t /*n*/) {}
};

// StringSink appends everything to a string (tests, header canonicalization).
class StringSink final : public ByteSink {
 public:
  explicit StringSink(std::string* out) : out_(out) {}
  void Write(std::string_view bytes) override { out_->append(bytes); }

 private:
  std::string* out_;
};

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_CANON_SINK_H_
