#include "libs/core/plan_edit.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/core/testing/plan_builders.h"

namespace backplan {
namespace {

using ::backplan::testing::MakeGoal;
using ::backplan::testing::MakeTask;
using ::backplan::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// outcome goal "g" <- tasks a, b; open goal "o" under g; a -> b.
Plan SmallPlan() {
  Plan plan;
  plan.outcome_goal_id = "g";
  plan.goals = {MakeGoal("g"), MakeGoal("o", GoalState::kOpen)};
  plan.goals[0].task_ids = {"a", "b"};
  plan.goals[0].sub_goal_ids = {"o"};
  plan.tasks = {MakeTask("a", 1), MakeTask("b", 1)};
  plan.dependencies = {{"a", "b", 0}};
  return plan;
}

std::vector<std::string> TaskIds(const Plan& plan) {
  std::vector<std::string> ids;
  for (const Task& t : plan.tasks) ids.push_back(t.id);
  return ids;
}

TEST(ApplyPlanEdits, ExpandsAnOpenGoal) {
  Plan plan = SmallPlan();
  PlanEdit edit;
  edit.kind = PlanEdit::Kind::kExpandGoal;
  edit.target_id = "o";
  edit.goals = {MakeGoal("o2")};
  edit.tasks = {MakeTask("c", 1)};
  ASSERT_OK_AND_ASSIGN(PlanEditOrigins origins, ApplyPlanEdits({edit}, &plan));
  EXPECT_EQ(plan.goals[1].state, GoalState::kBrokenDown);
  EXPECT_THAT(plan.goals[1].sub_goal_ids, ElementsAre("o2"));
  EXPECT_THAT(plan.goals[1].task_ids, ElementsAre("c"));
  EXPECT_THAT(TaskIds(plan), ElementsAre("a", "b", "c"));
  ASSERT_EQ(origins.tasks.size(), 3u);
  EXPECT_EQ(origins.tasks[0].edit, -1);
  EXPECT_EQ(origins.tasks[2].edit, 0);
  EXPECT_EQ(origins.goals[2].edit, 0);
}

TEST(ApplyPlanEdits, ExpandingABrokenDownGoalIsAFailedPrecondition) {
  Plan plan = SmallPlan();
  PlanEdit edit;
  edit.kind = PlanEdit::Kind::kExpandGoal;
  edit.target_id = "g";
  EXPECT_THAT(ApplyPlanEdits({edit}, &plan).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("edits[0].expand_goal: goal \"g\"")));
}

TEST(ApplyPlanEdits, RemoveTakesEveryReferenceWithIt) {
  Plan plan = SmallPlan();
  PlanEdit edit;
  edit.kind = PlanEdit::Kind::kRemove;
  edit.target_id = "a";
  ASSERT_OK(ApplyPlanEdits({edit}, &plan).status());
  EXPECT_THAT(TaskIds(plan), ElementsAre("b"));
  EXPECT_THAT(plan.goals[0].task_ids, ElementsAre("b"));
  EXPECT_TRUE(plan.dependencies.empty());
}

TEST(ApplyPlanEdits, ReferencesAddedAfterARemovalStay) {
  Plan plan = SmallPlan();
  std::vector<PlanEdit> edits(3);
  edits[0].kind = PlanEdit::Kind::kRemove;
  edits[0].target_id = "a";
  edits[1].kind = PlanEdit::Kind::kAddTask;
  edits[1].tasks = {MakeTask("a", 4)};
  edits[1].target_id = "g";
  edits[2].kind = PlanEdit::Kind::kAddDependency;
  edits[2].dependency = {"a", "b", 2};
  ASSERT_OK(ApplyPlanEdits(edits, &plan).status());
  EXPECT_THAT(TaskIds(plan), ElementsAre("b", "a"));
  EXPECT_EQ(plan.tasks[1].duration_days, 4);
  EXPECT_THAT(plan.goals[0].task_ids, ElementsAre("b", "a"));
  ASSERT_EQ(plan.dependencies.size(), 1u);
  EXPECT_EQ(plan.dependencies[0].lag_days, 2);
}

TEST(ApplyPlanEdits, RefusesRemovingTheOutcomeGoalAndUnknownIds) {
  Plan plan = SmallPlan();
  PlanEdit edit;
  edit.kind = PlanEdit::Kind::kRemove;
  edit.target_id = "g";
  EXPECT_THAT(ApplyPlanEdits({edit}, &plan).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("edits[0].remove.id: \"g\" is the outcome")));
  plan = SmallPlan();
  edit.target_id = "zz";
  EXPECT_THAT(ApplyPlanEdits({edit}, &plan).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown task or goal \"zz\"")));
  plan = SmallPlan();
  edit.kind = PlanEdit::Kind::kRemoveDependency;
  edit.dependency = {"b", "a", 0};
  EXPECT_THAT(ApplyPlanEdits({edit}, &plan).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no dependency \"b\" -> \"a\"")));
  plan = SmallPlan();
  EXPECT_THAT(ApplyPlanEdits({PlanEdit()}, &plan).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("edits[0]: empty edit")));
}

TEST(ApplyProgressUpdates, SetsProgressAndNamesUnknownTasks) {
  Plan plan = SmallPlan();
  ProgressUpdate update;
  update.task_id = "b";
  update.progress.status = TaskStatus::kInProgress;
  update.progress.remaining_days = 3;
  ASSERT_OK_AND_ASSIGN(std::vector<int> positions,
                       ApplyProgressUpdates({update}, &plan));
  EXPECT_THAT(positions, ElementsAre(1));
  EXPECT_EQ(plan.tasks[1].progress.remaining_days, 3);

  ProgressUpdate unknown;
  unknown.task_id = "nope";
  EXPECT_THAT(ApplyProgressUpdates({update, unknown}, &plan).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("updates[1].task_id: unknown task \"nope\"")));
}

// The obvious reference: every edit searches the plan, as the service did
// before this library.
absl::Status NaiveApply(const PlanEdit& edit, int e, Plan* plan) {
  auto find_goal = [&](const std::string& id) {
    for (size_t i = 0; i < plan->goals.size(); ++i) {
      if (plan->goals[i].id == id) return static_cast<int>(i);
    }
    return -1;
  };
  auto find_task = [&](const std::string& id) {
    for (size_t i = 0; i < plan->tasks.size(); ++i) {
      if (plan->tasks[i].id == id) return static_cast<int>(i);
    }
    return -1;
  };
  auto erase = [](std::vector<std::string>* ids, const std::string& id) {
    ids->erase(std::remove(ids->begin(), ids->end(), id), ids->end());
  };
  const std::string field = absl::StrCat("edits[", e, "]");
  switch (edit.kind) {
    case PlanEdit::Kind::kExpandGoal: {
      const int g = find_goal(edit.target_id);
      if (g < 0) return absl::InvalidArgumentError(field);
      if (plan->goals[g].state != GoalState::kOpen) {
        return absl::FailedPreconditionError(field);
      }
      for (const Goal& sub : edit.goals) {
        plan->goals.push_back(sub);
        plan->goals[g].sub_goal_ids.push_back(sub.id);
      }
      for (const Task& task : edit.tasks) {
        plan->tasks.push_back(task);
        plan->goals[g].task_ids.push_back(task.id);
      }
      plan->goals[g].state = GoalState::kBrokenDown;
      return absl::OkStatus();
    }
    case PlanEdit::Kind::kAddTask: {
      plan->tasks.push_back(edit.tasks[0]);
      if (edit.target_id.empty()) return absl::OkStatus();
      const int g = find_goal(edit.target_id);
      if (g < 0) return absl::InvalidArgumentError(field);
      plan->goals[g].task_ids.push_back(edit.tasks[0].id);
      return absl::OkStatus();
    }
    case PlanEdit::Kind::kUpdateTask: {
      const int t = find_task(edit.tasks[0].id);
      if (t < 0) return absl::InvalidArgumentError(field);
      plan->tasks[t] = edit.tasks[0];
      return absl::OkStatus();
    }
    case PlanEdit::Kind::kAddGoal: {
      plan->goals.push_back(edit.goals[0]);
      if (edit.target_id.empty()) return absl::OkStatus();
      const int g = find_goal(edit.target_id);
      if (g < 0) return absl::InvalidArgumentError(field);
      plan->goals[g].sub_goal_ids.push_back(edit.goals[0].id);
      return absl::OkStatus();
    }
    case PlanEdit::Kind::kUpdateGoal: {
      const int g = find_goal(edit.goals[0].id);
      if (g < 0) return absl::InvalidArgumentError(field);
      plan->goals[g] = edit.goals[0];
      return absl::OkStatus();
    }
    case PlanEdit::Kind::kSetOutcome:
      plan->outcome = edit.outcome;
      return absl::OkStatus();
    case PlanEdit::Kind::kSetTargetDate:
      plan->outcome.target_date = edit.outcome.target_date;
      return absl::OkStatus();
    case PlanEdit::Kind::kSetCalendar:
      plan->calendar = edit.calendar;
      return absl::OkStatus();
    case PlanEdit::Kind::kSetResources:
      plan->resources = edit.resources;
      return absl::OkStatus();
    case PlanEdit::Kind::kRemove: {
      const std::string& id = edit.target_id;
      const int t = find_task(id);
      const int g = find_goal(id);
      if (t < 0 && g < 0) return absl::InvalidArgumentError(field);
      if (id == plan->outcome_goal_id) return absl::InvalidArgumentError(field);
      if (t >= 0) plan->tasks.erase(plan->tasks.begin() + t);
      if (g >= 0) plan->goals.erase(plan->goals.begin() + g);
      for (Goal& goal : plan->goals) {
        erase(&goal.task_ids, id);
        erase(&goal.sub_goal_ids, id);
      }
      auto& deps = plan->dependencies;
      deps.erase(std::remove_if(deps.begin(), deps.end(),
                                [&](const Dependency& d) {
                                  return d.predecessor_id == id ||
                                         d.successor_id == id;
                                }),
                 deps.end());
      return absl::OkStatus();
    }
    case PlanEdit::Kind::kAddDependency:
      plan->dependencies.push_back(edit.dependency);
      return absl::OkStatus();
    case PlanEdit::Kind::kRemoveDependency: {
      auto& deps = plan->dependencies;
      const size_t before = deps.size();
      deps.erase(std::remove_if(deps.begin(), deps.end(),
                                [&](const Dependency& d) {
                                  return d.predecessor_id ==
                                             edit.dependency.predecessor_id &&
                                         d.successor_id ==
                                             edit.dependency.successor_id;
                                }),
                 deps.end());
      if (deps.size() == before) return absl::InvalidArgumentError(field);
      return absl::OkStatus();
    }
    case PlanEdit::Kind::kNone:
      break;
  }
  return absl::InvalidArgumentError(field);
}

std::string Dump(const Plan& plan) {
  std::string out;
  for (const Task& t : plan.tasks) {
    absl::StrAppend(&out, "T", t.id, "/", t.duration_days, " ");
  }
  for (const Goal& g : plan.goals) {
    absl::StrAppend(&out, "G", g.id, "/", static_cast<int>(g.state), "[");
    for (const std::string& s : g.sub_goal_ids) absl::StrAppend(&out, s, ",");
    absl::StrAppend(&out, "|");
    for (const std::string& s : g.task_ids) absl::StrAppend(&out, s, ",");
    absl::StrAppend(&out, "] ");
  }
  for (const Dependency& d : plan.dependencies) {
    absl::StrAppend(&out, "D", d.predecessor_id, ">", d.successor_id, "/",
                    d.lag_days, " ");
  }
  return out;
}

// Random edit sequences over a small id space (so ids collide, repeat and
// come back after removal) agree with the reference on the resulting plan,
// or on the failing edit and code.
TEST(ApplyPlanEdits, AgreesWithTheNaiveReferenceOnRandomEdits) {
  std::mt19937 rng(20261129);
  auto pick = [&](int n) {
    return std::uniform_int_distribution<int>(0, n - 1)(rng);
  };
  auto id = [&] { return absl::StrCat("n", pick(8)); };
  for (int round = 0; round < 3000; ++round) {
    Plan plan = SmallPlan();
    std::vector<PlanEdit> edits(1 + pick(12));
    for (PlanEdit& edit : edits) {
      edit.kind = static_cast<PlanEdit::Kind>(1 + pick(12));
      switch (edit.kind) {
        case PlanEdit::Kind::kExpandGoal:
          edit.target_id = pick(2) ? "o" : id();
          for (int i = pick(3); i > 0; --i) {
            edit.goals.push_back(MakeGoal(id(), GoalState::kOpen));
          }
          for (int i = pick(3); i > 0; --i)
            edit.tasks.push_back(MakeTask(id(), 1));
          break;
        case PlanEdit::Kind::kAddTask:
        case PlanEdit::Kind::kUpdateTask:
          edit.tasks = {MakeTask(pick(4) ? id() : "a", 1 + pick(5))};
          if (edit.kind == PlanEdit::Kind::kAddTask && pick(2)) {
            edit.target_id = pick(2) ? "g" : id();
          }
          break;
        case PlanEdit::Kind::kAddGoal:
        case PlanEdit::Kind::kUpdateGoal: {
          Goal goal = MakeGoal(
              id(), pick(2) ? GoalState::kOpen : GoalState::kBrokenDown);
          if (pick(2)) goal.task_ids = {id(), "b"};
          if (pick(2)) goal.sub_goal_ids = {id()};
          edit.goals = {goal};
          if (edit.kind == PlanEdit::Kind::kAddGoal && pick(2)) {
            edit.target_id = pick(2) ? "g" : id();
          }
          break;
        }
        case PlanEdit::Kind::kRemove:
          edit.target_id = pick(3) ? id() : (pick(2) ? "a" : "b");
          break;
        case PlanEdit::Kind::kAddDependency:
        case PlanEdit::Kind::kRemoveDependency:
          edit.dependency = {pick(3) ? id() : "a", pick(3) ? id() : "b",
                             pick(3)};
          break;
        case PlanEdit::Kind::kSetOutcome:
        case PlanEdit::Kind::kSetTargetDate:
          edit.outcome.title = id();
          edit.outcome.target_date = absl::CivilDay(2027, 6, 1 + pick(28));
          break;
        case PlanEdit::Kind::kSetCalendar:
          edit.calendar.holidays = {absl::CivilDay(2027, 5, 1 + pick(28))};
          break;
        case PlanEdit::Kind::kSetResources:
          edit.resources.resize(pick(3));
          break;
        case PlanEdit::Kind::kNone:
          break;
      }
    }
    Plan expected = plan;
    absl::Status expected_status;
    for (size_t e = 0; e < edits.size() && expected_status.ok(); ++e) {
      expected_status = NaiveApply(edits[e], static_cast<int>(e), &expected);
    }
    absl::StatusOr<PlanEditOrigins> got = ApplyPlanEdits(edits, &plan);
    ASSERT_EQ(got.status().code(), expected_status.code()) << "round " << round;
    if (!expected_status.ok()) {
      EXPECT_THAT(got.status().message(),
                  HasSubstr(std::string(expected_status.message())));
      continue;
    }
    ASSERT_EQ(Dump(plan), Dump(expected)) << "round " << round;
    EXPECT_EQ(plan.outcome.title, expected.outcome.title);
    EXPECT_EQ(plan.outcome.target_date, expected.outcome.target_date);
    EXPECT_EQ(plan.calendar.holidays, expected.calendar.holidays);
    EXPECT_EQ(plan.resources.size(), expected.resources.size());
    ASSERT_EQ(got->tasks.size(), plan.tasks.size());
    ASSERT_EQ(got->goals.size(), plan.goals.size());
    ASSERT_EQ(got->dependencies.size(), plan.dependencies.size());
    const Plan base = SmallPlan();
    for (size_t i = 0; i < plan.tasks.size(); ++i) {
      const EditOrigin& o = got->tasks[i];
      const Task& source =
          o.edit < 0 ? base.tasks[o.index] : edits[o.edit].tasks[o.index];
      EXPECT_EQ(source.id, plan.tasks[i].id);
      EXPECT_EQ(source.duration_days, plan.tasks[i].duration_days);
    }
    for (size_t i = 0; i < plan.goals.size(); ++i) {
      const EditOrigin& o = got->goals[i];
      const Goal& source =
          o.edit < 0 ? base.goals[o.index] : edits[o.edit].goals[o.index];
      EXPECT_EQ(source.id, plan.goals[i].id);
    }
    for (size_t i = 0; i < plan.dependencies.size(); ++i) {
      const EditOrigin& o = got->dependencies[i];
      const Dependency& source =
          o.edit < 0 ? base.dependencies[o.index] : edits[o.edit].dependency;
      EXPECT_EQ(source.lag_days, plan.dependencies[i].lag_days);
    }
  }
}

}  // namespace
}  // namespace backplan
