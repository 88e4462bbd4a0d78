// cli/corpus_model.h
//
// The model behind `dkimbatch gen`: pure functions from (seed, mix, message
// index) to the key plan, deterministic test keys, and each message's final
// bytes (composed, signed, possibly broken in transit, delivered) together
// with the verdict `dkimbatch verify` must give for it. No I/O, no threads,
// no clocks: the same inputs give the same bytes on every run, in any order,
// at any thread count (cli/gen_command.cc does the writing and the threads).
//
// Keys are derived from the seed, not drawn from the system RNG: RSA primes
// are found by incremental search from SHA-256-counter-mode output, Ed25519
// private keys are 32 such bytes. They are TEST-ONLY keys: anyone who knows
// the seed can rebuild them.
#ifndef DKIMBATCH_CLI_CORPUS_MODEL_H_
#define DKIMBATCH_CLI_CORPUS_MODEL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canon/canon_mode.h"
#include "engine/crypto/private_key.h"
#include "engine/signature.h"
#include "engine/signer.h"
#include "engine/verdict.h"

namespace dkimbatch::cli {

// Times every generated corpus uses: the key cache snapshot time and the
// `--now` to verify at. Messages are dated in 2025, before both.
inline constexpr int64_t kGenFetchedAt = 1767225600;  // 2026-01-01T00:00:00Z
inline constexpr int64_t kGenNow = 1767312000;        // 2026-01-02T00:00:00Z

struct RsaSizeWeight {
  int bits = 2048;
  double weight = 1;
};

// CorpusParams is the mix. Fractions are of messages; each is drawn per
// message, so counts are binomial around them.
struct CorpusParams {
  uint64_t seed = 1;
  uint64_t messages = 0;
  double html_fraction = 0.25;        // multipart/alternative HTML, ~10 KB
  double attachment_fraction = 0.05;  // multipart/mixed + base64, ~100 KB
  double broken_fraction = 0.05;      // altered after signing, or bad key
  double ed25519_fraction = 0.05;     // ed25519-sha256 (half dual-signed)
  double relaxed_fraction = 0.85;     // c=relaxed/relaxed; others mixed
  double unsigned_fraction = 0.0;     // no DKIM-Signature at all
  std::vector<RsaSizeWeight> rsa_sizes = {{1024, 10}, {2048, 87}, {4096, 3}};
};

// ParseKeySizes parses "1024,2048,4096" or "1024:10,2048:87,4096:3" (bits
// 512..8192, multiples of 8; weights > 0, equal when omitted) into `*out`.
// Returns false with `*error` on anything else.
bool ParseKeySizes(std::string_view text, std::vector<RsaSizeWeight>* out,
                   std::string* error);

// FormatKeySizes returns the "bits:weight,..." form of `sizes`.
std::string FormatKeySizes(const std::vector<RsaSizeWeight>& sizes);

// What the key cache says about a selector.
enum class KeyState : uint8_t {
  kPublished,  // NOERROR, the public key
  kRevoked,    // NOERROR, empty p= (permerror/key_revoked)
  kNxDomain,   // NXDOMAIN (permerror/key_not_found)
  kAbsent,     // not in keys.jsonl at all (temperror/key_unavailable)
};

struct KeySpec {
  std::string domain;
  std::string selector;
  engine::KeyType type = engine::KeyType::kRsa;
  int bits = 2048;  // 256 for Ed25519
  KeyState state = KeyState::kPublished;

  // DnsName returns "selector._domainkey.domain".
  std::string DnsName() const;
  // FileName returns "selector.domain.pem".
  std::string FileName() const;
  // ClassName returns "rsa2048", "ed25519", ...
  std::string ClassName() const;
};

// KeyStateName returns "published", "revoked", "nxdomain" or "absent".
std::string_view KeyStateName(KeyState state);

// PlanKeys returns every selector the corpus signs with, in a fixed order:
// published RSA keys of each size of `params.rsa_sizes`, published Ed25519
// keys, then the revoked, NXDOMAIN and absent selectors (RSA keys of the
// most weighted size).
std::vector<KeySpec> PlanKeys(const CorpusParams& params);

// GenerateKeyPem derives `key`'s private key from `seed` and the key's DNS
// name, type and size, and returns it as PKCS#8 PEM in `*out_pem`. The same
// arguments give the same key. Returns false with `*error` on an OpenSSL
// failure.
bool GenerateKeyPem(uint64_t seed, const KeySpec& key, std::string* out_pem,
                    std::string* error);

// KeyRecordText returns the TXT record published for `key` (`p_value` is its
// base64 public key; ignored for a revoked key, which gets an empty p=).
std::string KeyRecordText(const KeySpec& key, std::string_view p_value);

enum class MessageKind : uint8_t { kText, kHtml, kAttachment };
inline constexpr int kNumMessageKinds = 3;

// What happened to a message after it was signed (or what is wrong with its
// key). Exactly one thing is wrong with a broken message.
enum class Breakage : uint8_t {
  kNone,
  kBodyEdit,     // footer appended / link rewritten: fail/body_hash_mismatch
  kHeaderEdit,   // Subject tagged by a gateway: fail/signature_mismatch
  kLineEnds,     // body LF rewritten as CR CR LF: fail/body_hash_mismatch
  kRevokedKey,   // selector revoked (p=): permerror/key_revoked
  kNxDomainKey,  // selector deleted (NXDOMAIN): permerror/key_not_found
  kAbsentKey,    // name not in the key cache: temperror/key_unavailable
  kUnsigned,     // no signature at all: none
};
inline constexpr int kNumBreakages = 8;

// MessageKindName returns "text", "html" or "attachment".
std::string_view MessageKindName(MessageKind kind);
// CaseName returns the truth line's `case` word: "pass", "body_edit",
// "header_edit", "line_ends", "revoked_key", "nxdomain_key", "absent_key",
// "unsigned".
std::string_view CaseName(Breakage breakage);

struct SignatureSpec {
  size_t key = 0;  // index into the key plan
  engine::Algorithm algorithm = engine::Algorithm::kRsaSha256;
  engine::Canon header_canon = engine::Canon::kRelaxed;
  engine::Canon body_canon = engine::Canon::kRelaxed;
  bool oversign = false;  // From, To, Subject signed once more
  bool auid = false;      // i=@domain written out
  engine::Result result = engine::Result::kPass;  // expected
  engine::Reason reason = engine::Reason::kOk;    // expected
};

struct MessageSpec {
  uint64_t index = 0;
  MessageKind kind = MessageKind::kText;
  Breakage breakage = Breakage::kNone;
  // In signing order: [0] is signed first and ends up lowest; verdicts list
  // signatures top first, i.e. in reverse.
  std::vector<SignatureSpec> signatures;
  int64_t delivered = 0;  // arrival at the receiving MX (Unix seconds)
  int64_t sent = 0;       // Date: and t=
  bool in_new = false;    // Maildir new/ (unread) instead of cur/
};

// CorpusModel holds the mix and the key plan with its parsed private keys;
// it is immutable once built and shared by every thread.
class CorpusModel {
 public:
  // `keys` from PlanKeys(params); `private_keys[i]` the parsed key of
  // `keys[i]`.
  CorpusModel(const CorpusParams& params, std::vector<KeySpec> keys,
              std::vector<engine::PrivateKey> private_keys);

  const CorpusParams& params() const { return params_; }
  const std::vector<KeySpec>& keys() const { return keys_; }
  const engine::PrivateKey& private_key(size_t i) const {
    return private_keys_[i];
  }

  // PlanMessage returns the spec of message `index` (what kind, which keys,
  // what breaks, when), a pure function of the seed, the mix and the index.
  MessageSpec PlanMessage(uint64_t index) const;

 private:
  CorpusParams params_;
  std::vector<KeySpec> keys_;
  std::vector<engine::PrivateKey> private_keys_;
  // Published RSA keys per entry of params_.rsa_sizes, and the other pools.
  std::vector<std::vector<size_t>> rsa_pools_;
  std::vector<size_t> ed25519_pool_, revoked_pool_, nxdomain_pool_,
      absent_pool_;
  double rsa_weight_total_ = 0;
};

struct GeneratedMessage {
  MessageSpec spec;
  std::string text;         // final bytes, LF line ends, unquoted
  std::string mbox_from;    // separator line without its line end
  std::string maildir_sub;  // "cur" or "new"
  // Names sort in index order across cur/ and new/:
  // "1767225600.M0000000042.gen:2,S", "1767225600.M0000000043.gen".
  std::string maildir_name;
  std::string truth_line;                       // one JSON line, ending in '\n'
  engine::Result dkim = engine::Result::kNone;  // expected message result
};

// MessageBuilder turns a message index into its bytes. Not thread-safe: use
// one per thread (it owns an engine::Signer and scratch buffers).
class MessageBuilder {
 public:
  explicit MessageBuilder(const CorpusModel& model) : model_(model) {}

  // Build composes, signs, breaks (per the spec) and delivers message
  // `index` into `*out`. Returns false with `*error` when signing fails.
  bool Build(uint64_t index, GeneratedMessage* out, std::string* error);

 private:
  const CorpusModel& model_;
  engine::Signer signer_;
  std::string field_;
};

}  // namespace dkimbatch::cli

#endif  // DKIMBATCH_CLI_CORPUS_MODEL_H_
