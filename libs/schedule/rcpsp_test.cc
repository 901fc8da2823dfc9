#include "libs/schedule/rcpsp.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/schedule/rcpsp_psplib.h"
#include "libs/schedule/testing/random_problems.h"
#include "libs/schedule/testing/test_helpers.h"

namespace backplan {
namespace rcpsp {
namespace {

using ::backplan::testing::RandomSmallProblem;
using ::backplan::testing::ReadPsplib;
using ::backplan::testing::SmallProblemShape;
using ::testing::ElementsAre;

// A random tiny instance: `n` jobs, 2 resources, forward-only precedences,
// three reduced periods if `reduced`.
Problem SeededSmallProblem(int n, uint32_t seed, bool reduced) {
  std::mt19937 gen(seed);
  SmallProblemShape shape;
  shape.jobs = n;
  shape.reduced_periods = reduced ? 3 : 0;
  return RandomSmallProblem(gen, shape);
}

// Best makespan over every precedence-feasible activity list.
int BestOverLists(const Problem& p) {
  std::vector<int> order(p.num_jobs());
  for (int j = 0; j < p.num_jobs(); ++j) order[j] = j;
  int best = std::numeric_limits<int>::max();
  do {
    bool feasible = true;
    std::vector<int> position(order.size());
    for (size_t i = 0; i < order.size(); ++i) position[order[i]] = i;
    for (const Precedence& pr : p.precedences) {
      if (position[pr.from] > position[pr.to]) feasible = false;
    }
    if (!feasible) continue;
    absl::StatusOr<std::vector<int>> start = ScheduleList(p, order);
    EXPECT_TRUE(start.ok()) << start.status();
    EXPECT_TRUE(CheckSchedule(p, *start).ok());
    best = std::min(best, Makespan(p, *start));
  } while (std::next_permutation(order.begin(), order.end()));
  return best;
}

// Best makespan over every vector of start times in [0, horizon). Jobs are
// enumerated in index order (SeededSmallProblem's precedences point forward),
// each from its predecessors' ends only, which prunes nothing feasible.
int BestOverStarts(const Problem& p, int horizon) {
  const int n = p.num_jobs();
  std::vector<int> start(n, 0);
  int best = std::numeric_limits<int>::max();
  std::function<void(int)> visit = [&](int j) {
    if (j == n) {
      if (CheckSchedule(p, start).ok()) {
        best = std::min(best, Makespan(p, start));
      }
      return;
    }
    int es = 0;
    for (const Precedence& pr : p.precedences) {
      if (pr.to == j) {
        es = std::max(es, start[pr.from] + p.duration[pr.from] + pr.lag);
      }
    }
    for (int t = es; t < horizon && t + p.duration[j] < best; ++t) {
      start[j] = t;
      visit(j + 1);
    }
  };
  visit(0);
  return best;
}

TEST(RcpspSolve, ChainOnOnePool) {
  Problem p;
  p.capacity = {2};
  p.duration = {3, 2};
  p.demand = {1, 2};
  p.precedences.push_back({0, 1, 0});
  absl::StatusOr<Result> result = Solve(p, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->start, ElementsAre(0, 3));
  EXPECT_EQ(result->makespan, 5);
  EXPECT_EQ(result->lower_bound, 5);
  EXPECT_EQ(result->gap_percent, 0.0);
}

TEST(RcpspSolve, ParallelJobsShareCapacity) {
  Problem p;
  p.capacity = {1};
  p.duration = {2, 2, 2};
  p.demand = {1, 1, 1};
  absl::StatusOr<Result> result = Solve(p, {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->makespan, 6);
  EXPECT_EQ(result->resource_bound, 6);
  EXPECT_EQ(result->critical_path_bound, 2);
  EXPECT_TRUE(CheckSchedule(p, result->start).ok());
}

TEST(RcpspSolve, LagsAndReleases) {
  Problem p;
  p.capacity = {1};
  p.duration = {2, 1};
  p.demand = {0, 0};
  p.release = {3, 0};
  p.precedences.push_back({0, 1, 2});
  absl::StatusOr<Result> result = Solve(p, {});
  ASSERT_TRUE(result.ok());
  EXPECT_THAT(result->start, ElementsAre(3, 7));
  EXPECT_EQ(result->critical_path_bound, 8);
}

TEST(RcpspSolve, ReducedCapacityDaysAreRespected) {
  Problem p;
  p.capacity = {2};
  p.duration = {2, 1};
  p.demand = {2, 1};
  // Only one person on periods 1 and 2.
  p.reduced = {{0, 1, 1}, {0, 2, 1}};
  absl::StatusOr<Result> result = Solve(p, {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->start[0], 3);  // Needs two people two periods in a row.
  EXPECT_LE(result->start[1], 2);
  EXPECT_TRUE(CheckSchedule(p, result->start).ok());
  // The resource bound counts the lost capacity: 5 units need periods 0-2
  // (2 + 1 + 1) and a fourth.
  EXPECT_EQ(result->resource_bound, 4);
}

TEST(RcpspSolve, ZeroCapacityPeriodBlocksEveryone) {
  Problem p;
  p.capacity = {3};
  p.duration = {1, 1, 1};
  p.demand = {1, 1, 1};
  p.reduced = {{0, 0, 0}, {0, 1, 0}};
  absl::StatusOr<Result> result = Solve(p, {});
  ASSERT_TRUE(result.ok());
  EXPECT_THAT(result->start, ElementsAre(2, 2, 2));
}

TEST(RcpspBruteForce, ListsReachTheOptimumOverAllStartTimes) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE(seed);
    const Problem p = SeededSmallProblem(5, seed, /*reduced=*/seed % 2 == 0);
    int horizon = 8;
    for (int d : p.duration) horizon += d + 1;
    horizon = std::min(horizon, 12);
    const int by_lists = BestOverLists(p);
    const int by_starts = BestOverStarts(p, horizon);
    if (by_starts != std::numeric_limits<int>::max()) {
      EXPECT_EQ(by_lists, by_starts);
    } else {
      EXPECT_GE(by_lists, horizon);  // Optimum beyond the enumerated range.
    }
  }
}

TEST(RcpspBruteForce, SolveFindsTheOptimumOfTinyInstances) {
  for (uint32_t seed = 100; seed < 160; ++seed) {
    SCOPED_TRACE(seed);
    const Problem p = SeededSmallProblem(7, seed, /*reduced=*/seed % 3 == 0);
    const int optimum = BestOverLists(p);
    Options options;
    options.max_schedules = 300;
    options.seed = seed;
    absl::StatusOr<Result> result = Solve(p, options);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(CheckSchedule(p, result->start).ok());
    EXPECT_EQ(result->makespan, optimum);
    EXPECT_LE(result->lower_bound, optimum);
  }
}

TEST(RcpspSolve, EverySampledScheduleIsFeasible) {
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    const Problem p = SeededSmallProblem(25, seed, /*reduced=*/true);
    for (int budget : {1, 2, 3, 7, 50}) {
      Options options;
      options.max_schedules = budget;
      options.seed = seed;
      absl::StatusOr<Result> result = Solve(p, options);
      ASSERT_TRUE(result.ok()) << result.status();
      EXPECT_TRUE(CheckSchedule(p, result->start).ok())
          << "seed " << seed << " budget " << budget;
      EXPECT_EQ(Makespan(p, result->start), result->makespan);
      EXPECT_LE(result->schedules, budget);
      EXPECT_GE(result->makespan, result->lower_bound);
    }
  }
}

TEST(RcpspSolve, DeterministicPerSeed) {
  const Problem p = SeededSmallProblem(40, 7, /*reduced=*/true);
  Options options;
  options.max_schedules = 200;
  options.seed = 42;
  absl::StatusOr<Result> a = Solve(p, options);
  absl::StatusOr<Result> b = Solve(p, options);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->start, b->start);
  EXPECT_EQ(a->schedules, b->schedules);
}

TEST(RcpspSolve, CallerOrderIsAPass) {
  Problem p;
  p.capacity = {1};
  p.duration = {1, 1};
  p.demand = {1, 1};
  Options options;
  options.max_schedules = 1;
  options.caller_order = {1, 0};
  absl::StatusOr<Result> result = Solve(p, options);
  ASSERT_TRUE(result.ok());
  EXPECT_THAT(result->start, ElementsAre(1, 0));
  EXPECT_EQ(result->best_rule, Rule::kCallerOrder);
}

TEST(RcpspSolve, OutOfTimeStopsAfterTheFirstSchedule) {
  const Problem p = SeededSmallProblem(30, 3, /*reduced=*/false);
  Options options;
  options.max_schedules = 1000;
  options.out_of_time = [] { return true; };
  absl::StatusOr<Result> result = Solve(p, options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->schedules, 1);
  EXPECT_TRUE(CheckSchedule(p, result->start).ok());
}

TEST(RcpspValidate, RefusesCyclesAndOverCapacity) {
  Problem p;
  p.capacity = {1};
  p.duration = {1, 1};
  p.demand = {1, 2};
  EXPECT_EQ(ValidateProblem(p).code(), absl::StatusCode::kInvalidArgument);
  p.demand = {1, 1};
  p.precedences = {{0, 1, 0}, {1, 0, 0}};
  EXPECT_EQ(Solve(p, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RcpspCheck, FindsOverloadAndPrecedence) {
  Problem p;
  p.capacity = {1};
  p.duration = {2, 2};
  p.demand = {1, 1};
  EXPECT_FALSE(CheckSchedule(p, std::vector<int>{0, 1}).ok());
  EXPECT_TRUE(CheckSchedule(p, std::vector<int>{0, 2}).ok());
  p.precedences = {{1, 0, 0}};
  EXPECT_FALSE(CheckSchedule(p, std::vector<int>{0, 2}).ok());
}

TEST(RcpspPsplib, ParsesAndSolvesAJ30Instance) {
  const std::string text = ReadPsplib("j30/j301_1.sm");
  if (text.empty()) GTEST_SKIP() << "no PSPLIB at " << BACKPLAN_PSPLIB_DIR;
  absl::StatusOr<PsplibInstance> instance = ParsePsplib(text);
  ASSERT_TRUE(instance.ok()) << instance.status();
  EXPECT_EQ(instance->problem.num_jobs(), 32);
  EXPECT_EQ(instance->problem.num_resources(), 4);
  EXPECT_THAT(instance->problem.capacity, ElementsAre(12, 13, 4, 12));
  EXPECT_EQ(instance->mpm_time, 38);
  Options options;
  options.max_schedules = 1000;
  absl::StatusOr<Result> result = Solve(instance->problem, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(CheckSchedule(instance->problem, result->start).ok());
  EXPECT_EQ(result->critical_path_bound, 38);
  EXPECT_EQ(result->makespan, 43);  // The proven optimum (j30opt.sm).
}

TEST(RcpspPsplib, ReadsTheOptimumList) {
  const std::string text = ReadPsplib("j30opt.sm");
  if (text.empty()) GTEST_SKIP() << "no PSPLIB at " << BACKPLAN_PSPLIB_DIR;
  const auto optima = ParsePsplibOptima(text);
  EXPECT_EQ(optima.size(), 480u);
  EXPECT_EQ(optima.at({1, 1}), 43);
}

}  // namespace
}  // namespace rcpsp
}  // namespace backplan
