// engine/signature.h
//
// DKIM-Signature header field parsing and validation (RFC 6376 §3.5, §6.1.1).
// Time checks (x=, t=) need `now` and live in verifier.cc.
#ifndef DKIMBATCH_ENGINE_SIGNATURE_H_
#define DKIMBATCH_ENGINE_SIGNATURE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "engine/canon/canon_mode.h"
#include "engine/crypto/digest.h"
#include "engine/tag_list.h"
#include "engine/verdict.h"

namespace dkimbatch::engine {

// h= may list at most this many header names (a signature over 10,000
// fields is fine; 25 million names from a 50 MB h= would cost 400 MB).
inline constexpr size_t kMaxSignedHeaders = 65536;

enum class Algorithm : uint8_t { kRsaSha256, kRsaSha1, kEd25519Sha256 };

// HashOf returns the digest algorithm of a signing algorithm.
inline HashAlg HashOf(Algorithm alg) {
  return alg == Algorithm::kRsaSha1 ? HashAlg::kSha1 : HashAlg::kSha256;
}

struct Signature {
  TagList tags;                       // views into the header value
  std::optional<std::string_view> d;  // set when the tag list parsed
  std::optional<std::string_view> s;
  std::optional<std::string_view> a;
  std::string_view sdid;      // d= (valid once ParseSignature is ok)
  std::string_view selector;  // s=
  std::string auid;           // i=, or "@" + d= when absent; set
                              // for reporting once d= is known
  std::string auid_domain;    // lowercased domain part of auid
  Algorithm algorithm = Algorithm::kRsaSha256;
  Canon header_canon = Canon::kSimple;
  Canon body_canon = Canon::kSimple;
  bool canon_known = false;  // c= parsed (for reporting)
  absl::InlinedVector<std::string_view, 16> signed_headers;  // h=, in order
  std::vector<uint8_t> b;              // decoded signature
  std::vector<uint8_t> bh;             // decoded body hash
  std::optional<uint64_t> length;      // l=
  std::optional<uint64_t> timestamp;   // t=
  std::optional<uint64_t> expiration;  // x=
  const Tag* b_tag = nullptr;          // for emptying b= in the header hash
};

// ParseSignature parses the DKIM-Signature field value `value` into `*out`
// and validates it. Returns Reason::kOk, or the permerror reason with a
// human `*detail` (sig_syntax, sig_version, unsupported_algorithm,
// unsupported_canonicalization, from_not_signed, identity_mismatch).
// `out->d`/`out->s`/`out->a` are set whenever the tag list itself parsed.
Reason ParseSignature(std::string_view value, Signature* out,
                      std::string* detail);

// CanonName returns "relaxed" or "simple".
std::string_view CanonName(Canon canon);

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_SIGNATURE_H_
