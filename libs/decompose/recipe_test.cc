#include "libs/decompose/recipe.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"

namespace backplan::decompose {
namespace {

using ::backplan::testing::IsOk;
using ::backplan::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

RecipeBook OneRecipe(Recipe r) {
  RecipeBook book;
  book.recipes.push_back(std::move(r));
  return book;
}

Recipe Launch() {
  Recipe r;
  r.name = "launch";
  r.goal = "launch {product}";
  r.when = {"{product} is approved"};
  r.sub_goals = {"{product} is built"};
  r.tasks = {{.title = "write press release", .duration_days = 3},
             {.title = "launch event for {product}",
              .duration_days = 1,
              .after = {"Write  Press release"}}};
  return r;
}

TEST(ValidateRecipeBook, AcceptsAValidBook) {
  EXPECT_THAT(ValidateRecipeBook(OneRecipe(Launch())), IsOk());
}

TEST(ValidateRecipeBook, RejectsUnboundVariables) {
  Recipe r = Launch();
  r.sub_goals = {"{prodct} is built"};
  EXPECT_THAT(ValidateRecipeBook(OneRecipe(r), "book"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("book: recipes[0] \"launch\""),
                             HasSubstr("sub_goals[0]"),
                             HasSubstr("{prodct} is not bound"))));
  r = Launch();
  r.when = {"{x} is approved"};
  EXPECT_THAT(
      ValidateRecipeBook(OneRecipe(r)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("when[0]")));
  r = Launch();
  r.tasks[0].title = "write {y}";
  r.tasks[0].line = 17;
  EXPECT_THAT(ValidateRecipeBook(OneRecipe(r), "f.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("f.yaml:17:"),
                             HasSubstr("tasks[0].title"), HasSubstr("{y}"))));
}

TEST(ValidateRecipeBook, RejectsDuplicateNames) {
  RecipeBook book = OneRecipe(Launch());
  book.recipes.push_back(Launch());
  book.recipes[0].line = 3;
  book.recipes[1].line = 9;
  EXPECT_THAT(
      ValidateRecipeBook(book, "b.yaml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("b.yaml:9:"), HasSubstr("duplicate recipe name"),
                     HasSubstr("on line 3"))));
}

TEST(ValidateRecipeBook, RejectsBadNumbers) {
  Recipe r = Launch();
  r.tasks[0].duration_days = -1;
  EXPECT_THAT(ValidateRecipeBook(OneRecipe(r)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tasks[0].days -1 is out of range")));
  r = Launch();
  r.tasks[0].optimistic_days = 4;
  EXPECT_THAT(ValidateRecipeBook(OneRecipe(r)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("optimistic 4 > days 3")));
  r = Launch();
  r.tasks[0].pessimistic_days = 2;
  EXPECT_THAT(ValidateRecipeBook(OneRecipe(r)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("pessimistic 2 < days 3")));
  r = Launch();
  r.tasks[1].attributes.importance = 11;
  EXPECT_THAT(ValidateRecipeBook(OneRecipe(r)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tasks[1].attributes.importance 11")));
  r = Launch();
  r.tasks[1].attributes.rice_impact = 4;
  EXPECT_THAT(
      ValidateRecipeBook(OneRecipe(r)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rice_impact 4")));
  r = Launch();
  r.extra_cost_days = -2;
  EXPECT_THAT(
      ValidateRecipeBook(OneRecipe(r)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("extra_cost -2")));
}

TEST(ValidateRecipeBook, RejectsBadOrdering) {
  Recipe r = Launch();
  r.tasks[1].after = {"no such task"};
  EXPECT_THAT(ValidateRecipeBook(OneRecipe(r)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no task \"no such task\"")));
  r = Launch();
  r.tasks[1].after = {"launch event for {product}"};
  EXPECT_THAT(
      ValidateRecipeBook(OneRecipe(r)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("after itself")));
  r = Launch();
  r.tasks[0].after = {"launch event for {product}"};
  EXPECT_THAT(
      ValidateRecipeBook(OneRecipe(r)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("forms a cycle")));
  r = Launch();
  r.tasks[1].title = "WRITE press release";
  r.tasks[1].after = {};
  EXPECT_THAT(ValidateRecipeBook(OneRecipe(r)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("duplicate task title")));
}

TEST(ValidateRecipeBook, RejectsEmptyAndMalformedTexts) {
  Recipe r = Launch();
  r.name = "";
  EXPECT_THAT(
      ValidateRecipeBook(OneRecipe(r)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name is empty")));
  r = Launch();
  r.goal = "  ";
  EXPECT_THAT(
      ValidateRecipeBook(OneRecipe(r)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("goal is empty")));
  r = Launch();
  r.goal = "launch {product";
  EXPECT_THAT(
      ValidateRecipeBook(OneRecipe(r)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unclosed")));
  r = Launch();
  r.sub_goals = {""};
  EXPECT_THAT(ValidateRecipeBook(OneRecipe(r)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sub_goals[0] is empty")));
}

}  // namespace
}  // namespace backplan::decompose
