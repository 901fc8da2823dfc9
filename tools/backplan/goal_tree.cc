#include "tools/backplan/goal_tree.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace backplan::cli {
namespace {

using Kind = GoalTreeRow::Kind;

class Walk {
 public:
  explicit Walk(const v1::Plan& plan) {
    for (const auto& goal : plan.goals()) goals_[goal.id()] = &goal;
    for (const auto& task : plan.tasks()) tasks_[task.id()] = &task;
  }

  void Goal(const std::string& id, int depth) {
    auto it = goals_.find(id);
    if (it == goals_.end()) {
      rows_.push_back({Kind::kMissingGoal, depth, id});
      return;
    }
    const v1::Goal& goal = *it->second;
    if (!printed_.insert(id).second) {
      rows_.push_back({Kind::kSharedGoal, depth, id, &goal});
      return;
    }
    rows_.push_back({Kind::kGoal, depth, id, &goal});
    for (const auto& task_id : goal.task_ids()) {
      printed_.insert(task_id);
      auto task = tasks_.find(task_id);
      if (task == tasks_.end()) {
        rows_.push_back({Kind::kMissingTask, depth + 1, task_id});
      } else {
        rows_.push_back(
            {Kind::kTask, depth + 1, task_id, nullptr, task->second});
      }
    }
    for (const auto& sub : goal.sub_goal_ids()) Goal(sub, depth + 1);
  }

  bool Printed(const std::string& id) const { return printed_.count(id) > 0; }

  void LooseTasks(const v1::Plan& plan) {
    for (const auto& task : plan.tasks()) {
      if (!Printed(task.id())) {
        rows_.push_back({Kind::kLooseTask, 1, task.id(), nullptr, &task});
      }
    }
  }

  std::vector<GoalTreeRow> TakeRows() { return std::move(rows_); }

 private:
  std::map<std::string, const v1::Goal*> goals_;
  std::map<std::string, const v1::Task*> tasks_;
  // Goal and task ids already printed (one set, as ids are unique in a plan).
  std::set<std::string> printed_;
  std::vector<GoalTreeRow> rows_;
};

}  // namespace

std::vector<GoalTreeRow> GoalTree(const v1::Plan& plan) {
  Walk walk(plan);
  if (!plan.outcome_goal_id().empty()) walk.Goal(plan.outcome_goal_id(), 1);
  for (const auto& goal : plan.goals()) {
    if (!walk.Printed(goal.id())) walk.Goal(goal.id(), 1);
  }
  walk.LooseTasks(plan);
  return walk.TakeRows();
}

}  // namespace backplan::cli
