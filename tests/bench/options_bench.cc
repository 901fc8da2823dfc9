// Cut scope: exact branch and bound vs the greedy (libs/schedule/options.h)
// on 50 seeded random plans of 60 tasks and 8 goals with `items` optional
// tasks and goals, the target 5-20 % of the critical path earlier. Counters:
// plans where a cut exists (exact), where the greedy found one, where it lost
// more value, and the greedy's total value lost over the exact's (on plans
// both solved). Time is per plan.
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "libs/core/plan_graph.h"
#include "libs/schedule/options_internal.h"

namespace backplan {
namespace {

struct Case {
  Plan plan;
  PlanGraph graph;
  absl::flat_hash_map<std::string, double> values;
  int64_t aim = 0;
};

std::vector<Case> MakeCases(int items) {
  absl::BitGen gen(std::seed_seq{items});
  std::vector<Case> cases;
  while (cases.size() < 50) {
    Case c;
    Plan& plan = c.plan;
    plan.outcome.title = "bench";
    plan.outcome.target_date = absl::CivilDay(2030, 1, 1);
    plan.outcome_goal_id = "g0";
    constexpr int kGoals = 8, kTasks = 60;
    for (int g = 0; g < kGoals; ++g) {
      Goal goal;
      goal.id = absl::StrCat("g", g);
      goal.title = goal.id;
      if (g > 0)
        plan.goals[absl::Uniform(gen, 0, g)].sub_goal_ids.push_back(goal.id);
      plan.goals.push_back(goal);
    }
    for (int t = 0; t < kTasks; ++t) {
      Task task;
      task.id = absl::StrCat("t", t);
      task.title = task.id;
      task.duration_days = absl::Uniform(gen, 1, 15);
      plan.tasks.push_back(task);
      plan.goals[absl::Uniform(gen, 0, kGoals)].task_ids.push_back(task.id);
      c.values[task.id] = absl::Uniform(gen, 1, 11);
      if (t > 0 && absl::Bernoulli(gen, 0.5)) {
        plan.dependencies.push_back(
            {absl::StrCat("t", absl::Uniform(gen, 0, t)), task.id, 0});
      }
    }
    // Optional: a few goals, the rest tasks.
    int marked = 0;
    for (int g = 1; g < kGoals && marked < items / 5; ++g, ++marked) {
      plan.goals[g].optional = true;
    }
    while (marked < items) {
      Task& task = plan.tasks[absl::Uniform(gen, 0, kTasks)];
      if (!task.optional) {
        task.optional = true;
        ++marked;
      }
    }
    absl::StatusOr<PlanGraph> graph = BuildPlanGraph(plan);
    if (!graph.ok()) continue;
    c.graph = *std::move(graph);
    options_internal::CutModel model(c.plan, c.graph, c.values);
    std::vector<int64_t> scratch;
    const int64_t full =
        model.Finish(std::vector<char>(model.num_nodes(), 0), &scratch);
    c.aim = full - full * absl::Uniform(gen, 5, 21) / 100;
    cases.push_back(std::move(c));
  }
  return cases;
}

void BM_CutScope(benchmark::State& state) {
  const int items = static_cast<int>(state.range(0));
  const bool exact = state.range(1) != 0;
  std::vector<Case> cases = MakeCases(items);
  // The exact answers, once, outside the timing.
  std::vector<double> exact_values(cases.size(), -1);
  for (size_t i = 0; i < cases.size(); ++i) {
    options_internal::CutModel model(cases[i].plan, cases[i].graph,
                                     cases[i].values);
    options_internal::CutSearch reference(model, cases[i].aim, nullptr);
    (void)reference.Exact();
    if (reference.found()) exact_values[i] = reference.value();
  }
  double value = 0, exact_value = 0;
  int found = 0, worse = 0, exact_found = 0;
  for (auto _ : state) {
    value = exact_value = 0;
    found = worse = exact_found = 0;
    for (size_t i = 0; i < cases.size(); ++i) {
      const Case& c = cases[i];
      options_internal::CutModel model(c.plan, c.graph, c.values);
      options_internal::CutSearch search(model, c.aim, nullptr);
      benchmark::DoNotOptimize(exact ? search.Exact() : search.Greedy());
      found += search.found();
      exact_found += exact_values[i] >= 0;
      if (search.found() && exact_values[i] >= 0) {
        value += search.value();
        exact_value += exact_values[i];
        worse += search.value() > exact_values[i] + 1e-9;
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * cases.size());
  state.counters["plans"] = static_cast<double>(cases.size());
  state.counters["exact_found"] = exact_found;
  state.counters["found"] = found;
  state.counters["worse_than_exact"] = worse;
  state.counters["value_ratio"] = exact_value > 0 ? value / exact_value : 1.0;
}

BENCHMARK(BM_CutScope)
    ->ArgsProduct({{12, 16, 20}, {1, 0}})
    ->ArgNames({"items", "exact"})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace backplan
