// engine/verdict.cc
//
// Result words, reason codes and their default detail sentences.
#include "engine/verdict.h"

namespace dkimbatch::engine {
namespace {

struct ReasonInfo {
  std::string_view code;
  Result result;
  std::string_view detail;
};

constexpr ReasonInfo kReasons[kNumReasons] = {
    {"ok", Result::kPass, "signature verified"},
    {"body_hash_mismatch", Result::kFail, "body hash did not verify"},
    {"signature_mismatch", Result::kFail,
     "header hash or signature did not verify"},
    {"sig_syntax", Result::kPermerror, "malformed DKIM-Signature"},
    {"sig_version", Result::kPermerror, "unsupported signature version"},
    {"unsupported_algorithm", Result::kPermerror,
     "unsupported signing algorithm"},
    {"unsupported_canonicalization", Result::kPermerror,
     "unsupported canonicalization"},
    {"from_not_signed", Result::kPermerror, "From header field not signed"},
    {"identity_mismatch", Result::kPermerror,
     "i= domain is not d= or a subdomain of it"},
    {"expired", Result::kPermerror, "signature expired"},
    {"length_exceeds_body", Result::kPermerror,
     "l= is longer than the canonical body"},
    {"key_not_found", Result::kPermerror, "no key record found"},
    {"key_unavailable", Result::kTemperror, "key record unavailable"},
    {"key_syntax", Result::kPermerror, "malformed key record"},
    {"key_revoked", Result::kPermerror, "key revoked (empty p=)"},
    {"key_type_mismatch", Result::kPermerror,
     "key type does not match the signature algorithm"},
    {"key_hash_mismatch", Result::kPermerror,
     "key h= does not allow the signature's hash"},
    {"key_service_mismatch", Result::kPermerror, "key s= does not allow email"},
    {"key_strict_subdomain", Result::kPermerror,
     "key t=s forbids an i= subdomain"},
    {"key_too_small", Result::kPolicy, "RSA key too small"},
    {"weak_hash", Result::kPolicy, "rsa-sha1 is not acceptable (RFC 8301)"},
    {"future_timestamp", Result::kPolicy, "signature timestamp in the future"},
    {"key_too_large", Result::kPermerror,
     "key larger than the --max-key-bits limit"},
    {"message_too_large", Result::kPermerror,
     "message larger than the --max-message-bytes limit; not verified"},
    {"too_many_headers", Result::kPermerror,
     "more header fields than the --max-headers limit; not verified"},
    {"too_many_signatures", Result::kPermerror,
     "more DKIM-Signature fields than the --max-signatures limit"},
};

constexpr std::string_view kResultWords[] = {
    "pass", "fail", "policy", "neutral", "temperror", "permerror", "none"};

}  // namespace

std::string_view ResultWord(Result result) {
  return kResultWords[static_cast<int>(result)];
}

std::string_view ReasonCode(Reason reason) {
  return kReasons[static_cast<int>(reason)].code;
}

Result ResultOf(Reason reason) {
  return kReasons[static_cast<int>(reason)].result;
}

std::string_view ReasonDetail(Reason reason) {
  return kReasons[static_cast<int>(reason)].detail;
}

Result MessageResult(std::span<const SignatureVerdict> signatures) {
  Result best = Result::kNone;
  for (const SignatureVerdict& sig : signatures) {
    if (static_cast<int>(sig.result) < static_cast<int>(best)) {
      best = sig.result;
    }
  }
  return best;
}

}  // namespace dkimbatch::engine
