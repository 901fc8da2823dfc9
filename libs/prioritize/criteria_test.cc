#include "libs/prioritize/criteria.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"

namespace backplan {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::HasSubstr;

TEST(CriterionFromName, ParsesEveryNameAndDurationAsJobSize) {
  for (Criterion c : {Criterion::kImportance, Criterion::kDifficulty,
                      Criterion::kBusinessValue, Criterion::kTimeCriticality,
                      Criterion::kRiskReduction, Criterion::kJobSize}) {
    ASSERT_OK_AND_ASSIGN(Criterion parsed,
                         CriterionFromName(CriterionName(c), "weights[0]"));
    EXPECT_EQ(parsed, c);
  }
  ASSERT_OK_AND_ASSIGN(Criterion size, CriterionFromName("duration", "x"));
  EXPECT_EQ(size, Criterion::kJobSize);
  EXPECT_THAT(CriterionFromName("value", "weights[2].criterion"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("weights[2].criterion: unknown criterion "
                                 "\"value\"")));
}

TEST(PrefersLower, OnlyDifficultyAndJobSize) {
  EXPECT_TRUE(PrefersLower(Criterion::kDifficulty));
  EXPECT_TRUE(PrefersLower(Criterion::kJobSize));
  EXPECT_FALSE(PrefersLower(Criterion::kImportance));
  EXPECT_FALSE(PrefersLower(Criterion::kTimeCriticality));
}

TEST(DefaultWeightedCriteria, ImportanceSixTenthsDifficultyFourTenths) {
  const std::vector<WeightedCriterion> d = DefaultWeightedCriteria();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].criterion, Criterion::kImportance);
  EXPECT_EQ(d[0].weight, 0.6);
  EXPECT_FALSE(d[0].prefer_lower);
  EXPECT_EQ(d[1].criterion, Criterion::kDifficulty);
  EXPECT_EQ(d[1].weight, 0.4);
  EXPECT_TRUE(d[1].prefer_lower);
}

TEST(CheckCriterionNames, RefusesEmptyAndRepeatedNames) {
  EXPECT_OK(CheckCriterionNames({"price", "taste"}, "matrix.criteria"));
  EXPECT_THAT(CheckCriterionNames({"price", ""}, "matrix.criteria"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("matrix.criteria[1]: empty")));
  EXPECT_THAT(
      CheckCriterionNames({"price", "taste", "price"}, "ahp.criteria"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("ahp.criteria[2]: criterion \"price\" given twice "
                         "(also ahp.criteria[0])")));
}

}  // namespace
}  // namespace backplan
