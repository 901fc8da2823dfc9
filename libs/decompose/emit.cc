#include "libs/decompose/emit.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/decompose/explanation.h"
#include "libs/decompose/pattern.h"

namespace backplan::decompose::internal {
namespace {

class Emitter {
 public:
  Emitter(const CompiledBook& book, const DecomposeOptions& options,
          const SearchGraph& graph)
      : book_(book), options_(options), graph_(graph) {}

  absl::StatusOr<DecomposeResult> Run(const Outcome& outcome) {
    DecomposeResult result;
    result.cost = graph_.entries[graph_.root].cost;
    result.plan.outcome = outcome;
    emitted_.assign(graph_.goals.size(), -1);
    Reserve(graph_.root, &result.plan);
    RETURN_IF_ERROR(Emit(graph_.root, &result));
    result.plan.outcome_goal_id = result.plan.goals[0].id;
    for (const Goal& g : result.plan.goals) {
      if (g.state == GoalState::kOpen) result.open_goal_ids.push_back(g.id);
    }
    result.stats = graph_.stats;
    return result;
  }

 private:
  // Sizes the plan's vectors before emission: growing vectors of ~100,000
  // tasks by doubling costs more page faults than the emission itself.
  void Reserve(int root, Plan* plan) {
    std::vector<bool> seen(graph_.goals.size(), false);
    std::vector<int> stack = {root};
    size_t goals = 0, tasks = 0, deps = 0;
    while (!stack.empty()) {
      const Entry& e = graph_.entries[stack.back()];
      stack.pop_back();
      if (seen[e.goal]) continue;
      seen[e.goal] = true;
      ++goals;
      if (e.chosen >= 0) {
        const CompiledRecipe& recipe =
            book_.recipes[graph_.goals[e.goal].candidates[e.chosen].recipe];
        tasks += recipe.tasks.size();
        for (const CompiledTask& t : recipe.tasks) deps += t.after.size();
      }
      stack.insert(stack.end(), e.children.begin(), e.children.end());
    }
    plan->goals.reserve(goals);
    plan->tasks.reserve(tasks);
    plan->dependencies.reserve(deps);
    used_ids_.reserve(goals + tasks);
  }

  std::string MakeId(absl::string_view prefix, absl::string_view text) {
    std::string base = absl::StrCat(prefix, Slug(text));
    if (used_ids_.insert(base).second) return base;
    int& n = next_suffix_[base];
    if (n < 2) n = 2;
    while (true) {
      std::string id = absl::StrCat(base, "-", n++);
      if (used_ids_.insert(id).second) return id;
    }
  }

  // Depth first along the chosen entries. A goal is emitted once, by the
  // first entry that reaches it; the entry's context is the emission path, so
  // its sub-goals are never on that path and the plan stays acyclic.
  absl::Status Emit(int entry_index, DecomposeResult* result) {
    const Entry& e = graph_.entries[entry_index];
    const GoalNode& node = graph_.goals[e.goal];
    if (emitted_[e.goal] >= 0) return absl::OkStatus();
    const int goal_pos = static_cast<int>(result->plan.goals.size());
    emitted_[e.goal] = goal_pos;
    {
      Goal goal;
      goal.id = MakeId("goal/", node.key);
      goal.title = node.display;
      goal.state = e.state;
      result->plan.goals.push_back(std::move(goal));
      result->explanations.emplace_back();
    }
    std::vector<std::string> sub_ids;
    for (int child : e.children) {
      RETURN_IF_ERROR(Emit(child, result));
      sub_ids.push_back(
          result->plan.goals[emitted_[graph_.entries[child].goal]].id);
    }
    std::vector<std::string> task_ids;
    std::string recipe_name;
    if (e.chosen >= 0) {
      const Candidate& c = node.candidates[e.chosen];
      const CompiledRecipe& recipe = book_.recipes[c.recipe];
      const Recipe& source = book_.book.recipes[c.recipe];
      recipe_name = source.name;
      Bindings bindings = recipe.pattern.Match(node.key, node.display).value();
      for (size_t t = 0; t < recipe.tasks.size(); ++t) {
        const RecipeTask& rt = source.tasks[t];
        Task task;
        task.title =
            CollapseWhitespace(recipe.tasks[t].title.Substitute(bindings));
        if (static_cast<int>(task.title.size()) > options_.max_text_length) {
          return TextLimitError(options_.max_text_length, task.title,
                                node.display);
        }
        task.id = MakeId("task/", task.title);
        task.duration_days = rt.duration_days;
        task.optimistic_days = rt.optimistic_days;
        task.pessimistic_days = rt.pessimistic_days;
        task.attributes = rt.attributes;
        task_ids.push_back(task.id);
        result->plan.tasks.push_back(std::move(task));
      }
      for (size_t t = 0; t < recipe.tasks.size(); ++t) {
        for (int a : recipe.tasks[t].after) {
          result->plan.dependencies.push_back({task_ids[a], task_ids[t], 0});
        }
      }
    }

    Goal& goal = result->plan.goals[goal_pos];
    goal.sub_goal_ids = std::move(sub_ids);
    goal.task_ids = std::move(task_ids);
    goal.recipe = recipe_name;
    result->explanations[goal_pos] = ExplainGoal(book_, graph_, e, goal);
    return absl::OkStatus();
  }

  const CompiledBook& book_;
  const DecomposeOptions& options_;
  const SearchGraph& graph_;

  std::vector<int> emitted_;  // Goal -> index in plan.goals, or -1.
  absl::flat_hash_set<std::string> used_ids_;
  absl::flat_hash_map<std::string, int> next_suffix_;
};

}  // namespace

std::string Slug(absl::string_view text) {
  constexpr size_t kMaxSlug = 96;
  std::string slug;
  bool dash = false;
  for (char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      if (dash && !slug.empty()) slug.push_back('-');
      dash = false;
      if (slug.size() >= kMaxSlug) break;
      slug.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else {
      dash = true;
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "untitled";
  return slug;
}

absl::StatusOr<DecomposeResult> EmitPlan(const CompiledBook& book,
                                         const Outcome& outcome,
                                         const DecomposeOptions& options,
                                         const SearchGraph& graph) {
  return Emitter(book, options, graph).Run(outcome);
}

}  // namespace backplan::decompose::internal
