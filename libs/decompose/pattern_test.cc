#include "libs/decompose/pattern.h"

#include <string>

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

}  // namespace
}  // namespace backplan::decompose
