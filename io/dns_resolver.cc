// io/dns_resolver.cc
//
// libunbound driver: a window of asynchronous queries, polled on the
// context's file descriptor, each with its own deadline.
#include "io/dns_resolver.h"

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>

#include "io/unbound_api.h"

namespace dkimbatch::io {
namespace {

constexpr int kTypeTxt = 16;
constexpr int kClassIn = 1;
constexpr int kRcodeNoError = 0;
constexpr int kRcodeNxDomain = 3;

using Clock = std::chrono::steady_clock;

// Ub is libunbound, loaded by DnsResolver::Create before any use.
const UnboundApi& Ub() { return **LoadUnbound(); }

// Per-name state of one ResolveTxt call; `mydata` of its query.
struct Slot {
  struct Run* run = nullptr;
  size_t index = 0;
  int async_id = 0;
  bool done = false;
  Clock::time_point deadline;
};

struct Run {
  std::vector<TxtAnswer>* answers = nullptr;
  bool validating = false;
  size_t done = 0;
  size_t in_flight = 0;
};

void Finish(Slot* slot) {
  slot->done = true;
  ++slot->run->done;
  --slot->run->in_flight;
}

void OnAnswer(void* mydata, int err, ub_result* result) {
  auto* slot = static_cast<Slot*>(mydata);
  if (slot->done) {  // answered after its deadline: already TIMEOUT
    if (result != nullptr) Ub().resolve_free(result);
    return;
  }
  TxtAnswer& answer = (*slot->run->answers)[slot->index];
  answer.answered_at = static_cast<int64_t>(std::time(nullptr));
  answer.dnssec = "unknown";
  if (err != 0 || result == nullptr) {
    answer.rcode = engine::DnsRcode::kServFail;
  } else {
    if (slot->run->validating) {
      answer.dnssec = result->secure  ? "secure"
                      : result->bogus ? "bogus"
                                      : "insecure";
      if (result->bogus && result->why_bogus != nullptr) {
        answer.why_bogus = result->why_bogus;
      }
    }
    if (result->rcode == kRcodeNoError && !result->bogus) {
      answer.rcode = engine::DnsRcode::kNoError;
      for (int i = 0; result->havedata && result->data[i] != nullptr; ++i) {
        std::vector<std::string> strings;
        const auto* bytes = reinterpret_cast<const uint8_t*>(result->data[i]);
        if (ParseTxtRdata({bytes, static_cast<size_t>(result->len[i])},
                          &strings)) {
          answer.records.push_back(std::move(strings));
        }
      }
    } else if (result->rcode == kRcodeNxDomain && !result->bogus) {
      answer.rcode = engine::DnsRcode::kNxDomain;
    } else {
      // REFUSED, FORMERR, NOTIMP... and bogus answers: the key cannot be
      // had right now, which DESIGN.md's rcodes call SERVFAIL.
      answer.rcode = engine::DnsRcode::kServFail;
    }
    Ub().resolve_free(result);
  }
  Finish(slot);
}

absl::Status UnboundError(const std::string& what, int err) {
  return absl::InvalidArgumentError(what + ": " + Ub().strerror(err));
}

}  // namespace

std::vector<std::string> JoinTxtRecords(
    const std::vector<std::vector<std::string>>& records) {
  std::vector<std::string> joined;
  joined.reserve(records.size());
  for (const std::vector<std::string>& strings : records) {
    std::string text;
    for (const std::string& s : strings) text += s;
    joined.push_back(std::move(text));
  }
  return joined;
}

bool ParseTxtRdata(std::span<const uint8_t> rdata,
                   std::vector<std::string>* out) {
  out->clear();
  size_t pos = 0;
  while (pos < rdata.size()) {
    const size_t len = rdata[pos];
    if (pos + 1 + len > rdata.size()) return false;
    out->emplace_back(reinterpret_cast<const char*>(rdata.data() + pos + 1),
                      len);
    pos += 1 + len;
  }
  return true;
}

absl::StatusOr<std::unique_ptr<DnsResolver>> DnsResolver::Create(
    const ResolverOptions& options) {
  if (options.concurrency < 1) {
    return absl::InvalidArgumentError("concurrency must be at least 1");
  }
  if (!options.trust_anchor_file.empty()) {
    std::FILE* f = std::fopen(options.trust_anchor_file.c_str(), "r");
    if (f == nullptr) {
      return absl::NotFoundError("cannot read trust anchor file " +
                                 options.trust_anchor_file);
    }
    std::fclose(f);
  }
  if (absl::StatusOr<const UnboundApi*> api = LoadUnbound(); !api.ok()) {
    return api.status();
  }
  std::unique_ptr<DnsResolver> resolver(new DnsResolver(options));
  absl::StatusOr<ub_ctx*> ctx = resolver->NewContext();
  if (!ctx.ok()) return ctx.status();
  Ub().ctx_delete(*ctx);
  return resolver;
}

absl::StatusOr<ub_ctx*> DnsResolver::NewContext() const {
  ub_ctx* ctx = Ub().ctx_create();
  if (ctx == nullptr) return absl::InternalError("ub_ctx_create failed");
  auto fail = [ctx](absl::Status status) {
    Ub().ctx_delete(ctx);
    return status;
  };
  const std::string in_flight = std::to_string(options_.concurrency + 16);
  const std::string sockets =
      std::to_string(std::min(2 * options_.concurrency + 64, 8192));
  const std::pair<const char*, std::string> settings[] = {
      // Test and private set-ups serve keys on 127.0.0.1.
      {"do-not-query-localhost:", "no"},
      {"num-queries-per-thread:", in_flight},
      {"outgoing-range:", sockets},
  };
  for (const auto& [name, value] : settings) {
    if (int err = Ub().ctx_set_option(ctx, name, value.c_str()); err != 0) {
      return fail(UnboundError(std::string("option ") + name, err));
    }
  }
  if (options_.forwarder == "system") {
    if (int err = Ub().ctx_resolvconf(ctx, nullptr); err != 0) {
      return fail(UnboundError("/etc/resolv.conf", err));
    }
  } else if (!options_.forwarder.empty()) {
    if (int err = Ub().ctx_set_fwd(ctx, options_.forwarder.c_str()); err != 0) {
      return fail(UnboundError("resolver " + options_.forwarder, err));
    }
  }
  for (const auto& [zone, addr] : options_.stubs) {
    if (int err = Ub().ctx_set_stub(ctx, zone.c_str(), addr.c_str(), 0);
        err != 0) {
      return fail(UnboundError("stub " + zone + "=" + addr, err));
    }
  }
  if (!options_.trust_anchor_file.empty()) {
    if (int err = Ub().ctx_add_ta_file(ctx, options_.trust_anchor_file.c_str());
        err != 0) {
      return fail(
          UnboundError("trust anchor " + options_.trust_anchor_file, err));
    }
  }
  // Answers are handled in ub_process() on this thread; libunbound's own
  // worker thread does the network I/O.
  if (int err = Ub().ctx_async(ctx, 1); err != 0) {
    return fail(UnboundError("ub_ctx_async", err));
  }
  return ctx;
}

std::vector<TxtAnswer> DnsResolver::ResolveTxt(
    std::span<const std::string> names,
    const std::function<void(size_t, size_t)>& progress) {
  std::vector<TxtAnswer> answers(names.size());
  if (names.empty()) return answers;
  absl::StatusOr<ub_ctx*> made = NewContext();
  if (!made.ok()) {  // Create already succeeded once with these options
    for (TxtAnswer& a : answers) a.rcode = engine::DnsRcode::kServFail;
    return answers;
  }
  ub_ctx* ctx = *made;
  Run run;
  run.answers = &answers;
  run.validating = !options_.trust_anchor_file.empty();
  std::vector<Slot> slots(names.size());
  // Deadlines are submission time + timeout, so the queue of queries in
  // submission order is also in deadline order.
  std::deque<Slot*> window;
  const auto timeout = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(options_.timeout_s));
  const size_t concurrency = static_cast<size_t>(options_.concurrency);
  size_t next = 0;
  size_t reported = 0;

  while (run.done < names.size()) {
    while (run.in_flight < concurrency && next < names.size()) {
      Slot& slot = slots[next];
      slot.run = &run;
      slot.index = next;
      slot.deadline = Clock::now() + timeout;
      ++run.in_flight;
      if (Ub().resolve_async(ctx, names[next].c_str(), kTypeTxt, kClassIn,
                             &slot, OnAnswer, &slot.async_id) != 0) {
        answers[next].rcode = engine::DnsRcode::kServFail;
        answers[next].answered_at = static_cast<int64_t>(std::time(nullptr));
        Finish(&slot);
      } else {
        window.push_back(&slot);
      }
      ++next;
    }
    while (!window.empty() && window.front()->done) window.pop_front();
    int wait_ms = 100;
    if (!window.empty()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          window.front()->deadline - Clock::now());
      wait_ms =
          static_cast<int>(std::clamp<int64_t>(left.count() + 1, 0, wait_ms));
    }
    pollfd pfd{Ub().fd(ctx), POLLIN, 0};
    if (::poll(&pfd, 1, wait_ms) > 0) Ub().process(ctx);
    const auto now = Clock::now();
    while (!window.empty() &&
           (window.front()->done || window.front()->deadline <= now)) {
      Slot* slot = window.front();
      window.pop_front();
      if (slot->done) continue;
      // If the answer is already on its way, ub_cancel fails and OnAnswer
      // later ignores it (the slot is done).
      Ub().cancel(ctx, slot->async_id);
      TxtAnswer& answer = answers[slot->index];
      answer.rcode = engine::DnsRcode::kTimeout;
      answer.dnssec = "unknown";
      answer.answered_at = static_cast<int64_t>(std::time(nullptr));
      Finish(slot);
    }
    if (progress && run.done != reported) {
      reported = run.done;
      progress(run.done, names.size());
    }
  }
  Ub().ctx_delete(ctx);
  return answers;
}

}  // namespace dkimbatch::io
