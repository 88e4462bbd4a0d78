// tests/engine/signer_test.cc
//
// engine::Signer round trips through engine::Verifier over every algorithm,
// canonicalization, line-end convention and option, plus tamper checks and
// the shape of the produced field (folding, h= list, over-signing).
#include "engine/signer.h"

#include <openssl/pem.h>

#include <string>
#include <vector>

#include "engine/key_store.h"
#include "engine/verifier.h"
#include "gtest/gtest.h"
#include "tests/engine/test_keys.h"

namespace dkimbatch::engine {
namespace {

constexpr int64_t kNow = 1767312000;

const char kMessage[] =
    "Received: from mx.example.net by mx.example.org; Thu, 1 Jan 2026\r\n"
    "From: Alice <alice@example.com>\r\n"
    "To: Bob <bob@example.net>,\r\n"
    "  Carol <carol@example.net>\r\n"
    "Subject:  Quarterly   report \r\n"
    "Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"
    "Message-ID: <q1@example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "X-Unsigned: yes\r\n"
    "\r\n"
    "Hello Bob,  \r\n"
    "\r\n"
    "From the numbers:\tall  good.\r\n"
    "\r\n\r\n";

std::string ToLf(std::string s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out.push_back(s[i]);
  }
  return out;
}

// FindTag returns the position of `tag` ("h=") at a tag boundary (after a
// space or a folding tab), or npos.
size_t FindTag(const std::string& field, const std::string& tag) {
  for (size_t pos = field.find(tag); pos != std::string::npos;
       pos = field.find(tag, pos + 1)) {
    if (pos > 0 && (field[pos - 1] == ' ' || field[pos - 1] == '\t')) {
      return pos;
    }
  }
  return std::string::npos;
}

PrivateKey ToPrivateKey(EVP_PKEY* pkey) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  PrivateKey key;
  std::string error;
  EXPECT_TRUE(ParsePrivateKeyPem(pem, &key, &error)) << error;
  return key;
}

struct Combo {
  Algorithm algorithm;
  Canon header;
  Canon body;
  bool lf;
};

class SignerTest : public testing::Test {
 protected:
  void SetUp() override {
    rsa_ = ToPrivateKey(testutil::CachedRsa(2048));
    ed_ = ToPrivateKey(testutil::CachedEd25519());
    AddKey("rsa", "v=DKIM1; k=rsa; p=" + PublicKeyRecordValue(rsa_));
    AddKey("ed", "v=DKIM1; k=ed25519; p=" + PublicKeyRecordValue(ed_));
  }
  void AddKey(const std::string& selector, const std::string& txt) {
    KeySnapshot snap;
    snap.txt.push_back(txt);
    keys_.Add(selector + "._domainkey.example.com", snap);
  }
  Verdict Verify(const std::string& message) {
    VerifyOptions options;
    options.now = kNow;
    options.allow_sha1 = true;
    Verifier verifier(keys_, options);
    return verifier.Verify(message);
  }
  std::string Sign(const std::string& message, SignOptions options) {
    const bool ed = options.algorithm == Algorithm::kEd25519Sha256;
    if (options.domain.empty()) options.domain = "example.com";
    if (options.selector.empty()) options.selector = ed ? "ed" : "rsa";
    std::string field, error;
    EXPECT_TRUE(signer_.Sign(message, ed ? ed_ : rsa_, options, &field, &error))
        << error;
    return field + message;
  }

  KeyStore keys_;
  PrivateKey rsa_, ed_;
  Signer signer_;
};

TEST_F(SignerTest, RoundTripsEveryAlgorithmCanonicalizationAndLineEnd) {
  for (Algorithm alg : {Algorithm::kRsaSha256, Algorithm::kRsaSha1,
                        Algorithm::kEd25519Sha256}) {
    for (Canon h : {Canon::kSimple, Canon::kRelaxed}) {
      for (Canon b : {Canon::kSimple, Canon::kRelaxed}) {
        for (bool lf : {false, true}) {
          SignOptions options;
          options.algorithm = alg;
          options.header_canon = h;
          options.body_canon = b;
          options.timestamp = kNow - 60;
          std::string msg = lf ? ToLf(kMessage) : std::string(kMessage);
          std::string signed_msg = Sign(msg, options);
          if (lf) {
            EXPECT_EQ(signed_msg.find('\r'), std::string::npos);
          }
          Verdict v = Verify(signed_msg);
          SCOPED_TRACE(signed_msg.substr(0, 600));
          ASSERT_EQ(v.signatures.size(), 1u);
          EXPECT_EQ(v.signatures[0].reason, Reason::kOk)
              << v.signatures[0].detail;
          // The other line-end form of the same signed message verifies too.
          std::string other = lf ? signed_msg : ToLf(signed_msg);
          EXPECT_EQ(Verify(other).signatures[0].reason, Reason::kOk);
          // A body edit breaks the body hash, a header edit the signature.
          std::string body_edit = signed_msg;
          body_edit.replace(body_edit.find("all  good"), 9, "all  bad!");
          EXPECT_EQ(Verify(body_edit).signatures[0].reason,
                    Reason::kBodyHashMismatch);
          std::string hdr_edit = signed_msg;
          hdr_edit.replace(hdr_edit.find("Quarterly"), 9, "Quarterlx");
          EXPECT_EQ(Verify(hdr_edit).signatures[0].reason,
                    Reason::kSignatureMismatch);
        }
      }
    }
  }
}

TEST_F(SignerTest, SignsPresentInstancesAndOversigns) {
  SignOptions options;
  options.oversign = {"From", "To", "Subject"};
  std::string signed_msg = Sign(kMessage, options);
  // Unfold the h= list and check it.
  size_t h = FindTag(signed_msg, "h=");
  ASSERT_NE(h, std::string::npos);
  std::string list;
  for (size_t i = h + 2; signed_msg[i] != ';'; ++i) {
    if (signed_msg[i] != '\r' && signed_msg[i] != '\n' &&
        signed_msg[i] != '\t' && signed_msg[i] != ' ') {
      list.push_back(signed_msg[i]);
    }
  }
  EXPECT_EQ(list,
            "from:to:subject:date:message-id:mime-version:content-type:"
            "from:to:subject");
  EXPECT_EQ(Verify(signed_msg).signatures[0].reason, Reason::kOk);
  // Over-signed: adding a second Subject above breaks the signature.
  EXPECT_EQ(Verify("Subject: injected\r\n" + signed_msg).signatures[0].reason,
            Reason::kSignatureMismatch);
  // Not signed: adding X-Unsigned or Received does not.
  EXPECT_EQ(Verify("X-Unsigned: again\r\n" + signed_msg).signatures[0].reason,
            Reason::kOk);
}

TEST_F(SignerTest, FoldsLinesAndKeepsTagsAndLength) {
  SignOptions options;
  options.body_length = true;
  options.timestamp = kNow - 60;
  options.expiration = kNow + 86400;
  options.auid = "alice@example.com";
  std::string signed_msg = Sign(kMessage, options);
  std::string field = signed_msg.substr(0, signed_msg.find("Received:"));
  size_t start = 0;
  while (start < field.size()) {
    size_t end = field.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 78u) << field;
    start = end + 2;
  }
  for (const char* tag : {"l=", "t=", "x=", "i=alice@example.com;"}) {
    EXPECT_NE(FindTag(field, tag), std::string::npos) << tag << "\n" << field;
  }
  Verdict v = Verify(signed_msg);
  EXPECT_EQ(v.signatures[0].reason, Reason::kOk) << v.signatures[0].detail;
  // l= covers the body as signed: an appended footer is ignored.
  EXPECT_EQ(Verify(signed_msg + "-- \r\nfooter\r\n").signatures[0].reason,
            Reason::kOk);
}

TEST_F(SignerTest, RejectsKeyThatDoesNotSuitTheAlgorithm) {
  SignOptions options;
  options.algorithm = Algorithm::kEd25519Sha256;
  options.domain = "example.com";
  options.selector = "x";
  std::string field, error;
  EXPECT_FALSE(signer_.Sign(kMessage, rsa_, options, &field, &error));
  EXPECT_FALSE(error.empty());
  PrivateKey bad;
  EXPECT_FALSE(ParsePrivateKeyPem("not a key", &bad, &error));
}

TEST(Base64Encode, MatchesRfc4648Vectors) {
  const std::pair<const char*, const char*> rows[] = {{"", ""},
                                                      {"f", "Zg=="},
                                                      {"fo", "Zm8="},
                                                      {"foo", "Zm9v"},
                                                      {"foob", "Zm9vYg=="},
                                                      {"fooba", "Zm9vYmE="},
                                                      {"foobar", "Zm9vYmFy"}};
  for (auto [in, want] : rows) {
    std::string s(in);
    std::vector<uint8_t> bytes(s.begin(), s.end());
    EXPECT_EQ(Base64Encode(bytes), want);
  }
}

}  // namespace
}  // namespace dkimbatch::engine
