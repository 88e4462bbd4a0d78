// tests/fuzz/fuzz_key_record.cc
//
// DNS key records (RFC 6376 §3.6.1): any TXT text parses without crashing,
// and any p= bytes go through the public-key decoder for the record's type
// (RSA SubjectPublicKeyInfo / RSAPublicKey, Ed25519) without crashing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/crypto/public_key.h"
#include "engine/key_record.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dkimbatch::engine;
  std::string_view txt(reinterpret_cast<const char*>(data), size);
  (void)IsDiscardedRecord(txt);
  KeyRecord key;
  std::string detail;
  Reason reason = ParseKeyRecord(txt, &key, &detail);
  if (reason != Reason::kOk) {
    FUZZ_CHECK(reason == Reason::kKeySyntax || reason == Reason::kKeyRevoked);
    FUZZ_CHECK(!detail.empty());
    // The raw bytes as DER, too: the decoders see hostile DER directly.
    std::span<const uint8_t> der(data, size);
    for (KeyType type : {KeyType::kRsa, KeyType::kEd25519}) {
      PublicKey public_key;
      std::string error;
      if (ParsePublicKey(type, der, &public_key, &error)) {
        FUZZ_CHECK(public_key.bits > 0);
      }
    }
    return 0;
  }
  FUZZ_CHECK(!key.public_key.empty());
  PublicKey public_key;
  std::string error;
  if (ParsePublicKey(key.type, key.public_key, &public_key, &error)) {
    FUZZ_CHECK(public_key.pkey != nullptr && public_key.bits > 0);
  } else {
    FUZZ_CHECK(!error.empty());
  }
  return 0;
}
