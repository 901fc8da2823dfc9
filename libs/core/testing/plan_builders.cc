#include "libs/core/testing/plan_builders.h"

#include <string>
#include <utility>

namespace backplan {
namespace testing {

Task MakeTask(std::string id, int days) {
  Task task;
  task.id = std::move(id);
  task.title = task.id;
  task.duration_days = days;
  return task;
}

Goal MakeGoal(std::string id, GoalState state) {
  Goal goal;
  goal.id = std::move(id);
  goal.title = goal.id;
  goal.state = state;
  return goal;
}

Plan SevenDayPlan(absl::CivilDay start, absl::CivilDay target) {
  Plan plan;
  plan.outcome.title = "done";
  plan.outcome.start_date = start;
  plan.outcome.target_date = target;
  for (int d = 0; d < 7; ++d) {
    plan.calendar.working_weekdays.push_back(static_cast<absl::Weekday>(d));
  }
  return plan;
}

Plan RandomTeamPlan(std::mt19937& gen, const TeamPlanShape& shape) {
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(gen);
  };
  Plan plan;
  plan.outcome.title = "ship";
  plan.outcome.target_date = shape.target;
  plan.outcome.start_date = shape.start;
  plan.resources.push_back({"team", 3, {"ann", "bob", "cy"}, {}});
  plan.resources.push_back({"qa", 2, {"dee", "eve"}, {}});
  plan.resources.push_back({"ops", shape.ops_capacity, {}, {}});
  plan.resources[0].reduced_days.push_back({shape.team_reduced_day, 1});
  for (int i = 0; i < shape.tasks; ++i) {
    Task task;
    task.id = "t" + std::to_string(i);
    task.duration_days = uniform(shape.min_days, shape.max_days);
    task.demands.push_back({"team", uniform(1, shape.max_team_units)});
    if (uniform(0, 2) == 0) {
      // No draw for a single unit, so shapes with one qa unit keep the
      // sequence of draws (and the plans) they had before.
      task.demands.push_back(
          {"qa", shape.max_qa_units > 1 ? uniform(1, shape.max_qa_units) : 1});
    }
    if (uniform(0, shape.ops_one_in - 1) == 0) {
      task.demands.push_back({"ops", 1});
    }
    plan.tasks.push_back(task);
    if (i > 0 && uniform(0, shape.dependency_one_in - 1) == 0) {
      plan.dependencies.push_back(
          {"t" + std::to_string(uniform(0, i - 1)), task.id, uniform(0, 1)});
    }
  }
  return plan;
}

}  // namespace testing
}  // namespace backplan
