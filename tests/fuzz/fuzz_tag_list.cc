// tests/fuzz/fuzz_tag_list.cc
//
// RFC 6376 §3.2 tag-list parser: any bytes parse without crashing, and every
// tag points inside the text, with a valid name and no duplicate; a value
// runs from its '=' to the next ';' (or the end) over value bytes only, and
// an invalid-value error points at a byte that is not one.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

#include "engine/tag_list.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// VALCHAR, FWS bytes and bytes >= 0x80 (engine/tag_list.cc's definition).
bool IsValueByte(char ch) {
  const unsigned char c = static_cast<unsigned char>(ch);
  return (c >= 0x21 && c != ';' && c != 0x7f) || c == ' ' || c == '\t' ||
         c == '\r' || c == '\n';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dkimbatch::engine;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  TagList list;
  ParseTagList(text, &list);
  std::set<std::string_view> names;
  for (const Tag& tag : list.tags) {
    FUZZ_CHECK(!tag.name.empty());
    FUZZ_CHECK(tag.name.data() >= text.data() &&
               tag.name.data() + tag.name.size() <= text.data() + size);
    FUZZ_CHECK(tag.value_begin <= tag.value_end && tag.value_end <= size);
    FUZZ_CHECK(tag.value.data() >= text.data() + tag.value_begin);
    FUZZ_CHECK(tag.value.data() + tag.value.size() <=
               text.data() + tag.value_end);
    FUZZ_CHECK(tag.value_begin > 0 && text[tag.value_begin - 1] == '=');
    FUZZ_CHECK(tag.value_end == size || text[tag.value_end] == ';');
    for (size_t i = tag.value_begin; i < tag.value_end; ++i) {
      FUZZ_CHECK(IsValueByte(text[i]));
    }
    FUZZ_CHECK(names.insert(tag.name).second);
    FUZZ_CHECK(list.Find(tag.name) == &tag);
  }
  if (!list.ok()) {
    FUZZ_CHECK(list.error_pos <= size);
    FUZZ_CHECK(!DescribeTagListError(list, text, "tag list").empty());
  }
  if (list.error == TagListError::kBadValue) {
    FUZZ_CHECK(list.error_pos < size && !IsValueByte(text[list.error_pos]) &&
               text[list.error_pos] != ';');
  }
  return 0;
}
