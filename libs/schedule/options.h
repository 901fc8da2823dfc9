// Options: what it takes for a plan to hit a target date — cut optional
// scope, add people to a pool, or move the date (DESIGN.md "Scheduling",
// options).
//
//   OptionsRequest request;
//   request.target = absl::CivilDay(2027, 5, 31);
//   request.confidence = 0.8;                     // or nullopt: deterministic
//   request.today = absl::CivilDay(2027, 1, 4);   // injected, never the clock
//   request.task_values = values_from_priorities; // else importance
//   ASSIGN_OR_RETURN(PlanOptions options, FindOptions(plan, request));
//   Use(options.cut.cut_ids, options.people.extra, options.date.date);
//
// Contract. Dates are absl::CivilDay; "days" are working days of the plan's
// calendar, laid out as cpm.h lays them out (forward from the start date:
// outcome.start_date, else `today`; progress is not used).
//
// Holding the target. Deterministic (no confidence): the finish (the
// outcome's earliest finish; with pools, the resource-constrained forward
// schedule's final milestone) is on or before the target. With a
// confidence c: P(finish <= target) >= c in the simulation (simulate.h).
// The searches below run on deterministic schedules; with a confidence they
// aim at the target moved earlier by the plan's own buffer (working days
// from its deterministic finish to its finish at c), then every option is
// scored by the simulation and `holds` says whether it really reaches c.
//
// Cut scope. The optional items are the tasks and goals marked `optional`.
// Cutting a set S removes S and, for a cut goal, its sub-tree: a task or
// goal goes when every goal that lists it (task_ids, sub_goal_ids) goes. A
// cut is allowed only when no kept task or goal has an explicit dependency
// on a removed one (so a task another kept task depends on goes only with
// that one). Value lost = sum of the removed tasks' values (task_values by
// id, else the task's importance, 1-10, unset 5). Among allowed cuts whose
// deterministic dependency (resource-free) finish is on or before the aim:
//   - up to max_exact_items optional items (and nodes times 2^items within
//     kMaxExactCutWork): the minimum value lost, exactly, by branch and bound
//     (ties: fewer items, then ids in byte order);
//   - above: greedy. While the finish misses, take the one optional item
//     (with the optional items forced to go with it) that costs the least
//     value per working day it gains (ties: smaller id); only items that
//     shorten the finish are taken. Not optimal: BENCHMARKS.md measures its
//     value lost against the exact one.
//   No allowed cut reaching the aim: `found` false and `note` says so. With
//   pools the search runs on the dependency schedule, and the cut found is
//   kept only when its resource-constrained finish also reaches the aim.
//
// Add people (plans whose tasks demand pools): the fewest extra units in
// total over the demanded pools (each pool's capacity and reduced days
// raised by its extra units) whose resource-constrained forward schedule
// (rcpsp_plan.h, `resources` options) finishes by the aim: every split of
// 0, 1, 2, ... extra units is tried in order (pools by name, each split in
// lexicographic order of the units), at most max_extra_units in total and
// max_people_schedules schedules; the first split that holds is returned.
// The schedules are heuristic, so "fewest" is within that search.
//
// Move the date: the earliest target that holds — the deterministic finish,
// or the simulation's percentile at c.
//
// Errors: INVALID_ARGUMENT as BuildPlanGraph / Simulate return it; naming
// `confidence` outside (0, 1), `target` before the start date, a
// `task_values` entry negative or not finite, max_exact_items outside
// 0..kMaxExactCutItems, and a plan with more than max_optional_items
// optional items; DEADLINE_EXCEEDED when `stop` returns true.
#ifndef BACKPLAN_LIBS_SCHEDULE_OPTIONS_H_
#define BACKPLAN_LIBS_SCHEDULE_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "libs/core/plan.h"
#include "libs/schedule/rcpsp_plan.h"
#include "libs/schedule/simulate.h"

namespace backplan {

inline constexpr int kMaxExactCutItems = 20;
// Graph nodes plus edges, times 2^items: above it the exact search is not
// tried (about 1 s of one core).
inline constexpr int64_t kMaxExactCutWork = int64_t{1} << 29;

struct OptionsRequest {
  absl::CivilDay target;             // Inclusive.
  std::optional<double> confidence;  // In (0, 1); nullopt: deterministic.
  absl::CivilDay today;              // Start when the plan sets none.
  // Value of each task (e.g. prioritization's order value w); a task not
  // listed is worth its importance.
  absl::flat_hash_map<std::string, double> task_values;
  int max_exact_items = kMaxExactCutItems;  // 0..kMaxExactCutItems.
  int max_optional_items = 1000;
  int max_extra_units = 20;
  int max_people_schedules = 200;
  // For plans with pools: the search per schedule (max_schedules, seed,
  // priority_order); its out_of_time is replaced by `stop`.
  ResourceScheduleOptions resources;
  // Iterations, seed, distribution, pool, priority_order of every scoring
  // simulation; today, as_of, percentiles and stop are set here.
  SimulationOptions simulation;
  // Polled often; true ends with DEADLINE_EXCEEDED. May be empty.
  std::function<bool()> stop;
};

// How a plan (as it is, or after an option) fares.
struct OptionScore {
  absl::CivilDay finish;  // Deterministic (see above).
  // The percentile at the confidence (the deterministic finish without one).
  absl::CivilDay finish_at_confidence;
  double probability_on_time = 0;  // Simulated P(finish <= target).
  bool holds = false;              // At the confidence (or deterministic).
};

struct CutScopeOption {
  bool found = false;
  bool exact = false;
  int optional_items = 0;
  std::vector<std::string> cut_ids;           // Chosen items, sorted.
  std::vector<std::string> removed_task_ids;  // Every task removed, sorted.
  double value_lost = 0;
  int64_t days_gained = 0;  // Deterministic finish, working days earlier.
  OptionScore score;        // Of the plan without the removed work.
  std::string note;
};

struct AddPeopleOption {
  bool applicable = false;  // Some task demands a pool.
  bool found = false;
  std::vector<std::pair<std::string, int>> extra;  // Pools given units > 0.
  int total_extra_units = 0;
  int schedules = 0;  // Resource schedules evaluated.
  OptionScore score;
  std::string note;
};

struct MoveDateOption {
  absl::CivilDay date;  // Earliest target that holds.
  double probability_on_time = 0;
  int64_t working_days_later = 0;  // From the requested target's day.
};

struct PlanOptions {
  absl::CivilDay start_date;
  absl::CivilDay target;
  bool resource_constrained = false;
  OptionScore baseline;  // The plan as it is.
  CutScopeOption cut;
  AddPeopleOption people;
  MoveDateOption date;
};

// See the contract above.
absl::StatusOr<PlanOptions> FindOptions(const Plan& plan,
                                        const OptionsRequest& request);

// The plan with the optional items `cut` (ids) and their sub-trees removed,
// and the ids of the tasks removed; INVALID_ARGUMENT naming the item when an
// id is not an optional task or goal or a kept node depends on a removed
// one. Exposed for tests and tools.
absl::StatusOr<Plan> PlanWithout(const Plan& plan,
                                 const std::vector<std::string>& cut,
                                 std::vector<std::string>* removed_task_ids);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_OPTIONS_H_
