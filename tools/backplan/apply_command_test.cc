// apply's plan-file diff (checked by applying it with the services' own edit
// applier), list's table, and the edit retry rule's node comparison.
#include "tools/backplan/apply_command.h"

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "libs/convert/plan_convert.h"
#include "libs/convert/plan_edit_convert.h"
#include "libs/core/plan_edit.h"
#include "libs/core/plan_graph.h"
#include "tools/backplan/edit_retry.h"

namespace backplan::cli {
namespace {

using google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::Date Day(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// Outcome goal "g" <- tasks t0..t{n-1}, chained t0 -> t1 -> ...
v1::Plan BasePlan(int n) {
  v1::Plan plan;
  plan.mutable_outcome()->set_title("ship");
  *plan.mutable_outcome()->mutable_target_date() = Day(2027, 6, 30);
  plan.set_outcome_goal_id("g");
  v1::Goal* goal = plan.add_goals();
  goal->set_id("g");
  goal->set_title("shipped");
  for (int i = 0; i < n; ++i) {
    v1::Task* task = plan.add_tasks();
    task->set_id(absl::StrCat("t", i));
    task->set_title(absl::StrCat("task ", i));
    task->set_duration_days(1 + i % 4);
    goal->add_task_ids(task->id());
    if (i > 0) {
      v1::Dependency* dep = plan.add_dependencies();
      dep->set_predecessor_id(absl::StrCat("t", i - 1));
      dep->set_successor_id(task->id());
    }
  }
  return plan;
}

// `stored` after the edits, as EditPlan computes it.
v1::Plan Applied(
    const v1::Plan& stored,
    const google::protobuf::RepeatedPtrField<v1::PlanEdit>& edits) {
  absl::StatusOr<Plan> plain = PlanFromProto(stored);
  EXPECT_TRUE(plain.ok()) << plain.status();
  absl::StatusOr<std::vector<PlanEdit>> converted = PlanEditsFromProto(edits);
  EXPECT_TRUE(converted.ok()) << converted.status();
  absl::StatusOr<PlanEditOrigins> origins = ApplyPlanEdits(*converted, &*plain);
  EXPECT_TRUE(origins.ok()) << origins.status();
  EXPECT_TRUE(ValidatePlan(*plain).ok()) << ValidatePlan(*plain);
  return EditedPlanToProto(stored, edits, *plain, *origins);
}

// The plan with tasks, goals and dependencies sorted: order is not content.
v1::Plan Sorted(v1::Plan plan) {
  auto by_id = [](const auto& a, const auto& b) { return a.id() < b.id(); };
  std::sort(plan.mutable_tasks()->begin(), plan.mutable_tasks()->end(), by_id);
  std::sort(plan.mutable_goals()->begin(), plan.mutable_goals()->end(), by_id);
  std::sort(plan.mutable_dependencies()->begin(),
            plan.mutable_dependencies()->end(),
            [](const v1::Dependency& a, const v1::Dependency& b) {
              return std::make_tuple(a.predecessor_id(), a.successor_id(),
                                     a.lag_days()) <
                     std::make_tuple(b.predecessor_id(), b.successor_id(),
                                     b.lag_days());
            });
  return plan;
}

TEST(PlanFileEdits, SameFileGivesNoEdits) {
  google::protobuf::RepeatedPtrField<v1::PlanEdit> edits;
  ASSERT_TRUE(PlanFileEdits(BasePlan(5), BasePlan(5), &edits).ok());
  EXPECT_TRUE(edits.empty());
}

TEST(PlanFileEdits, EveryKindOfChangeInOneEditList) {
  const v1::Plan stored = BasePlan(4);
  v1::Plan file = stored;
  file.mutable_tasks(1)->set_duration_days(9);              // changed
  file.mutable_tasks()->DeleteSubrange(3, 1);               // t3 removed
  file.mutable_goals(0)->mutable_task_ids()->RemoveLast();  // ... and listed
  file.mutable_dependencies()->RemoveLast();                // t2 -> t3 went
  v1::Task* added = file.add_tasks();
  added->set_id("t-new");
  added->set_title("new");
  added->set_duration_days(2);
  file.mutable_goals(0)->add_task_ids("t-new");
  file.mutable_dependencies(0)->set_lag_days(3);  // t0 -> t1 changed
  *file.mutable_outcome()->mutable_target_date() = Day(2027, 9, 30);
  file.mutable_calendar()->add_holidays()->CopyFrom(Day(2027, 7, 5));
  v1::ResourcePool* pool = file.add_resources();
  pool->set_name("dev");
  pool->set_capacity(2);

  google::protobuf::RepeatedPtrField<v1::PlanEdit> edits;
  ASSERT_TRUE(PlanFileEdits(stored, file, &edits).ok());
  std::vector<v1::PlanEdit::EditCase> kinds;
  for (const v1::PlanEdit& edit : edits) kinds.push_back(edit.edit_case());
  EXPECT_THAT(kinds,
              ElementsAre(v1::PlanEdit::kRemoveDependency,  // t0 -> t1 (lag)
                          v1::PlanEdit::kRemove,            // t3
                          v1::PlanEdit::kUpdateTask,        // t1
                          v1::PlanEdit::kAddTask,           // t-new
                          v1::PlanEdit::kUpdateGoal,        // g's list
                          v1::PlanEdit::kAddDependency,     // t0 -> t1 lag 3
                          v1::PlanEdit::kSetOutcome, v1::PlanEdit::kSetCalendar,
                          v1::PlanEdit::kSetResources));
  const v1::Plan result = Applied(stored, edits);
  EXPECT_TRUE(MessageDifferencer::Equals(Sorted(result), Sorted(file)))
      << result.DebugString();
  // Applying the file again changes nothing.
  google::protobuf::RepeatedPtrField<v1::PlanEdit> again;
  ASSERT_TRUE(PlanFileEdits(result, file, &again).ok());
  EXPECT_TRUE(again.empty());
}

// Random files derived from a stored plan: the diff, applied by the real
// edit applier, always gives the file's content, and a second diff is empty.
TEST(PlanFileEdits, RandomFilesRoundTrip) {
  std::mt19937 rng(24);
  for (int round = 0; round < 200; ++round) {
    const v1::Plan stored = BasePlan(6);
    v1::Plan file = stored;
    const int changes = 1 + static_cast<int>(rng() % 4);
    for (int c = 0; c < changes; ++c) {
      switch (rng() % 5) {
        case 0:  // Change a task.
          file.mutable_tasks(static_cast<int>(rng() % file.tasks_size()))
              ->set_duration_days(static_cast<int>(rng() % 7));
          break;
        case 1: {  // Add a task to the goal, after the last one.
          v1::Task* task = file.add_tasks();
          task->set_id(absl::StrCat("n", round, "-", c));
          task->set_title("n");
          task->set_duration_days(1);
          file.mutable_goals(0)->add_task_ids(task->id());
          break;
        }
        case 2: {  // Remove the last task with every reference.
          if (file.tasks_size() < 2) break;
          const std::string id = file.tasks(file.tasks_size() - 1).id();
          file.mutable_tasks()->RemoveLast();
          auto* ids = file.mutable_goals(0)->mutable_task_ids();
          ids->erase(std::remove(ids->begin(), ids->end(), id), ids->end());
          auto* deps = file.mutable_dependencies();
          deps->erase(std::remove_if(deps->begin(), deps->end(),
                                     [&](const v1::Dependency& d) {
                                       return d.predecessor_id() == id ||
                                              d.successor_id() == id;
                                     }),
                      deps->end());
          break;
        }
        case 3:  // Change a lag.
          if (file.dependencies_size() > 0) {
            file.mutable_dependencies(
                    static_cast<int>(rng() % file.dependencies_size()))
                ->set_lag_days(static_cast<int>(rng() % 3));
          }
          break;
        default:  // Move the target.
          *file.mutable_outcome()->mutable_target_date() =
              Day(2027, 7, 1 + static_cast<int>(rng() % 28));
      }
    }
    google::protobuf::RepeatedPtrField<v1::PlanEdit> edits;
    ASSERT_TRUE(PlanFileEdits(stored, file, &edits).ok());
    const v1::Plan result = edits.empty() ? stored : Applied(stored, edits);
    ASSERT_TRUE(MessageDifferencer::Equals(Sorted(result), Sorted(file)))
        << "round " << round;
    google::protobuf::RepeatedPtrField<v1::PlanEdit> again;
    ASSERT_TRUE(PlanFileEdits(result, file, &again).ok());
    EXPECT_TRUE(again.empty()) << "round " << round;
  }
}

TEST(PlanFileEdits, RefusesWhatNoEditExpresses) {
  v1::Plan file = BasePlan(2);
  file.set_outcome_goal_id("other");
  google::protobuf::RepeatedPtrField<v1::PlanEdit> edits;
  EXPECT_THAT(std::string(PlanFileEdits(BasePlan(2), file, &edits).message()),
              HasSubstr("outcome_goal_id"));
  file = BasePlan(2);
  *file.add_tasks() = file.tasks(0);
  EXPECT_THAT(std::string(PlanFileEdits(BasePlan(2), file, &edits).message()),
              HasSubstr("tasks[2].id: \"t0\" repeats"));
}

TEST(EditRetry, TouchedNodesAndWhatChanged) {
  google::protobuf::RepeatedPtrField<v1::PlanEdit> edits;
  edits.Add()->mutable_update_task()->set_id("t1");
  v1::Dependency* dep = edits.Add()->mutable_add_dependency();
  dep->set_predecessor_id("t0");
  dep->set_successor_id("t1");
  *edits.Add()->mutable_set_target_date() = Day(2027, 1, 1);
  EXPECT_THAT(TouchedNodes(edits), ElementsAre("(outcome)", "t0", "t1"));

  const v1::Plan read = BasePlan(4);
  v1::Plan now = read;
  now.set_version(read.version() + 1);
  now.mutable_tasks(3)->set_duration_days(8);  // Not touched.
  EXPECT_EQ(FirstChangedNode(read, now, TouchedNodes(edits)), "");
  now.mutable_tasks(1)->set_title("renamed");
  EXPECT_EQ(FirstChangedNode(read, now, TouchedNodes(edits)), "task \"t1\"");
  // A new dependency on a touched node is a change of that node.
  now = read;
  v1::Dependency* extra = now.add_dependencies();
  extra->set_predecessor_id("t0");
  extra->set_successor_id("t3");
  EXPECT_EQ(FirstChangedNode(read, now, TouchedNodes(edits)), "task \"t0\"");
  now = read;
  now.mutable_outcome()->set_title("other");
  EXPECT_EQ(FirstChangedNode(read, now, TouchedNodes(edits)), "the outcome");
}

TEST(FormatPlanList, ShowsEveryColumnAndOldPlans) {
  v1::ListPlansResponse list;
  v1::PlanSummary* late = list.add_plans();
  late->set_plan_id("plan-a1");
  late->set_version(3);
  late->set_title("Customers buy a book in under a minute");
  *late->mutable_target_date() = Day(2027, 6, 30);
  late->set_task_count(12);
  late->set_feasibility(v1::INFEASIBLE);
  late->set_days_short(4);
  late->set_schedule_version(2);
  late->set_updated_unix_micros(1796000000000000);  // 2026-11-30 ...
  v1::PlanSummary* fresh = list.add_plans();
  fresh->set_plan_id("plan-b2");
  fresh->set_version(1);
  fresh->set_title("t");
  fresh->set_feasibility(v1::UNSCHEDULED);
  v1::PlanSummary* old = list.add_plans();
  old->set_plan_id("plan-old");
  old->set_version(7);
  const std::string text = FormatPlanList(list);
  EXPECT_THAT(text, HasSubstr("PLAN ID"));
  EXPECT_THAT(text, HasSubstr("FEASIBILITY"));
  EXPECT_THAT(text, HasSubstr("2027-06-30"));
  EXPECT_THAT(text, HasSubstr("late 4 days (v2)"));
  EXPECT_THAT(text, HasSubstr("unscheduled"));
  EXPECT_THAT(text,
              HasSubstr(absl::FormatTime("%Y-%m-%d %H:%M",
                                         absl::FromUnixMicros(1796000000000000),
                                         absl::UTCTimeZone())));
  EXPECT_THAT(text, HasSubstr("3 plan(s)"));
  EXPECT_EQ(FormatPlanList(v1::ListPlansResponse()), "no plans\n");
}

}  // namespace
}  // namespace backplan::cli
