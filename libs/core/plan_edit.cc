#include "libs/core/plan_edit.h"

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"

namespace backplan {
namespace {

absl::Status UnknownId(absl::string_view field, absl::string_view what,
                       absl::string_view id) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": unknown ", what, " \"", id, "\""));
}

// The plan being edited. Removed elements are only marked dead and dropped in
// Finish, so that no edit pays for the size of the plan: every lookup goes
// through an index, and every index entry is visited at most once by a
// removal.
class Editor {
 public:
  explicit Editor(Plan* plan) : plan_(plan) {
    for (size_t i = 0; i < plan->tasks.size(); ++i) {
      AddTask(std::move(plan->tasks[i]), {-1, static_cast<int>(i)});
    }
    for (size_t i = 0; i < plan->goals.size(); ++i) {
      AddGoal(std::move(plan->goals[i]), {-1, static_cast<int>(i)});
    }
    for (size_t i = 0; i < plan->dependencies.size(); ++i) {
      AddDependency(std::move(plan->dependencies[i]),
                    {-1, static_cast<int>(i)});
    }
  }

  absl::Status Apply(const PlanEdit& edit, int e) {
    const std::string field = absl::StrCat("edits[", e, "]");
    switch (edit.kind) {
      case PlanEdit::Kind::kExpandGoal: {
        const int g = FirstGoal(edit.target_id);
        if (g < 0) {
          return UnknownId(absl::StrCat(field, ".expand_goal.goal_id"), "goal",
                           edit.target_id);
        }
        if (goals_[g].goal.state != GoalState::kOpen) {
          return absl::FailedPreconditionError(
              absl::StrCat(field, ".expand_goal: goal \"", edit.target_id,
                           "\" is not open"));
        }
        for (size_t i = 0; i < edit.goals.size(); ++i) {
          AddGoal(edit.goals[i], {e, static_cast<int>(i)});
          AddChild(g, /*sub_goal=*/true, edit.goals[i].id);
        }
        for (size_t i = 0; i < edit.tasks.size(); ++i) {
          AddTask(edit.tasks[i], {e, static_cast<int>(i)});
          AddChild(g, /*sub_goal=*/false, edit.tasks[i].id);
        }
        goals_[g].goal.state = GoalState::kBrokenDown;
        return absl::OkStatus();
      }
      case PlanEdit::Kind::kAddTask: {
        RETURN_IF_ERROR(NeedOne(edit.tasks.size(), field, "add_task.task"));
        AddTask(edit.tasks[0], {e, 0});
        if (edit.target_id.empty()) return absl::OkStatus();
        const int g = FirstGoal(edit.target_id);
        if (g < 0) {
          return UnknownId(absl::StrCat(field, ".add_task.goal_id"), "goal",
                           edit.target_id);
        }
        AddChild(g, /*sub_goal=*/false, edit.tasks[0].id);
        return absl::OkStatus();
      }
      case PlanEdit::Kind::kUpdateTask: {
        RETURN_IF_ERROR(NeedOne(edit.tasks.size(), field, "update_task"));
        const int t = FirstTask(edit.tasks[0].id);
        if (t < 0) {
          return UnknownId(absl::StrCat(field, ".update_task.id"), "task",
                           edit.tasks[0].id);
        }
        tasks_[t] = {edit.tasks[0], {e, 0}, true};
        return absl::OkStatus();
      }
      case PlanEdit::Kind::kAddGoal: {
        RETURN_IF_ERROR(NeedOne(edit.goals.size(), field, "add_goal.goal"));
        AddGoal(edit.goals[0], {e, 0});
        if (edit.target_id.empty()) return absl::OkStatus();
        const int g = FirstGoal(edit.target_id);
        if (g < 0) {
          return UnknownId(absl::StrCat(field, ".add_goal.parent_goal_id"),
                           "goal", edit.target_id);
        }
        AddChild(g, /*sub_goal=*/true, edit.goals[0].id);
        return absl::OkStatus();
      }
      case PlanEdit::Kind::kUpdateGoal: {
        RETURN_IF_ERROR(NeedOne(edit.goals.size(), field, "update_goal"));
        const int g = FirstGoal(edit.goals[0].id);
        if (g < 0) {
          return UnknownId(absl::StrCat(field, ".update_goal.id"), "goal",
                           edit.goals[0].id);
        }
        SetGoal(g, edit.goals[0], {e, 0});
        return absl::OkStatus();
      }
      case PlanEdit::Kind::kRemove:
        return Remove(edit.target_id, field);
      case PlanEdit::Kind::kAddDependency:
        AddDependency(edit.dependency, {e, 0});
        return absl::OkStatus();
      case PlanEdit::Kind::kRemoveDependency: {
        const Dependency& target = edit.dependency;
        auto it = deps_by_ends_.find(
            std::make_pair(target.predecessor_id, target.successor_id));
        int removed = 0;
        if (it != deps_by_ends_.end()) {
          for (int d : it->second) {
            removed += deps_[d].alive ? 1 : 0;
            deps_[d].alive = false;
          }
          deps_by_ends_.erase(it);
        }
        if (removed == 0) {
          return absl::InvalidArgumentError(absl::StrCat(
              field, ".remove_dependency: no dependency \"",
              target.predecessor_id, "\" -> \"", target.successor_id, "\""));
        }
        return absl::OkStatus();
      }
      case PlanEdit::Kind::kSetOutcome:
        plan_->outcome = edit.outcome;
        return absl::OkStatus();
      case PlanEdit::Kind::kSetTargetDate:
        plan_->outcome.target_date = edit.outcome.target_date;
        return absl::OkStatus();
      case PlanEdit::Kind::kSetCalendar:
        plan_->calendar = edit.calendar;
        return absl::OkStatus();
      case PlanEdit::Kind::kSetResources:
        plan_->resources = edit.resources;
        return absl::OkStatus();
      case PlanEdit::Kind::kNone:
        break;
    }
    return absl::InvalidArgumentError(absl::StrCat(field, ": empty edit"));
  }

  // Moves the live elements back into the plan, in order.
  PlanEditOrigins Finish() {
    PlanEditOrigins origins;
    plan_->tasks.clear();
    for (TaskSlot& slot : tasks_) {
      if (!slot.alive) continue;
      plan_->tasks.push_back(std::move(slot.task));
      origins.tasks.push_back(slot.origin);
    }
    plan_->goals.clear();
    for (GoalSlot& slot : goals_) {
      if (!slot.alive) continue;
      Drop(slot.dead_sub_goals, &slot.goal.sub_goal_ids);
      Drop(slot.dead_tasks, &slot.goal.task_ids);
      plan_->goals.push_back(std::move(slot.goal));
      origins.goals.push_back(slot.origin);
    }
    plan_->dependencies.clear();
    for (DepSlot& slot : deps_) {
      if (!slot.alive) continue;
      plan_->dependencies.push_back(std::move(slot.dependency));
      origins.dependencies.push_back(slot.origin);
    }
    return origins;
  }

 private:
  struct TaskSlot {
    Task task;
    EditOrigin origin;
    bool alive = true;
  };
  struct GoalSlot {
    Goal goal;
    EditOrigin origin;
    bool alive = true;
    int generation = 0;  // Bumped when the goal is replaced.
    std::vector<bool> dead_sub_goals, dead_tasks;  // Parallel to the lists.
  };
  struct DepSlot {
    Dependency dependency;
    EditOrigin origin;
    bool alive = true;
  };
  // An entry of a goal's sub_goal_ids or task_ids naming some id.
  struct ChildRef {
    int goal;
    int generation;
    bool sub_goal;
    int entry;
  };

  static absl::Status NeedOne(size_t n, absl::string_view field,
                              absl::string_view what) {
    if (n == 1) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".", what, ": exactly one required"));
  }

  static void Drop(const std::vector<bool>& dead,
                   std::vector<std::string>* ids) {
    size_t kept = 0;
    for (size_t i = 0; i < ids->size(); ++i) {
      if (dead[i]) continue;
      if (kept != i) (*ids)[kept] = std::move((*ids)[i]);
      ++kept;
    }
    ids->resize(kept);
  }

  int FirstTask(const std::string& id) const {
    auto it = task_index_.find(id);
    return it == task_index_.end() || it->second.empty() ? -1
                                                         : it->second.front();
  }
  int FirstGoal(const std::string& id) const {
    auto it = goal_index_.find(id);
    return it == goal_index_.end() || it->second.empty() ? -1
                                                         : it->second.front();
  }

  void AddTask(Task task, EditOrigin origin) {
    task_index_[task.id].push_back(static_cast<int>(tasks_.size()));
    tasks_.push_back({std::move(task), origin, true});
  }

  void AddGoal(Goal goal, EditOrigin origin) {
    const int g = static_cast<int>(goals_.size());
    goal_index_[goal.id].push_back(g);
    goals_.emplace_back();
    SetGoal(g, std::move(goal), origin);
  }

  // Puts `goal` at position g (new or replacing) and indexes its children.
  void SetGoal(int g, Goal goal, EditOrigin origin) {
    GoalSlot& slot = goals_[g];
    ++slot.generation;
    slot.goal = std::move(goal);
    slot.origin = origin;
    slot.dead_sub_goals.assign(slot.goal.sub_goal_ids.size(), false);
    slot.dead_tasks.assign(slot.goal.task_ids.size(), false);
    for (size_t i = 0; i < slot.goal.sub_goal_ids.size(); ++i) {
      children_[slot.goal.sub_goal_ids[i]].push_back(
          {g, slot.generation, true, static_cast<int>(i)});
    }
    for (size_t i = 0; i < slot.goal.task_ids.size(); ++i) {
      children_[slot.goal.task_ids[i]].push_back(
          {g, slot.generation, false, static_cast<int>(i)});
    }
  }

  void AddChild(int g, bool sub_goal, const std::string& id) {
    GoalSlot& slot = goals_[g];
    std::vector<std::string>& ids =
        sub_goal ? slot.goal.sub_goal_ids : slot.goal.task_ids;
    std::vector<bool>& dead = sub_goal ? slot.dead_sub_goals : slot.dead_tasks;
    children_[id].push_back(
        {g, slot.generation, sub_goal, static_cast<int>(ids.size())});
    ids.push_back(id);
    dead.push_back(false);
  }

  void AddDependency(Dependency dependency, EditOrigin origin) {
    const int d = static_cast<int>(deps_.size());
    deps_by_node_[dependency.predecessor_id].push_back(d);
    deps_by_node_[dependency.successor_id].push_back(d);
    deps_by_ends_[std::make_pair(dependency.predecessor_id,
                                 dependency.successor_id)]
        .push_back(d);
    deps_.push_back({std::move(dependency), origin, true});
  }

  absl::Status Remove(const std::string& id, absl::string_view field) {
    const int t = FirstTask(id);
    const int g = FirstGoal(id);
    if (t < 0 && g < 0) {
      return UnknownId(absl::StrCat(field, ".remove.id"), "task or goal", id);
    }
    if (id == plan_->outcome_goal_id) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".remove.id: \"", id, "\" is the outcome goal"));
    }
    if (t >= 0) {
      tasks_[t].alive = false;
      task_index_[id].pop_front();
    }
    if (g >= 0) {
      goals_[g].alive = false;
      goal_index_[id].pop_front();
    }
    if (auto it = children_.find(id); it != children_.end()) {
      for (const ChildRef& ref : it->second) {
        GoalSlot& slot = goals_[ref.goal];
        if (slot.generation != ref.generation) continue;  // Replaced since.
        (ref.sub_goal ? slot.dead_sub_goals : slot.dead_tasks)[ref.entry] =
            true;
      }
      children_.erase(it);
    }
    if (auto it = deps_by_node_.find(id); it != deps_by_node_.end()) {
      for (int d : it->second) deps_[d].alive = false;
      deps_by_node_.erase(it);
    }
    return absl::OkStatus();
  }

  Plan* plan_;
  std::vector<TaskSlot> tasks_;
  std::vector<GoalSlot> goals_;
  std::vector<DepSlot> deps_;
  // Live positions per id, in plan order: the front is "the first".
  absl::flat_hash_map<std::string, std::deque<int>> task_index_, goal_index_;
  absl::flat_hash_map<std::string, std::vector<ChildRef>> children_;
  // Dependencies by either end, and by (predecessor, successor); entries may
  // name dependencies already removed another way.
  absl::flat_hash_map<std::string, std::vector<int>> deps_by_node_;
  absl::flat_hash_map<std::pair<std::string, std::string>, std::vector<int>>
      deps_by_ends_;
};

}  // namespace

absl::StatusOr<PlanEditOrigins> ApplyPlanEdits(absl::Span<const PlanEdit> edits,
                                               Plan* plan) {
  Editor editor(plan);
  for (size_t e = 0; e < edits.size(); ++e) {
    absl::Status status = editor.Apply(edits[e], static_cast<int>(e));
    if (!status.ok()) {
      editor.Finish();
      return status;
    }
  }
  return editor.Finish();
}

absl::StatusOr<std::vector<int>> ApplyProgressUpdates(
    absl::Span<const ProgressUpdate> updates, Plan* plan) {
  absl::flat_hash_map<absl::string_view, int> index;
  index.reserve(plan->tasks.size());
  for (size_t i = 0; i < plan->tasks.size(); ++i) {
    index.emplace(plan->tasks[i].id, static_cast<int>(i));
  }
  std::vector<int> positions;
  positions.reserve(updates.size());
  for (size_t u = 0; u < updates.size(); ++u) {
    auto it = index.find(updates[u].task_id);
    if (it == index.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("updates[", u, "].task_id: unknown task \"",
                       updates[u].task_id, "\""));
    }
    positions.push_back(it->second);
  }
  for (size_t u = 0; u < updates.size(); ++u) {
    plan->tasks[positions[u]].progress = updates[u].progress;
  }
  return positions;
}

}  // namespace backplan
