// engine/tag_list.h
//
// RFC 6376 §3.2 tag=value lists, as used by DKIM-Signature header fields and
// DNS key records. A TagList is a set of views into the parsed text (no
// copies); folding white space (with a bare LF accepted as a line break) is
// allowed around names, '=' and values, and inside values.
#ifndef DKIMBATCH_ENGINE_TAG_LIST_H_
#define DKIMBATCH_ENGINE_TAG_LIST_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/container/inlined_vector.h"

namespace dkimbatch::engine {

struct Tag {
  std::string_view name;   // as written (tag names are case-sensitive)
  std::string_view value;  // with surrounding FWS removed; may be empty
  // Offsets into the parsed text: [value_begin, value_end) is the value
  // including any FWS around it (between '=' and the next ';' or the end).
  // Emptying b= removes exactly this range (RFC 6376 §3.5, §3.7).
  size_t value_begin = 0;
  size_t value_end = 0;
};

enum class TagListError {
  kOk,
  kEmptyName,      // "=value" with no tag name (e.g. the ";=rsa" typo)
  kBadName,        // name not ALPHA *(ALPHA / DIGIT / "_")
  kMissingEquals,  // a tag-spec without '='
  kBadValue,       // a value character outside the grammar (e.g. a control)
  kDuplicate,      // the same tag name twice
  kTooManyTags,    // more than kMaxTags tag-specs
};

// A tag list may hold at most this many tags. DKIM defines about fifteen;
// the cap keeps a hostile 50 MB header of "a=;b=;..." from costing a tag
// (48 bytes) per 4 bytes of input.
inline constexpr size_t kMaxTags = 1000;

struct TagList {
  absl::InlinedVector<Tag, 16> tags;
  TagListError error = TagListError::kOk;
  size_t error_pos = 0;  // offset in the text where the problem starts

  bool ok() const { return error == TagListError::kOk; }

  // Find returns the tag named `name` or nullptr.
  const Tag* Find(std::string_view name) const;
};

// ParseTagList parses `text` into `*out`. An empty tag-spec (nothing but
// white space between two ';', or after the last one) is skipped. On error,
// `out->error` and `out->error_pos` say what and where, and `out->tags`
// holds the tags parsed before the error.
void ParseTagList(std::string_view text, TagList* out);

// TagListErrorText returns a short description of `error`.
std::string_view TagListErrorText(TagListError error);

// DescribeTagListError returns "<what> at offset N of the <what_text>:
// '<excerpt>'" for a failed parse of `text`, quoting the offending tag-spec
// (printable ASCII only) so a mail operator can find the typo.
std::string DescribeTagListError(const TagList& list, std::string_view text,
                                 std::string_view what_text);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_TAG_LIST_H_
