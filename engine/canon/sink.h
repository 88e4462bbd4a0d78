// engine/canon/sink.h
//
// Where canonicalized bytes go: a digest (engine/crypto/digest.h) in
// verification, a string in tests. Writers hand over chunks of a few KB, so a
// virtual call per chunk costs nothing measurable.
#ifndef DKIMBATCH_ENGINE_CANON_SINK_H_
#define DKIMBATCH_ENGINE_CANON_SINK_H_

#include <string>
#include <string_view>

namespace dkimbatch::engine {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void Write(std::string_view bytes) = 0;
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
