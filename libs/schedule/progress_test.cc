#include "libs/schedule/progress.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/core/testing/plan_builders.h"
#include "libs/schedule/cpm.h"

namespace backplan {
namespace {

using ::backplan::testing::D;
using ::backplan::testing::MakeTask;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// a (3d) -> b (4d) -> c (2d), a -> d (1d); Monday 2026-03-02 to Friday
// 2026-03-20. As of Monday 2026-03-09: a done (Mon-Wed of the first week),
// b in progress with 3 days left, c and d not started.
Plan ProgressPlan() {
  Plan plan;
  plan.id = "p";
  plan.outcome.title = "Outcome";
  plan.outcome.start_date = D(2026, 3, 2);
  plan.outcome.target_date = D(2026, 3, 20);
  plan.tasks = {MakeTask("a", 3), MakeTask("b", 4), MakeTask("c", 2),
                MakeTask("d", 1)};
  plan.dependencies = {{"a", "b", 0}, {"b", "c", 0}, {"a", "d", 0}};
  plan.tasks[0].progress.status = TaskStatus::kDone;
  plan.tasks[0].progress.actual_start = D(2026, 3, 2);
  plan.tasks[0].progress.actual_finish = D(2026, 3, 4);
  plan.tasks[1].progress.status = TaskStatus::kInProgress;
  plan.tasks[1].progress.actual_start = D(2026, 3, 5);
  plan.tasks[1].progress.remaining_days = 3;
  return plan;
}

ScheduleRequest AsOf(absl::CivilDay day, ScheduleMode mode) {
  ScheduleRequest request;
  request.mode = mode;
  request.today = D(2026, 3, 2);
  request.as_of = day;
  return request;
}

TEST(Progress, MixOfDoneInProgressAndNotStarted) {
  const Plan plan = ProgressPlan();
  ASSERT_OK_AND_ASSIGN(
      Timeline t, Schedule(plan, AsOf(D(2026, 3, 9), ScheduleMode::kBackward)));
  const ScheduledNode& a = *FindNode(t, "a");
  const ScheduledNode& b = *FindNode(t, "b");
  const ScheduledNode& c = *FindNode(t, "c");
  const ScheduledNode& d = *FindNode(t, "d");
  // Done: fixed at its actual dates.
  EXPECT_EQ(a.status, TaskStatus::kDone);
  EXPECT_EQ(a.earliest_start, D(2026, 3, 2));
  EXPECT_EQ(a.latest_start, D(2026, 3, 2));
  EXPECT_EQ(a.earliest_finish, D(2026, 3, 4));
  EXPECT_EQ(a.deadline, D(2026, 3, 4));
  EXPECT_EQ(a.deadline_reason.kind, DeadlineReason::Kind::kDone);
  EXPECT_FALSE(a.critical);
  // In progress: 3 remaining days from the as-of Monday.
  EXPECT_EQ(b.status, TaskStatus::kInProgress);
  EXPECT_EQ(b.duration_days, 3);
  EXPECT_EQ(b.earliest_start, D(2026, 3, 9));
  EXPECT_EQ(b.earliest_finish, D(2026, 3, 11));
  EXPECT_EQ(b.latest_finish, D(2026, 3, 18));  // c needs Thu and Fri.
  EXPECT_EQ(b.latest_start, D(2026, 3, 16));
  EXPECT_EQ(b.slack_days, 5);
  // Not started: after its predecessors, and not before as-of.
  EXPECT_EQ(c.earliest_start, D(2026, 3, 12));
  EXPECT_EQ(c.earliest_finish, D(2026, 3, 13));
  EXPECT_EQ(d.earliest_start, D(2026, 3, 9));  // a finished on the 4th.
  EXPECT_EQ(d.latest_finish, D(2026, 3, 20));
  EXPECT_EQ(t.earliest_finish, D(2026, 3, 13));
  EXPECT_TRUE(t.feasible);
  EXPECT_EQ(t.start_date, D(2026, 3, 9));
}

TEST(Progress, IgnoredWithoutAsOf) {
  ScheduleRequest request;
  request.today = D(2026, 3, 2);
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(ProgressPlan(), request));
  EXPECT_EQ(FindNode(t, "a")->status, TaskStatus::kNotStarted);
  EXPECT_EQ(FindNode(t, "b")->earliest_start, D(2026, 3, 5));
  EXPECT_EQ(FindNode(t, "b")->duration_days, 4);
}

TEST(Progress, LateAsOfMakesTargetInfeasible) {
  ASSERT_OK_AND_ASSIGN(
      Timeline t,
      Schedule(ProgressPlan(), AsOf(D(2026, 3, 19), ScheduleMode::kBackward)));
  // b: Thu 19, Fri 20, Mon 23; c: Tue 24, Wed 25 against Friday the 20th.
  EXPECT_FALSE(t.feasible);
  EXPECT_EQ(t.earliest_finish, D(2026, 3, 25));
  EXPECT_EQ(t.days_short, 3);
  EXPECT_THAT(t.causing_chain, ::testing::ElementsAre("b", "c", "outcome"));
}

TEST(Progress, RemainingZeroFinishesBeforeAsOf) {
  Plan plan = ProgressPlan();
  plan.tasks[1].progress.remaining_days = 0;
  ASSERT_OK_AND_ASSIGN(
      Timeline t, Schedule(plan, AsOf(D(2026, 3, 9), ScheduleMode::kForward)));
  EXPECT_EQ(FindNode(t, "b")->earliest_finish, D(2026, 3, 6));
  EXPECT_EQ(FindNode(t, "c")->earliest_start, D(2026, 3, 9));
}

TEST(Progress, RejectsDoneAfterAsOf) {
  EXPECT_THAT(
      Schedule(ProgressPlan(), AsOf(D(2026, 3, 3), ScheduleMode::kBackward)),
      testing::StatusIs(absl::StatusCode::kInvalidArgument,
                        HasSubstr("tasks[0].progress.actual_finish")));
}

TEST(ChangedDeadlines, ListsMovedForwardDeadlines) {
  const Plan plan = ProgressPlan();
  ScheduleRequest fresh;
  fresh.mode = ScheduleMode::kForward;
  fresh.today = D(2026, 3, 2);
  ASSERT_OK_AND_ASSIGN(Timeline before, Schedule(plan, fresh));
  ASSERT_OK_AND_ASSIGN(
      Timeline after,
      Schedule(plan, AsOf(D(2026, 3, 9), ScheduleMode::kForward)));
  const std::vector<DeadlineChange> changes = ChangedDeadlines(before, after);
  // Before: a 2-4, b 5-10, c 11-12, d 5, outcome 12.
  // After:  a 2-4, b 9-11, c 12-13, d 9, outcome 13.
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].id, "b");
  EXPECT_EQ(changes[0].old_deadline, D(2026, 3, 10));
  EXPECT_EQ(changes[0].new_deadline, D(2026, 3, 11));
  EXPECT_EQ(changes[0].moved_days, 1);
  EXPECT_EQ(changes[1].id, "c");
  EXPECT_EQ(changes[2].id, "d");
  EXPECT_EQ(changes[2].old_deadline, D(2026, 3, 5));
  EXPECT_EQ(changes[2].new_deadline, D(2026, 3, 9));
  EXPECT_EQ(changes[2].moved_days, 4);
  EXPECT_EQ(changes[3].id, "outcome");
}

TEST(ChangedDeadlines, BackwardDoneTaskMovesToActualFinish) {
  const Plan plan = ProgressPlan();
  ScheduleRequest fresh;
  fresh.today = D(2026, 3, 2);
  ASSERT_OK_AND_ASSIGN(Timeline before, Schedule(plan, fresh));
  ASSERT_OK_AND_ASSIGN(
      Timeline after,
      Schedule(plan, AsOf(D(2026, 3, 9), ScheduleMode::kBackward)));
  const std::vector<DeadlineChange> changes = ChangedDeadlines(before, after);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].id, "a");
  EXPECT_EQ(changes[0].old_deadline, D(2026, 3, 12));
  EXPECT_EQ(changes[0].new_deadline, D(2026, 3, 4));
  EXPECT_THAT(ChangedDeadlines(after, after), IsEmpty());
}

}  // namespace
}  // namespace backplan
