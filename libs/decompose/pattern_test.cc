#include "libs/decompose/pattern.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"

namespace backplan::decompose {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

TEST(NormalizeText, LowerCasesAndCollapsesWhiteSpace) {
  EXPECT_EQ(NormalizeText("  Launch\tthe \n Reader  "), "launch the reader");
  EXPECT_EQ(NormalizeText(""), "");
  EXPECT_EQ(NormalizeText(" \t "), "");
  EXPECT_EQ(CollapseWhitespace("  Launch\tthe \n Reader  "),
            "Launch the Reader");
}

TEST(TemplateMatch, BindsVariable) {
  Template t = Template::Parse("Launch  {product}").value();
  EXPECT_THAT(t.Match("launch the reader"),
              Optional(UnorderedElementsAre(Pair("product", "the reader"))));
  EXPECT_EQ(t.Match("launch"), std::nullopt);   // Variables are non-empty.
  EXPECT_EQ(t.Match("launch "), std::nullopt);  // Not normalised: no match.
  EXPECT_EQ(t.Match("relaunch x"), std::nullopt);
}

TEST(TemplateMatch, LeftmostVariableTakesTheShortestText) {
  Template t = Template::Parse("{a} and {b}").value();
  EXPECT_THAT(
      t.Match("x and y and z"),
      Optional(UnorderedElementsAre(Pair("a", "x"), Pair("b", "y and z"))));
  Template adjacent = Template::Parse("{a}{b}").value();
  EXPECT_THAT(adjacent.Match("xyz"),
              Optional(UnorderedElementsAre(Pair("a", "x"), Pair("b", "yz"))));
  Template three = Template::Parse("{a} {b} {c}").value();
  EXPECT_THAT(three.Match("p q r s"),
              Optional(UnorderedElementsAre(Pair("a", "p"), Pair("b", "q"),
                                            Pair("c", "r s"))));
}

TEST(TemplateMatch, BacktracksWhenShortestFails) {
  // {a} must end before a "b" and be repeated after it up to the end: for
  // "abaab" the first "b" leaves "aab" after it, the second nothing.
  Template t = Template::Parse("{a}b{a}").value();
  EXPECT_THAT(t.Match("aabaa"),
              Optional(UnorderedElementsAre(Pair("a", "aa"))));
  EXPECT_EQ(t.Match("abaab"), std::nullopt);
  Template u = Template::Parse("{a} to {b} to end").value();
  EXPECT_THAT(
      u.Match("p to q to r to end"),
      Optional(UnorderedElementsAre(Pair("a", "p"), Pair("b", "q to r"))));
}

TEST(TemplateMatch, RepeatedVariableMustBindTheSameText) {
  Template t = Template::Parse("{x} needs {x}").value();
  EXPECT_THAT(t.Match("ab needs ab"),
              Optional(UnorderedElementsAre(Pair("x", "ab"))));
  EXPECT_EQ(t.Match("ab needs cd"), std::nullopt);
}

TEST(TemplateMatch, TakesValuesFromDisplayText) {
  Template t = Template::Parse("launch {product}").value();
  EXPECT_THAT(t.Match("launch the reader", "Launch the Reader"),
              Optional(UnorderedElementsAre(Pair("product", "the Reader"))));
}

TEST(TemplateSubstitute, ReplacesVariablesKeepingLiteralCase) {
  Template t = Template::Parse("Store sells {product}", false).value();
  EXPECT_EQ(t.Substitute({{"product", "the reader"}}),
            "Store sells the reader");
  EXPECT_EQ(t.Substitute({}), "Store sells {product}");
  EXPECT_THAT(t.Variables(), ::testing::ElementsAre("product"));
}

TEST(TemplateParse, RejectsMalformedBraces) {
  EXPECT_THAT(
      Template::Parse("launch {product"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unclosed")));
  EXPECT_THAT(Template::Parse("launch product}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("stray")));
  EXPECT_THAT(Template::Parse("launch {}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(Template::Parse("launch {2x}"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("bad variable name")));
  EXPECT_THAT(Template::Parse("launch {a b}"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("bad variable name")));
}

// Hostile input D1: eight variables separated by spaces and a literal that
// never occurs make naive backtracking try every split of 2,000 words.
std::string Words(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) absl::StrAppend(&text, i == 0 ? "" : " ", "w");
  return text;
}

TEST(TemplateMatch, FailedSplitsAreRememberedSoHostilePatternsArePolynomial) {
  ASSERT_OK_AND_ASSIGN(Template t,
                       Template::Parse("{a} {b} {c} {d} {e} {f} {g}x{h}"));
  // 60 words took 2.4 s by plain backtracking; with failures remembered it
  // is a few hundred thousand steps.
  MatchBudget budget{.steps_left = 5000000};
  EXPECT_EQ(t.Match(Words(60), {}, &budget), std::nullopt);
  EXPECT_FALSE(budget.exhausted);
  EXPECT_GT(budget.steps_left, 4000000);
}

TEST(TemplateMatch, BudgetEndsAHugeMatchAndSaysSo) {
  ASSERT_OK_AND_ASSIGN(Template t,
                       Template::Parse("{a} {b} {c} {d} {e} {f} {g}x{h}"));
  MatchBudget budget{.steps_left = 100000};
  EXPECT_EQ(t.Match(Words(2000), {}, &budget), std::nullopt);
  EXPECT_TRUE(budget.exhausted);
  EXPECT_EQ(budget.steps_left, 0);
}

TEST(TemplateMatch, MemoKeepsLeftmostShortestAndRepeatedVariables) {
  ASSERT_OK_AND_ASSIGN(Template t, Template::Parse("{a} {b} {c}x"));
  MatchBudget budget{.steps_left = 1000};
  EXPECT_THAT(t.Match("p q r s tx", {}, &budget),
              Optional(UnorderedElementsAre(Pair("a", "p"), Pair("b", "q"),
                                            Pair("c", "r s t"))));
  ASSERT_OK_AND_ASSIGN(Template twice, Template::Parse("{x} and {x} {y}"));
  EXPECT_THAT(twice.Match("a b and a b c"),
              Optional(UnorderedElementsAre(Pair("x", "a b"), Pair("y", "c"))));
}

}  // namespace
}  // namespace backplan::decompose
