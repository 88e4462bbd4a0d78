// io/key_cache_writer.h
//
// Writes key cache lines (`keys.jsonl`, DESIGN.md "Key cache"): the format
// io/key_cache_reader.h reads back.
#ifndef DKIMBATCH_IO_KEY_CACHE_WRITER_H_
#define DKIMBATCH_IO_KEY_CACHE_WRITER_H_

#include <string>
#include <string_view>

#include "engine/key_store.h"

namespace dkimbatch::io {

// RcodeWord returns "NOERROR", "NXDOMAIN", "SERVFAIL" or "TIMEOUT".
std::string_view RcodeWord(engine::DnsRcode rcode);

// AppendKeyCacheLine appends one line, ending in '\n', to `*out`:
// {"name","rcode","txt":[...],"dnssec","fetched_at":"RFC 3339"}. `name` is
// written as given. TXT bytes that are not UTF-8 are written as \u00XX
// (see io/jsonl_writer.h): DKIM key records are ASCII.
void AppendKeyCacheLine(std::string_view name,
                        const engine::KeySnapshot& snapshot, std::string* out);

}  // namespace dkimbatch::io

#endif  // DKIMBATCH_IO_KEY_CACHE_WRITER_H_
