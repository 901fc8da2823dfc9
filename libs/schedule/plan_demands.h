// Internal to libs/schedule: a plan task's resource demands as one row of
// rcpsp::Problem::demand, shared by ScheduleWithResources (rcpsp_plan.h) and
// Simulate's staffing (simulate_internal.h). Not a public API.
#ifndef BACKPLAN_LIBS_SCHEDULE_PLAN_DEMANDS_H_
#define BACKPLAN_LIBS_SCHEDULE_PLAN_DEMANDS_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "libs/core/plan.h"

namespace backplan {
namespace internal {

// What AddTaskDemands does with a demand on a pool not in `pool_index`.
enum class UnknownPool {
  kSkip,    // Already refused upstream (BuildPlanGraph validated the plan).
  kRefuse,  // INVALID_ARGUMENT naming the task and the pool.
};

// Adds every demand of `task` (plan.tasks[task_index]) to `row`, which holds
// one entry per pool in the order of `pool_index` (pool name -> position)
// and `capacity`. Demands on one pool add up; a total over the pool's
// capacity is INVALID_ARGUMENT naming tasks[task_index].demands, the task
// and the pool. `row` may be partly filled when an error is returned.
absl::Status AddTaskDemands(
    const Task& task, int task_index,
    const absl::flat_hash_map<std::string, int>& pool_index,
    absl::Span<const int> capacity, UnknownPool unknown, absl::Span<int> row);

}  // namespace internal
}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_PLAN_DEMANDS_H_
