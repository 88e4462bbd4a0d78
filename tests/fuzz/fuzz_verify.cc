// tests/fuzz/fuzz_verify.cc
//
// The whole verification of one message (engine::Verifier) and its verdict
// line (io/jsonl_writer.h), against the key caches of the bundled sample
// and of the conformance corpus, so seeds from either carry signatures
// that really verify and mutations reach every step. Invariants: one line,
// valid JSON ending in '\n', a known result word, at most --max-signatures
// + 1 signature entries, reported strings bounded, and the pipeline's way
// (VerifyDeferred + Flush: hashes and public-key checks batched) giving the
// very same line as Verify.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/key_store.h"
#include "engine/verifier.h"
#include "io/jsonl_writer.h"
#include "io/key_cache_reader.h"
#include "simdjson.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

const dkimbatch::engine::KeyStore& Keys() {
  static const dkimbatch::engine::KeyStore* keys = [] {
    auto* store = new dkimbatch::engine::KeyStore();
    for (const char* path : {DKB_FUZZ_SAMPLE_KEYS, DKB_FUZZ_CONFORMANCE_KEYS}) {
      // A missing file (no ../shared beside the checkout) only loses depth.
      (void)dkimbatch::io::LoadKeyCache(path, store, nullptr);
    }
    return store;
  }();
  return *keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dkimbatch;
  std::string_view message(reinterpret_cast<const char*>(data), size);
  engine::VerifyOptions options;
  options.now = 1767312000;  // 2026-01-02, the samples' --now
  options.max_signatures = 8;
  options.max_headers = 200;
  static engine::Verifier verifier(Keys(), options);
  engine::Verdict verdict = verifier.Verify(message);
  FUZZ_CHECK(verdict.signatures.size() <= options.max_signatures + 1);
  FUZZ_CHECK(verdict.dkim == engine::MessageResult(verdict.signatures));
  for (const engine::SignatureVerdict& sig : verdict.signatures) {
    FUZZ_CHECK(sig.result == engine::ResultOf(sig.reason));
    FUZZ_CHECK(!sig.detail.empty());
    for (const auto* field : {&sig.d, &sig.s, &sig.a, &sig.i}) {
      FUZZ_CHECK(!field->has_value() || (*field)->size() <= 1003);
    }
  }

  io::MessageLocation where;
  where.source = "fuzz.eml";
  std::string line;
  io::AppendVerdictLine(where, verdict, &line);
  FUZZ_CHECK(!line.empty() && line.back() == '\n');
  FUZZ_CHECK(line.find('\n') == line.size() - 1);
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  FUZZ_CHECK(parser.parse(line.data(), line.size() - 1).get(doc) ==
             simdjson::SUCCESS);
  std::string_view dkim;
  FUZZ_CHECK(doc["dkim"].get_string().get(dkim) == simdjson::SUCCESS);
  FUZZ_CHECK(dkim == engine::ResultWord(verdict.dkim));

  static engine::Verifier deferred(Keys(), options);
  engine::Verdict later;
  deferred.VerifyDeferred(message, &later);
  deferred.Flush();
  std::string later_line;
  io::AppendVerdictLine(where, later, &later_line);
  FUZZ_CHECK(later_line == line);
  return 0;
}
