// Monte Carlo simulation of a 1,000-task plan (about 3 predecessors each,
// three-point estimates on every task): 10,000 runs against 10,000 bare
// forward passes over the same graph (plain integer arrays in topological
// order, fixed durations, no draws, no statistics). The issue asks the
// simulation without people to stay within 4x of the bare passes (CPU time,
// one thread); with one pool of 10 people (one serial SGS pass per run) the
// figure is reported. BM_SimulatePool* split the runs over a compute pool.
// BM_SimulateTenPeopleCalendars names the 10 people and gives them calendars
// (days off, two part-timers, some tasks naming one of them): every run is
// then also staffed (member_calendar.h); its ratio to BM_SimulateTenPeople1k
// (the same 1,000 runs without calendars) is what the calendars cost.
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "benchmark/benchmark.h"
#include "libs/common/compute_pool.h"
#include "libs/core/plan.h"
#include "libs/core/plan_graph.h"
#include "libs/schedule/simulate.h"

namespace backplan {
namespace {

constexpr int kSimulatedTasks = 1000;
constexpr int kSimulatedPredecessors = 3;
constexpr int kSimulatedWindow = 100;
constexpr int kRuns = 10000;

Plan MakePlan(bool people, bool calendars = false) {
  std::mt19937 gen(20261129);
  Plan plan;
  plan.id = "bench";
  plan.outcome.title = "Benchmark outcome";
  plan.outcome.start_date = absl::CivilDay(2027, 1, 4);
  plan.outcome.target_date = absl::CivilDay(2028, 12, 29);
  if (people) plan.resources.push_back({"team", 10, {}, {}});
  if (calendars) {
    ResourcePool& team = plan.resources[0];
    for (int m = 0; m < 10; ++m) {
      team.members.push_back(absl::StrCat("m", m));
      MemberCalendar c;
      c.member = team.members.back();
      if (m < 2) {
        c.working_weekdays = {absl::Weekday::monday, absl::Weekday::tuesday,
                              absl::Weekday::wednesday};
      }
      for (int d = 0; d < 20; ++d) {
        c.days_off.push_back(*plan.outcome.start_date + (d * 37 + m * 3));
      }
      team.member_calendars.push_back(std::move(c));
    }
  }
  for (int i = 0; i < kSimulatedTasks; ++i) {
    Task task;
    task.id = absl::StrCat("t", i);
    task.duration_days = 1 + static_cast<int>(gen() % 10);
    task.optimistic_days =
        task.duration_days - static_cast<int>(gen() % task.duration_days);
    task.pessimistic_days =
        task.duration_days +
        static_cast<int>(gen() % static_cast<uint64_t>(2 * task.duration_days));
    if (people)
      task.demands.push_back({"team", 1 + static_cast<int>(gen() % 3)});
    if (calendars && task.demands[0].units == 1 && i % 10 == 0) {
      task.demands[0].member = absl::StrCat("m", 2 + i % 8);
    }
    plan.tasks.push_back(std::move(task));
    for (int k = 0; k < kSimulatedPredecessors && i > 0; ++k) {
      const int lo = std::max(0, i - kSimulatedWindow);
      const int from = lo + static_cast<int>(gen() % (i - lo));
      plan.dependencies.push_back(
          {plan.tasks[from].id, plan.tasks[i].id, gen() % 8 == 0 ? 1 : 0});
    }
  }
  return plan;
}

void BM_BareForwardPasses(benchmark::State& state) {
  const Plan plan = MakePlan(false);
  const PlanGraph graph = *BuildPlanGraph(plan);
  const int n = static_cast<int>(graph.nodes.size());
  std::vector<int> duration(n);
  for (int i = 0; i < n; ++i) duration[i] = graph.nodes[i].duration_days;
  std::vector<int64_t> finish(n);
  for (auto _ : state) {
    int64_t total = 0;
    for (int run = 0; run < kRuns; ++run) {
      for (const int v : graph.topological_order) {
        int64_t start = 0;
        for (const PlanGraph::Edge& e : graph.Predecessors(v)) {
          start = std::max(start, finish[e.node] + e.lag_days);
        }
        finish[v] = start + duration[v];
      }
      total += finish[graph.outcome_node];
    }
    benchmark::DoNotOptimize(total);
  }
  state.counters["runs"] = kRuns;
  state.counters["nodes"] = n;
}
BENCHMARK(BM_BareForwardPasses)->Unit(benchmark::kMillisecond);

void RunSimulate(benchmark::State& state, bool people, int threads,
                 bool calendars = false, int runs = kRuns) {
  const Plan plan = MakePlan(people, calendars);
  ComputePool pool(threads - 1);
  SimulationOptions options;
  options.iterations = runs;
  options.seed = 7;
  options.pool = threads > 1 ? &pool : nullptr;
  for (auto _ : state) {
    absl::StatusOr<SimulationResult> result = Simulate(plan, options);
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(result->probability_on_time);
  }
  state.counters["runs"] = runs;
}

void BM_Simulate(benchmark::State& state) { RunSimulate(state, false, 1); }
BENCHMARK(BM_Simulate)->Unit(benchmark::kMillisecond);

void BM_SimulatePool2(benchmark::State& state) { RunSimulate(state, false, 2); }
BENCHMARK(BM_SimulatePool2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SimulateTenPeople(benchmark::State& state) {
  RunSimulate(state, true, 1);
}
BENCHMARK(BM_SimulateTenPeople)->Unit(benchmark::kMillisecond)->Iterations(2);

// 1,000 runs each: the pair whose ratio is the calendars' cost.
void BM_SimulateTenPeople1k(benchmark::State& state) {
  RunSimulate(state, true, 1, /*calendars=*/false, 1000);
}
BENCHMARK(BM_SimulateTenPeople1k)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_SimulateTenPeopleCalendars(benchmark::State& state) {
  RunSimulate(state, true, 1, /*calendars=*/true, 1000);
}
BENCHMARK(BM_SimulateTenPeopleCalendars)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);

}  // namespace
}  // namespace backplan
