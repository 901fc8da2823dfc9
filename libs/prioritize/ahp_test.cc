#include "libs/prioritize/ahp.h"

#include <cmath>
#include <numeric>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"

namespace backplan {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::AllOf;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Saaty's relative consumption of drinks in the United States; rows and
// columns coffee, wine, tea, beer, soda, milk, water.
AhpMatrix Drinks() {
  return {{1, 9, 5, 2, 1, 1, 1.0 / 2},
          {1.0 / 9, 1, 1.0 / 3, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9},
          {1.0 / 5, 3, 1, 1.0 / 3, 1.0 / 4, 1.0 / 3, 1.0 / 9},
          {1.0 / 2, 9, 3, 1, 1.0 / 2, 1, 1.0 / 3},
          {1, 9, 4, 2, 1, 2, 1.0 / 2},
          {1, 9, 3, 1, 1.0 / 2, 1, 1.0 / 3},
          {2, 9, 9, 3, 2, 3, 1}};
}

TEST(ComputeAhpWeights, ReproducesSaatysDrinkConsumption) {
  auto result = ComputeAhpWeights(Drinks());
  ASSERT_TRUE(result.ok()) << result.status();
  constexpr double kTol = 0.001;
  EXPECT_THAT(result->weights,
              ElementsAre(DoubleNear(0.177, kTol), DoubleNear(0.019, kTol),
                          DoubleNear(0.042, kTol), DoubleNear(0.116, kTol),
                          DoubleNear(0.190, kTol), DoubleNear(0.129, kTol),
                          DoubleNear(0.327, kTol)));
  EXPECT_NEAR(
      std::accumulate(result->weights.begin(), result->weights.end(), 0.0), 1.0,
      1e-12);
  EXPECT_NEAR(result->lambda_max, 7.18, 0.01);
  EXPECT_NEAR(result->consistency_index, (result->lambda_max - 7) / 6, 1e-12);
  EXPECT_DOUBLE_EQ(result->random_index, 1.32);
  EXPECT_NEAR(result->consistency_ratio, 0.022, 0.001);
  EXPECT_GT(result->iterations, 0);
}

TEST(ComputeAhpWeights, WeightsAreAnEigenvector) {
  auto result = ComputeAhpWeights(Drinks());
  ASSERT_TRUE(result.ok()) << result.status();
  const AhpMatrix a = Drinks();
  for (size_t i = 0; i < a.size(); ++i) {
    double row = 0;
    for (size_t j = 0; j < a.size(); ++j) row += a[i][j] * result->weights[j];
    EXPECT_NEAR(row, result->lambda_max * result->weights[i], 1e-9) << i;
  }
}

TEST(ComputeAhpWeights, ConsistentMatrixHasZeroRatio) {
  // w = (4, 2, 1) / 7: a[i][j] = w_i / w_j is perfectly consistent.
  auto result = ComputeAhpWeights({{1, 2, 4}, {0.5, 1, 2}, {0.25, 0.5, 1}});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->weights,
              ElementsAre(DoubleNear(4.0 / 7, 1e-9), DoubleNear(2.0 / 7, 1e-9),
                          DoubleNear(1.0 / 7, 1e-9)));
  EXPECT_NEAR(result->lambda_max, 3, 1e-9);
  EXPECT_NEAR(result->consistency_ratio, 0, 1e-9);
}

TEST(ComputeAhpWeights, HandlesOneAndTwoCriteria) {
  auto one = ComputeAhpWeights({{1}});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_THAT(one->weights, ElementsAre(1.0));
  EXPECT_EQ(one->consistency_ratio, 0);

  auto two = ComputeAhpWeights({{1, 3}, {1.0 / 3, 1}});
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_THAT(two->weights,
              ElementsAre(DoubleNear(0.75, 1e-9), DoubleNear(0.25, 1e-9)));
  EXPECT_EQ(two->random_index, 0);
  EXPECT_EQ(two->consistency_ratio, 0);
}

TEST(ComputeAhpWeights, RefusesInconsistentMatrixQuotingTheRatio) {
  // A > B, B > C, but C >> A.
  const AhpMatrix circular = {
      {1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}};
  EXPECT_THAT(ComputeAhpWeights(circular),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("consistency ratio"),
                             HasSubstr("exceeds the threshold 0.1000"))));
  // The same matrix passes when the caller accepts any inconsistency.
  auto lenient = ComputeAhpWeights(circular, 1000);
  ASSERT_TRUE(lenient.ok()) << lenient.status();
  EXPECT_GT(lenient->consistency_ratio, 0.1);
}

TEST(ComputeAhpWeights, ThresholdIsTheCallers) {
  // The drinks matrix (CR ~0.022) is refused under a 0.01 threshold.
  EXPECT_THAT(ComputeAhpWeights(Drinks(), 0.01),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("0.02")));
  EXPECT_THAT(ComputeAhpWeights(Drinks(), -1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("consistency_threshold")));
  EXPECT_THAT(ComputeAhpWeights(Drinks(), NAN),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("consistency_threshold")));
}

TEST(ComputeAhpWeights, RefusesMalformedMatrices) {
  using absl::StatusCode::kInvalidArgument;
  EXPECT_THAT(ComputeAhpWeights({}),
              StatusIs(kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(ComputeAhpWeights({{1, 2}, {0.5}}),
              StatusIs(kInvalidArgument, HasSubstr("row 1 has 1 entries")));
  EXPECT_THAT(ComputeAhpWeights({{1, 2}}),
              StatusIs(kInvalidArgument, HasSubstr("square")));
  EXPECT_THAT(
      ComputeAhpWeights({{1, -2}, {-0.5, 1}}),
      StatusIs(kInvalidArgument, HasSubstr("ahp.values[1] (row 0, column 1)")));
  EXPECT_THAT(ComputeAhpWeights({{1, 0}, {0, 1}}),
              StatusIs(kInvalidArgument, HasSubstr("positive")));
  EXPECT_THAT(ComputeAhpWeights({{1, INFINITY}, {0, 1}}),
              StatusIs(kInvalidArgument, HasSubstr("finite")));
  EXPECT_THAT(
      ComputeAhpWeights({{2, 1}, {1, 1}}),
      StatusIs(kInvalidArgument, HasSubstr("ahp.values[0] (row 0, column 0)")));
  EXPECT_THAT(ComputeAhpWeights({{1, 3}, {0.5, 1}}),
              StatusIs(kInvalidArgument,
                       AllOf(HasSubstr("ahp.values[1] (row 0, column 1)"),
                             HasSubstr("reciprocal"))));
  // Three significant digits are close enough to reciprocal.
  EXPECT_TRUE(ComputeAhpWeights({{1, 3}, {0.333, 1}}).ok());
  const AhpMatrix too_big(16, std::vector<double>(16, 1.0));
  EXPECT_THAT(ComputeAhpWeights(too_big),
              StatusIs(kInvalidArgument, HasSubstr("at most 15")));
  const AhpMatrix fifteen(15, std::vector<double>(15, 1.0));
  auto ok = ComputeAhpWeights(fifteen);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_NEAR(ok->weights[0], 1.0 / 15, 1e-12);
}

TEST(AhpRandomIndex, IsSaatysTable) {
  const double expected[] = {0,    0,    0.58, 0.90, 1.12, 1.24, 1.32, 1.41,
                             1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59};
  for (int n = 1; n <= kMaxAhpCriteria; ++n) {
    EXPECT_DOUBLE_EQ(AhpRandomIndex(n), expected[n - 1]) << n;
  }
}

}  // namespace
}  // namespace backplan
