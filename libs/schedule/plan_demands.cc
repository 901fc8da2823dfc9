#include "libs/schedule/plan_demands.h"

#include "absl/strings/str_cat.h"

namespace backplan {
namespace internal {

absl::Status AddTaskDemands(
    const Task& task, int task_index,
    const absl::flat_hash_map<std::string, int>& pool_index,
    absl::Span<const int> capacity, UnknownPool unknown, absl::Span<int> row) {
  for (const ResourceDemand& demand : task.demands) {
    auto it = pool_index.find(demand.pool);
    if (it == pool_index.end()) {
      if (unknown == UnknownPool::kSkip) continue;
      return absl::InvalidArgumentError(
          absl::StrCat("tasks[", task_index, "].demands: task \"", task.id,
                       "\": unknown resource pool \"", demand.pool, "\""));
    }
    int& units = row[it->second];
    units += demand.units;
    if (units > capacity[it->second]) {
      return absl::InvalidArgumentError(
          absl::StrCat("tasks[", task_index, "].demands: task \"", task.id,
                       "\" needs ", units, " of pool \"", demand.pool,
                       "\", which has a capacity of ", capacity[it->second]));
    }
  }
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace backplan
