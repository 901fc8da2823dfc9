#include "libs/schedule/resource_slack.h"

#include <algorithm>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/schedule/testing/random_problems.h"

namespace backplan {
namespace rcpsp {
namespace {

using ::backplan::testing::RandomSmallProblem;
using ::backplan::testing::SmallProblemShape;
using ::testing::ElementsAre;

// A random small instance: `n` jobs, 2 resources, forward precedences with
// lags, up to three short-handed periods.
Problem RandomProblem(int n, std::mt19937& gen) {
  SmallProblemShape shape;
  shape.jobs = n;
  shape.max_duration = 4;
  shape.precedence_one_in = 5;
  shape.reduced_periods = -1;
  shape.max_reduced_period = 12;
  return RandomSmallProblem(gen, shape);
}

// The definition in resource_slack.h, by brute force: delay job j by
// `delta`, push everything the kept order forces to a fixed point, and say
// whether the makespan held (and no job crossed onto a short-handed day).
// Every delayed schedule must also pass the independent CheckSchedule.
bool DelayKeepsFinish(const Problem& p, const std::vector<int>& start, int j,
                      int delta) {
  const int n = p.num_jobs();
  const int k = p.num_resources();
  std::vector<int> s = start;
  s[j] += delta;
  auto shares = [&](int a, int b) {
    if (p.duration[a] == 0 || p.duration[b] == 0) return false;
    for (int r = 0; r < k; ++r) {
      if (p.Demand(a, r) > 0 && p.Demand(b, r) > 0) return true;
    }
    return false;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (const Precedence& pr : p.precedences) {
      const int need = s[pr.from] + p.duration[pr.from] + pr.lag;
      if (s[pr.to] < need) s[pr.to] = need, changed = true;
    }
    for (int a = 0; a < n; ++a) {
      for (int b = 0; b < n; ++b) {
        if (a == b || !shares(a, b)) continue;
        if (start[a] + p.duration[a] > start[b]) continue;
        const int need = s[a] + p.duration[a];
        if (s[b] < need) s[b] = need, changed = true;
      }
    }
  }
  for (const ReducedCapacity& red : p.reduced) {
    if (red.capacity >= p.capacity[red.resource]) continue;
    for (int a = 0; a < n; ++a) {
      if (p.duration[a] == 0 || p.Demand(a, red.resource) == 0) continue;
      if (start[a] + p.duration[a] <= red.period &&
          s[a] + p.duration[a] > red.period) {
        return false;
      }
    }
  }
  EXPECT_TRUE(CheckSchedule(p, s).ok())
      << "delaying job " << j << " by " << delta << ": " << CheckSchedule(p, s);
  return Makespan(p, s) <= Makespan(p, start);
}

void ExpectMatchesBruteForce(const Problem& p, const std::vector<int>& start) {
  absl::StatusOr<ResourceSlack> slack = ComputeResourceSlack(p, start);
  ASSERT_TRUE(slack.ok()) << slack.status();
  const int m = Makespan(p, start);
  for (int j = 0; j < p.num_jobs(); ++j) {
    int brute = 0;
    while (brute <= m && DelayKeepsFinish(p, start, j, brute + 1)) ++brute;
    // Once the finish moves, a longer delay never brings it back.
    for (int delta = brute + 1; delta <= brute + 3; ++delta) {
      EXPECT_FALSE(DelayKeepsFinish(p, start, j, delta)) << j << " " << delta;
    }
    EXPECT_EQ(slack->slack[j], brute) << "job " << j;
    EXPECT_EQ(slack->critical[j], brute == 0) << "job " << j;
  }
}

TEST(ResourceSlack, MatchesBruteForceOnSolvedSchedules) {
  std::mt19937 gen(2201);
  for (int round = 0; round < 150; ++round) {
    const Problem p = RandomProblem(2 + round % 7, gen);
    Options options;
    options.max_schedules = 20;
    options.seed = round;
    absl::StatusOr<Result> result = Solve(p, options);
    ASSERT_TRUE(result.ok()) << result.status();
    SCOPED_TRACE(round);
    ExpectMatchesBruteForce(p, result->start);
  }
}

TEST(ResourceSlack, MatchesBruteForceOnArbitraryLists) {
  // Schedules from random activity lists are far from optimal: lots of
  // slack, and jobs that wait on resources rather than precedences.
  std::mt19937 gen(77);
  for (int round = 0; round < 150; ++round) {
    const Problem p = RandomProblem(3 + round % 6, gen);
    std::vector<int> order(p.num_jobs());
    for (int j = 0; j < p.num_jobs(); ++j) order[j] = j;  // Topological.
    // Shuffle while keeping precedences: swap neighbours not related.
    for (int i = 0; i < 20; ++i) {
      const int a =
          std::uniform_int_distribution<int>(0, p.num_jobs() - 2)(gen);
      bool related = false;
      for (const Precedence& pr : p.precedences) {
        if (pr.from == order[a] && pr.to == order[a + 1]) related = true;
      }
      if (!related) std::swap(order[a], order[a + 1]);
    }
    absl::StatusOr<std::vector<int>> start = ScheduleList(p, order);
    ASSERT_TRUE(start.ok()) << start.status();
    SCOPED_TRACE(round);
    ExpectMatchesBruteForce(p, *start);
  }
}

TEST(ResourceSlack, SecondUserOfOnePersonWaitsForTheFirst) {
  // a (3 periods) and b (2) both need the only tester; c (1) needs nobody.
  Problem p;
  p.capacity = {1};
  p.duration = {3, 2, 1};
  p.demand = {1, 1, 0};
  const std::vector<int> start = {0, 3, 0};
  absl::StatusOr<ResourceSlack> slack = ComputeResourceSlack(p, start);
  ASSERT_TRUE(slack.ok()) << slack.status();
  EXPECT_THAT(slack->slack, ElementsAre(0, 0, 4));
  EXPECT_THAT(slack->critical, ElementsAre(true, true, false));
  EXPECT_EQ(slack->wait[1].kind, Wait::Kind::kResource);
  EXPECT_EQ(slack->wait[1].job, 0);
  EXPECT_EQ(slack->wait[1].resource, 0);
  EXPECT_EQ(slack->wait[0].kind, Wait::Kind::kNone);
}

TEST(ResourceSlack, PrecedenceIsNamedBeforeAResource) {
  Problem p;
  p.capacity = {1};
  p.duration = {2, 2};
  p.demand = {1, 1};
  p.precedences.push_back({0, 1, 0});
  absl::StatusOr<ResourceSlack> slack = ComputeResourceSlack(p, {0, 2});
  ASSERT_TRUE(slack.ok()) << slack.status();
  EXPECT_EQ(slack->wait[1].kind, Wait::Kind::kPrecedence);
  EXPECT_EQ(slack->wait[1].job, 0);
}

TEST(ResourceSlack, ShortHandedDayHoldsAJobBeforeIt) {
  // The only person is away on period 3; a ends at 2 and may slip one
  // period only, though the makespan (b until 6) leaves more room.
  Problem p;
  p.capacity = {1};
  p.duration = {2, 2};
  p.demand = {1, 0};
  p.reduced.push_back({0, 3, 0});
  absl::StatusOr<ResourceSlack> slack = ComputeResourceSlack(p, {0, 4});
  ASSERT_TRUE(slack.ok()) << slack.status();
  EXPECT_THAT(slack->slack, ElementsAre(1, 0));
}

TEST(ResourceSlack, RefusesAnInfeasibleSchedule) {
  Problem p;
  p.capacity = {1};
  p.duration = {2, 2};
  p.demand = {1, 1};
  EXPECT_EQ(ComputeResourceSlack(p, {0, 1}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ComputeResourceSlack(p, {0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rcpsp
}  // namespace backplan
