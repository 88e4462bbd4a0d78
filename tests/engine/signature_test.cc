// tests/engine/signature_test.cc
//
// DKIM-Signature parsing and validation (RFC 6376 §3.5, §6.1.1): every
// reason path, defaults, and d=/s= reporting on errors.
#include "engine/signature.h"

#include <optional>
#include <ostream>
#include <string>

#include "gtest/gtest.h"

namespace dkimbatch::engine {
namespace {

// Valid base64 for b= and bh= (any bytes will do for parsing).
const std::string kBh = "2jmj7l5rSw0yVb/vlWAYkK/YBwk=";
const std::string kB = "dGVzdHNpZ25hdHVyZQ==";

// SigBuilder builds a valid signature value; each required tag can be
// replaced or dropped, and `extra` tags go just before b=.
struct SigBuilder {
  std::string v = "v=1";
  std::string a = "a=rsa-sha256";
  std::string d = "d=example.com";
  std::string s = "s=sel";
  std::string h = "h=From:To:Subject";
  std::string bh = "bh=" + kBh;
  std::string b = "b=" + kB;
  std::string extra;
  std::string Build() const {
    std::string out;
    for (const std::string* part : {&v, &a, &d, &s, &h, &bh}) {
      if (!part->empty()) out += *part + "; ";
    }
    out += extra;
    if (!b.empty()) out += b;
    return out;
  }
};

Reason Parse(const std::string& value, Signature* sig,
             std::string* detail = nullptr) {
  std::string local;
  if (detail == nullptr) detail = &local;
  return ParseSignature(value, sig, detail);
}

TEST(Signature, MinimalValidHasRfcDefaults) {
  const std::string value = SigBuilder().Build();
  Signature sig;
  std::string detail = "stale";
  ASSERT_EQ(Parse(value, &sig, &detail), Reason::kOk) << detail;
  EXPECT_TRUE(detail.empty());
  EXPECT_EQ(sig.sdid, "example.com");
  EXPECT_EQ(sig.selector, "sel");
  EXPECT_EQ(sig.d, std::optional<std::string_view>("example.com"));
  EXPECT_EQ(sig.s, std::optional<std::string_view>("sel"));
  EXPECT_EQ(sig.a, std::optional<std::string_view>("rsa-sha256"));
  EXPECT_EQ(sig.algorithm, Algorithm::kRsaSha256);
  EXPECT_EQ(HashOf(sig.algorithm), HashAlg::kSha256);
  // c= absent: simple/simple (§3.5).
  EXPECT_EQ(sig.header_canon, Canon::kSimple);
  EXPECT_EQ(sig.body_canon, Canon::kSimple);
  // i= absent: "@" + d= (§3.5).
  EXPECT_EQ(sig.auid, "@example.com");
  EXPECT_EQ(sig.auid_domain, "example.com");
  ASSERT_EQ(sig.signed_headers.size(), 3u);
  EXPECT_EQ(sig.signed_headers[0], "From");
  EXPECT_EQ(sig.signed_headers[1], "To");
  EXPECT_EQ(sig.signed_headers[2], "Subject");
  EXPECT_EQ(std::string(sig.b.begin(), sig.b.end()), "testsignature");
  EXPECT_EQ(sig.bh.size(), 20u);
  EXPECT_FALSE(sig.length.has_value());
  EXPECT_FALSE(sig.timestamp.has_value());
  EXPECT_FALSE(sig.expiration.has_value());
  ASSERT_NE(sig.b_tag, nullptr);
  EXPECT_EQ(sig.b_tag->name, "b");
  EXPECT_EQ(value.substr(sig.b_tag->value_begin,
                         sig.b_tag->value_end - sig.b_tag->value_begin),
            kB);
}

TEST(Signature, OptionalTagsParsed) {
  SigBuilder builder;
  builder.extra =
      "c=relaxed/relaxed; l=1234; t=1700000000; x=1700086400; "
      "i=user@mail.Example.COM; q=dns/txt; z=From:a@b|To:c@d; ";
  builder.h = "h = from :\r\n to : subject : subject";
  const std::string value = builder.Build();  // sig holds views into it
  Signature sig;
  std::string detail;
  ASSERT_EQ(Parse(value, &sig, &detail), Reason::kOk) << detail;
  EXPECT_EQ(sig.header_canon, Canon::kRelaxed);
  EXPECT_EQ(sig.body_canon, Canon::kRelaxed);
  EXPECT_EQ(sig.length, std::optional<uint64_t>(1234));
  EXPECT_EQ(sig.timestamp, std::optional<uint64_t>(1700000000));
  EXPECT_EQ(sig.expiration, std::optional<uint64_t>(1700086400));
  EXPECT_EQ(sig.auid, "user@mail.Example.COM");
  EXPECT_EQ(sig.auid_domain, "mail.example.com");
  ASSERT_EQ(sig.signed_headers.size(), 4u);
  EXPECT_EQ(sig.signed_headers[0], "from");
  EXPECT_EQ(sig.signed_headers[1], "to");
  EXPECT_EQ(sig.signed_headers[3], "subject");
}

TEST(Signature, FoldedBase64AndAlgorithms) {
  for (auto [text, alg] :
       {std::pair{"rsa-sha256", Algorithm::kRsaSha256},
        std::pair{"rsa-sha1", Algorithm::kRsaSha1},
        std::pair{"ed25519-sha256", Algorithm::kEd25519Sha256},
        std::pair{"RSA-SHA256", Algorithm::kRsaSha256}}) {
    SigBuilder builder;
    builder.a = std::string("a=") + text;
    builder.b = "b=dGVz\r\n\tdHNp Z25h\n dHVyZQ";
    const std::string value = builder.Build();
    Signature sig;
    std::string detail;
    ASSERT_EQ(Parse(value, &sig, &detail), Reason::kOk)
        << text << ": " << detail;
    EXPECT_EQ(sig.algorithm, alg);
    EXPECT_EQ(std::string(sig.b.begin(), sig.b.end()), "testsignature");
  }
  EXPECT_EQ(HashOf(Algorithm::kRsaSha1), HashAlg::kSha1);
  EXPECT_EQ(HashOf(Algorithm::kEd25519Sha256), HashAlg::kSha256);
}

struct CanonCase {
  const char* c;
  Reason reason;
  Canon header;
  Canon body;
};

class SignatureCanon : public ::testing::TestWithParam<CanonCase> {};

TEST_P(SignatureCanon, ParsesC) {
  const CanonCase& c = GetParam();
  SigBuilder builder;
  builder.extra = std::string("c=") + c.c + "; ";
  Signature sig;
  ASSERT_EQ(Parse(builder.Build(), &sig), c.reason) << c.c;
  if (c.reason == Reason::kOk) {
    EXPECT_EQ(sig.header_canon, c.header) << c.c;
    EXPECT_EQ(sig.body_canon, c.body) << c.c;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6376, SignatureCanon,
    ::testing::Values(
        CanonCase{"simple/simple", Reason::kOk, Canon::kSimple, Canon::kSimple},
        CanonCase{"simple/relaxed", Reason::kOk, Canon::kSimple,
                  Canon::kRelaxed},
        CanonCase{"relaxed/simple", Reason::kOk, Canon::kRelaxed,
                  Canon::kSimple},
        CanonCase{"relaxed/relaxed", Reason::kOk, Canon::kRelaxed,
                  Canon::kRelaxed},
        // §3.5: "If only one algorithm is named, that algorithm is used for
        // the header and "simple" is used for the body."
        CanonCase{"relaxed", Reason::kOk, Canon::kRelaxed, Canon::kSimple},
        CanonCase{"simple", Reason::kOk, Canon::kSimple, Canon::kSimple},
        CanonCase{"Relaxed/SIMPLE", Reason::kOk, Canon::kRelaxed,
                  Canon::kSimple},
        CanonCase{"relaxed / relaxed", Reason::kOk, Canon::kRelaxed,
                  Canon::kRelaxed},
        CanonCase{"nowsp", Reason::kUnsupportedCanonicalization, Canon::kSimple,
                  Canon::kSimple},
        CanonCase{"relaxed/", Reason::kUnsupportedCanonicalization,
                  Canon::kSimple, Canon::kSimple},
        CanonCase{"/relaxed", Reason::kUnsupportedCanonicalization,
                  Canon::kSimple, Canon::kSimple},
        CanonCase{"relaxed/relaxed/relaxed",
                  Reason::kUnsupportedCanonicalization, Canon::kSimple,
                  Canon::kSimple},
        CanonCase{"", Reason::kUnsupportedCanonicalization, Canon::kSimple,
                  Canon::kSimple}));

struct ReasonCase {
  const char* label;
  std::string value;
  Reason reason;
  // d= and s= as reported (nullopt when the tag list did not parse).
  std::optional<std::string> d;
  std::optional<std::string> s;
};

// PrintTo names a table row by its label in failure messages.
void PrintTo(const ReasonCase& row, std::ostream* os) { *os << row.label; }

ReasonCase Row(const char* label, SigBuilder builder, Reason reason,
               std::optional<std::string> d = "example.com",
               std::optional<std::string> s = "sel") {
  return ReasonCase{label, builder.Build(), reason, d, s};
}

SigBuilder With(void (*mutate)(SigBuilder&)) {
  SigBuilder b;
  mutate(b);
  return b;
}

class SignatureReason : public ::testing::TestWithParam<ReasonCase> {};

TEST_P(SignatureReason, ReportsReasonAndIdentity) {
  const ReasonCase& c = GetParam();
  Signature sig;
  std::string detail;
  EXPECT_EQ(Parse(c.value, &sig, &detail), c.reason)
      << c.value << "\ndetail: " << detail;
  if (c.reason != Reason::kOk) {
    EXPECT_FALSE(detail.empty());
  }
  auto as_string = [](std::optional<std::string_view> v) {
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
  };
  EXPECT_EQ(as_string(sig.d), c.d);
  EXPECT_EQ(as_string(sig.s), c.s);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6376, SignatureReason,
    ::testing::Values(
        Row("valid", SigBuilder(), Reason::kOk),
        // Tag list syntax: d/s are not reported.
        Row("duplicate_tag", With([](SigBuilder& b) { b.extra = "d=x.org; "; }),
            Reason::kSigSyntax, std::nullopt, std::nullopt),
        Row("empty_name", With([](SigBuilder& b) { b.extra = "=rsa; "; }),
            Reason::kSigSyntax, std::nullopt, std::nullopt),
        Row("bad_name", With([](SigBuilder& b) { b.extra = "1x=2; "; }),
            Reason::kSigSyntax, std::nullopt, std::nullopt),
        // v=
        Row("missing_v", With([](SigBuilder& b) { b.v.clear(); }),
            Reason::kSigSyntax),
        Row("v2", With([](SigBuilder& b) { b.v = "v=2"; }),
            Reason::kSigVersion),
        Row("v_empty", With([](SigBuilder& b) { b.v = "v="; }),
            Reason::kSigVersion),
        Row("v_dkim1", With([](SigBuilder& b) { b.v = "v=DKIM1"; }),
            Reason::kSigVersion),
        // Required tags (§6.1.1).
        Row("missing_a", With([](SigBuilder& b) { b.a.clear(); }),
            Reason::kSigSyntax),
        Row("missing_b", With([](SigBuilder& b) { b.b.clear(); }),
            Reason::kSigSyntax),
        Row("missing_bh", With([](SigBuilder& b) { b.bh.clear(); }),
            Reason::kSigSyntax),
        Row("missing_d", With([](SigBuilder& b) { b.d.clear(); }),
            Reason::kSigSyntax, std::nullopt, "sel"),
        Row("missing_h", With([](SigBuilder& b) { b.h.clear(); }),
            Reason::kSigSyntax),
        Row("missing_s", With([](SigBuilder& b) { b.s.clear(); }),
            Reason::kSigSyntax, "example.com", std::nullopt),
        Row("empty_d", With([](SigBuilder& b) { b.d = "d="; }),
            Reason::kSigSyntax, "", "sel"),
        Row("empty_s", With([](SigBuilder& b) { b.s = "s= "; }),
            Reason::kSigSyntax, "example.com", ""),
        Row("wsp_in_d", With([](SigBuilder& b) { b.d = "d=exa mple.com"; }),
            Reason::kSigSyntax, "exa mple.com", "sel"),
        // a=
        Row("unknown_a", With([](SigBuilder& b) { b.a = "a=rsa-md5"; }),
            Reason::kUnsupportedAlgorithm),
        Row("empty_a", With([](SigBuilder& b) { b.a = "a="; }),
            Reason::kUnsupportedAlgorithm),
        // Base64.
        Row("bad_b", With([](SigBuilder& b) { b.b = "b=ab!cd"; }),
            Reason::kSigSyntax),
        Row("empty_b", With([](SigBuilder& b) { b.b = "b="; }),
            Reason::kSigSyntax),
        Row("bad_bh", With([](SigBuilder& b) { b.bh = "bh=ab=cd"; }),
            Reason::kSigSyntax),
        Row("empty_bh", With([](SigBuilder& b) { b.bh = "bh="; }),
            Reason::kSigSyntax),
        // Numeric tags.
        Row("l_not_numeric", With([](SigBuilder& b) { b.extra = "l=12a; "; }),
            Reason::kSigSyntax),
        Row("l_negative", With([](SigBuilder& b) { b.extra = "l=-1; "; }),
            Reason::kSigSyntax),
        Row("l_empty", With([](SigBuilder& b) { b.extra = "l=; "; }),
            Reason::kSigSyntax),
        Row("t_not_numeric", With([](SigBuilder& b) { b.extra = "t=now; "; }),
            Reason::kSigSyntax),
        Row("x_not_numeric", With([](SigBuilder& b) { b.extra = "x=1e9; "; }),
            Reason::kSigSyntax),
        Row("x_too_long", With([](SigBuilder& b) {
              b.extra = "x=" + std::string(77, '1') + "; ";
            }),
            Reason::kSigSyntax),
        Row("x_before_t", With([](SigBuilder& b) {
              b.extra = "t=1700000000; x=1600000000; ";
            }),
            Reason::kSigSyntax),
        Row("x_after_t", With([](SigBuilder& b) {
              b.extra = "t=1600000000; x=1700000000; ";
            }),
            Reason::kOk),
        Row("x_without_t", With([](SigBuilder& b) { b.extra = "x=1; "; }),
            Reason::kOk),
        // q=
        Row("q_dns_txt", With([](SigBuilder& b) { b.extra = "q=dns/txt; "; }),
            Reason::kOk),
        Row("q_dns_txt_upper",
            With([](SigBuilder& b) { b.extra = "q=DNS/TXT; "; }), Reason::kOk),
        Row("q_list_with_dns_txt", With([](SigBuilder& b) {
              b.extra = "q=x-other/thing : dns/txt; ";
            }),
            Reason::kOk),
        Row("q_without_dns_txt",
            With([](SigBuilder& b) { b.extra = "q=x-other/thing; "; }),
            Reason::kSigSyntax),
        Row("q_empty", With([](SigBuilder& b) { b.extra = "q=; "; }),
            Reason::kSigSyntax),
        // h=
        Row("h_without_from", With([](SigBuilder& b) { b.h = "h=To:Subject"; }),
            Reason::kFromNotSigned),
        Row("h_from_any_case",
            With([](SigBuilder& b) { b.h = "h=subject:FROM"; }), Reason::kOk),
        Row("h_from_prefix_only",
            With([](SigBuilder& b) { b.h = "h=From-Extra:To"; }),
            Reason::kFromNotSigned),
        Row("h_empty_item", With([](SigBuilder& b) { b.h = "h=From::To"; }),
            Reason::kSigSyntax),
        Row("h_trailing_colon", With([](SigBuilder& b) { b.h = "h=From:To:"; }),
            Reason::kSigSyntax),
        Row("h_empty", With([](SigBuilder& b) { b.h = "h="; }),
            Reason::kSigSyntax),
        // i= (§3.5: the domain of i= is d= or a subdomain of it).
        Row("i_same_domain",
            With([](SigBuilder& b) { b.extra = "i=joe@example.com; "; }),
            Reason::kOk),
        Row("i_no_local_part",
            With([](SigBuilder& b) { b.extra = "i=@example.com; "; }),
            Reason::kOk),
        Row("i_subdomain",
            With([](SigBuilder& b) { b.extra = "i=joe@eng.example.com; "; }),
            Reason::kOk),
        Row("i_domain_case",
            With([](SigBuilder& b) { b.extra = "i=joe@EXAMPLE.com; "; }),
            Reason::kOk),
        Row("i_other_domain",
            With([](SigBuilder& b) { b.extra = "i=joe@example.org; "; }),
            Reason::kIdentityMismatch),
        Row("i_suffix_not_label",
            With([](SigBuilder& b) { b.extra = "i=joe@badexample.com; "; }),
            Reason::kIdentityMismatch),
        Row("i_parent_domain", With([](SigBuilder& b) {
              b.d = "d=mail.example.com";
              b.extra = "i=joe@example.com; ";
            }),
            Reason::kIdentityMismatch, "mail.example.com", "sel"),
        Row("i_no_at", With([](SigBuilder& b) { b.extra = "i=example.com; "; }),
            Reason::kSigSyntax)),
    [](const ::testing::TestParamInfo<ReasonCase>& p) {
      return std::string(p.param.label);
    });

TEST(Signature, ReportsDsAOnLaterErrors) {
  SigBuilder builder;
  builder.a = "a=rsa-sha512";
  const std::string value = builder.Build();  // sig holds views into it
  Signature sig;
  ASSERT_EQ(Parse(value, &sig), Reason::kUnsupportedAlgorithm);
  EXPECT_EQ(sig.a, std::optional<std::string_view>("rsa-sha512"));
  EXPECT_EQ(sig.d, std::optional<std::string_view>("example.com"));
  // Reparsing an invalid tag list clears what the previous parse reported.
  ASSERT_EQ(Parse("d=example.com; s=sel; d=again", &sig), Reason::kSigSyntax);
  EXPECT_FALSE(sig.d.has_value());
  EXPECT_FALSE(sig.s.has_value());
  EXPECT_FALSE(sig.a.has_value());
}

// For reporting, c= is known once it validated and the AUID (i=, or "@" +
// d=) once d= is known, even when a later check fails.
TEST(Signature, ReportsCanonAndAuidOnceKnown) {
  struct Row {
    const char* label;
    std::string value;
    Reason reason;
    bool canon_known;
    std::string auid;
  };
  const std::string rest = "; d=example.com; s=sel; bh=YWJj; b=YWJj";
  for (const Row& row : {
           Row{"v2", "v=2; a=rsa-sha256; h=from" + rest, Reason::kSigVersion,
               false, "@example.com"},
           Row{"bad_a", "v=1; a=x; h=from" + rest,
               Reason::kUnsupportedAlgorithm, false, "@example.com"},
           Row{"bad_c", "v=1; a=rsa-sha256; c=x; h=from" + rest,
               Reason::kUnsupportedCanonicalization, false, "@example.com"},
           Row{"no_from", "v=1; a=rsa-sha256; c=relaxed; h=to" + rest,
               Reason::kFromNotSigned, true, "@example.com"},
           Row{"i_mismatch",
               "v=1; a=rsa-sha256; h=from; i=joe@example.net" + rest,
               Reason::kIdentityMismatch, true, "joe@example.net"},
           Row{"no_d", "v=1; a=rsa-sha256; h=from; s=sel; bh=YWJj; b=YWJj",
               Reason::kSigSyntax, false, ""},
           Row{"ok", "v=1; a=rsa-sha256; h=from" + rest, Reason::kOk, true,
               "@example.com"},
       }) {
    Signature sig;
    std::string detail;
    EXPECT_EQ(Parse(row.value, &sig, &detail), row.reason) << row.label;
    EXPECT_EQ(sig.canon_known, row.canon_known) << row.label;
    EXPECT_EQ(sig.auid, row.auid) << row.label;
  }
}

TEST(Signature, ReparseResetsOptionalTags) {
  SigBuilder with;
  with.extra = "l=5; t=10; x=20; i=a@example.com; ";
  Signature sig;
  ASSERT_EQ(Parse(with.Build(), &sig), Reason::kOk);
  ASSERT_TRUE(sig.length.has_value());
  ASSERT_EQ(Parse(SigBuilder().Build(), &sig), Reason::kOk);
  EXPECT_FALSE(sig.length.has_value());
  EXPECT_FALSE(sig.timestamp.has_value());
  EXPECT_FALSE(sig.expiration.has_value());
  EXPECT_EQ(sig.auid, "@example.com");
}

TEST(Signature, CanonName) {
  EXPECT_EQ(CanonName(Canon::kRelaxed), "relaxed");
  EXPECT_EQ(CanonName(Canon::kSimple), "simple");
}

}  // namespace
}  // namespace dkimbatch::engine
