#include "libs/convert/recipe_convert.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"

namespace backplan {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::HasSubstr;

v1::RecipeBook LaunchBook() {
  v1::RecipeBook book;
  book.set_name("launch");
  v1::Recipe* recipe = book.add_recipes();
  recipe->set_name("launch it");
  recipe->set_goal("launch {product}");
  recipe->add_sub_goals("{product} is built");
  recipe->set_extra_cost_days(2);
  v1::RecipeTask* press = recipe->add_tasks();
  press->set_title("write press release");
  press->set_duration_days(3);
  press->set_optimistic_days(2);
  press->set_pessimistic_days(5);
  press->mutable_attributes()->set_importance(8);
  press->mutable_attributes()->set_rice_reach(1000);
  press->mutable_attributes()->set_rice_impact(0.5);
  v1::RecipeTask* event = recipe->add_tasks();
  event->set_title("launch event");
  event->set_duration_days(1);
  event->add_after("write press release");
  return book;
}

TEST(RecipeBookFromProto, KeepsAttributesAndEstimates) {
  const decompose::RecipeBook book = RecipeBookFromProto(LaunchBook());
  ASSERT_EQ(book.recipes.size(), 1u);
  const decompose::Recipe& recipe = book.recipes[0];
  EXPECT_EQ(recipe.extra_cost_days, 2);
  ASSERT_EQ(recipe.tasks.size(), 2u);
  EXPECT_EQ(recipe.tasks[0].attributes.importance, 8);
  EXPECT_EQ(recipe.tasks[0].attributes.rice_reach, 1000);
  EXPECT_EQ(recipe.tasks[0].attributes.rice_impact, 0.5);
  EXPECT_FALSE(recipe.tasks[0].attributes.rice_effort.has_value());
  EXPECT_EQ(recipe.tasks[0].optimistic_days, 2);
  EXPECT_EQ(recipe.tasks[0].pessimistic_days, 5);
  EXPECT_FALSE(recipe.tasks[1].optimistic_days.has_value());
  EXPECT_THAT(recipe.tasks[1].after,
              ::testing::ElementsAre("write press release"));
}

TEST(RecipeBookToProto, RoundTripsTheStoredForm) {
  v1::RecipeBook out;
  RecipeBookToProto(RecipeBookFromProto(LaunchBook()), &out);
  v1::RecipeBook again;
  RecipeBookToProto(RecipeBookFromProto(out), &again);
  EXPECT_EQ(out.SerializeAsString(), again.SerializeAsString());
  EXPECT_EQ(out.recipes(0).tasks(0).attributes().importance(), 8);
  EXPECT_TRUE(out.recipes(0).tasks(0).attributes().has_rice_reach());
  EXPECT_FALSE(out.recipes(0).tasks(0).attributes().has_rice_effort());
}

TEST(RecipeBookFromRequest, RefusesFractionalExtraCost) {
  v1::RecipeBook book = LaunchBook();
  book.mutable_recipes(0)->set_extra_cost_days(1.5);
  EXPECT_THAT(RecipeBookFromRequest(&book, nullptr).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("recipes[0].extra_cost_days")));
}

TEST(RecipeBookFromRequest, RefusesOutOfRangeAttributesInsteadOfAborting) {
  v1::RecipeBook book = LaunchBook();
  book.mutable_recipes(0)
      ->mutable_tasks(0)
      ->mutable_attributes()
      ->set_difficulty(11);
  EXPECT_THAT(
      RecipeBookFromRequest(&book, nullptr).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("difficulty")));
}

TEST(RecipeBookFromRequest, ReadsYaml) {
  const std::string yaml =
      "recipes:\n"
      "  - name: r\n"
      "    goal: ship {x}\n"
      "    tasks:\n"
      "      - title: build {x}\n"
      "        days: 2\n";
  absl::StatusOr<decompose::RecipeBook> book =
      RecipeBookFromRequest(nullptr, &yaml);
  ASSERT_OK(book.status());
  ASSERT_EQ(book->recipes.size(), 1u);
  EXPECT_EQ(book->recipes[0].tasks[0].duration_days, 2);
}

}  // namespace
}  // namespace backplan
