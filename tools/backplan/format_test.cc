// Rendering of decompose, books, watch and ahp answers.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/backplan/ahp_command.h"
#include "tools/backplan/edit_commands.h"
#include "tools/backplan/recipe_commands.h"

namespace backplan::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::DecomposeResponse SmallDecomposition() {
  v1::DecomposeResponse response;
  v1::Plan* plan = response.mutable_plan();
  plan->mutable_outcome()->set_title("launch the reader");
  plan->set_outcome_goal_id("goal/launch");
  v1::Goal* root = plan->add_goals();
  root->set_id("goal/launch");
  root->set_title("launch the reader");
  root->set_recipe("launch-with-store");
  root->set_state(v1::BROKEN_DOWN);
  root->add_sub_goal_ids("goal/store");
  root->add_sub_goal_ids("goal/fact");
  root->add_task_ids("task/press");
  v1::Goal* store = plan->add_goals();
  store->set_id("goal/store");
  store->set_title("store sells the reader");
  store->set_state(v1::OPEN);
  v1::Goal* fact = plan->add_goals();
  fact->set_id("goal/fact");
  fact->set_title("we have a hardware team");
  fact->set_state(v1::FACT);
  v1::Task* task = plan->add_tasks();
  task->set_id("task/press");
  task->set_title("write the press release");
  task->set_duration_days(3);
  response.add_open_goal_ids("goal/store");
  v1::GoalExplanation* x = response.add_explanations();
  x->set_goal_id("goal/launch");
  x->set_goal("launch the reader");
  x->set_chosen_recipe("launch-with-store");
  x->set_open_goals(1);
  x->set_effort_days(3);
  v1::GoalExplanation::Alternative* chosen = x->add_alternatives();
  chosen->set_recipe("launch-with-store");
  chosen->set_applicable(true);
  chosen->set_open_goals(1);
  chosen->set_effort_days(3);
  chosen->set_reason("chosen");
  v1::GoalExplanation::Alternative* skipped = x->add_alternatives();
  skipped->set_recipe("launch-in-house");
  skipped->set_reason("condition false: we have a factory");
  return response;
}

TEST(FormatDecomposition, ShowsTreeOpenGoalsAndExplanation) {
  const std::string text = FormatDecomposition(SmallDecomposition());
  EXPECT_THAT(text, HasSubstr("outcome: launch the reader\n"));
  EXPECT_THAT(text, HasSubstr("  goal launch the reader  [BROKEN_DOWN, recipe "
                              "launch-with-store]  goal/launch\n"
                              "    task write the press release  (3 days)  "
                              "task/press\n"
                              "    goal store sells the reader  [OPEN]  "
                              "goal/store\n"
                              "    goal we have a hardware team  [FACT]  "
                              "goal/fact\n"));
  EXPECT_THAT(text, HasSubstr("open goals (1):\n  store sells the reader  "
                              "goal/store\n"));
  EXPECT_THAT(text,
              HasSubstr("\"launch the reader\": chose launch-with-store (1 "
                        "open goal, 3 days)\n"
                        "    launch-with-store: 1 open goal, 3 days (chosen)\n"
                        "    launch-in-house: not applicable (condition "
                        "false: we have a factory)\n"));
  EXPECT_THAT(text, Not(HasSubstr("stored as plan")));
}

TEST(FormatDecomposition, NamesTheStoredPlan) {
  v1::DecomposeResponse response = SmallDecomposition();
  response.set_plan_id("p-1");
  response.set_version(1);
  EXPECT_THAT(FormatDecomposition(response),
              HasSubstr("stored as plan p-1 version 1\n"));
}

TEST(FormatRecipeBook, ShowsRecipesAndTasks) {
  v1::RecipeBook book;
  book.set_name("launch");
  book.set_version(2);
  v1::Recipe* recipe = book.add_recipes();
  recipe->set_name("build");
  recipe->set_goal("{product} is built");
  recipe->add_when("we have a factory");
  recipe->add_sub_goals("{product} has a design");
  v1::RecipeTask* task = recipe->add_tasks();
  task->set_title("manufacture {product}");
  task->set_duration_days(40);
  task->set_optimistic_days(30);
  task->set_pessimistic_days(60);
  task->mutable_attributes()->set_importance(8);
  task->add_after("order parts");
  const std::string text = FormatRecipeBook(book);
  EXPECT_THAT(text, HasSubstr("book launch  version 2  (1 recipes)\n"));
  EXPECT_THAT(text, HasSubstr("recipe build\n  goal: {product} is built\n"
                              "  when: we have a factory\n"));
  EXPECT_THAT(text,
              HasSubstr("    - manufacture {product} (40 days, optimistic 30, "
                        "pessimistic 60) after order parts; importance "
                        "8\n"));
}

TEST(FormatWatchEvent, OneLinePerEvent) {
  v1::PlanEvent event;
  event.set_id("17-0");
  event.set_type("plan.edited");
  event.set_plan_version(3);
  event.set_request_id("cli-1");
  EXPECT_EQ(FormatWatchEvent(event, "2027-01-04T10:00:00.000Z"),
            "2027-01-04T10:00:00.000Z  plan.edited  v3  request cli-1  "
            "event 17-0\n");
}

TEST(FormatAhpWeights, ThreeDecimalsAndConsistency) {
  v1::AhpWeights weights;
  v1::CriterionWeight* w = weights.add_weights();
  w->set_criterion("importance");
  w->set_weight(0.6667);
  weights.set_lambda_max(3.0384);
  weights.set_consistency_index(0.0193);
  weights.set_consistency_ratio(0.0332);
  const std::string text = FormatAhpWeights(weights);
  EXPECT_THAT(text, HasSubstr("importance   0.667\n"));
  EXPECT_THAT(text, HasSubstr("λmax 3.038  consistency index 0.019  "
                              "consistency ratio 0.033\n"));
}

}  // namespace
}  // namespace backplan::cli
