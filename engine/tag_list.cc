// engine/tag_list.cc
//
// RFC 6376 §3.2 tag-list parser.
//   tag-list  = tag-spec *( ";" tag-spec ) [ ";" ]
//   tag-spec  = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
//   tag-name  = ALPHA *ALNUMPUNC
//   tag-value = [ tval *( 1*(WSP / FWS) tval ) ] ; tval = 1*VALCHAR
//   VALCHAR   = %x21-3A / %x3C-7E
#include "engine/tag_list.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "engine/internal/ascii.h"
#include "engine/simd/find.h"

namespace dkimbatch::engine {
namespace {

using internal::IsFwsChar;

constexpr bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool IsAlnumPunc(char c) {
  return IsAlpha(c) || (c >= '0' && c <= '9') || c == '_';
}

// ValueEnd returns the end of the tag-value starting at `i`: the position of
// the next ';' or text.size(). When a byte before it is not a value byte,
// it returns that byte's position with `*bad` set. Value bytes are VALCHAR
// and FWS, and bytes >= 0x80 too (UTF-8 in z= copies or notes does not make
// a record unusable). A vector scan: a folded base64 b= of a few hundred
// bytes takes a few blocks.
size_t ValueEnd(std::string_view text, size_t i, bool* bad) {
  const size_t stop = simd::FindTagValueStop(text, i);
  if (stop < text.size() && text[stop] != ';') *bad = true;
  return stop;
}

// ParseTags parses `text` into `out->tags` up to the first syntax error
// (recorded in `out`); duplicates are not checked here.
void ParseTags(std::string_view text, TagList* out) {
  out->tags.clear();
  out->error = TagListError::kOk;
  out->error_pos = 0;
  auto fail = [out](TagListError error, size_t pos) {
    out->error = error;
    out->error_pos = pos;
  };
  const size_t n = text.size();
  // A tag-spec ends at its ';' (never part of a name or FWS) or the end.
  auto at_end = [&](size_t p) { return p == n || text[p] == ';'; };
  size_t pos = 0;
  while (pos <= n) {
    size_t p = pos;
    while (p < n && IsFwsChar(text[p])) ++p;
    if (at_end(p)) {  // empty tag-spec
      pos = p + 1;
      continue;
    }
    const size_t name_begin = p;
    while (p < n && IsAlnumPunc(text[p])) ++p;
    const size_t name_end = p;
    while (p < n && IsFwsChar(text[p])) ++p;
    if (at_end(p) || text[p] != '=') {
      if (name_begin == name_end) return fail(TagListError::kBadName, p);
      // "k x=..." or a name followed by junk is a bad name, "k" alone has
      // no '='.
      return fail(
          at_end(p) ? TagListError::kMissingEquals : TagListError::kBadName,
          name_begin);
    }
    if (name_begin == name_end) return fail(TagListError::kEmptyName, p);
    if (!IsAlpha(text[name_begin])) {
      return fail(TagListError::kBadName, name_begin);
    }
    const size_t value_begin = p + 1;
    bool bad = false;
    const size_t end = ValueEnd(text, value_begin, &bad);
    if (bad) return fail(TagListError::kBadValue, end);
    size_t vb = value_begin;
    size_t ve = end;
    while (vb < ve && IsFwsChar(text[vb])) ++vb;
    while (ve > vb && IsFwsChar(text[ve - 1])) --ve;
    if (out->tags.size() == kMaxTags) {
      return fail(TagListError::kTooManyTags, name_begin);
    }
    // Filled in place: a Tag built on the stack and then copied is read
    // back 16 bytes at a time before its 8-byte stores have landed.
    Tag& tag = out->tags.emplace_back();
    tag.name = text.substr(name_begin, name_end - name_begin);
    tag.value = text.substr(vb, ve - vb);
    tag.value_begin = value_begin;
    tag.value_end = end;
    pos = end + 1;
  }
}

// SameName compares two (non-empty) tag names: the first bytes decide
// almost every pair without a call to memcmp.
bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && a[0] == b[0] && a == b;
}

// FirstDuplicate returns the index of the first tag (in text order) whose
// name an earlier tag already has, or tags.size(). Sorting keeps a hostile
// list of a million tags from costing a million squared comparisons.
size_t FirstDuplicate(const absl::InlinedVector<Tag, 16>& tags) {
  const size_t n = tags.size();
  if (n <= 16) {
    for (size_t j = 1; j < n; ++j) {
      for (size_t i = 0; i < j; ++i) {
        if (SameName(tags[i].name, tags[j].name)) return j;
      }
    }
    return n;
  }
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return tags[a].name != tags[b].name ? tags[a].name < tags[b].name : a < b;
  });
  size_t first = n;
  for (size_t k = 1; k < n; ++k) {
    if (tags[order[k]].name == tags[order[k - 1]].name) {
      first = std::min(first, order[k]);
    }
  }
  return first;
}

}  // namespace

const Tag* TagList::Find(std::string_view name) const {
  if (name.empty()) return nullptr;  // no tag has an empty name
  for (const Tag& tag : tags) {
    if (SameName(tag.name, name)) return &tag;
  }
  return nullptr;
}

void ParseTagList(std::string_view text, TagList* out) {
  ParseTags(text, out);
  // Every parsed tag precedes a syntax error, if any: a duplicate among them
  // is the first problem in the text.
  const size_t dup = FirstDuplicate(out->tags);
  if (dup < out->tags.size()) {
    out->error = TagListError::kDuplicate;
    out->error_pos =
        static_cast<size_t>(out->tags[dup].name.data() - text.data());
    out->tags.resize(dup);
  }
}

std::string_view TagListErrorText(TagListError error) {
  switch (error) {
    case TagListError::kOk:
      return "ok";
    case TagListError::kEmptyName:
      return "empty tag name";
    case TagListError::kBadName:
      return "invalid tag name";
    case TagListError::kMissingEquals:
      return "tag without '='";
    case TagListError::kBadValue:
      return "invalid character in tag value";
    case TagListError::kDuplicate:
      return "duplicate tag";
    case TagListError::kTooManyTags:
      return "more than 1000 tags";
  }
  return "?";
}

std::string DescribeTagListError(const TagList& list, std::string_view text,
                                 std::string_view what_text) {
  // Quote the tag-spec holding the error: from the previous ';' to the next.
  size_t pos = std::min(list.error_pos, text.size());
  size_t begin = text.rfind(';', pos == 0 ? 0 : pos - 1);
  begin = (begin == std::string_view::npos || pos == 0) ? 0 : begin + 1;
  size_t end = text.find(';', pos);
  if (end == std::string_view::npos) end = text.size();
  std::string excerpt;
  for (char c : internal::TrimFws(text.substr(begin, end - begin))) {
    if (excerpt.size() >= 40) {
      excerpt += "...";
      break;
    }
    unsigned char u = static_cast<unsigned char>(c);
    excerpt += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  std::string out(TagListErrorText(list.error));
  out.append(" at offset ").append(std::to_string(list.error_pos));
  out.append(" of the ").append(what_text);
  out.append(": '").append(excerpt).append("'");
  return out;
}

}  // namespace dkimbatch::engine
