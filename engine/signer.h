// engine/signer.h
//
// DKIM signing (RFC 6376 §5, RFC 8463): builds the DKIM-Signature header
// field for a message, the way a careful OpenDKIM set-up does (every present
// instance of the listed headers signed, From always signed, optional
// over-signing). The message may use CRLF or bare-LF line ends; the field is
// written with the message's own line end and signs the CRLF form.
#ifndef DKIMBATCH_ENGINE_SIGNER_H_
#define DKIMBATCH_ENGINE_SIGNER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canon/canon_mode.h"
#include "engine/crypto/private_key.h"
#include "engine/message.h"
#include "engine/signature.h"

namespace dkimbatch::engine {

// DefaultSignedHeaders returns the default header list (lowercase): From,
// Reply-To, To, Cc, Subject, Date, Message-ID, In-Reply-To, References,
// MIME-Version, Content-Type, Content-Transfer-Encoding, Content-Disposition,
// List-Id, List-Unsubscribe, List-Unsubscribe-Post.
std::vector<std::string> DefaultSignedHeaders();

struct SignOptions {
  std::string domain;    // d=
  std::string selector;  // s=
  Algorithm algorithm = Algorithm::kRsaSha256;
  Canon header_canon = Canon::kRelaxed;
  Canon body_canon = Canon::kRelaxed;
  std::vector<std::string> headers = DefaultSignedHeaders();
  std::vector<std::string> oversign;  // names signed once more than present
  bool body_length = false;           // add l= (the whole canonical body)
  int64_t timestamp = -1;             // t=; negative: omitted
  int64_t expiration = -1;            // x=; negative: omitted
  std::string auid;                   // i=; empty: omitted
};

class Signer {
 public:
  Signer() = default;

  // Sign returns in `*out_field` the DKIM-Signature header field (folded,
  // ending in the message's line end) to put on top of `message`. The key
  // type must suit `options.algorithm`. Returns false with `*error` on a
  // key/algorithm mismatch or an OpenSSL failure.
  bool Sign(std::string_view message, const PrivateKey& key,
            const SignOptions& options, std::string* out_field,
            std::string* error);

 private:
  Message message_;
  Digest digest_;
  std::string header_data_;
};

}  // namespace dkimbatch::engine

#endif  // DKIMBATCH_ENGINE_SIGNER_H_
