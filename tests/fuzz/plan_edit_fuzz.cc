// Fuzzes the edit applier (libs/core/plan_edit.h) with a small plan and a
// list of edits built from arbitrary bytes: it must never crash; a refused
// list is INVALID_ARGUMENT or FAILED_PRECONDITION naming "edits["; an
// accepted one returns one origin per task, goal and dependency, and the
// edited plan goes through ValidatePlan (either answer) without crashing.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "libs/core/plan_edit.h"
#include "libs/core/plan_graph.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

std::string Id(FuzzedDataProvider& in) {
  static const char* const kIds[] = {"t0", "t1", "t2", "g0", "g1",
                                     "g2", "n0", "n1", ""};
  return kIds[in.ConsumeIntegralInRange<int>(0, 8)];
}

backplan::Task MakeTask(FuzzedDataProvider& in) {
  backplan::Task task;
  task.id = Id(in);
  task.title = "task";
  task.duration_days = in.ConsumeIntegralInRange<int>(0, 5);
  return task;
}

backplan::Goal MakeGoal(FuzzedDataProvider& in) {
  backplan::Goal goal;
  goal.id = Id(in);
  goal.title = "goal";
  if (in.ConsumeBool()) goal.task_ids.push_back(Id(in));
  if (in.ConsumeBool()) goal.sub_goal_ids.push_back(Id(in));
  goal.state = in.ConsumeBool() ? backplan::GoalState::kOpen
                                : backplan::GoalState::kBrokenDown;
  return goal;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  backplan::Plan plan;
  plan.outcome.title = "outcome";
  plan.outcome.target_date = absl::CivilDay(2027, 6, 30);
  backplan::Goal root;
  root.id = "g0";
  root.title = "outcome";
  root.state = backplan::GoalState::kOpen;
  plan.goals.push_back(root);
  for (int i = in.ConsumeIntegralInRange<int>(0, 3); i > 0; --i) {
    plan.tasks.push_back(MakeTask(in));
  }
  for (int i = in.ConsumeIntegralInRange<int>(0, 2); i > 0; --i) {
    plan.goals.push_back(MakeGoal(in));
  }
  std::vector<backplan::PlanEdit> edits(in.ConsumeIntegralInRange<int>(0, 12));
  for (backplan::PlanEdit& edit : edits) {
    edit.kind = static_cast<backplan::PlanEdit::Kind>(
        in.ConsumeIntegralInRange<int>(0, 8));
    edit.target_id = Id(in);
    for (int i = in.ConsumeIntegralInRange<int>(0, 2); i > 0; --i) {
      edit.tasks.push_back(MakeTask(in));
    }
    for (int i = in.ConsumeIntegralInRange<int>(0, 2); i > 0; --i) {
      edit.goals.push_back(MakeGoal(in));
    }
    edit.dependency.predecessor_id = Id(in);
    edit.dependency.successor_id = Id(in);
    edit.dependency.lag_days = in.ConsumeIntegralInRange<int>(-2, 2);
  }
  absl::StatusOr<backplan::PlanEditOrigins> origins =
      backplan::ApplyPlanEdits(edits, &plan);
  if (!origins.ok()) {
    Check(origins.status().code() == absl::StatusCode::kInvalidArgument ||
          origins.status().code() == absl::StatusCode::kFailedPrecondition);
    Check(absl::StrContains(origins.status().message(), "edits["));
    return 0;
  }
  Check(origins->tasks.size() == plan.tasks.size());
  Check(origins->goals.size() == plan.goals.size());
  Check(origins->dependencies.size() == plan.dependencies.size());
  for (const backplan::EditOrigin& origin : origins->tasks) {
    Check(origin.edit >= -1 && origin.edit < static_cast<int>(edits.size()));
  }
  (void)backplan::ValidatePlan(plan);
  return 0;
}
