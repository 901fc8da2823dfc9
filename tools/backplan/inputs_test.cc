#include "tools/backplan/inputs.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace backplan::cli {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseFraction, ReadsNumbersAndFractions) {
  EXPECT_THAT(ParseFraction("3"), ::testing::Optional(3.0));
  EXPECT_THAT(ParseFraction(" 0.5 "), ::testing::Optional(0.5));
  EXPECT_THAT(ParseFraction("1/3"),
              ::testing::Optional(DoubleNear(1.0 / 3, 1e-12)));
  EXPECT_THAT(ParseFraction("1 / 9"),
              ::testing::Optional(DoubleNear(1.0 / 9, 1e-12)));
  EXPECT_THAT(ParseFraction("2.5/5"), ::testing::Optional(0.5));
}

TEST(ParseFraction, RefusesTextAndZeroDenominator) {
  EXPECT_EQ(ParseFraction(""), std::nullopt);
  EXPECT_EQ(ParseFraction("x"), std::nullopt);
  EXPECT_EQ(ParseFraction("1/0"), std::nullopt);
  EXPECT_EQ(ParseFraction("1/"), std::nullopt);
  EXPECT_EQ(ParseFraction("/2"), std::nullopt);
  EXPECT_EQ(ParseFraction("1/2/3"), std::nullopt);
  EXPECT_EQ(ParseFraction("inf"), std::nullopt);
}

TEST(ParseAhpText, ReadsCriteriaMatrixAndThreshold) {
  absl::StatusOr<AhpInput> input = ParseAhpText(
      "criteria: [a, b]\nmatrix:\n  - [1, 3]\n  - [1/3, 1]\nthreshold: 0.2\n",
      "m.yaml");
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_THAT(input->criteria, ElementsAre("a", "b"));
  EXPECT_THAT(input->values,
              ElementsAre(1.0, 3.0, DoubleNear(1.0 / 3, 1e-12), 1.0));
  EXPECT_EQ(input->threshold, 0.2);
}

TEST(ParseAhpText, ReadsJsonWithQuotedFractions) {
  absl::StatusOr<AhpInput> input = ParseAhpText(
      R"({"criteria": ["a", "b"], "matrix": [[1, "1/2"], [2, 1]]})", "m.json");
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_THAT(input->values, ElementsAre(1.0, 0.5, 2.0, 1.0));
  EXPECT_EQ(input->threshold, 0);
}

TEST(ParseAhpText, NamesTheLineAndCell) {
  absl::StatusOr<AhpInput> input = ParseAhpText(
      "criteria: [a, b]\nmatrix:\n  - [1, 3]\n  - [x, 1]\n", "m.yaml");
  ASSERT_FALSE(input.ok());
  EXPECT_THAT(input.status().message(),
              HasSubstr("m.yaml:4: matrix[1][0]: \"x\" is not a number"));
}

TEST(ParseAhpText, RefusesWrongShapesAndKeys) {
  EXPECT_FALSE(ParseAhpText("criteria: [a, b]\nmatrix: [[1, 2]]\n", "f").ok());
  EXPECT_FALSE(
      ParseAhpText("criteria: [a, b]\nmatrix: [[1, 2], [1]]\n", "f").ok());
  EXPECT_FALSE(ParseAhpText("matrix: [[1]]\n", "f").ok());
  EXPECT_FALSE(
      ParseAhpText("criteria: [a]\nmatrix: [[1]]\nweights: 1\n", "f").ok());
  EXPECT_FALSE(ParseAhpText("criteria: [a\n", "f").ok());
  EXPECT_FALSE(ParseAhpText("[1, 2]", "f").ok());
}

TEST(ParseTaskSpec, TitleMayContainColons) {
  absl::StatusOr<TaskSpec> task = ParseTaskSpec("t-ads:buy ads: radio, web:5d");
  ASSERT_TRUE(task.ok()) << task.status();
  EXPECT_EQ(task->id, "t-ads");
  EXPECT_EQ(task->title, "buy ads: radio, web");
  EXPECT_EQ(task->days, 5);
}

TEST(ParseTaskSpec, RefusesMissingPartsAndBadDays) {
  EXPECT_FALSE(ParseTaskSpec("t-ads:5").ok());
  EXPECT_FALSE(ParseTaskSpec(":title:5").ok());
  EXPECT_FALSE(ParseTaskSpec("id::5").ok());
  EXPECT_FALSE(ParseTaskSpec("id:title:five").ok());
  EXPECT_FALSE(ParseTaskSpec("id:title:-1").ok());
  EXPECT_FALSE(ParseTaskSpec("id:title:10001").ok());
}

TEST(ParseGoalSpec, SplitsAtTheFirstColon) {
  absl::StatusOr<GoalSpec> goal = ParseGoalSpec("g-x: spec: approved");
  ASSERT_TRUE(goal.ok()) << goal.status();
  EXPECT_EQ(goal->id, "g-x");
  EXPECT_EQ(goal->title, "spec: approved");
  EXPECT_FALSE(ParseGoalSpec("g-x").ok());
  EXPECT_FALSE(ParseGoalSpec("g-x:").ok());
}

TEST(ReadTextFile, MissingFileIsNotFound) {
  absl::StatusOr<std::string> text = ReadTextFile("/nonexistent/file.yaml");
  EXPECT_EQ(text.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(text.status().message(), HasSubstr("/nonexistent/file.yaml"));
}

}  // namespace
}  // namespace backplan::cli
