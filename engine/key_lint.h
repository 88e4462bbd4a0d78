// engine/key_lint.h
//
// Key record lint for `dkimbatch keys check`: what a mail operator needs to
// know about the TXT records at `<s>._domainkey.<d>` (RFC 6376 §3.6.1,
// RFC 8301, RFC 8463). Findings point at byte positions in the record (its
// character-strings joined), so a typo such as `;=rsa` can be shown with a
// caret. Pure: the records come in as strings, nothing is fetched.
#ifndef DKIMBATCH_ENGINE_KEY_LINT_H_
#define DKIMBATCH_ENGINE_KEY_LINT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/crypto/private_key.h"

namespace dkimbatch::engine {

enum class LintSeverity : uint8_t { kError, kWarning, kNote };

// LintSeverityWord returns "error", "warning" or "note".
std::string_view LintSeverityWord(LintSeverity severity);

struct LintFinding {
  LintSeverity severity = LintSeverity::kNote;
  std::string code;                // stable word, e.g. "empty_tag_name"
  int record = -1;                 // TXT record index; -1: the name as a whole
  std::optional<size_t> position;  // byte offset in the joined record
  std::string message;
};

// The key a verifier would use: the first record that is a DKIM key record
// (RFC 6376 §3.6.2.2 leaves a choice among several undefined).
struct KeySummary {
  int record = -1;                  // -1: no DKIM key record at all
  std::string type;                 // "rsa", "ed25519" or k= as written
  int bits = 0;                     // RSA modulus bits; 256 for Ed25519
  bool usable = false;              // a verifier could verify with it
  bool revoked = false;             // empty p=
  bool testing = false;             // t=y
  bool strict = false;              // t=s
  std::string hashes;               // h= as written, empty when absent
  std::string services;             // s= as written, empty when absent
  std::vector<uint8_t> public_key;  // decoded p=
};

struct KeyLint {
  // Per record in record order (each in the order checked), then the
  // findings about the name as a whole (record -1).
  std::vector<LintFinding> findings;
  KeySummary key;

  // ok returns true when no finding is an error.
  bool ok() const;
};

// LintKeyRecords checks the TXT records of one name, each given as its
// character-strings. With no record at all, the result has one error
// (`no_txt`). Never fails.
KeyLint LintKeyRecords(std::span<const std::vector<std::string>> records);

enum class KeyMatch : uint8_t { kMatch, kMismatch, kNoKey };

// MatchPrivateKey tells whether `private_key`'s public half is the key of
// `summary` (compared as keys, so SubjectPublicKeyInfo and bare RSAPublicKey
// forms of the same key match). kNoKey when the summary has no usable key.
KeyMatch MatchPrivateKey(const KeySummary& summary,
                         const PrivateKey& private_key);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_KEY_LINT_H_
