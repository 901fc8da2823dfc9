#include "libs/prioritize/sidney.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/random/distributions.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/core/plan.h"
#include "libs/core/plan_graph.h"
#include "libs/prioritize/prioritize.h"

namespace backplan {
namespace {

using ::testing::ElementsAre;

// A problem from explicit edges over jobs of the given values and sizes.
OrderingProblem MakeProblem(std::vector<double> value, std::vector<double> size,
                            const std::vector<std::pair<int, int>>& edges) {
  OrderingProblem pb;
  const int n = static_cast<int>(value.size());
  pb.value = std::move(value);
  pb.size = std::move(size);
  std::vector<std::vector<int>> succ(n), pred(n);
  for (auto [u, v] : edges) {
    succ[u].push_back(v);
    pred[v].push_back(u);
  }
  pb.succ_offsets = {0};
  pb.pred_offsets = {0};
  for (int u = 0; u < n; ++u) {
    pb.succ.insert(pb.succ.end(), succ[u].begin(), succ[u].end());
    pb.pred.insert(pb.pred.end(), pred[u].begin(), pred[u].end());
    pb.succ_offsets.push_back(static_cast<int>(pb.succ.size()));
    pb.pred_offsets.push_back(static_cast<int>(pb.pred.size()));
  }
  std::vector<int> pending(n);
  for (int u = 0; u < n; ++u) pending[u] = static_cast<int>(pred[u].size());
  for (int u = 0; u < n; ++u) {
    if (pending[u] == 0) pb.topological_order.push_back(u);
  }
  for (size_t i = 0; i < pb.topological_order.size(); ++i) {
    for (int v : succ[pb.topological_order[i]]) {
      if (--pending[v] == 0) pb.topological_order.push_back(v);
    }
  }
  for (int u = 0; u < n; ++u) pb.tie_rank.push_back(u);
  return pb;
}

std::vector<int> Jobs(const Ordering& ordering) {
  std::vector<int> order;
  for (const OrderedJob& j : ordering.jobs) order.push_back(j.job);
  return order;
}

TEST(CompareRatios, EqualWithinOneInABillion) {
  EXPECT_EQ(CompareRatios(0.4, 0.39999999999999997), 0);
  EXPECT_EQ(CompareRatios(1.0, 1.0 + 1e-10), 0);
  EXPECT_EQ(CompareRatios(1.0, 1.0 + 1e-8), -1);
  EXPECT_EQ(CompareRatios(2, 1), 1);
  EXPECT_EQ(CompareRatios(0, 0), 0);
}

TEST(Sidney, LowValuePrerequisiteOfAValuableTaskGoesFirst) {
  // 0 (w 0, p 1) unlocks 1 (w 10, p 1); 2 (w 3, p 1) is independent. Taking
  // the best own ratio first (2) costs 3 + 0 + 30 = 33; 0, 1, 2 costs 20 + 9.
  OrderingProblem pb = MakeProblem({0, 10, 3}, {1, 1, 1}, {{0, 1}});
  ASSERT_OK_AND_ASSIGN(Ordering ordering, OrderForWeightedCompletion(pb));
  EXPECT_THAT(Jobs(ordering), ElementsAre(0, 1, 2));
  EXPECT_EQ(WeightedCompletion(pb, Jobs(ordering)), 29);
  ASSERT_EQ(ordering.sets.size(), 2u);
  EXPECT_EQ(ordering.sets[0].count, 2);
  EXPECT_DOUBLE_EQ(ordering.sets[0].ratio, 5);
}

TEST(Sidney, FreeNodesCarryPrecedenceAndAreNotOrdered) {
  // 0 -> goal 1 (free) -> 2.
  OrderingProblem pb = MakeProblem({1, 0, 9}, {1, 0, 1}, {{0, 1}, {1, 2}});
  ASSERT_OK_AND_ASSIGN(Ordering ordering, OrderForWeightedCompletion(pb));
  EXPECT_THAT(Jobs(ordering), ElementsAre(0, 2));
}

TEST(Sidney, EqualRatiosBreakByTieRank) {
  OrderingProblem pb = MakeProblem({2, 1, 4}, {2, 1, 4}, {});
  pb.tie_rank = {2, 0, 1};
  ASSERT_OK_AND_ASSIGN(Ordering ordering, OrderForWeightedCompletion(pb));
  EXPECT_THAT(Jobs(ordering), ElementsAre(1, 2, 0));
}

TEST(Sidney, RefusesInconsistentProblems) {
  OrderingProblem pb = MakeProblem({1, 2}, {0, 1}, {});
  EXPECT_THAT(
      OrderForWeightedCompletion(pb),
      testing::StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

TEST(Sidney, StopsWhenAsked) {
  OrderingProblem pb = MakeProblem({1, 2, 3}, {1, 1, 1}, {{0, 1}});
  OrderingOptions options;
  options.should_stop = [] { return true; };
  EXPECT_THAT(OrderForWeightedCompletion(pb, options),
              testing::StatusIs(absl::StatusCode::kCancelled, ::testing::_));
}

// ---------------------------------------------------------------------------
// Property test: Prioritize's WSJF order against the optimum by dynamic
// programming over prerequisite-closed subsets, on random plans of up to 12
// tasks in two shapes.

enum class Shape { kLoose, kOneFinalTask };

Plan RandomPlan(std::mt19937_64& gen, Shape shape) {
  auto uniform = [&gen](int lo, int hi) {
    return absl::Uniform(absl::IntervalClosed, gen, lo, hi);
  };
  const int n = uniform(2, 12);
  Plan plan;
  plan.version = 1;
  plan.outcome.title = "done";
  plan.outcome.target_date = absl::CivilDay(2030, 1, 1);
  for (int i = 0; i < n; ++i) {
    Task task;
    task.id = absl::StrCat("t", std::string(1, static_cast<char>('a' + i)));
    task.title = task.id;
    task.duration_days = uniform(1, 10);
    task.attributes.business_value = uniform(1, 10);
    task.attributes.time_criticality = uniform(1, 10);
    task.attributes.risk_reduction = uniform(1, 10);
    plan.tasks.push_back(task);
  }
  // Random forward edges in a random order; loose plans are sparse.
  std::vector<int> position(n);
  for (int i = 0; i < n; ++i) position[i] = i;
  std::shuffle(position.begin(), position.end(), gen);
  const int percent = shape == Shape::kLoose ? 15 : 30;
  std::vector<bool> has_successor(n, false);
  for (int a = 0; a < n; ++a) {
    for (int b = a + 1; b < n; ++b) {
      if (uniform(1, 100) <= percent) {
        plan.dependencies.push_back(
            {plan.tasks[position[a]].id, plan.tasks[position[b]].id, 0});
        has_successor[position[a]] = true;
      }
    }
  }
  if (shape == Shape::kOneFinalTask) {
    const int final_task = position[n - 1];
    for (int i = 0; i < n; ++i) {
      if (i != final_task && !has_successor[i]) {
        plan.dependencies.push_back(
            {plan.tasks[i].id, plan.tasks[final_task].id, 0});
      }
    }
  }
  // Sometimes a goal in the middle, so free nodes carry precedence.
  if (n >= 4 && uniform(0, 1) == 1) {
    Goal goal;
    goal.id = "g";
    goal.title = "g";
    goal.task_ids = {plan.tasks[position[0]].id, plan.tasks[position[1]].id};
    plan.goals.push_back(goal);
    plan.dependencies.push_back({"g", plan.tasks[position[n - 1]].id, 0});
  }
  return plan;
}

// Ancestors (tasks) of every task through the plan graph.
std::vector<uint32_t> TaskAncestors(const Plan& plan, const PlanGraph& graph) {
  const int n = static_cast<int>(plan.tasks.size());
  std::vector<uint32_t> anc(graph.nodes.size(), 0);
  for (int node : graph.topological_order) {
    for (const PlanGraph::Edge& e : graph.Predecessors(node)) {
      anc[node] |= anc[e.node];
      if (e.node < n) anc[node] |= 1u << e.node;
    }
  }
  anc.resize(n);
  return anc;
}

// True when the task order contains no induced "N" (series-parallel).
bool SeriesParallel(const std::vector<uint32_t>& anc) {
  const int n = static_cast<int>(anc.size());
  auto less = [&anc](int a, int b) { return (anc[b] >> a) & 1; };
  auto apart = [&](int a, int b) { return !less(a, b) && !less(b, a); };
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b)
      for (int c = 0; c < n; ++c)
        for (int d = 0; d < n; ++d) {
          if (a == b || a == c || a == d || b == c || b == d || c == d) {
            continue;
          }
          if (less(a, c) && less(b, c) && less(b, d) && apart(a, b) &&
              apart(a, d) && apart(c, d)) {
            return false;
          }
        }
  return true;
}

// min sum(w * C) over orders respecting `anc`.
double Optimum(const std::vector<double>& w, const std::vector<double>& p,
               const std::vector<uint32_t>& anc) {
  const int n = static_cast<int>(w.size());
  const uint32_t full = (1u << n) - 1;
  std::vector<double> best(full + 1, std::numeric_limits<double>::infinity());
  std::vector<double> time(full + 1, 0);
  best[0] = 0;
  for (uint32_t s = 0; s <= full; ++s) {
    if (best[s] == std::numeric_limits<double>::infinity()) continue;
    for (int j = 0; j < n; ++j) {
      if ((s >> j) & 1 || (anc[j] & ~s) != 0) continue;
      const uint32_t t = s | (1u << j);
      time[t] = time[s] + p[j];
      best[t] = std::min(best[t], best[s] + w[j] * time[t]);
    }
  }
  return best[full];
}

struct ShapeStats {
  int plans = 0, series_parallel = 0;
  double excess_sum = 0, fast_excess_sum = 0;
};

void CheckPlan(const Plan& plan, ShapeStats* stats) {
  ASSERT_OK_AND_ASSIGN(PlanGraph graph, BuildPlanGraph(plan));
  const std::vector<uint32_t> anc = TaskAncestors(plan, graph);
  PrioritizeOptions options;
  options.method = PrioritizationMethod::kWsjf;
  ASSERT_OK_AND_ASSIGN(Priorities p, Prioritize(plan, graph, options));
  options.exact_max_nodes = 0;
  ASSERT_OK_AND_ASSIGN(Priorities fast, Prioritize(plan, graph, options));
  ASSERT_TRUE(p.exact_order);
  ASSERT_FALSE(fast.exact_order);

  const int n = static_cast<int>(plan.tasks.size());
  std::vector<double> w(n), size(n);
  for (const TaskPriority& t : p.tasks) {
    w[t.task_index] = t.order_value;
    size[t.task_index] = t.order_size;
    const TaskAttributes& a = plan.tasks[t.task_index].attributes;
    ASSERT_EQ(t.order_value,
              a.business_value + a.time_criticality + a.risk_reduction);
    ASSERT_EQ(t.order_size, plan.tasks[t.task_index].duration_days);
  }
  const double optimum = Optimum(w, size, anc);
  auto cost = [&](const Priorities& pr) {
    uint32_t done = 0;
    double time = 0, sum = 0;
    for (const TaskPriority& t : pr.tasks) {
      EXPECT_EQ(anc[t.task_index] & ~done, 0u) << t.task_id << " too early";
      done |= 1u << t.task_index;
      time += size[t.task_index];
      sum += w[t.task_index] * time;
    }
    EXPECT_EQ(done, (1u << n) - 1);
    EXPECT_NEAR(sum, pr.weighted_completion, 1e-9 * sum);
    return sum;
  };
  const double got = cost(p), got_fast = cost(fast);
  ASSERT_GE(got, optimum * (1 - 1e-12));
  ASSERT_GE(got_fast, optimum * (1 - 1e-12));
  ++stats->plans;
  if (SeriesParallel(anc)) {
    ++stats->series_parallel;
    ASSERT_NEAR(got, optimum, 1e-9 * optimum) << "series-parallel plan";
  }
  stats->excess_sum += got / optimum - 1;
  stats->fast_excess_sum += got_fast / optimum - 1;
}

TEST(SidneyProperty, NearOptimalAndExactOnSeriesParallelPlans) {
  for (Shape shape : {Shape::kLoose, Shape::kOneFinalTask}) {
    std::mt19937_64 gen(shape == Shape::kLoose ? 19 : 1919);
    ShapeStats stats;
    for (int i = 0; i < 500; ++i) {
      const Plan plan = RandomPlan(gen, shape);
      SCOPED_TRACE(
          absl::StrCat("shape ", static_cast<int>(shape), " plan ", i));
      ASSERT_NO_FATAL_FAILURE(CheckPlan(plan, &stats));
    }
    const double average = stats.excess_sum / stats.plans;
    const double fast_average = stats.fast_excess_sum / stats.plans;
    std::printf(
        "shape %s: %d plans, %d series-parallel, average excess %.4f %% "
        "(fast variant %.4f %%)\n",
        shape == Shape::kLoose ? "loose" : "one final task", stats.plans,
        stats.series_parallel, 100 * average, 100 * fast_average);
    EXPECT_LE(average, 0.005);
    EXPECT_GT(stats.series_parallel, 50);
    EXPECT_LT(stats.series_parallel, stats.plans);  // Both kinds are tested.
  }
}

}  // namespace
}  // namespace backplan
