#include "libs/schedule/options.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/common/status_macros.h"
#include "libs/core/calendar.h"
#include "libs/core/plan_graph.h"
#include "libs/schedule/cpm.h"
#include "libs/schedule/options_internal.h"

namespace backplan {
namespace options_internal {

CutModel::CutModel(const Plan& plan, const PlanGraph& graph,
                   const absl::flat_hash_map<std::string, double>& values)
    : graph_(graph),
      parents_(graph.nodes.size()),
      value_(graph.nodes.size(), 0.0),
      is_item_(graph.nodes.size(), 0) {
  const int num_tasks = graph.num_tasks();
  for (size_t g = 0; g < plan.goals.size(); ++g) {
    const int goal = num_tasks + static_cast<int>(g);
    for (const std::string& id : plan.goals[g].task_ids) {
      parents_[graph.index_by_id.at(id)].push_back(goal);
    }
    for (const std::string& id : plan.goals[g].sub_goal_ids) {
      parents_[graph.index_by_id.at(id)].push_back(goal);
    }
  }
  for (const Dependency& d : plan.dependencies) {
    explicit_.push_back({graph.index_by_id.at(d.predecessor_id),
                         graph.index_by_id.at(d.successor_id)});
  }
  for (int t = 0; t < num_tasks; ++t) {
    const Task& task = plan.tasks[t];
    auto it = values.find(task.id);
    value_[t] = it != values.end()
                    ? it->second
                    : AttributeOrDefault(task.attributes.importance);
    if (task.optional) items_.push_back(t);
  }
  for (size_t g = 0; g < plan.goals.size(); ++g) {
    if (plan.goals[g].optional) items_.push_back(num_tasks + g);
  }
  std::sort(items_.begin(), items_.end(), [&](int a, int b) {
    return graph.nodes[a].id < graph.nodes[b].id;
  });
  for (int item : items_) is_item_[item] = 1;
  reverse_topo_.assign(graph.topological_order.rbegin(),
                       graph.topological_order.rend());
  // Items that can never go: their removal always takes a node some work
  // that cannot go depends on. Dropping them from the search is exact and
  // keeps the branch and bound from exploring cuts that are never allowed.
  cuttable_ = items_;
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<char> removable(graph.nodes.size(), 0);
    for (int item : cuttable_) removable[item] = 1;
    Close(&removable);
    std::vector<char> pinned(graph.nodes.size(), 0);
    for (const auto& [pred, succ] : explicit_) {
      if (removable[pred] && !removable[succ]) pinned[pred] = 1;
    }
    std::vector<int> keep;
    for (int item : cuttable_) {
      std::vector<char> alone(graph.nodes.size(), 0);
      alone[item] = 1;
      Close(&alone);
      bool ok = true;
      for (size_t n = 0; n < alone.size() && ok; ++n) {
        ok = !(alone[n] && pinned[n]);
      }
      if (ok) {
        keep.push_back(item);
      } else {
        changed = true;
      }
    }
    cuttable_ = std::move(keep);
  }
}

void CutModel::Close(std::vector<char>* removed) const {
  // Parents come after their members in topological order, so walking it
  // backwards decides every parent before its members.
  for (int node : reverse_topo_) {
    if ((*removed)[node] || parents_[node].empty()) continue;
    bool all = true;
    for (int p : parents_[node]) all = all && (*removed)[p];
    if (all) (*removed)[node] = 1;
  }
}

int CutModel::FirstBrokenDependency(const std::vector<char>& removed) const {
  for (const auto& [pred, succ] : explicit_) {
    if (removed[pred] && !removed[succ]) return succ;
  }
  return -1;
}

int64_t CutModel::Finish(const std::vector<char>& removed,
                         std::vector<int64_t>* end) const {
  end->assign(graph_.nodes.size(), 0);
  int64_t last = 0;
  for (int node : graph_.topological_order) {
    if (removed[node]) continue;
    int64_t start = 0;
    for (const PlanGraph::Edge& e : graph_.Predecessors(node)) {
      if (!removed[e.node])
        start = std::max(start, (*end)[e.node] + e.lag_days);
    }
    (*end)[node] = start + graph_.nodes[node].duration_days;
    last = std::max(last, (*end)[node]);
  }
  // A kept node whose successors were all removed ends the plan directly.
  return std::max(last, (*end)[graph_.outcome_node]) - 1;
}

double CutModel::Value(const std::vector<char>& removed) const {
  double sum = 0;
  for (int t = 0; t < graph_.num_tasks(); ++t) {
    if (removed[t]) sum += value_[t];
  }
  return sum;
}

absl::Status CutSearch::Poll() {
  if (stop_ && (++polls_ & 63) == 0 && stop_()) {
    return absl::DeadlineExceededError("options: stopped before the cut");
  }
  return absl::OkStatus();
}

bool CutSearch::Better(double value, const std::vector<int>& cut) const {
  if (!found_) return true;
  const double tol = 1e-9 * std::max(1.0, std::fabs(best_value_));
  if (value < best_value_ - tol) return true;
  if (value > best_value_ + tol) return false;
  if (cut.size() != best_cut_.size()) return cut.size() < best_cut_.size();
  return cut < best_cut_;  // Item positions follow id order.
}

absl::Status CutSearch::Exact() {
  const int n = static_cast<int>(model_.items().size());
  std::vector<char> chosen(n, 0);
  return Branch(0, &chosen);
}

absl::Status CutSearch::Branch(int i, std::vector<char>* chosen) {
  RETURN_IF_ERROR(Poll());
  const int n = static_cast<int>(model_.items().size());
  std::vector<char> removed(model_.num_nodes(), 0);
  std::vector<int> cut;
  for (int k = 0; k < i; ++k) {
    if ((*chosen)[k]) {
      removed[model_.items()[k]] = 1;
      cut.push_back(k);
    }
  }
  model_.Close(&removed);
  const double value = model_.Value(removed);
  // Supersets are worth at least as much.
  if (found_ && value > best_value_ + 1e-9 * std::max(1.0, best_value_)) {
    return absl::OkStatus();
  }
  if (model_.Finish(removed, &scratch_) <= aim_) {
    if (model_.FirstBrokenDependency(removed) < 0) {
      // Any superset loses: more value or more items.
      if (Better(value, cut)) Take(value, cut);
      return absl::OkStatus();
    }
  } else {
    // Cutting everything still open is the most a cut below can gain.
    std::vector<char> all = removed;
    for (int k = i; k < n; ++k) all[model_.items()[k]] = 1;
    model_.Close(&all);
    if (model_.Finish(all, &scratch_) > aim_) return absl::OkStatus();
  }
  if (i == n) return absl::OkStatus();
  (*chosen)[i] = 1;
  RETURN_IF_ERROR(Branch(i + 1, chosen));
  (*chosen)[i] = 0;
  return Branch(i + 1, chosen);
}

absl::Status CutSearch::Greedy() {
  const std::vector<int>& items = model_.items();
  const int n = static_cast<int>(items.size());
  std::vector<char> chosen(n, 0);
  std::vector<int> position(model_.num_nodes(), -1);
  for (int k = 0; k < n; ++k) position[items[k]] = k;
  auto removed_of = [&](const std::vector<char>& c) {
    std::vector<char> removed(model_.num_nodes(), 0);
    for (int k = 0; k < n; ++k) {
      if (c[k]) removed[items[k]] = 1;
    }
    model_.Close(&removed);
    return removed;
  };
  std::vector<char> removed = removed_of(chosen);
  int64_t finish = model_.Finish(removed, &scratch_);
  double value = model_.Value(removed);
  while (finish > aim_) {
    int best = -1;
    double best_ratio = 0;
    std::vector<char> best_chosen, best_removed;
    int64_t best_finish = 0;
    for (int k = 0; k < n; ++k) {
      if (chosen[k] || removed[items[k]]) continue;
      RETURN_IF_ERROR(Poll());
      std::vector<char> next = chosen;
      next[k] = 1;
      std::vector<char> next_removed = removed_of(next);
      // Optional dependents go along; a mandatory one rules the item out.
      int broken;
      while ((broken = model_.FirstBrokenDependency(next_removed)) >= 0 &&
             position[broken] >= 0) {
        next[position[broken]] = 1;
        next_removed = removed_of(next);
      }
      if (broken >= 0) continue;
      const int64_t next_finish = model_.Finish(next_removed, &scratch_);
      if (next_finish >= finish) continue;
      const double ratio = (model_.Value(next_removed) - value) /
                           static_cast<double>(finish - next_finish);
      if (best < 0 || ratio < best_ratio) {
        best = k;
        best_ratio = ratio;
        best_chosen = std::move(next);
        best_removed = std::move(next_removed);
        best_finish = next_finish;
      }
    }
    if (best < 0) return absl::OkStatus();  // Nothing left shortens it.
    chosen = std::move(best_chosen);
    removed = std::move(best_removed);
    finish = best_finish;
    value = model_.Value(removed);
  }
  std::vector<int> cut;
  for (int k = 0; k < n; ++k) {
    if (chosen[k]) cut.push_back(k);
  }
  Take(value, cut);
  return absl::OkStatus();
}

void CutSearch::Take(double value, const std::vector<int>& cut) {
  found_ = true;
  best_value_ = value;
  best_cut_ = cut;
}

std::vector<std::string> CutSearch::BestIds() const {
  std::vector<std::string> ids;
  for (int k : best_cut_) ids.push_back(model_.id(model_.items()[k]));
  return ids;
}

}  // namespace options_internal

absl::StatusOr<Plan> PlanWithout(const Plan& plan,
                                 const std::vector<std::string>& cut,
                                 std::vector<std::string>* removed_task_ids) {
  ASSIGN_OR_RETURN(PlanGraph graph, BuildPlanGraph(plan));
  options_internal::CutModel model(plan, graph, {});
  std::vector<char> removed(graph.nodes.size(), 0);
  for (const std::string& id : cut) {
    auto it = graph.index_by_id.find(id);
    if (it == graph.index_by_id.end() || !model.is_item(it->second)) {
      return absl::InvalidArgumentError(
          absl::StrCat("cut: \"", id, "\" is not an optional task or goal"));
    }
    removed[it->second] = 1;
  }
  model.Close(&removed);
  if (int broken = model.FirstBrokenDependency(removed); broken >= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cut: \"", graph.nodes[broken].id,
                     "\" is kept but depends on removed work"));
  }
  auto gone = [&](const std::string& id) {
    return removed[graph.index_by_id.at(id)] != 0;
  };
  auto drop = [&](std::vector<std::string>* ids) {
    ids->erase(std::remove_if(ids->begin(), ids->end(), gone), ids->end());
  };
  Plan out = plan;
  out.tasks.clear();
  out.goals.clear();
  out.dependencies.clear();
  if (removed_task_ids != nullptr) removed_task_ids->clear();
  for (const Task& task : plan.tasks) {
    if (!gone(task.id)) {
      out.tasks.push_back(task);
    } else if (removed_task_ids != nullptr) {
      removed_task_ids->push_back(task.id);
    }
  }
  for (const Goal& goal : plan.goals) {
    if (gone(goal.id)) continue;
    out.goals.push_back(goal);
    drop(&out.goals.back().task_ids);
    drop(&out.goals.back().sub_goal_ids);
  }
  for (const Dependency& d : plan.dependencies) {
    if (!gone(d.predecessor_id) && !gone(d.successor_id)) {
      out.dependencies.push_back(d);
    }
  }
  if (removed_task_ids != nullptr) {
    std::sort(removed_task_ids->begin(), removed_task_ids->end());
  }
  return out;
}

}  // namespace backplan
