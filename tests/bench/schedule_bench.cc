// Backward + forward scheduling of a 100,000-task plan (about 3 predecessors
// each) against a bare longest-path loop over the same CSR arrays: plain
// vectors of integers, no calendar, no output. docs/DESIGN.md asks the
// scheduler to stay within 3x of the bare pass; compare BM_Schedule* with
// BM_BareForwardBackward (same work: both passes) in one run.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "benchmark/benchmark.h"
#include "libs/core/calendar.h"
#include "libs/core/plan.h"
#include "libs/core/plan_graph.h"
#include "libs/schedule/cpm.h"

namespace backplan {
namespace {

constexpr int kTasks = 100000;
constexpr int kPredecessors = 3;
constexpr int kWindow = 2000;  // Predecessors come from the last 2,000 tasks.

struct LargePlan {
  Plan plan;
  PlanGraph graph;
  WorkingCalendar calendar = WorkingCalendar::Default();
};

const LargePlan& GetLargePlan() {
  static const LargePlan* fixture = [] {
    auto* f = new LargePlan;
    std::mt19937 gen(20260302);
    Plan& plan = f->plan;
    plan.id = "bench";
    plan.outcome.title = "Benchmark outcome";
    plan.outcome.start_date = absl::CivilDay(2026, 1, 5);
    plan.outcome.target_date = absl::CivilDay(2031, 12, 31);
    // Ten years of holidays, so calendar conversions pay their log factor.
    for (int year = 2026; year < 2036; ++year) {
      for (int m = 1; m <= 12; ++m) {
        plan.calendar.holidays.push_back(absl::CivilDay(year, m, 11));
      }
    }
    plan.tasks.reserve(kTasks);
    plan.dependencies.reserve(static_cast<size_t>(kTasks) * kPredecessors);
    for (int i = 0; i < kTasks; ++i) {
      Task task;
      task.id = absl::StrCat("t", i);
      task.duration_days = 1 + static_cast<int>(gen() % 10);
      plan.tasks.push_back(std::move(task));
      for (int k = 0; k < kPredecessors && i > 0; ++k) {
        const int lo = std::max(0, i - kWindow);
        const int from = lo + static_cast<int>(gen() % (i - lo));
        plan.dependencies.push_back(
            {plan.tasks[from].id, plan.tasks[i].id, gen() % 8 == 0 ? 1 : 0});
      }
    }
    f->graph = *BuildPlanGraph(plan);
    f->calendar = *WorkingCalendar::Create(plan.calendar);
    return f;
  }();
  return *fixture;
}

void SetCounters(benchmark::State& state, const PlanGraph& graph) {
  state.counters["nodes"] = static_cast<double>(graph.nodes.size());
  state.counters["edges"] = static_cast<double>(graph.num_edges());
}

void RunSchedule(benchmark::State& state, ScheduleMode mode) {
  const LargePlan& f = GetLargePlan();
  ScheduleRequest request;
  request.mode = mode;
  request.today = absl::CivilDay(2026, 1, 5);
  for (auto _ : state) {
    absl::StatusOr<Timeline> timeline =
        Schedule(f.plan, f.graph, f.calendar, request);
    if (!timeline.ok()) state.SkipWithError("schedule failed");
    benchmark::DoNotOptimize(timeline);
  }
  SetCounters(state, f.graph);
}

// Both passes (the scheduler always runs both), deadlines from the backward
// pass, plus dates, slack, reasons and the critical path.
void BM_ScheduleBackward(benchmark::State& state) {
  RunSchedule(state, ScheduleMode::kBackward);
}
BENCHMARK(BM_ScheduleBackward)->Unit(benchmark::kMillisecond);

void BM_ScheduleForward(benchmark::State& state) {
  RunSchedule(state, ScheduleMode::kForward);
}
BENCHMARK(BM_ScheduleForward)->Unit(benchmark::kMillisecond);

// What a stateless service call pays: validation and graph building too.
void BM_BuildGraphAndSchedule(benchmark::State& state) {
  const LargePlan& f = GetLargePlan();
  ScheduleRequest request;
  request.today = absl::CivilDay(2026, 1, 5);
  for (auto _ : state) {
    absl::StatusOr<Timeline> timeline = Schedule(f.plan, request);
    if (!timeline.ok()) state.SkipWithError("schedule failed");
    benchmark::DoNotOptimize(timeline);
  }
  SetCounters(state, f.graph);
}
BENCHMARK(BM_BuildGraphAndSchedule)->Unit(benchmark::kMillisecond);

// The bare baseline: longest path forward (earliest) and backward (latest)
// over the graph's own CSR vectors, integers only.
struct Bare {
  std::vector<int64_t> duration, es, ef, ls, lf;
};

Bare MakeBare(const PlanGraph& graph) {
  Bare b;
  const size_t n = graph.nodes.size();
  b.duration.resize(n);
  for (size_t i = 0; i < n; ++i) b.duration[i] = graph.nodes[i].duration_days;
  b.es.resize(n);
  b.ef.resize(n);
  b.ls.resize(n);
  b.lf.resize(n);
  return b;
}

void BareForward(const PlanGraph& graph, Bare& b) {
  for (const int n : graph.topological_order) {
    int64_t es = 0;
    for (int e = graph.pred_offsets[n]; e < graph.pred_offsets[n + 1]; ++e) {
      const PlanGraph::Edge& edge = graph.pred_edges[e];
      es = std::max(es, b.ef[edge.node] + edge.lag_days);
    }
    b.es[n] = es;
    b.ef[n] = es + b.duration[n];
  }
}

void BareBackward(const PlanGraph& graph, Bare& b, int64_t end) {
  for (auto it = graph.topological_order.rbegin();
       it != graph.topological_order.rend(); ++it) {
    const int n = *it;
    int64_t lf = end;
    for (int e = graph.succ_offsets[n]; e < graph.succ_offsets[n + 1]; ++e) {
      const PlanGraph::Edge& edge = graph.succ_edges[e];
      lf = std::min(lf, b.ls[edge.node] - edge.lag_days);
    }
    b.lf[n] = lf;
    b.ls[n] = lf - b.duration[n];
  }
}

void BM_BareForward(benchmark::State& state) {
  const LargePlan& f = GetLargePlan();
  Bare b = MakeBare(f.graph);
  for (auto _ : state) {
    BareForward(f.graph, b);
    benchmark::DoNotOptimize(b.ef.data());
    benchmark::ClobberMemory();
  }
  SetCounters(state, f.graph);
}
BENCHMARK(BM_BareForward)->Unit(benchmark::kMillisecond);

void BM_BareForwardBackward(benchmark::State& state) {
  const LargePlan& f = GetLargePlan();
  Bare b = MakeBare(f.graph);
  for (auto _ : state) {
    BareForward(f.graph, b);
    BareBackward(f.graph, b, b.ef[f.graph.outcome_node]);
    benchmark::DoNotOptimize(b.ls.data());
    benchmark::ClobberMemory();
  }
  SetCounters(state, f.graph);
}
BENCHMARK(BM_BareForwardBackward)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace backplan
