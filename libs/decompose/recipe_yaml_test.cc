#include "libs/decompose/recipe_yaml.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"

namespace backplan::decompose {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

constexpr char kBook[] = R"yaml(name: small
recipes:
  - name: launch
    goal: launch {product}
    when: ["{product} is approved"]
    sub_goals:
      - "{product} is built"
    tasks:
      - title: write press release
        days: 3
        optimistic: 2
        pessimistic: 5d
        attributes: {importance: 8, rice_impact: 0.5}
      - title: launch event
        days: 1d
        after: [write press release]
    extra_cost: 2
  - name: build
    goal: "{x} is built"
)yaml";

TEST(ParseRecipeBookYaml, ReadsEveryField) {
  ASSERT_OK_AND_ASSIGN(RecipeBook book, ParseRecipeBookYaml(kBook, "k.yaml"));
  EXPECT_EQ(book.name, "small");
  ASSERT_EQ(book.recipes.size(), 2u);
  const Recipe& r = book.recipes[0];
  EXPECT_EQ(r.name, "launch");
  EXPECT_EQ(r.goal, "launch {product}");
  EXPECT_THAT(r.when, ElementsAre("{product} is approved"));
  EXPECT_THAT(r.sub_goals, ElementsAre("{product} is built"));
  EXPECT_EQ(r.extra_cost_days, 2);
  EXPECT_EQ(r.line, 3);
  ASSERT_EQ(r.tasks.size(), 2u);
  EXPECT_EQ(r.tasks[0].title, "write press release");
  EXPECT_EQ(r.tasks[0].duration_days, 3);
  EXPECT_THAT(r.tasks[0].optimistic_days, Optional(2));
  EXPECT_THAT(r.tasks[0].pessimistic_days, Optional(5));
  EXPECT_EQ(r.tasks[0].attributes.importance, 8);
  EXPECT_THAT(r.tasks[0].attributes.rice_impact, Optional(0.5));
  EXPECT_EQ(r.tasks[0].line, 9);
  EXPECT_EQ(r.tasks[1].duration_days, 1);
  EXPECT_THAT(r.tasks[1].after, ElementsAre("write press release"));
  EXPECT_EQ(book.recipes[1].line, 18);
}

// Replaces the first occurrence of `from` in kBook.
std::string Edit(const std::string& from, const std::string& to) {
  std::string text = kBook;
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(ParseRecipeBookYaml, UnknownKeyNamesFileAndLine) {
  EXPECT_THAT(ParseRecipeBookYaml(Edit("sub_goals:", "subgoals:"), "k.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("k.yaml:6:"),
                             HasSubstr("unknown key \"subgoals\" in recipe"))));
  EXPECT_THAT(ParseRecipeBookYaml(Edit("importance", "importnce"), "k.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("k.yaml:13:"),
                             HasSubstr("unknown key \"importnce\""))));
}

TEST(ParseRecipeBookYaml, UnboundVariableNamesLine) {
  EXPECT_THAT(ParseRecipeBookYaml(
                  Edit("launch event", "launch event for {prod}"), "k.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("k.yaml:14:"),
                             HasSubstr("{prod} is not bound"))));
  EXPECT_THAT(ParseRecipeBookYaml(
                  Edit("\"{product} is built\"", "\"{p} is built\""), "k.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("k.yaml:3:"), HasSubstr("sub_goals[0]"),
                             HasSubstr("{p} is not bound"))));
}

TEST(ParseRecipeBookYaml, BadNumberNamesLine) {
  EXPECT_THAT(ParseRecipeBookYaml(Edit("days: 3", "days: three"), "k.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("k.yaml:10:"),
                             HasSubstr("bad number \"three\""))));
  EXPECT_THAT(ParseRecipeBookYaml(Edit("days: 3", "days: 2.5"), "k.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("k.yaml:10: bad number \"2.5\"")));
  EXPECT_THAT(ParseRecipeBookYaml(Edit("days: 3", "days: -3"), "k.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("k.yaml:10: `days` -3 is out of range")));
  EXPECT_THAT(
      ParseRecipeBookYaml(Edit("importance: 8", "importance: high"), "k.yaml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("k.yaml:13: bad number \"high\"")));
}

TEST(ParseRecipeBookYaml, DuplicateRecipeNameNamesBothLines) {
  EXPECT_THAT(
      ParseRecipeBookYaml(Edit("name: build", "name: launch"), "k.yaml"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          AllOf(HasSubstr("k.yaml:18:"), HasSubstr("duplicate recipe name"),
                HasSubstr("on line 3"))));
}

TEST(ParseRecipeBookYaml, RepeatedKeyAndWrongKinds) {
  EXPECT_THAT(ParseRecipeBookYaml(Edit("    extra_cost: 2",
                                       "    extra_cost: 2\n    extra_cost: 3"),
                                  "k.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("k.yaml:18:"), HasSubstr("repeated"))));
  EXPECT_THAT(ParseRecipeBookYaml("recipes: {a: 1}", "x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("x:1: `recipes` must be a list")));
  EXPECT_THAT(ParseRecipeBookYaml("- a", "x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("must be a mapping")));
  EXPECT_THAT(ParseRecipeBookYaml("name: x", "x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("missing key `recipes`")));
  EXPECT_THAT(ParseRecipeBookYaml("recipes:\n  - name: a\n", "x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("x:2: recipe without `goal`")));
}

TEST(ParseRecipeBookYaml, SyntaxErrorNamesLine) {
  EXPECT_THAT(
      ParseRecipeBookYaml("recipes:\n  - name: [a\n  - b: c\n", "s.yaml"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("s.yaml:")));
}

TEST(LoadRecipeBookFile, MissingFileIsNotFound) {
  EXPECT_THAT(LoadRecipeBookFile("/nonexistent/dir/book.yaml"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("/nonexistent/dir/book.yaml")));
}

// Hostile input D3: one anchored recipe with large `when` texts and
// thousands of aliases to it would copy the recipe every time.
TEST(ParseRecipeBookYaml, RefusesAliasAmplification) {
  std::string yaml =
      "recipes:\n  - &r\n    name: r\n    goal: g {x}\n"
      "    when:\n";
  for (int i = 0; i < 100; ++i) {
    absl::StrAppend(&yaml, "      - \"", std::string(1000, 'a'), " {x}\"\n");
  }
  for (int i = 0; i < 5000; ++i) absl::StrAppend(&yaml, "  - *r\n");
  EXPECT_THAT(
      ParseRecipeBookYaml(yaml, "big.yaml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("big.yaml:"), HasSubstr("YAML aliases"))));
}

TEST(ParseRecipeBookYaml, AcceptsModestAliases) {
  constexpr char kAliased[] = R"yaml(recipes:
  - name: a
    goal: launch {x}
    sub_goals: &subs ["{x} is built", "{x} is tested"]
  - name: b
    goal: ship {x}
    sub_goals: *subs
)yaml";
  ASSERT_OK_AND_ASSIGN(RecipeBook book, ParseRecipeBookYaml(kAliased, "a"));
  ASSERT_EQ(book.recipes.size(), 2u);
  EXPECT_EQ(book.recipes[1].sub_goals, book.recipes[0].sub_goals);
}

}  // namespace
}  // namespace backplan::decompose
