// tests/engine/verdict_test.cc
//
// Reason codes, result words and message-level ranking.
#include "engine/verdict.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace dkimbatch::engine {
namespace {

TEST(Verdict, ReasonCodesAreDistinctAndMapToDesignResults) {
  std::set<std::string_view> codes;
  for (int r = 0; r < kNumReasons; ++r) {
    codes.insert(ReasonCode(static_cast<Reason>(r)));
  }
  EXPECT_EQ(codes.size(), static_cast<size_t>(kNumReasons));
  EXPECT_EQ(ReasonCode(Reason::kKeySyntax), "key_syntax");
  EXPECT_EQ(ResultOf(Reason::kKeyUnavailable), Result::kTemperror);
  EXPECT_EQ(ResultOf(Reason::kWeakHash), Result::kPolicy);
  EXPECT_EQ(ResultOf(Reason::kBodyHashMismatch), Result::kFail);
  EXPECT_EQ(ResultOf(Reason::kExpired), Result::kPermerror);
  EXPECT_EQ(ResultWord(Result::kTemperror), "temperror");
}

TEST(Verdict, MessageResultRanksBestFirst) {
  auto make = [](Result r) {
    SignatureVerdict v;
    v.result = r;
    return v;
  };
  EXPECT_EQ(MessageResult({}), Result::kNone);
  std::vector<SignatureVerdict> sigs = {make(Result::kPermerror),
                                        make(Result::kTemperror)};
  EXPECT_EQ(MessageResult(sigs), Result::kTemperror);
  sigs.push_back(make(Result::kPolicy));
  EXPECT_EQ(MessageResult(sigs), Result::kPolicy);
  sigs.push_back(make(Result::kFail));
  EXPECT_EQ(MessageResult(sigs), Result::kFail);
  sigs.push_back(make(Result::kPass));
  EXPECT_EQ(MessageResult(sigs), Result::kPass);
}

}  // namespace
}  // namespace dkimbatch::engine
