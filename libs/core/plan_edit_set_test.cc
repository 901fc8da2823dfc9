// The edits that replace a whole part of a plan (PlanEdit::Kind::kSet*),
// used to apply a plan file to a stored plan as one edit.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/core/plan_edit.h"
#include "libs/core/plan_graph.h"

namespace backplan {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Outcome goal "g" <- task "a" (2 days, needs one "dev"), by 2027-06-30.
Plan StaffedOneTaskPlan() {
  Plan plan;
  plan.outcome.title = "ship it";
  plan.outcome.target_date = absl::CivilDay(2027, 6, 30);
  plan.outcome_goal_id = "g";
  Goal goal;
  goal.id = "g";
  goal.title = "shipped";
  goal.task_ids = {"a"};
  plan.goals = {goal};
  Task task;
  task.id = "a";
  task.title = "build";
  task.duration_days = 2;
  task.demands = {ResourceDemand{"dev", 1, ""}};
  plan.tasks = {task};
  ResourcePool dev;
  dev.name = "dev";
  dev.capacity = 2;
  plan.resources = {dev};
  return plan;
}

PlanEdit SetEdit(PlanEdit::Kind kind) {
  PlanEdit edit;
  edit.kind = kind;
  return edit;
}

TEST(SetEdits, SetOutcomeReplacesTheWholeOutcomeOnly) {
  Plan plan = StaffedOneTaskPlan();
  PlanEdit edit = SetEdit(PlanEdit::Kind::kSetOutcome);
  edit.outcome.title = "ship it sooner";
  edit.outcome.target_date = absl::CivilDay(2027, 5, 31);
  edit.outcome.success_criteria = {"in the store"};
  edit.outcome.facts = {"team hired"};
  ASSERT_OK(ApplyPlanEdits({edit}, &plan).status());
  EXPECT_EQ(plan.outcome.title, "ship it sooner");
  EXPECT_EQ(plan.outcome.target_date, absl::CivilDay(2027, 5, 31));
  EXPECT_THAT(plan.outcome.success_criteria, ElementsAre("in the store"));
  EXPECT_THAT(plan.outcome.facts, ElementsAre("team hired"));
  ASSERT_EQ(plan.tasks.size(), 1u);
  EXPECT_EQ(plan.tasks[0].duration_days, 2);
  EXPECT_EQ(plan.outcome_goal_id, "g");
  EXPECT_OK(ValidatePlan(plan));
}

TEST(SetEdits, EditsApplyInOrderSoTheLaterTargetWins) {
  Plan plan = StaffedOneTaskPlan();
  PlanEdit outcome = SetEdit(PlanEdit::Kind::kSetOutcome);
  outcome.outcome.title = "renamed";
  outcome.outcome.target_date = absl::CivilDay(2027, 1, 15);
  PlanEdit target = SetEdit(PlanEdit::Kind::kSetTargetDate);
  target.outcome.target_date = absl::CivilDay(2027, 9, 1);
  target.outcome.title = "not used by a target edit";
  ASSERT_OK(ApplyPlanEdits({outcome, target}, &plan).status());
  EXPECT_EQ(plan.outcome.title, "renamed");
  EXPECT_EQ(plan.outcome.target_date, absl::CivilDay(2027, 9, 1));

  // The other way round the outcome edit's date stands.
  plan = StaffedOneTaskPlan();
  ASSERT_OK(ApplyPlanEdits({target, outcome}, &plan).status());
  EXPECT_EQ(plan.outcome.target_date, absl::CivilDay(2027, 1, 15));
}

TEST(SetEdits, SetCalendarReplacesWeekdaysAndHolidays) {
  Plan plan = StaffedOneTaskPlan();
  plan.calendar.holidays = {absl::CivilDay(2027, 5, 31)};
  PlanEdit edit = SetEdit(PlanEdit::Kind::kSetCalendar);
  edit.calendar.working_weekdays = {absl::Weekday::monday,
                                    absl::Weekday::tuesday};
  ASSERT_OK(ApplyPlanEdits({edit}, &plan).status());
  EXPECT_THAT(plan.calendar.working_weekdays,
              ElementsAre(absl::Weekday::monday, absl::Weekday::tuesday));
  EXPECT_TRUE(plan.calendar.holidays.empty());
  EXPECT_OK(ValidatePlan(plan));
}

TEST(SetEdits, SetResourcesReplacesAllPoolsAndValidationJudgesTheResult) {
  Plan plan = StaffedOneTaskPlan();
  PlanEdit edit = SetEdit(PlanEdit::Kind::kSetResources);
  ResourcePool qa;
  qa.name = "qa";
  qa.capacity = 1;
  edit.resources = {qa};
  ASSERT_OK(ApplyPlanEdits({edit}, &plan).status());
  ASSERT_EQ(plan.resources.size(), 1u);
  EXPECT_EQ(plan.resources[0].name, "qa");
  // Task "a" still demands the pool that is gone.
  EXPECT_THAT(ValidatePlan(plan),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dev")));

  // With the task's demand moved in the same edit list, it holds together.
  plan = StaffedOneTaskPlan();
  PlanEdit update;
  update.kind = PlanEdit::Kind::kUpdateTask;
  update.tasks = {plan.tasks[0]};
  update.tasks[0].demands = {ResourceDemand{"qa", 1, ""}};
  ASSERT_OK(ApplyPlanEdits({edit, update}, &plan).status());
  EXPECT_OK(ValidatePlan(plan));
  EXPECT_EQ(plan.tasks[0].demands[0].pool, "qa");

  // An empty list removes every pool.
  plan = StaffedOneTaskPlan();
  plan.tasks[0].demands.clear();
  PlanEdit none = SetEdit(PlanEdit::Kind::kSetResources);
  ASSERT_OK(ApplyPlanEdits({none}, &plan).status());
  EXPECT_TRUE(plan.resources.empty());
  EXPECT_OK(ValidatePlan(plan));
}

}  // namespace
}  // namespace backplan
