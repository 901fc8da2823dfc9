// Test-only builders of plans (target backplan_core_testing, built with
// BACKPLAN_BUILD_TESTS and never linked into a server or tool): the small
// tasks, goals and plans the library tests build by hand, and seeded random
// team plans for property tests, in one place instead of per-test copies.
//
//   Plan plan = SevenDayPlan(D(2027, 3, 1), D(2027, 3, 31));
//   plan.tasks = {MakeTask("a", 2), MakeTask("b", 3)};
//   plan.dependencies = {{"a", "b", 0}};
//
// Random plans are a pure function of the generator's state, so a seed names
// one plan (std::uniform_int_distribution is the standard library's own:
// libstdc++ here, with g++ and clang alike).
#ifndef BACKPLAN_LIBS_CORE_TESTING_PLAN_BUILDERS_H_
#define BACKPLAN_LIBS_CORE_TESTING_PLAN_BUILDERS_H_

#include <random>
#include <string>

#include "absl/time/civil_time.h"
#include "libs/core/plan.h"

namespace backplan {
namespace testing {

// absl::CivilDay(y, m, d), short for tables of dates.
inline absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }

// A task `id` titled `id`, of `days` working days (>= 0), nothing else set.
Task MakeTask(std::string id, int days);

// A goal `id` titled `id` in `state`, without sub-goals or tasks.
Goal MakeGoal(std::string id, GoalState state = GoalState::kBrokenDown);

// An empty plan whose outcome "done" is due on `target` (inclusive), work
// starting on `start`, and whose calendar works every day of the week: the
// n-th working day (1-based) is `start + n - 1`.
Plan SevenDayPlan(absl::CivilDay start, absl::CivilDay target);

// The shape of RandomTeamPlan's plans. Chances are "one in N".
struct TeamPlanShape {
  absl::CivilDay start;   // The outcome's start date.
  absl::CivilDay target;  // The outcome's target date.
  int ops_capacity = 1;   // Capacity of the unnamed pool "ops".
  // "team" has one person (capacity 1) on this day.
  absl::CivilDay team_reduced_day;
  int tasks = 16;
  int min_days = 1;  // Task durations are uniform in [min_days, max_days].
  int max_days = 5;
  int max_team_units = 2;  // Units of "team" uniform in [1, max_team_units].
  int max_qa_units = 1;    // Units of "qa" uniform in [1, max_qa_units].
  int ops_one_in = 4;      // A task needs one "ops" with chance 1/ops_one_in.
  // Each task after the first follows an earlier random one (lag 0 or 1)
  // with chance 1/dependency_one_in.
  int dependency_one_in = 2;
};

// A random plan with three pools: "team" (3: ann, bob, cy), "qa" (2: dee,
// eve) and "ops" (unnamed), and tasks t0..t<n-1> that each need "team",
// "qa" with chance 1/3 and "ops" per `shape`. Draws from `gen` in a fixed
// order, so a seed gives one plan.
Plan RandomTeamPlan(std::mt19937& gen, const TeamPlanShape& shape);

}  // namespace testing
}  // namespace backplan

#endif  // BACKPLAN_LIBS_CORE_TESTING_PLAN_BUILDERS_H_
