#include "tools/backplan-load/plan_gen.h"

#include <algorithm>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"

namespace backplan::load {
namespace {

void SetDate(int y, int m, int d, v1::Date* date) {
  date->set_year(y);
  date->set_month(m);
  date->set_day(d);
}

}  // namespace

v1::Plan GeneratePlan(const PlanShape& shape) {
  std::mt19937_64 rng(shape.seed);
  auto uniform = [&rng](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  const int n = std::max(1, shape.tasks);
  v1::Plan plan;
  plan.mutable_outcome()->set_title(
      absl::StrCat("Generated load-test outcome with ", n, " tasks"));
  plan.mutable_outcome()->add_success_criteria("every task is done");
  SetDate(2029, 1, 31, plan.mutable_outcome()->mutable_target_date());
  SetDate(2027, 1, 4, plan.mutable_outcome()->mutable_start_date());
  for (int i = 0; i < n; ++i) {
    v1::Task* task = plan.add_tasks();
    task->set_id(absl::StrCat("t", i));
    task->set_title(absl::StrCat("Generated task number ", i, " of the plan"));
    task->set_duration_days(uniform(1, 10));
    v1::TaskAttributes* attributes = task->mutable_attributes();
    attributes->set_importance(uniform(1, 10));
    attributes->set_difficulty(uniform(1, 10));
    attributes->set_business_value(uniform(1, 10));
    attributes->set_time_criticality(uniform(1, 10));
    attributes->set_risk_reduction(uniform(1, 10));
    if (i == 0) continue;
    const int predecessors = std::min(i, uniform(0, shape.max_predecessors));
    std::set<int> chosen;
    for (int p = 0; p < predecessors; ++p) {
      chosen.insert(uniform(std::max(0, i - 20), i - 1));
    }
    for (int p : chosen) {
      v1::Dependency* dependency = plan.add_dependencies();
      dependency->set_predecessor_id(absl::StrCat("t", p));
      dependency->set_successor_id(task->id());
    }
  }
  if (shape.goals > 0) {
    // g0 is the outcome: its sub-goals are g1.., which hold the tasks in
    // slices (dependencies only go forward, so no goal waits on itself).
    // With one goal, g0 holds every task.
    const int goals = std::min(shape.goals, n + 1);
    plan.set_outcome_goal_id("g0");
    for (int g = 0; g < goals; ++g) {
      v1::Goal* goal = plan.add_goals();
      goal->set_id(absl::StrCat("g", g));
      goal->set_title(absl::StrCat("Generated goal ", g, " holds"));
      goal->set_state(v1::BROKEN_DOWN);
      if (g == 0) {
        for (int s = 1; s < goals; ++s) {
          goal->add_sub_goal_ids(absl::StrCat("g", s));
        }
      }
    }
    const int holders = goals == 1 ? 1 : goals - 1;
    const int first = goals == 1 ? 0 : 1;
    for (int i = 0; i < n; ++i) {
      const int g =
          first + static_cast<int>(static_cast<int64_t>(i) * holders / n);
      plan.mutable_goals(g)->add_task_ids(absl::StrCat("t", i));
    }
  }
  return plan;
}

GeneratedBook GenerateBook(int tasks) {
  constexpr int kTasksPerRecipe = 5;
  GeneratedBook book;
  const int recipes =
      std::max(1, (tasks + kTasksPerRecipe - 1) / kTasksPerRecipe);
  std::string& y = book.yaml;
  y = "name: generated load-test book\nrecipes:\n";
  book.book.set_name("generated-load-test-book");
  for (int r = 0; r < recipes; ++r) {
    v1::Recipe* recipe = book.book.add_recipes();
    recipe->set_name(absl::StrCat("level-", r));
    recipe->set_goal(absl::StrCat("{product} level ", r, " done"));
    absl::StrAppend(&y, "  - name: level-", r, "\n");
    absl::StrAppend(&y, "    goal: \"{product} level ", r, " done\"\n");
    std::vector<int> children;
    for (int c : {2 * r + 1, 2 * r + 2}) {
      if (c < recipes) children.push_back(c);
    }
    if (!children.empty()) {
      y += "    sub_goals:\n";
      for (int c : children) {
        absl::StrAppend(&y, "      - \"{product} level ", c, " done\"\n");
        recipe->add_sub_goals(absl::StrCat("{product} level ", c, " done"));
      }
    }
    y += "    tasks:\n";
    for (int t = 0; t < kTasksPerRecipe; ++t) {
      v1::RecipeTask* task = recipe->add_tasks();
      task->set_title(
          absl::StrCat("step ", t, " of level ", r, " for {product}"));
      task->set_duration_days(1 + (r + t) % 7);
      task->mutable_attributes()->set_importance(1 + (r * 3 + t) % 10);
      task->mutable_attributes()->set_difficulty(1 + (r + t * 7) % 10);
      if (t > 0) {
        task->add_after(
            absl::StrCat("step ", t - 1, " of level ", r, " for {product}"));
      }
      absl::StrAppend(&y, "      - title: \"step ", t, " of level ", r,
                      " for {product}\"\n");
      absl::StrAppend(&y, "        days: ", 1 + (r + t) % 7, "\n");
      absl::StrAppend(&y,
                      "        attributes: {importance: ", 1 + (r * 3 + t) % 10,
                      ", difficulty: ", 1 + (r + t * 7) % 10, "}\n");
      if (t > 0) {
        absl::StrAppend(&y, "        after: [\"step ", t - 1, " of level ", r,
                        " for {product}\"]\n");
      }
    }
  }
  book.root_goal = "kindle level 0 done";
  book.tasks = recipes * kTasksPerRecipe;
  book.goals = recipes;
  return book;
}

}  // namespace backplan::load
