// The goal tree both `get` (FormatPlan) and `decompose` (FormatDecomposition)
// print: every case of the walk (shared goals, cycles, missing goals and
// tasks, goals the outcome does not reach, tasks under no goal) rendered in
// full by both.
#include "tools/backplan/goal_tree.h"

#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/backplan/format.h"
#include "tools/backplan/recipe_commands.h"

namespace backplan::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::Goal* AddGoal(v1::Plan* plan, const std::string& id,
                  const std::string& title, v1::GoalState state) {
  v1::Goal* goal = plan->add_goals();
  goal->set_id(id);
  goal->set_title(title);
  goal->set_state(state);
  return goal;
}

void AddTask(v1::Plan* plan, const std::string& id, const std::string& title,
             int days) {
  v1::Task* task = plan->add_tasks();
  task->set_id(id);
  task->set_title(title);
  task->set_duration_days(days);
}

// g-out -> {t-a, t-gone (missing); g-sub -> {t-b; g-shared -> {t-a;
// g-out (a cycle)}}, g-none (missing), g-shared (reached again)}; g-stray
// is under no goal, t-loose under none either.
v1::Plan TangledPlan() {
  v1::Plan plan;
  plan.set_id("p-1");
  plan.set_version(3);
  plan.mutable_outcome()->set_title("ship it");
  v1::Date* target = plan.mutable_outcome()->mutable_target_date();
  target->set_year(2027);
  target->set_month(6);
  target->set_day(30);
  v1::Date* start = plan.mutable_outcome()->mutable_start_date();
  start->set_year(2027);
  start->set_month(6);
  start->set_day(7);
  plan.set_outcome_goal_id("g-out");
  v1::Goal* out = AddGoal(&plan, "g-out", "ship it", v1::BROKEN_DOWN);
  out->set_recipe("ship");
  out->add_task_ids("t-a");
  out->add_task_ids("t-gone");
  out->add_sub_goal_ids("g-sub");
  out->add_sub_goal_ids("g-none");
  out->add_sub_goal_ids("g-shared");
  v1::Goal* sub = AddGoal(&plan, "g-sub", "sell it", v1::OPEN);
  sub->add_task_ids("t-b");
  sub->add_sub_goal_ids("g-shared");
  v1::Goal* shared = AddGoal(&plan, "g-shared", "we can", v1::FACT);
  shared->add_task_ids("t-a");
  shared->add_sub_goal_ids("g-out");
  AddGoal(&plan, "g-stray", "stray goal", v1::BROKEN_DOWN)->add_task_ids("t-c");
  AddTask(&plan, "t-a", "build it", 2);
  AddTask(&plan, "t-b", "sell it hard", 1);
  AddTask(&plan, "t-c", "stray task", 3);
  AddTask(&plan, "t-loose", "loose", 1);
  v1::Dependency* dep = plan.add_dependencies();
  dep->set_predecessor_id("t-a");
  dep->set_successor_id("t-b");
  dep->set_lag_days(2);
  return plan;
}

TEST(GoalTree, RowsInPrintOrderWithDepths) {
  const v1::Plan plan = TangledPlan();
  using Kind = GoalTreeRow::Kind;
  std::vector<std::tuple<Kind, int, std::string>> rows;
  for (const GoalTreeRow& row : GoalTree(plan)) {
    rows.emplace_back(row.kind, row.depth, row.id);
    const bool has_goal =
        row.kind == Kind::kGoal || row.kind == Kind::kSharedGoal;
    const bool has_task =
        row.kind == Kind::kTask || row.kind == Kind::kLooseTask;
    EXPECT_EQ(row.goal != nullptr, has_goal) << row.id;
    EXPECT_EQ(row.task != nullptr, has_task) << row.id;
    if (has_goal) {
      EXPECT_EQ(row.goal->id(), row.id);
    }
    if (has_task) {
      EXPECT_EQ(row.task->id(), row.id);
    }
  }
  const std::vector<std::tuple<Kind, int, std::string>> want = {
      {Kind::kGoal, 1, "g-out"},         {Kind::kTask, 2, "t-a"},
      {Kind::kMissingTask, 2, "t-gone"}, {Kind::kGoal, 2, "g-sub"},
      {Kind::kTask, 3, "t-b"},           {Kind::kGoal, 3, "g-shared"},
      {Kind::kTask, 4, "t-a"},           {Kind::kSharedGoal, 4, "g-out"},
      {Kind::kMissingGoal, 2, "g-none"}, {Kind::kSharedGoal, 2, "g-shared"},
      {Kind::kGoal, 1, "g-stray"},       {Kind::kTask, 2, "t-c"},
      {Kind::kLooseTask, 1, "t-loose"}};
  EXPECT_EQ(rows, want);
}

TEST(GoalTree, EmptyPlanHasNoRows) {
  EXPECT_TRUE(GoalTree(v1::Plan()).empty());
}

TEST(GoalTree, FormatPlanWalksEveryCase) {
  EXPECT_EQ(FormatPlan(TangledPlan()),
            "plan p-1  version 3\n"
            "outcome: ship it\n"
            "  target 2027-06-30 Wed, start 2027-06-07 Mon\n"
            "goals (4) and tasks (4):\n"
            "  goal g-out  ship it  [outcome]\n"
            "    task t-a  build it  (2 days)\n"
            "    task t-gone (missing)\n"
            "    goal g-sub  sell it  [open]\n"
            "      task t-b  sell it hard  (1 day)\n"
            "      goal g-shared  we can  [fact]\n"
            "        task t-a  build it  (2 days)\n"
            "        goal g-out (shown above)\n"
            "    goal g-none (missing)\n"
            "    goal g-shared (shown above)\n"
            "  goal g-stray  stray goal\n"
            "    task t-c  stray task  (3 days)\n"
            "  task t-loose  loose  (1 day, under no goal)\n"
            "dependencies (1):\n"
            "  t-a -> t-b  (lag 2 days)\n");
}

TEST(GoalTree, FormatDecompositionWalksEveryCase) {
  v1::DecomposeResponse response;
  *response.mutable_plan() = TangledPlan();
  const std::string text = FormatDecomposition(response);
  EXPECT_EQ(text.substr(0, text.find("\nopen goals")),
            "outcome: ship it\n"
            "  target 2027-06-30 Wed, start 2027-06-07 Mon\n"
            "\n"
            "goals (4) and tasks (4, 7 working days of work):\n"
            "  goal ship it  [BROKEN_DOWN, recipe ship]  g-out\n"
            "    task build it  (2 days)  t-a\n"
            "    task t-gone (missing)\n"
            "    goal sell it  [OPEN]  g-sub\n"
            "      task sell it hard  (1 day)  t-b\n"
            "      goal we can  [FACT]  g-shared\n"
            "        task build it  (2 days)  t-a\n"
            "        goal ship it  (shared, shown above)\n"
            "    goal g-none (missing)\n"
            "    goal we can  (shared, shown above)\n"
            "  goal stray goal  [BROKEN_DOWN]  g-stray\n"
            "    task stray task  (3 days)  t-c\n");
  // A task under no goal is left to the open goals to tell.
  EXPECT_THAT(text, Not(HasSubstr("t-loose")));
}

}  // namespace
}  // namespace backplan::cli
