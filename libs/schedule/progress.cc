#include "libs/schedule/progress.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace backplan {

std::vector<DeadlineChange> ChangedDeadlines(const Timeline& before,
                                             const Timeline& after) {
  absl::flat_hash_map<absl::string_view, const ScheduledNode*> old_by_id;
  old_by_id.reserve(before.nodes.size());
  for (const ScheduledNode& node : before.nodes) old_by_id[node.id] = &node;
  std::vector<DeadlineChange> changes;
  for (const ScheduledNode& node : after.nodes) {
    auto it = old_by_id.find(node.id);
    if (it == old_by_id.end() || it->second->deadline == node.deadline) {
      continue;
    }
    changes.push_back({node.id, it->second->deadline, node.deadline,
                       node.deadline - it->second->deadline});
  }
  return changes;
}

}  // namespace backplan
