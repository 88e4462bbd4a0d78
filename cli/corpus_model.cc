// cli/corpus_model.cc
//
// Corpus model of `dkimbatch gen`: key plan and seeded key derivation,
// per-message plan (kind, keys, canonicalization, breakage, times), message
// composition (text, multipart/alternative HTML, multipart/mixed with a
// base64 attachment), signing, in-transit breakage, delivery headers and the
// expected verdict. Every random choice comes from a counter-based stream of
// (seed, index), so messages can be built in any order.
#include "cli/corpus_model.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <utility>

namespace dkimbatch::cli {
namespace {

using engine::Algorithm;
using engine::Canon;
using engine::KeyType;
using engine::Reason;
using engine::Result;

// ---------------------------------------------------------------------------
// Random streams

// Mix64 is the SplitMix64 finalizer: a bijection on 64-bit values.
uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// StreamSeed names an independent stream per (seed, index, purpose).
uint64_t StreamSeed(uint64_t seed, uint64_t index, uint64_t purpose) {
  return Mix64(Mix64(seed * 0x9e3779b97f4a7c15ULL + purpose) ^ index);
}

// Rng is xoshiro256**: fast, and the same sequence on every platform (no
// std:: distributions, whose output is implementation-defined).
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& w : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      w = Mix64(seed);
    }
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Below returns a value in [0, n) (n > 0; Lemire's multiply-shift).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >>
                                 64);
  }
  // Range returns a value in [lo, hi].
  int Range(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  // Unit returns a double in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> s_;
};

// ---------------------------------------------------------------------------
// Text helpers

void AppendUint(uint64_t v, std::string* out) {
  char buf[24];
  int n = std::snprintf(buf, sizeof(buf), "%llu",
                        static_cast<unsigned long long>(v));
  out->append(buf, static_cast<size_t>(n));
}

void AppendHex(uint64_t v, int digits, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) {
    out->push_back(kHex[(v >> (4 * i)) & 15]);
  }
}

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
      out->append(buf);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

struct CivilTime {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
  int hour, minute, second;
  int weekday;  // 0 = Sunday
};

// ToCivil converts Unix seconds (plus an offset) to calendar fields with
// Howard Hinnant's civil-from-days: no locale, TZ or libc time functions.
CivilTime ToCivil(int64_t unix_seconds) {
  int64_t days = unix_seconds / 86400;
  int64_t secs = unix_seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  CivilTime t{};
  t.hour = static_cast<int>(secs / 3600);
  t.minute = static_cast<int>(secs / 60 % 60);
  t.second = static_cast<int>(secs % 60);
  t.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01: Thu
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  t.year = yoe + era * 400 + (t.month <= 2 ? 1 : 0);
  return t;
}

constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed",
                                     "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Rfc5322Date returns "Tue, 14 Oct 2025 11:12:33 +0200".
std::string Rfc5322Date(int64_t unix_seconds, int offset_minutes) {
  CivilTime t = ToCivil(unix_seconds + int64_t{offset_minutes} * 60);
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s, %d %s %lld %02d:%02d:%02d %c%02d%02d",
                kWeekdays[t.weekday], t.day, kMonths[t.month - 1],
                static_cast<long long>(t.year), t.hour, t.minute, t.second,
                offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

// AscTime returns the mbox separator date "Thu Jan  1 00:00:42 2026" (UTC).
std::string AscTime(int64_t unix_seconds) {
  CivilTime t = ToCivil(unix_seconds);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s %s %2d %02d:%02d:%02d %lld",
                kWeekdays[t.weekday], kMonths[t.month - 1], t.day, t.hour,
                t.minute, t.second, static_cast<long long>(t.year));
  return buf;
}

// CompactStamp returns "20251014091233" (UTC), for Message-IDs.
std::string CompactStamp(int64_t unix_seconds) {
  CivilTime t = ToCivil(unix_seconds);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld%02d%02d%02d%02d%02d",
                static_cast<long long>(t.year), t.month, t.day, t.hour,
                t.minute, t.second);
  return buf;
}

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80;
  });
}

// AppendEncodedWord appends `text` as one RFC 2047 Q encoded-word when it is
// not ASCII (short texts only: display names), else as is.
void AppendEncodedWord(std::string_view text, std::string* out) {
  if (IsAscii(text)) {
    out->append(text);
    return;
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->append("=?UTF-8?Q?");
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == ' ') {
      out->push_back('_');
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9') || c == '.' || c == '-') {
      out->push_back(static_cast<char>(c));
    } else {
      out->push_back('=');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
  out->append("?=");
}

// AppendQuotedPrintable appends `text` (LF lines, ending in LF) encoded as
// quoted-printable (RFC 2045 §6.7): lines of at most 76 characters, soft
// breaks, trailing white space encoded.
void AppendQuotedPrintable(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    size_t col = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(line[i]);
      bool last = i + 1 == line.size();
      bool literal = (c >= 33 && c <= 126 && c != '=') ||
                     ((c == ' ' || c == '\t') && !last);
      size_t len = literal ? 1 : 3;
      if (col + len > 75) {
        out->append("=\n");
        col = 0;
      }
      if (literal) {
        out->push_back(static_cast<char>(c));
      } else {
        out->push_back('=');
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
      }
      col += len;
    }
    out->push_back('\n');
  }
}

// AppendWrapped appends `para` word-wrapped at `width` bytes, each line
// starting with `prefix` and ending in LF.
void AppendWrapped(std::string_view para, std::string_view prefix, size_t width,
                   std::string* out) {
  size_t col = 0;
  bool line_start = true;
  size_t pos = 0;
  while (pos < para.size()) {
    size_t sp = para.find(' ', pos);
    if (sp == std::string_view::npos) sp = para.size();
    std::string_view word = para.substr(pos, sp - pos);
    pos = sp + 1;
    if (word.empty()) continue;
    if (!line_start && col + 1 + word.size() > width) {
      out->push_back('\n');
      line_start = true;
    }
    if (line_start) {
      out->append(prefix);
      col = prefix.size();
      line_start = false;
    } else {
      out->push_back(' ');
      ++col;
    }
    out->append(word);
    col += word.size();
  }
  out->push_back('\n');
}

// ---------------------------------------------------------------------------
// Content pools

struct Person {
  const char* name;   // UTF-8 display name
  const char* local;  // ASCII local part
};

constexpr Person kSenders[] = {
    {"Alice Martin", "alice.martin"},     {"Bob Chen", "bob.chen"},
    {"Carol Díaz", "carol.diaz"},         {"Jürgen Weiß", "juergen.weiss"},
    {"Émilie Laurent", "emilie.laurent"}, {"Kenji Sato", "kenji.sato"},
    {"Priya Nair", "priya.nair"},         {"Tomás Ferreira", "tomas.ferreira"},
    {"Noah Williams", "noah.williams"},   {"Olivia Brown", "olivia.brown"},
    {"Pavel Novák", "pavel.novak"},       {"Rosa Bianchi", "rosa.bianchi"},
    {"Sven Olsen", "sven.olsen"},         {"Yara Haddad", "yara.haddad"},
    {"Zoë Dubois", "zoe.dubois"},         {"Liam O'Brien", "liam.obrien"},
    {"IT Service Desk", "servicedesk"},   {"HR Team", "hr"},
};

struct Recipient {
  const char* name;  // may be empty
  const char* address;
};

constexpr Recipient kRecipients[] = {
    {"Dana Kim", "dana.kim@inbox.example"},
    {"Erik Johansson", "erik@inbox.example"},
    {"Frank Osei", "frank.osei@inbox.example"},
    {"Greta Lindqvist", "greta@corp.example"},
    {"Hiro Tanaka", "hiro.tanaka@corp.example"},
    {"Inés García", "ines.garcia@corp.example"},
    {"Mia Schröder", "mia.schroeder@inbox.example"},
    {"", "ops@corp.example"},
    {"Ana Costa", "ana.costa@inbox.example"},
    {"Ben Adler", "ben.adler@corp.example"},
};

// The receiving side, by recipient domain.
const char* MxFor(std::string_view address) {
  return address.find("@corp.example") != std::string_view::npos
             ? "mx1.corp.example"
             : "mx.inbox.example";
}

enum Lang : uint8_t { kEn, kDe, kFr };

constexpr const char* kSentencesEn[] = {
    "Thanks for sending the numbers over so quickly.",
    "I have put my comments inline below.",
    "The quarterly figures look better than we expected, mostly thanks to "
    "the new subscription plan.",
    "Could you double-check the totals in section 3 before Friday?",
    "We moved the review meeting to Monday at 10:00 in room 4.12.",
    "The build server will be down for maintenance between 22:00 and 23:30 "
    "UTC.",
    "Please remember to submit your expense reports by the 5th.",
    "I spoke with the vendor this morning and they confirmed the delivery "
    "date.",
    "Let me know if anything is unclear or if you need the raw data.",
    "The new badge readers are installed on floors 2 and 3.",
    "We are still waiting for legal to sign off on the contract.",
    "The migration of the mail gateway finished without errors last night.",
    "I updated the onboarding checklist with the new VPN instructions.",
    "There were 14 open tickets at the end of the sprint, down from 31.",
    "The offsite is confirmed for the second week of February.",
    "Our DKIM keys were rotated last month; the old selector stays "
    "published for a while.",
    "Please do not reply to this thread with large attachments.",
    "The printer on the third floor works again.",
    "The draft is in the shared folder under Reports/2025/Q3.",
    "Finance asked for the final invoice numbers by Wednesday.",
    "Two of the three candidates accepted the second interview.",
    "The customer workshop went well and they want a follow-up next month.",
    "From what I can tell, the totals in the second table are correct.",
    "From next week on, the stand-up starts at 9:30 instead of 9:00.",
    "I attached nothing this time; everything is on the wiki.",
    "Can we keep the scope as agreed and move the extras to phase two?",
    "The load test reached 12,000 requests per second before latency "
    "doubled.",
    "Support saw fewer password reset requests after the SSO change.",
    "We should archive the old project mailbox before the end of the year.",
    "I will be out of office next Thursday and Friday with limited access "
    "to email.",
    "The invoice was paid on the 12th, reference 2025-0412.",
    "Marketing wants to send the announcement on Tuesday morning.",
    "If nobody objects, I will merge the branch tomorrow.",
    "The backup restore test took 47 minutes, well inside the target.",
    "Let's discuss the remaining points in our call on Wednesday.",
    "The auditors asked for the access logs of the last six months.",
};

constexpr const char* kSentencesDe[] = {
    "Anbei die überarbeitete Präsentation für die Sitzung am Montag.",
    "Die Zahlen für das dritte Quartal sehen gut aus.",
    "Könnten Sie die Übersicht bis Freitag prüfen?",
    "Das Büro in München bleibt am Brückentag geschlossen.",
    "Für Rückfragen stehe ich Ihnen gerne zur Verfügung.",
    "Die Lieferung verzögert sich leider um zwei Tage.",
    "Wir haben die Zugangsdaten für das neue Portal verschickt.",
    "Bitte denken Sie an die Abgabe der Reisekostenabrechnung.",
    "Die Wartungsarbeiten am Server sind erfolgreich abgeschlossen.",
    "Größere Änderungen planen wir erst für das nächste Release.",
    "Die Schulung zum neuen Ticketsystem findet am 14. statt.",
    "Vielen Dank für die gute Zusammenarbeit.",
};

constexpr const char* kSentencesFr[] = {
    "Merci pour votre retour rapide.",
    "Vous trouverez ci-dessous le compte rendu de la réunion de lundi.",
    "La réunion est déplacée à mercredi, 14 h, salle Érable.",
    "Les résultats du trimestre sont meilleurs que prévu.",
    "N'hésitez pas à me contacter si vous avez des questions.",
    "Le déploiement de la nouvelle version est prévu pour la semaine "
    "prochaine.",
    "Le prestataire a confirmé la date de livraison ce matin.",
    "Il reste deux points à régler avant la signature du contrat.",
    "Les accès au nouvel outil seront créés d'ici vendredi.",
    "Pensez à mettre à jour vos coordonnées dans l'annuaire.",
};

constexpr const char* kSubjectsEn[] = {
    "Q3 numbers for the board meeting",
    "Review meeting moved to Monday",
    "Build server maintenance tonight",
    "Expense reports due on the 5th",
    "Vendor confirmed the delivery date",
    "Contract status",
    "Mail gateway migration done",
    "Updated onboarding checklist",
    "Sprint summary",
    "Offsite planning",
    "Selector rotation schedule",
    "Printer on the third floor",
    "Draft report for Q3",
    "Invoice numbers",
    "Interview feedback",
    "Customer workshop follow-up",
    "Load test results",
    "SSO rollout",
    "Project mailbox archive",
    "Announcement timing",
    "Backup restore test",
    "Audit request: access logs",
    "Lunch on Friday?",
    "Quick question about the budget",
};

constexpr const char* kSubjectsDe[] = {
    "Präsentation für Montag",   "Zahlen drittes Quartal", "Lieferverzögerung",
    "Zugangsdaten neues Portal", "Schulung Ticketsystem",
};

constexpr const char* kSubjectsFr[] = {
    "Compte rendu de la réunion", "Réunion déplacée à mercredi",
    "Résultats du trimestre",     "Déploiement de la nouvelle version",
    "Accès au nouvel outil",
};

constexpr const char* kUserAgents[] = {
    "Mozilla Thunderbird 128.3.1", "Microsoft Outlook 16.0",
    "Apple Mail (2.3774.600.62)",  "Roundcube Webmail/1.6.9",
    "Mutt/2.2.12 (2023-09-09)",
};

constexpr const char* kTitles[] = {
    "Product Manager", "Senior Engineer",   "Head of Finance",
    "Office Manager",  "Account Executive", "Data Analyst",
};

constexpr const char* kHeadlines[] = {
    "Five things we shipped this month",
    "How we cut our build times in half",
    "Customer story: scaling to a million users",
    "Upcoming events and webinars",
    "Tip of the week: keyboard shortcuts",
    "Security update: rotate your API tokens",
    "Behind the scenes of our new data centre",
    "What's new in the mobile app",
    "Community spotlight",
    "Our roadmap for the next quarter",
    "From the blog: a year of open source",
    "Pricing changes explained",
};

constexpr const char* kProducts[] = {
    "USB-C charging cable (2 m)",
    "Wireless mouse",
    "Mechanical keyboard",
    "27\" monitor stand",
    "Noise-cancelling headphones",
    "Laptop sleeve 14\"",
    "Desk lamp, warm white",
    "Ergonomic chair cushion",
    "HDMI adapter",
    "Portable SSD 1 TB",
    "Webcam 1080p",
    "Coffee beans, 1 kg",
};

struct AttachmentType {
  const char* content_type;
  const char* prefix;  // start of the file name
  const char* ext;
  const char* magic;
};

constexpr AttachmentType kAttachments[] = {
    {"application/pdf", "Invoice-2025-", "pdf", "%PDF-1.7\n"},
    {"application/pdf", "Report-Q3-", "pdf", "%PDF-1.5\n"},
    {"image/png", "screenshot-", "png", "\x89PNG\r\n\x1a\n"},
    {"image/jpeg", "IMG_", "jpg", "\xff\xd8\xff\xe0"},
    {"application/zip", "logs-", "zip", "PK\x03\x04"},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     "budget-", "xlsx", "PK\x03\x04"},
};

// The organisation behind each signing domain (display names).
std::string OrgName(std::string_view domain) {
  struct Org {
    const char* domain;
    const char* name;
  };
  static constexpr Org kOrgs[] = {
      {"example.com", "Example Corp"},
      {"shop.example.net", "Example Shop"},
      {"news.example.org", "Example News"},
      {"mail.example.org", "Example Mail"},
      {"legacy.example.net", "Legacy Systems"},
      {"forum.example.org", "Example Forum"},
      {"bank.example.com", "Example Bank"},
      {"travel.example.net", "Example Travel"},
      {"example.net", "Example Net"},
  };
  for (const Org& org : kOrgs) {
    if (domain == org.domain) return org.name;
  }
  return std::string(domain);
}

const char* const* SentencePool(Lang lang, size_t* n) {
  switch (lang) {
    case kDe:
      *n = std::size(kSentencesDe);
      return kSentencesDe;
    case kFr:
      *n = std::size(kSentencesFr);
      return kSentencesFr;
    case kEn:
      break;
  }
  *n = std::size(kSentencesEn);
  return kSentencesEn;
}

// Paragraph returns `sentences` random sentences of `lang`.
std::string Paragraph(Rng& rng, Lang lang, int sentences) {
  size_t n = 0;
  const char* const* pool = SentencePool(lang, &n);
  std::string out;
  size_t previous = n;
  for (int i = 0; i < sentences; ++i) {
    if (i > 0) out.push_back(' ');
    size_t pick = rng.Below(n);
    if (pick == previous) pick = (pick + 1) % n;  // no sentence twice in a row
    out.append(pool[pick]);
    previous = pick;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Key plan

struct Identity {
  const char* domain;
  const char* selector;
};

constexpr Identity kRsa1024Ids[] = {{"legacy.example.net", "dkim"},
                                    {"forum.example.org", "s1024"}};
constexpr Identity kRsa2048Ids[] = {{"example.com", "mail2025"},
                                    {"shop.example.net", "s2048"},
                                    {"news.example.org", "nl1"},
                                    {"mail.example.org", "selector1"}};
constexpr Identity kRsa4096Ids[] = {{"bank.example.com", "k4096"}};
constexpr Identity kEd25519Ids[] = {{"example.com", "ed2025"},
                                    {"mail.example.org", "ed1"}};
constexpr Identity kRevokedIds[] = {{"example.com", "mail2024"},
                                    {"shop.example.net", "old"}};
constexpr Identity kNxDomainIds[] = {{"news.example.org", "nl0"}};
constexpr Identity kAbsentIds[] = {{"travel.example.net", "tr1"}};

int PrimaryRsaBits(const CorpusParams& params) {
  int bits = 2048;
  double best = -1;
  for (const RsaSizeWeight& s : params.rsa_sizes) {
    if (s.weight > best) {
      best = s.weight;
      bits = s.bits;
    }
  }
  return bits;
}

// KeyStream is SHA-256 in counter mode over (seed, label): the deterministic
// byte source of key derivation.
class KeyStream {
 public:
  KeyStream(uint64_t seed, std::string_view label) {
    prefix_ = "dkimbatch gen key v1|";
    AppendUint(seed, &prefix_);
    prefix_.push_back('|');
    prefix_.append(label);
    prefix_.push_back('|');
  }
  bool Fill(uint8_t* out, size_t n) {
    while (n > 0) {
      if (used_ == block_.size()) {
        std::string input = prefix_;
        AppendUint(counter_++, &input);
        unsigned int len = 0;
        if (EVP_Digest(input.data(), input.size(), block_.data(), &len,
                       EVP_sha256(), nullptr) != 1) {
          return false;
        }
        used_ = 0;
      }
      size_t take = std::min(n, block_.size() - used_);
      std::memcpy(out, block_.data() + used_, take);
      out += take;
      n -= take;
      used_ += take;
    }
    return true;
  }

 private:
  std::string prefix_;
  std::array<uint8_t, 32> block_{};
  size_t used_ = 32;
  uint64_t counter_ = 0;
};

struct BnFree {
  void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
BnPtr NewBn() { return BnPtr(BN_new()); }

// FindPrime sets `*p` to a `bits`-bit prime with the top two bits set and
// p-1 prime to 65537, by incremental search from a random odd start (the
// primality test's own randomness cannot change its answer, except with
// negligible probability).
bool FindPrime(KeyStream* stream, int bits, BN_CTX* ctx, BIGNUM* p) {
  std::vector<uint8_t> buf(static_cast<size_t>(bits) / 8);
  for (int attempt = 0; attempt < 64; ++attempt) {
    if (!stream->Fill(buf.data(), buf.size())) return false;
    buf[0] |= 0xC0;
    buf.back() |= 1;
    if (BN_bin2bn(buf.data(), static_cast<int>(buf.size()), p) == nullptr) {
      return false;
    }
    for (int step = 0; step < 1 << 16 && BN_num_bits(p) == bits; ++step) {
      if (BN_mod_word(p, 65537) != 1) {
        int r = BN_check_prime(p, ctx, nullptr);
        if (r == 1) return true;
        if (r < 0) return false;
      }
      if (BN_add_word(p, 2) != 1) return false;
    }
  }
  return false;
}

EVP_PKEY* DeriveRsaKey(KeyStream* stream, int bits, std::string* error) {
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(),
                                                      BN_CTX_free);
  BnPtr p = NewBn(), q = NewBn(), n = NewBn(), e = NewBn(), d = NewBn(),
        p1 = NewBn(), q1 = NewBn(), g = NewBn(), phi = NewBn(),
        lambda = NewBn(), dmp1 = NewBn(), dmq1 = NewBn(), iqmp = NewBn(),
        rem = NewBn();
  if (!ctx || !p || !q || !n || !e || !d || !p1 || !q1 || !g || !phi ||
      !lambda || !dmp1 || !dmq1 || !iqmp || !rem) {
    *error = "out of memory";
    return nullptr;
  }
  bool ok = BN_set_word(e.get(), 65537) == 1 &&
            FindPrime(stream, bits / 2, ctx.get(), p.get());
  do {
    ok = ok && FindPrime(stream, bits / 2, ctx.get(), q.get());
  } while (ok && BN_cmp(p.get(), q.get()) == 0);
  if (ok && BN_cmp(p.get(), q.get()) < 0) std::swap(p, q);
  ok = ok && BN_mul(n.get(), p.get(), q.get(), ctx.get()) == 1 &&
       BN_num_bits(n.get()) == bits &&
       BN_sub(p1.get(), p.get(), BN_value_one()) &&
       BN_sub(q1.get(), q.get(), BN_value_one()) &&
       BN_gcd(g.get(), p1.get(), q1.get(), ctx.get()) == 1 &&
       BN_mul(phi.get(), p1.get(), q1.get(), ctx.get()) == 1 &&
       BN_div(lambda.get(), rem.get(), phi.get(), g.get(), ctx.get()) == 1 &&
       BN_mod_inverse(d.get(), e.get(), lambda.get(), ctx.get()) != nullptr &&
       BN_mod(dmp1.get(), d.get(), p1.get(), ctx.get()) == 1 &&
       BN_mod(dmq1.get(), d.get(), q1.get(), ctx.get()) == 1 &&
       BN_mod_inverse(iqmp.get(), q.get(), p.get(), ctx.get()) != nullptr;
  if (!ok) {
    *error = "RSA key derivation failed";
    ERR_clear_error();
    return nullptr;
  }
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM* params = nullptr;
  EVP_PKEY* pkey = nullptr;
  EVP_PKEY_CTX* pctx = nullptr;
  ok =
      bld != nullptr &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n.get()) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e.get()) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d.get()) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p.get()) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q.get()) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dmp1.get()) ==
          1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dmq1.get()) ==
          1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
                             iqmp.get()) == 1 &&
      (params = OSSL_PARAM_BLD_to_param(bld)) != nullptr &&
      (pctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)) != nullptr &&
      EVP_PKEY_fromdata_init(pctx) == 1 &&
      EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_KEYPAIR, params) == 1;
  EVP_PKEY_CTX_free(pctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  if (!ok) {
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    *error = "building the RSA key failed";
    return nullptr;
  }
  return pkey;
}

// ---------------------------------------------------------------------------
// Message composition

struct Draft {
  std::string from_display;  // full From: value
  std::string from_address;
  std::string envelope_from;  // Return-Path address
  std::string message_id;     // with angle brackets
  std::string signer_host;    // the sending MTA
};

void AppendAddress(std::string_view name, std::string_view address,
                   std::string* out) {
  if (name.empty()) {
    out->append(address);
    return;
  }
  bool needs_quotes =
      IsAscii(name) && name.find_first_of(".,'") != std::string_view::npos;
  if (needs_quotes) out->push_back('"');
  AppendEncodedWord(name, out);
  if (needs_quotes) out->push_back('"');
  out->append(" <").append(address).push_back('>');
}

void AppendHeader(std::string_view name, std::string_view value,
                  std::string* out) {
  out->append(name).append(": ").append(value).push_back('\n');
}

std::string Boundary(Rng& rng) {
  std::string b = "----=_Part_";
  AppendUint(rng.Below(1000000), &b);
  b.push_back('_');
  AppendHex(rng.Next(), 16, &b);
  return b;
}

// AppendCommonHeaders writes From, To, [Cc], Subject, Date, Message-ID.
void AppendCommonHeaders(Rng& rng, const Draft& draft, std::string_view to,
                         std::string_view subject, int64_t sent, int tz_minutes,
                         bool cc, std::string* out) {
  AppendHeader("From", draft.from_display, out);
  AppendHeader("To", to, out);
  if (cc) {
    const Recipient& r = rng.Pick(kRecipients);
    std::string value;
    AppendAddress(r.name, r.address, &value);
    AppendHeader("Cc", value, out);
  }
  out->append("Subject: ");
  if (IsAscii(subject)) {
    out->append(subject);
  } else {
    // A subject in Q encoded-words of at most ~40 source bytes each, folded.
    size_t pos = 0;
    bool first = true;
    while (pos < subject.size()) {
      size_t take = std::min<size_t>(40, subject.size() - pos);
      // Do not split a UTF-8 sequence.
      while (pos + take < subject.size() &&
             (static_cast<unsigned char>(subject[pos + take]) & 0xC0) == 0x80) {
        --take;
      }
      if (!first) out->append("\n ");
      std::string word(subject.substr(pos, take));
      std::string encoded;
      encoded.append("=?UTF-8?Q?");
      static constexpr char kHex[] = "0123456789ABCDEF";
      for (char ch : word) {
        unsigned char c = static_cast<unsigned char>(ch);
        if (c == ' ') {
          encoded.push_back('_');
        } else if (c < 0x80 && c != '=' && c != '?' && c != '_' && c > 0x20) {
          encoded.push_back(static_cast<char>(c));
        } else {
          encoded.push_back('=');
          encoded.push_back(kHex[c >> 4]);
          encoded.push_back(kHex[c & 15]);
        }
      }
      encoded.append("?=");
      out->append(encoded);
      pos += take;
      first = false;
    }
  }
  out->push_back('\n');
  AppendHeader("Date", Rfc5322Date(sent, tz_minutes), out);
  AppendHeader("Message-ID", draft.message_id, out);
}

constexpr int kTimeZones[] = {0, 60, 120, -300, -240, -420, 330, 540, 60, 60};

// ComposeText writes a person-to-person text/plain message of about
// `body_budget` body bytes.
void ComposeText(Rng& rng, const Draft& draft, std::string_view sender_name,
                 int64_t sent, size_t body_budget, std::string* out) {
  const double lang_pick = rng.Unit();
  const Lang lang = lang_pick < 0.8 ? kEn : (lang_pick < 0.9 ? kDe : kFr);
  const Recipient& rcpt = rng.Pick(kRecipients);
  const bool reply = rng.Chance(0.35);
  const bool cc = rng.Chance(0.2);
  const int tz = rng.Pick(kTimeZones);
  std::string subject;
  if (reply) subject = lang == kDe ? "AW: " : (lang == kFr ? "RE: " : "Re: ");
  subject.append(lang == kDe   ? rng.Pick(kSubjectsDe)
                 : lang == kFr ? rng.Pick(kSubjectsFr)
                               : rng.Pick(kSubjectsEn));
  std::string to;
  AppendAddress(rcpt.name, rcpt.address, &to);
  AppendCommonHeaders(rng, draft, to, subject, sent, tz, cc, out);
  std::string parent_id;
  if (reply) {
    parent_id = "<";
    AppendHex(rng.Next(), 16, &parent_id);
    parent_id.append(std::strchr(rcpt.address, '@')).push_back('>');
    AppendHeader("In-Reply-To", parent_id, out);
    AppendHeader("References", parent_id, out);
  }
  AppendHeader("MIME-Version", "1.0", out);
  const bool qp_wanted = rng.Chance(0.5);
  const char* user_agent = rng.Chance(0.6) ? rng.Pick(kUserAgents) : nullptr;

  std::string body;
  std::string_view first_name(rcpt.name[0] != '\0' ? rcpt.name : "all");
  first_name = first_name.substr(0, first_name.find(' '));
  body.append(lang == kDe ? "Hallo " : (lang == kFr ? "Bonjour " : "Hi "));
  body.append(first_name).append(",\n\n");
  const size_t own_budget = reply ? body_budget * 2 / 3 : body_budget;
  while (body.size() < own_budget) {
    AppendWrapped(Paragraph(rng, lang, rng.Range(1, 4)), "", 72, &body);
    body.push_back('\n');
  }
  body.append(lang == kDe   ? "Viele Grüße\n"
              : lang == kFr ? "Cordialement,\n"
                            : "Best regards,\n");
  std::string_view sender_first = sender_name.substr(0, sender_name.find(' '));
  body.append(sender_first).append("\n\n-- \n");
  body.append(sender_name).push_back('\n');
  body.append(rng.Pick(kTitles))
      .append(", ")
      .append(
          OrgName(draft.from_address.substr(draft.from_address.find('@') + 1)));
  body.append("\n+1 555 0100 ext. ");
  AppendUint(100 + rng.Below(900), &body);
  body.push_back('\n');
  if (reply) {
    body.append("\nOn ")
        .append(Rfc5322Date(
            sent - 3600 - static_cast<int64_t>(rng.Below(86400 * 3)), tz))
        .append(", ");
    body.append(rcpt.name[0] != '\0' ? rcpt.name : rcpt.address)
        .append(" wrote:\n");
    // Some clients quote with ">" and no space: a quoted "From " line then
    // reads ">From " (mboxrd stores it as ">>From ").
    const std::string_view prefix = rng.Chance(0.15) ? ">" : "> ";
    while (body.size() < body_budget) {
      AppendWrapped(Paragraph(rng, lang, rng.Range(1, 3)), prefix, 72, &body);
      body.append(prefix.substr(0, 1)).push_back('\n');
    }
  }
  // The body decides the MIME labels: names in signatures may be UTF-8
  // even in English mail.
  const bool ascii_body = IsAscii(body);
  const bool qp = !ascii_body && qp_wanted;
  AppendHeader(
      "Content-Type",
      ascii_body ? "text/plain; charset=us-ascii" : "text/plain; charset=UTF-8",
      out);
  AppendHeader("Content-Transfer-Encoding",
               qp ? "quoted-printable" : (ascii_body ? "7bit" : "8bit"), out);
  if (user_agent != nullptr) AppendHeader("User-Agent", user_agent, out);
  out->push_back('\n');
  if (qp) {
    AppendQuotedPrintable(body, out);
  } else {
    out->append(body);
  }
}

// ComposeHtml writes a newsletter or an order confirmation as
// multipart/alternative (text/plain + text/html, quoted-printable).
void ComposeHtml(Rng& rng, const Draft& draft, std::string_view org,
                 std::string_view domain, int64_t sent, size_t html_budget,
                 std::string* out) {
  const bool newsletter = rng.Chance(0.6);
  const Recipient& rcpt = rng.Pick(kRecipients);
  const int tz = rng.Pick(kTimeZones);
  const std::string boundary = Boundary(rng);
  std::string subject;
  std::string order;
  if (newsletter) {
    subject = std::string(org) + " Weekly: " + rng.Pick(kHeadlines);
  } else {
    order = "EX-";
    AppendUint(100000 + rng.Below(900000), &order);
    subject = "Your order " + order + " has shipped";
  }
  std::string to;
  AppendAddress(rcpt.name, rcpt.address, &to);
  AppendCommonHeaders(rng, draft, to, subject, sent, tz, false, out);
  AppendHeader("MIME-Version", "1.0", out);
  AppendHeader("Content-Type",
               "multipart/alternative; boundary=\"" + boundary + "\"", out);
  std::string campaign;
  AppendHex(rng.Next(), 12, &campaign);
  if (newsletter) {
    AppendHeader(
        "List-Id",
        std::string(org) + " Weekly <weekly." + std::string(domain) + ">", out);
    // Folded, as bulk senders write it.
    AppendHeader("List-Unsubscribe",
                 "<https://" + std::string(domain) + "/unsubscribe/" +
                     campaign + ">,\n <mailto:unsubscribe@" +
                     std::string(domain) + "?subject=" + campaign + ">",
                 out);
    AppendHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click", out);
    AppendHeader("Precedence", "bulk", out);
  }
  AppendHeader("Feedback-ID", campaign + ":" + std::string(domain), out);
  out->push_back('\n');

  // Content shared by both alternatives.
  struct Item {
    std::string title;
    std::string text;
    std::string link;
    std::string price;
  };
  std::vector<Item> items;
  size_t estimate = 0;
  while (estimate < html_budget || items.size() < 2) {
    Item item;
    if (newsletter) {
      item.title = rng.Pick(kHeadlines);
      item.text = Paragraph(rng, kEn, rng.Range(2, 5));
      item.link = "https://" + std::string(domain) + "/a/";
      AppendUint(rng.Below(100000), &item.link);
      item.link +=
          "?utm_source=newsletter&utm_medium=email&utm_campaign=" + campaign;
      estimate += 600 + item.text.size();
    } else {
      item.title = rng.Pick(kProducts);
      item.price = std::to_string(rng.Range(3, 299)) + "." +
                   std::to_string(rng.Range(10, 99));
      item.link = "https://" + std::string(domain) + "/p/";
      AppendUint(rng.Below(100000), &item.link);
      estimate += 700;
    }
    items.push_back(std::move(item));
  }

  std::string text;
  text.append(
      newsletter
          ? std::string(org) + " Weekly\n\n"
          : "Hello " + std::string(rcpt.name[0] != '\0' ? rcpt.name : "there") +
                ",\n\nGood news: your order " + order + " is on its way.\n\n");
  for (const Item& item : items) {
    if (newsletter) {
      text.append(item.title).append("\n\n");
      AppendWrapped(item.text, "", 72, &text);
      text.append("Read more: ").append(item.link).append("\n\n");
    } else {
      text.append("  1 x ")
          .append(item.title)
          .append("  EUR ")
          .append(item.price)
          .push_back('\n');
    }
  }
  if (!newsletter) {
    text.append("\nTrack your parcel: https://").append(domain);
    text.append("/track/").append(order).append("\n\n");
  }
  text.append("You receive this email because you have an account with ");
  text.append(org).append(".\nUnsubscribe: https://").append(domain);
  text.append("/unsubscribe/").append(campaign).push_back('\n');

  std::string html;
  html.append(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
      "http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n<title>");
  html.append(subject).append(
      "</title>\n<style>body{margin:0;padding:0;background:#f4f4f7;font-"
      "family:Helvetica,Arial,sans-serif;color:#33334d}.wrap{max-width:"
      "600px;margin:0 auto;background:#ffffff}.btn{display:inline-block;"
      "padding:10px 18px;background:#2d6cdf;color:#ffffff;text-decoration:"
      "none;border-radius:4px}h2{font-size:20px;margin:24px 0 8px}p{font-"
      "size:15px;line-height:1.5}</style>\n</head>\n<body>\n<table "
      "role=\"presentation\" class=\"wrap\" width=\"100%\" cellpadding=\"0\" "
      "cellspacing=\"0\">\n<tr><td style=\"padding:24px;background:#2d6cdf;"
      "color:#ffffff;font-size:24px;font-weight:bold\">");
  html.append(org).append("</td></tr>\n");
  if (!newsletter) {
    html.append("<tr><td style=\"padding:24px\"><p>Hello ")
        .append(rcpt.name[0] != '\0' ? rcpt.name : "there")
        .append(",</p><p>Good news: your order <strong>")
        .append(order)
        .append("</strong> is on its way.</p></td></tr>\n");
  }
  for (const Item& item : items) {
    if (newsletter) {
      html.append(
              "<tr><td style=\"padding:0 24px 16px 24px;border-bottom:1px "
              "solid #e6e6ef\"><h2>")
          .append(item.title)
          .append("</h2><p>")
          .append(item.text)
          .append("</p><p><a class=\"btn\" href=\"")
          .append(item.link)
          .append("\" target=\"_blank\">Read more</a></p></td></tr>\n");
    } else {
      html.append(
              "<tr><td style=\"padding:8px 24px\"><table width=\"100%\" "
              "cellpadding=\"4\"><tr><td width=\"64\"><img src=\"https://"
              "cdn.")
          .append(domain)
          .append("/img/")
          .append(item.link.substr(item.link.rfind('/') + 1))
          .append(
              ".jpg\" width=\"64\" height=\"64\" alt=\"\"></td><td><a "
              "href=\"")
          .append(item.link)
          .append("\">")
          .append(item.title)
          .append(
              "</a><br><span style=\"color:#8a8aa3\">Qty 1</span></td>"
              "<td align=\"right\">EUR ")
          .append(item.price)
          .append("</td></tr></table></td></tr>\n");
    }
  }
  if (!newsletter) {
    html.append(
            "<tr><td style=\"padding:24px\"><a class=\"btn\" "
            "href=\"https://")
        .append(domain)
        .append("/track/")
        .append(order)
        .append("\">Track your parcel</a></td></tr>\n");
  }
  html.append(
          "<tr><td style=\"padding:24px;font-size:12px;color:#8a8aa3\">You "
          "receive this email because you have an account with ")
      .append(org)
      .append(". <a href=\"https://")
      .append(domain)
      .append("/unsubscribe/")
      .append(campaign)
      .append("\">Unsubscribe</a> &middot; <a href=\"https://")
      .append(domain)
      .append("/privacy\">Privacy</a></td></tr>\n</table>\n<img src=\"https://")
      .append(domain)
      .append("/o/")
      .append(campaign)
      .append(".gif\" width=\"1\" height=\"1\" alt=\"\">\n</body>\n</html>\n");

  out->append("This is a multi-part message in MIME format.\n\n--");
  out->append(boundary).append(
      "\nContent-Type: text/plain; charset=UTF-8\n"
      "Content-Transfer-Encoding: quoted-printable\n\n");
  AppendQuotedPrintable(text, out);
  out->append("\n--").append(boundary).append(
      "\nContent-Type: text/html; charset=UTF-8\n"
      "Content-Transfer-Encoding: quoted-printable\n\n");
  AppendQuotedPrintable(html, out);
  out->append("\n--").append(boundary).append("--\n");
}

// ComposeAttachment writes a short note with one base64 attachment of about
// `raw_bytes` bytes as multipart/mixed.
void ComposeAttachment(Rng& rng, const Draft& draft,
                       std::string_view sender_name, int64_t sent,
                       size_t raw_bytes, std::string* out) {
  const Recipient& rcpt = rng.Pick(kRecipients);
  const int tz = rng.Pick(kTimeZones);
  const AttachmentType& type = rng.Pick(kAttachments);
  const std::string boundary = Boundary(rng);
  std::string file_name = type.prefix;
  AppendUint(1000 + rng.Below(9000), &file_name);
  file_name.append(".").append(type.ext);
  std::string to;
  AppendAddress(rcpt.name, rcpt.address, &to);
  static constexpr const char* kSubjectPrefixes[] = {
      "", "Attached: ", "FW: ", "Document: "};
  const std::string subject = rng.Pick(kSubjectPrefixes) + file_name;
  AppendCommonHeaders(rng, draft, to, subject, sent, tz, rng.Chance(0.2), out);
  AppendHeader("MIME-Version", "1.0", out);
  AppendHeader("Content-Type", "multipart/mixed; boundary=\"" + boundary + "\"",
               out);
  if (rng.Chance(0.6)) AppendHeader("User-Agent", rng.Pick(kUserAgents), out);
  out->append("\nThis is a multi-part message in MIME format.\n\n--");
  out->append(boundary).append(
      "\nContent-Type: text/plain; charset=us-ascii\n"
      "Content-Transfer-Encoding: 7bit\n\n");
  std::string_view first_name(rcpt.name[0] != '\0' ? rcpt.name : "all");
  first_name = first_name.substr(0, first_name.find(' '));
  out->append("Hi ").append(first_name).append(",\n\nplease find attached ");
  out->append(file_name).append(".\n\n");
  AppendWrapped(Paragraph(rng, kEn, rng.Range(1, 3)), "", 72, out);
  out->append("\nThanks,\n");
  out->append(sender_name.substr(0, sender_name.find(' '))).append("\n\n--");
  out->append(boundary).append("\nContent-Type: ").append(type.content_type);
  out->append("; name=\"")
      .append(file_name)
      .append("\"\nContent-Disposition: attachment; filename=\"");
  out->append(file_name).append("\"\nContent-Transfer-Encoding: base64\n\n");
  std::vector<uint8_t> raw(raw_bytes);
  size_t magic_len = std::strlen(type.magic);
  if (type.magic[0] == '\xff') magic_len = 4;
  std::memcpy(raw.data(), type.magic, std::min(magic_len, raw.size()));
  for (size_t i = magic_len; i < raw.size(); i += 8) {
    uint64_t v = rng.Next();
    std::memcpy(raw.data() + i, &v, std::min<size_t>(8, raw.size() - i));
  }
  std::string b64 = engine::Base64Encode(raw);
  out->reserve(out->size() + b64.size() + b64.size() / 76 + 64);
  for (size_t pos = 0; pos < b64.size(); pos += 76) {
    out->append(b64, pos, 76).push_back('\n');
  }
  out->append("\n--").append(boundary).append("--\n");
}

// ---------------------------------------------------------------------------
// Breakage after signing

size_t BodyStart(const std::string& text) {
  size_t sep = text.find("\n\n");
  return sep == std::string::npos ? text.size() : sep + 2;
}

void BreakBody(Rng& rng, std::string* text) {
  const size_t body = BodyStart(*text);
  size_t link = text->find("https://", body);
  if (link != std::string::npos && rng.Chance(0.5)) {
    // A "safe links" gateway rewrites the first URL.
    text->insert(link, "https://urldefense.example.com/v3/__");
    return;
  }
  static constexpr const char* kFooters[] = {
      "_______________________________________________\n"
      "team mailing list -- team@lists.example.org\n"
      "To unsubscribe send an email to team-leave@lists.example.org\n",
      "\nThis email has been scanned for viruses by Example AV Gateway.\n",
      "\nCONFIDENTIALITY NOTICE: This message is intended only for the named "
      "recipient.\n",
  };
  text->append(rng.Pick(kFooters));
}

void BreakHeader(Rng& rng, std::string* text) {
  static constexpr const char* kTags[] = {"[EXTERNAL] ", "[EXT] ",
                                          "*** SPAM *** ", "[team] "};
  const size_t end = BodyStart(*text);
  size_t pos = text->find("\nSubject: ");
  if (pos == std::string::npos || pos >= end) return;
  text->insert(pos + 10, rng.Pick(kTags));
}

// BreakLineEnds rewrites every body line end LF as CR CR LF (a gateway that
// converted CRLF to CRLF once more). The CR stays in the canonical body under
// both canonicalizations.
void BreakLineEnds(std::string* text) {
  const size_t body = BodyStart(*text);
  std::string out(*text, 0, body);
  out.reserve(text->size() + (text->size() - body) / 16);
  for (size_t i = body; i < text->size(); ++i) {
    if ((*text)[i] == '\n') out.append("\r\r");
    out.push_back((*text)[i]);
  }
  text->swap(out);
}

std::string MaildirNameOf(uint64_t index, bool in_new, uint64_t flags_pick) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%lld.M%010llu.gen",
                static_cast<long long>(kGenFetchedAt),
                static_cast<unsigned long long>(index));
  std::string name = buf;
  if (!in_new) {
    static constexpr const char* kFlags[] = {":2,S",  ":2,S",  ":2,S",
                                             ":2,RS", ":2,FS", ":2,S"};
    name.append(kFlags[flags_pick % std::size(kFlags)]);
  }
  return name;
}

}  // namespace

// ---------------------------------------------------------------------------
// Public functions

bool ParseKeySizes(std::string_view text, std::vector<RsaSizeWeight>* out,
                   std::string* error) {
  std::vector<RsaSizeWeight> sizes;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string item(text.substr(pos, comma - pos));
    pos = comma + 1;
    RsaSizeWeight size;
    std::string bits_text = item;
    size_t colon = item.find(':');
    if (colon != std::string::npos) {
      bits_text = item.substr(0, colon);
      std::string weight_text = item.substr(colon + 1);
      char* end = nullptr;
      errno = 0;
      size.weight = std::strtod(weight_text.c_str(), &end);
      if (weight_text.empty() || errno != 0 || *end != '\0' ||
          !(size.weight > 0) || size.weight > 1e9) {
        *error = "bad weight in '" + item + "'";
        return false;
      }
    }
    char* end = nullptr;
    errno = 0;
    long bits = std::strtol(bits_text.c_str(), &end, 10);
    if (bits_text.empty() || errno != 0 || *end != '\0' || bits < 512 ||
        bits > 8192 || bits % 16 != 0) {
      *error =
          "bad key size '" + item + "' (RSA bits 512..8192, a multiple of 16)";
      return false;
    }
    size.bits = static_cast<int>(bits);
    for (const RsaSizeWeight& s : sizes) {
      if (s.bits == size.bits) {
        *error = "key size " + bits_text + " given twice";
        return false;
      }
    }
    sizes.push_back(size);
    if (comma == text.size()) break;
  }
  if (sizes.empty()) {
    *error = "no key size";
    return false;
  }
  *out = std::move(sizes);
  return true;
}

std::string FormatKeySizes(const std::vector<RsaSizeWeight>& sizes) {
  std::string out;
  for (const RsaSizeWeight& s : sizes) {
    if (!out.empty()) out.push_back(',');
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%d:%g", s.bits, s.weight);
    out.append(buf);
  }
  return out;
}

std::string KeySpec::DnsName() const {
  return selector + "._domainkey." + domain;
}

std::string KeySpec::FileName() const {
  return selector + "." + domain + ".pem";
}

std::string KeySpec::ClassName() const {
  if (type == KeyType::kEd25519) return "ed25519";
  return "rsa" + std::to_string(bits);
}

std::string_view KeyStateName(KeyState state) {
  switch (state) {
    case KeyState::kPublished:
      return "published";
    case KeyState::kRevoked:
      return "revoked";
    case KeyState::kNxDomain:
      return "nxdomain";
    case KeyState::kAbsent:
      return "absent";
  }
  return "?";
}

std::vector<KeySpec> PlanKeys(const CorpusParams& params) {
  std::vector<KeySpec> keys;
  auto add = [&](const Identity& id, KeyType type, int bits, KeyState state) {
    KeySpec k;
    k.domain = id.domain;
    k.selector = id.selector;
    k.type = type;
    k.bits = bits;
    k.state = state;
    keys.push_back(std::move(k));
  };
  for (const RsaSizeWeight& size : params.rsa_sizes) {
    std::span<const Identity> ids;
    switch (size.bits) {
      case 1024:
        ids = kRsa1024Ids;
        break;
      case 2048:
        ids = kRsa2048Ids;
        break;
      case 4096:
        ids = kRsa4096Ids;
        break;
      default:
        break;
    }
    if (!ids.empty()) {
      for (const Identity& id : ids) {
        add(id, KeyType::kRsa, size.bits, KeyState::kPublished);
      }
      continue;
    }
    // Other sizes: one selector on two domains.
    std::string selector = "rsa" + std::to_string(size.bits);
    for (const char* domain : {"example.com", "example.net"}) {
      KeySpec k;
      k.domain = domain;
      k.selector = selector;
      k.bits = size.bits;
      keys.push_back(std::move(k));
    }
  }
  for (const Identity& id : kEd25519Ids) {
    add(id, KeyType::kEd25519, 256, KeyState::kPublished);
  }
  const int primary = PrimaryRsaBits(params);
  for (const Identity& id : kRevokedIds) {
    add(id, KeyType::kRsa, primary, KeyState::kRevoked);
  }
  for (const Identity& id : kNxDomainIds) {
    add(id, KeyType::kRsa, primary, KeyState::kNxDomain);
  }
  for (const Identity& id : kAbsentIds) {
    add(id, KeyType::kRsa, primary, KeyState::kAbsent);
  }
  return keys;
}

bool GenerateKeyPem(uint64_t seed, const KeySpec& key, std::string* out_pem,
                    std::string* error) {
  KeyStream stream(seed, key.DnsName() + "|" + key.ClassName());
  EVP_PKEY* pkey = nullptr;
  if (key.type == KeyType::kEd25519) {
    uint8_t raw[32];
    if (!stream.Fill(raw, sizeof(raw))) {
      *error = "SHA-256 failed";
      return false;
    }
    pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, raw,
                                        sizeof(raw));
    OPENSSL_cleanse(raw, sizeof(raw));
    if (pkey == nullptr) {
      ERR_clear_error();
      *error = "building the Ed25519 key failed";
      return false;
    }
  } else {
    pkey = DeriveRsaKey(&stream, key.bits, error);
    if (pkey == nullptr) return false;
  }
  BIO* bio = BIO_new(BIO_s_mem());
  bool ok =
      bio != nullptr && PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0,
                                                 nullptr, nullptr) == 1;
  if (ok) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    out_pem->assign(data, static_cast<size_t>(len));
  } else {
    *error = "writing the PEM key failed";
  }
  BIO_free(bio);
  EVP_PKEY_free(pkey);
  ERR_clear_error();
  return ok;
}

std::string KeyRecordText(const KeySpec& key, std::string_view p_value) {
  std::string record = "v=DKIM1; k=";
  record.append(key.type == KeyType::kEd25519 ? "ed25519" : "rsa");
  record.append("; p=");
  if (key.state != KeyState::kRevoked) record.append(p_value);
  return record;
}

std::string_view MessageKindName(MessageKind kind) {
  switch (kind) {
    case MessageKind::kText:
      return "text";
    case MessageKind::kHtml:
      return "html";
    case MessageKind::kAttachment:
      return "attachment";
  }
  return "?";
}

std::string_view CaseName(Breakage breakage) {
  switch (breakage) {
    case Breakage::kNone:
      return "pass";
    case Breakage::kBodyEdit:
      return "body_edit";
    case Breakage::kHeaderEdit:
      return "header_edit";
    case Breakage::kLineEnds:
      return "line_ends";
    case Breakage::kRevokedKey:
      return "revoked_key";
    case Breakage::kNxDomainKey:
      return "nxdomain_key";
    case Breakage::kAbsentKey:
      return "absent_key";
    case Breakage::kUnsigned:
      return "unsigned";
  }
  return "?";
}

CorpusModel::CorpusModel(const CorpusParams& params, std::vector<KeySpec> keys,
                         std::vector<engine::PrivateKey> private_keys)
    : params_(params),
      keys_(std::move(keys)),
      private_keys_(std::move(private_keys)) {
  rsa_pools_.resize(params_.rsa_sizes.size());
  for (size_t i = 0; i < keys_.size(); ++i) {
    const KeySpec& k = keys_[i];
    switch (k.state) {
      case KeyState::kPublished:
        if (k.type == KeyType::kEd25519) {
          ed25519_pool_.push_back(i);
          break;
        }
        for (size_t s = 0; s < params_.rsa_sizes.size(); ++s) {
          if (params_.rsa_sizes[s].bits == k.bits) rsa_pools_[s].push_back(i);
        }
        break;
      case KeyState::kRevoked:
        revoked_pool_.push_back(i);
        break;
      case KeyState::kNxDomain:
        nxdomain_pool_.push_back(i);
        break;
      case KeyState::kAbsent:
        absent_pool_.push_back(i);
        break;
    }
  }
  for (const RsaSizeWeight& s : params_.rsa_sizes)
    rsa_weight_total_ += s.weight;
}

MessageSpec CorpusModel::PlanMessage(uint64_t index) const {
  Rng rng(StreamSeed(params_.seed, index, 1));
  // Every draw happens in the same order whatever the outcome, so changing
  // one fraction does not reshuffle unrelated choices.
  const double u_kind = rng.Unit();
  const double u_unsigned = rng.Unit();
  const double u_broken = rng.Unit();
  const double u_breakage = rng.Unit();
  const double u_ed25519 = rng.Unit();
  const double u_dual = rng.Unit();
  const double u_size = rng.Unit();
  const uint64_t u_key = rng.Next();
  const uint64_t u_key2 = rng.Next();
  const double u_canon = rng.Unit();
  const double u_canon2 = rng.Unit();
  const double u_oversign = rng.Unit();
  const double u_auid = rng.Unit();
  const double u_new = rng.Unit();
  const uint64_t u_jitter = rng.Next();
  const uint64_t u_delay = rng.Next();

  MessageSpec spec;
  spec.index = index;
  if (u_kind < params_.attachment_fraction) {
    spec.kind = MessageKind::kAttachment;
  } else if (u_kind < params_.attachment_fraction + params_.html_fraction) {
    spec.kind = MessageKind::kHtml;
  } else {
    spec.kind = MessageKind::kText;
  }
  // Chronological: the year 2025 spread over the corpus, in mbox order.
  constexpr int64_t kStart = 1735689600;  // 2025-01-01T00:00:00Z
  constexpr uint64_t kSpan = 364 * 86400;
  const uint64_t n = params_.messages > 0 ? params_.messages : 1;
  const uint64_t slot = kSpan / n;
  spec.delivered =
      kStart +
      static_cast<int64_t>(static_cast<unsigned __int128>(index) * kSpan / n) +
      static_cast<int64_t>(slot > 0 ? u_jitter % slot : 0);
  spec.sent = spec.delivered - 2 - static_cast<int64_t>(u_delay % 180);
  spec.in_new = u_new < 0.03;

  if (u_unsigned < params_.unsigned_fraction) {
    spec.breakage = Breakage::kUnsigned;
    return spec;
  }
  if (u_broken < params_.broken_fraction) {
    // Body edit, header edit, line ends, revoked key and missing key (half
    // NXDOMAIN, half absent from the cache), a fifth each.
    spec.breakage = u_breakage < 0.2   ? Breakage::kBodyEdit
                    : u_breakage < 0.4 ? Breakage::kHeaderEdit
                    : u_breakage < 0.6 ? Breakage::kLineEnds
                    : u_breakage < 0.8 ? Breakage::kRevokedKey
                    : u_breakage < 0.9 ? Breakage::kNxDomainKey
                                       : Breakage::kAbsentKey;
  }

  SignatureSpec sig;
  if (u_canon < params_.relaxed_fraction) {
    sig.header_canon = Canon::kRelaxed;
    sig.body_canon = Canon::kRelaxed;
  } else {
    // relaxed/simple 50%, simple/simple 30%, simple/relaxed 20%.
    sig.header_canon = u_canon2 < 0.5 ? Canon::kRelaxed : Canon::kSimple;
    sig.body_canon = u_canon2 < 0.8 ? Canon::kSimple : Canon::kRelaxed;
  }
  sig.oversign = u_oversign < 0.3;
  sig.auid = u_auid < 0.2;

  auto pick = [](const std::vector<size_t>& pool, uint64_t u) {
    return pool[u % pool.size()];
  };
  auto pick_rsa = [&](double u, uint64_t k) -> size_t {
    double acc = 0;
    for (size_t s = 0; s < rsa_pools_.size(); ++s) {
      acc += params_.rsa_sizes[s].weight / rsa_weight_total_;
      if (u < acc || s + 1 == rsa_pools_.size()) return pick(rsa_pools_[s], k);
    }
    return pick(rsa_pools_.back(), k);
  };

  const std::vector<size_t>* key_pool = nullptr;
  switch (spec.breakage) {
    case Breakage::kRevokedKey:
      key_pool = &revoked_pool_;
      break;
    case Breakage::kNxDomainKey:
      key_pool = &nxdomain_pool_;
      break;
    case Breakage::kAbsentKey:
      key_pool = &absent_pool_;
      break;
    default:
      break;
  }
  if (key_pool != nullptr) {
    sig.key = pick(*key_pool, u_key);
    spec.signatures.push_back(sig);
  } else if (u_ed25519 < params_.ed25519_fraction && !ed25519_pool_.empty()) {
    const size_t ed = pick(ed25519_pool_, u_key);
    if (u_dual < 0.5) {
      // RFC 8463 §4 style: an RSA signature of the same domain below the
      // Ed25519 one, for verifiers that lack Ed25519.
      SignatureSpec rsa = sig;
      rsa.key = pick_rsa(u_size, u_key2);
      for (const std::vector<size_t>& pool : rsa_pools_) {
        for (size_t k : pool) {
          if (keys_[k].domain == keys_[ed].domain) rsa.key = k;
        }
      }
      spec.signatures.push_back(rsa);
    }
    sig.key = ed;
    sig.algorithm = Algorithm::kEd25519Sha256;
    spec.signatures.push_back(sig);
  } else {
    sig.key = pick_rsa(u_size, u_key);
    spec.signatures.push_back(sig);
  }

  for (SignatureSpec& s : spec.signatures) {
    switch (spec.breakage) {
      case Breakage::kNone:
        if (keys_[s.key].type == KeyType::kRsa && keys_[s.key].bits < 1024) {
          s.result = Result::kPolicy;  // RFC 8301 (verify's default minimum)
          s.reason = Reason::kKeyTooSmall;
        } else {
          s.result = Result::kPass;
          s.reason = Reason::kOk;
        }
        break;
      case Breakage::kBodyEdit:
      case Breakage::kLineEnds:
        s.result = Result::kFail;
        s.reason = Reason::kBodyHashMismatch;
        break;
      case Breakage::kHeaderEdit:
        s.result = Result::kFail;
        s.reason = Reason::kSignatureMismatch;
        break;
      case Breakage::kRevokedKey:
        s.result = Result::kPermerror;
        s.reason = Reason::kKeyRevoked;
        break;
      case Breakage::kNxDomainKey:
        s.result = Result::kPermerror;
        s.reason = Reason::kKeyNotFound;
        break;
      case Breakage::kAbsentKey:
        s.result = Result::kTemperror;
        s.reason = Reason::kKeyUnavailable;
        break;
      case Breakage::kUnsigned:
        break;
    }
  }
  return spec;
}

bool MessageBuilder::Build(uint64_t index, GeneratedMessage* out,
                           std::string* error) {
  const CorpusParams& params = model_.params();
  out->spec = model_.PlanMessage(index);
  const MessageSpec& spec = out->spec;
  Rng rng(StreamSeed(params.seed, index, 2));

  // The sender: the signing domain of the top signature (or a plain domain
  // for unsigned mail).
  std::string domain = spec.signatures.empty()
                           ? std::string("example.net")
                           : model_.keys()[spec.signatures.back().key].domain;
  const std::string org = OrgName(domain);
  const Person& person = rng.Pick(kSenders);
  Draft draft;
  std::string sender_name;
  if (spec.kind == MessageKind::kHtml) {
    const bool news = rng.Chance(0.5);
    sender_name = news ? org + " News" : org;
    draft.from_address = (news ? "newsletter@" : "no-reply@") + domain;
    draft.envelope_from = "bounces+";
    AppendHex(Mix64(index ^ 0x5bd1e995), 10, &draft.envelope_from);
    draft.envelope_from.append("@").append(domain);
  } else {
    sender_name = person.name;
    draft.from_address = std::string(person.local) + "@" + domain;
    draft.envelope_from = draft.from_address;
  }
  AppendAddress(sender_name, draft.from_address, &draft.from_display);
  draft.signer_host = domain.starts_with("mail.") ? domain : "mail." + domain;
  draft.message_id = "<" + CompactStamp(spec.sent) + ".";
  // Mix64 is a bijection, so Message-IDs never repeat within a corpus.
  AppendHex(Mix64(index + StreamSeed(params.seed, 0, 3)), 16,
            &draft.message_id);
  draft.message_id.append("@").append(draft.signer_host).push_back('>');

  std::string& text = out->text;
  text.clear();
  switch (spec.kind) {
    case MessageKind::kText:
      ComposeText(rng, draft, sender_name, spec.sent,
                  200 + rng.Below(600) + rng.Below(400), &text);
      break;
    case MessageKind::kHtml:
      ComposeHtml(rng, draft, org, domain, spec.sent, 4200 + rng.Below(4600),
                  &text);
      break;
    case MessageKind::kAttachment:
      ComposeAttachment(rng, draft, sender_name, spec.sent,
                        40000 + rng.Below(70000), &text);
      break;
  }

  // Sign, lowest signature first; each new field goes on top.
  for (const SignatureSpec& s : spec.signatures) {
    const KeySpec& key = model_.keys()[s.key];
    engine::SignOptions options;
    options.domain = key.domain;
    options.selector = key.selector;
    options.algorithm = s.algorithm;
    options.header_canon = s.header_canon;
    options.body_canon = s.body_canon;
    if (s.oversign) options.oversign = {"from", "to", "subject"};
    options.timestamp = spec.sent + static_cast<int64_t>(rng.Below(3));
    if (s.auid) options.auid = "@" + key.domain;
    if (!signer_.Sign(text, model_.private_key(s.key), options, &field_,
                      error)) {
      *error = key.DnsName() + ": " + *error;
      return false;
    }
    field_.append(text);
    text.swap(field_);
  }

  switch (spec.breakage) {
    case Breakage::kBodyEdit:
      BreakBody(rng, &text);
      break;
    case Breakage::kHeaderEdit:
      BreakHeader(rng, &text);
      break;
    case Breakage::kLineEnds:
      BreakLineEnds(&text);
      break;
    default:
      break;
  }

  // Delivery: the receiving MX adds its trace fields on top.
  const std::string_view to_header = "\nTo: ";
  size_t to_pos = text.find(to_header);
  std::string rcpt = "postmaster@inbox.example";
  if (to_pos != std::string::npos) {
    size_t end = text.find('\n', to_pos + 1);
    std::string_view to_value(text.data() + to_pos + to_header.size(),
                              end - to_pos - to_header.size());
    size_t lt = to_value.find('<');
    if (lt != std::string_view::npos) {
      to_value = to_value.substr(lt + 1, to_value.find('>') - lt - 1);
    }
    rcpt = std::string(to_value);
  }
  const char* mx = MxFor(rcpt);
  std::string trace;
  trace.reserve(512);
  trace.append("Return-Path: <").append(draft.envelope_from).append(">\n");
  trace.append("Delivered-To: ").append(rcpt).push_back('\n');
  trace.append("Received: from ").append(draft.signer_host).append(" (");
  trace.append(draft.signer_host).append(" [");
  static constexpr const char* kNets[] = {"192.0.2.", "198.51.100.",
                                          "203.0.113."};
  trace.append(rng.Pick(kNets));
  AppendUint(1 + rng.Below(254), &trace);
  trace.append("])\n\tby ").append(mx).append(" (Postfix) with ESMTPS id ");
  static constexpr char kQueueChars[] =
      "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
  for (int i = 0; i < 12; ++i) {
    trace.push_back(kQueueChars[rng.Below(sizeof(kQueueChars) - 1)]);
  }
  trace.append("\n\tfor <").append(rcpt).append(">; ");
  trace.append(Rfc5322Date(spec.delivered, 0)).append(" (UTC)\n");
  trace.append(text);
  text.swap(trace);

  out->mbox_from =
      "From " + draft.envelope_from + " " + AscTime(spec.delivered);
  out->maildir_sub = spec.in_new ? "new" : "cur";
  out->maildir_name =
      MaildirNameOf(index, spec.in_new, Mix64(index ^ params.seed));

  // Expected verdict: signatures top first.
  std::vector<engine::SignatureVerdict> expected;
  std::string& line = out->truth_line;
  line.clear();
  line.append("{\"index\":");
  AppendUint(index, &line);
  line.append(",\"message_id\":");
  AppendJsonString(draft.message_id, &line);
  std::string sigs;
  for (size_t i = spec.signatures.size(); i-- > 0;) {
    const SignatureSpec& s = spec.signatures[i];
    const KeySpec& key = model_.keys()[s.key];
    engine::SignatureVerdict v;
    v.result = s.result;
    v.reason = s.reason;
    expected.push_back(std::move(v));
    if (!sigs.empty()) sigs.push_back(',');
    sigs.append("{\"d\":");
    AppendJsonString(key.domain, &sigs);
    sigs.append(",\"s\":");
    AppendJsonString(key.selector, &sigs);
    sigs.append(",\"result\":\"")
        .append(engine::ResultWord(s.result))
        .append("\",\"reason\":\"")
        .append(engine::ReasonCode(s.reason))
        .append("\"}");
  }
  out->dkim = engine::MessageResult(expected);
  line.append(",\"dkim\":\"")
      .append(engine::ResultWord(out->dkim))
      .append("\",\"signatures\":[")
      .append(sigs)
      .append("],\"case\":\"")
      .append(CaseName(spec.breakage))
      .append("\",\"kind\":\"")
      .append(MessageKindName(spec.kind))
      .append("\"}\n");
  return true;
}

}  // namespace dkimbatch::cli
