// Prioritize() on a 100,000-task plan, one benchmark per method, plus the
// graph build it usually shares with scheduling. A plan that large takes the
// fast ordering (above PrioritizeOptions::exact_max_nodes); the exact Sidney
// ordering is measured on 50- and 1,000-node plans of the same shape.
//
// The plan: a binary tree of 1,000 goals with 100 tasks each; every goal's
// sub-goals precede its tasks, and each task depends on up to two earlier
// tasks of its goal. About 100k nodes and 300k edges.
#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "libs/core/plan.h"
#include "libs/core/plan_graph.h"
#include "libs/prioritize/prioritize.h"

namespace backplan {
namespace {

constexpr int kGoals = 1000;
constexpr int kTasksPerGoal = 100;

Plan MakeBigPlan(int goals = kGoals, int tasks_per_goal = kTasksPerGoal) {
  std::mt19937 rng(42);
  auto uniform = [&rng](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  const double impacts[] = {3, 2, 1, 0.5, 0.25};
  Plan plan;
  plan.version = 1;
  plan.outcome.title = "benchmark";
  plan.outcome.target_date = absl::CivilDay(2030, 1, 1);
  plan.tasks.reserve(static_cast<size_t>(goals) * tasks_per_goal);
  for (int g = 0; g < goals; ++g) {
    Goal goal;
    goal.id = absl::StrCat("g", g);
    goal.title = goal.id;
    for (int child : {2 * g + 1, 2 * g + 2}) {
      if (child < goals) goal.sub_goal_ids.push_back(absl::StrCat("g", child));
    }
    for (int k = 0; k < tasks_per_goal; ++k) {
      Task task;
      task.id = absl::StrCat("t", g, "_", k);
      task.title = task.id;
      task.duration_days = uniform(1, 10);
      TaskAttributes& a = task.attributes;
      a.importance = uniform(1, 10);
      a.difficulty = uniform(1, 10);
      a.business_value = uniform(1, 10);
      a.time_criticality = uniform(1, 10);
      a.risk_reduction = uniform(1, 10);
      a.rice_reach = uniform(0, 5000);
      a.rice_impact = impacts[uniform(0, 4)];
      a.rice_confidence = uniform(1, 10) / 10.0;
      a.rice_effort = uniform(1, 20);
      goal.task_ids.push_back(task.id);
      for (int d = 0; d < 2 && k > 0; ++d) {
        plan.dependencies.push_back(
            {absl::StrCat("t", g, "_", uniform(0, k - 1)), task.id, 0});
      }
      plan.tasks.push_back(std::move(task));
    }
    plan.goals.push_back(std::move(goal));
  }
  plan.outcome_goal_id = "g0";
  return plan;
}

const Plan& BigPlan() {
  static const Plan* plan = new Plan(MakeBigPlan());
  return *plan;
}

const PlanGraph& BigGraph() {
  static const PlanGraph* graph = new PlanGraph(*BuildPlanGraph(BigPlan()));
  return *graph;
}

void Run(benchmark::State& state, const PrioritizeOptions& options) {
  const Plan& plan = BigPlan();
  const PlanGraph& graph = BigGraph();
  for (auto _ : state) {
    auto result = Prioritize(plan, graph, options);
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(plan.tasks.size()));
  state.counters["edges"] = graph.num_edges();
}

PrioritizeOptions Method(PrioritizationMethod method) {
  PrioritizeOptions options;
  options.method = method;
  options.capacity_days = 100000;
  return options;
}

void BM_Importance(benchmark::State& state) {
  Run(state, Method(PrioritizationMethod::kImportance));
}
void BM_HardestFirst(benchmark::State& state) {
  Run(state, Method(PrioritizationMethod::kHardestFirst));
}
void BM_QuickWins(benchmark::State& state) {
  Run(state, Method(PrioritizationMethod::kQuickWins));
}
void BM_Wsjf(benchmark::State& state) {
  Run(state, Method(PrioritizationMethod::kWsjf));
}
void BM_WsjfWithSlack(benchmark::State& state) {
  PrioritizeOptions options = Method(PrioritizationMethod::kWsjf);
  options.use_schedule_slack = true;
  std::mt19937 rng(7);
  for (const Task& task : BigPlan().tasks) {
    options.slack_days[task.id] =
        std::uniform_int_distribution<int>(0, 60)(rng);
  }
  Run(state, options);
}
void BM_Rice(benchmark::State& state) {
  Run(state, Method(PrioritizationMethod::kRice));
}
void BM_Weighted(benchmark::State& state) {
  PrioritizeOptions options = Method(PrioritizationMethod::kWeighted);
  options.criteria = {{Criterion::kImportance, 4},
                      {Criterion::kBusinessValue, 2},
                      {Criterion::kRiskReduction, 1},
                      {Criterion::kDifficulty, 1, true},
                      {Criterion::kJobSize, 1, true}};
  Run(state, options);
}
void BM_WeightedAhp(benchmark::State& state) {
  PrioritizeOptions options = Method(PrioritizationMethod::kWeighted);
  options.criteria = {{Criterion::kImportance},
                      {Criterion::kBusinessValue},
                      {Criterion::kJobSize, 0, true}};
  options.ahp_matrix = {{1, 3, 5}, {1.0 / 3, 1, 2}, {1.0 / 5, 1.0 / 2, 1}};
  Run(state, options);
}
// The exact ordering on a plan of state.range(0) goals of 10 tasks.
void BM_WsjfExact(benchmark::State& state) {
  const Plan plan = MakeBigPlan(static_cast<int>(state.range(0)), 10);
  const PlanGraph graph = *BuildPlanGraph(plan);
  PrioritizeOptions options = Method(PrioritizationMethod::kWsjf);
  for (auto _ : state) {
    auto result = Prioritize(plan, graph, options);
    if (!result.ok() || !result->exact_order) {
      state.SkipWithError("not exact");
      return;
    }
    benchmark::DoNotOptimize(result);
  }
  state.counters["nodes"] = static_cast<double>(graph.nodes.size());
}

// The plan of `backplan-load --scenario=prioritize` (tools/backplan-load
// GeneratePlan, same RNG draws, no goals): `n` tasks of 1-10 days, each with
// 0-3 predecessors among the 20 tasks before it. Not series-parallel, so the
// exact ordering's cuts dominate.
Plan MakeLoadPlan(int n) {
  std::mt19937_64 rng(1);
  auto uniform = [&rng](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  Plan plan;
  plan.version = 1;
  plan.outcome.title = "generated";
  plan.outcome.target_date = absl::CivilDay(2029, 1, 31);
  plan.outcome.start_date = absl::CivilDay(2027, 1, 4);
  for (int i = 0; i < n; ++i) {
    Task task;
    task.id = absl::StrCat("t", i);
    task.title = task.id;
    task.duration_days = uniform(1, 10);
    TaskAttributes& a = task.attributes;
    a.importance = uniform(1, 10);
    a.difficulty = uniform(1, 10);
    a.business_value = uniform(1, 10);
    a.time_criticality = uniform(1, 10);
    a.risk_reduction = uniform(1, 10);
    if (i > 0) {
      const int predecessors = std::min(i, uniform(0, 3));
      std::set<int> chosen;
      for (int p = 0; p < predecessors; ++p) {
        chosen.insert(uniform(std::max(0, i - 20), i - 1));
      }
      for (int p : chosen) {
        plan.dependencies.push_back({absl::StrCat("t", p), task.id, 0});
      }
    }
    plan.tasks.push_back(std::move(task));
  }
  return plan;
}

// Prioritize() as the inline Prioritize load scenario calls it (the
// service's default: kWeighted with default weights) on a plan of
// state.range(0) tasks; BM_LoadPlanGraph is the graph build alone.
void BM_LoadPlan(benchmark::State& state) {
  const Plan plan = MakeLoadPlan(static_cast<int>(state.range(0)));
  const PlanGraph graph = *BuildPlanGraph(plan);
  PrioritizeOptions options;
  options.method = PrioritizationMethod::kWeighted;
  for (auto _ : state) {
    auto result = Prioritize(plan, graph, options);
    if (!result.ok() || !result->exact_order) {
      state.SkipWithError("not exact");
      return;
    }
    benchmark::DoNotOptimize(result);
  }
}
void BM_LoadPlanGraph(benchmark::State& state) {
  const Plan plan = MakeLoadPlan(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto graph = BuildPlanGraph(plan);
    benchmark::DoNotOptimize(graph);
  }
}

void BM_BuildPlanGraph(benchmark::State& state) {
  const Plan& plan = BigPlan();
  for (auto _ : state) {
    auto graph = BuildPlanGraph(plan);
    benchmark::DoNotOptimize(graph);
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(plan.tasks.size()));
}

BENCHMARK(BM_Importance)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HardestFirst)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QuickWins)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Wsjf)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WsjfWithSlack)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Rice)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Weighted)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WeightedAhp)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WsjfExact)->Arg(5)->Arg(90)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BuildPlanGraph)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadPlan)->Arg(50)->Arg(200)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_LoadPlanGraph)->Arg(50)->Arg(200)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace backplan
