// engine/verdict.h
//
// Verdict value types: RFC 8601 result words, the reason codes of DESIGN.md,
// and the per-message / per-signature verdict the verifier returns.
#ifndef DKIMBATCH_ENGINE_VERDICT_H_
#define DKIMBATCH_ENGINE_VERDICT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dkimbatch::engine {

// Result words of RFC 8601 §2.7.1, in DESIGN.md's ranking order (best first;
// `kNone` is only for unsigned messages).
enum class Result : uint8_t {
  kPass,
  kFail,
  kPolicy,
  kNeutral,
  kTemperror,
  kPermerror,
  kNone,
};

// Reason codes: the table of DESIGN.md, then the resource-limit reasons
// (README "Limits").
enum class Reason : uint8_t {
  kOk,
  kBodyHashMismatch,
  kSignatureMismatch,
  kSigSyntax,
  kSigVersion,
  kUnsupportedAlgorithm,
  kUnsupportedCanonicalization,
  kFromNotSigned,
  kIdentityMismatch,
  kExpired,
  kLengthExceedsBody,
  kKeyNotFound,
  kKeyUnavailable,
  kKeySyntax,
  kKeyRevoked,
  kKeyTypeMismatch,
  kKeyHashMismatch,
  kKeyServiceMismatch,
  kKeyStrictSubdomain,
  kKeyTooSmall,
  kWeakHash,
  kFutureTimestamp,
  // Resource limits (VerifyOptions): the signature was not checked.
  kKeyTooLarge,
  kMessageTooLarge,
  kTooManyHeaders,
  kTooManySignatures,
};
inline constexpr int kNumReasons =
    static_cast<int>(Reason::kTooManySignatures) + 1;

// ResultWord returns the RFC 8601 word ("pass", "permerror", ...).
std::string_view ResultWord(Result result);

// ReasonCode returns the JSON reason word ("body_hash_mismatch", ...).
std::string_view ReasonCode(Reason reason);

// ResultOf returns the result word a reason implies (DESIGN.md table).
Result ResultOf(Reason reason);

// ReasonDetail returns a short human sentence for `reason`, used as the
// verdict's `detail` when the verifier has nothing more specific to say.
std::string_view ReasonDetail(Reason reason);

// Verdict for one DKIM-Signature header field.
struct SignatureVerdict {
  std::optional<std::string> d;  // as written; absent if missing/unparsable
  std::optional<std::string> s;
  std::optional<std::string> a;  // algorithm as written
  std::optional<std::string> c;  // effective "header/body" canonicalization
  std::optional<std::string> i;  // effective AUID (default "@" + d)
  int key_bits = 0;              // 0 when no key was parsed
  Result result = Result::kPermerror;
  Reason reason = Reason::kSigSyntax;
  std::string detail;
};

// Verdict for one message.
struct Verdict {
  Result dkim = Result::kNone;
  std::vector<SignatureVerdict> signatures;  // header order, top first
  std::optional<std::string> message_id;     // Message-ID value, unfolded
  std::optional<std::string> from_domain;    // domain of the From address
  std::string error;  // non-empty when the message could not be processed
};

// MessageResult ranks signature results: pass > fail > policy > neutral >
// temperror > permerror; `kNone` when there are no signatures.
Result MessageResult(std::span<const SignatureVerdict> signatures);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_VERDICT_H_
