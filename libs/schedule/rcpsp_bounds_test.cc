// The lower bounds of rcpsp::Solve against proven optima: every j30
// instance of PSPLIB (j30opt.sm), and hand-made cases where each bound is
// the one that counts.
#include <algorithm>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/schedule/rcpsp.h"
#include "libs/schedule/rcpsp_psplib.h"
#include "libs/schedule/testing/test_helpers.h"

namespace backplan {
namespace rcpsp {
namespace {

using ::backplan::testing::ReadPsplib;

Result Bounds(const Problem& problem) {
  Options options;
  options.max_schedules = 1;  // The bounds come before any schedule.
  absl::StatusOr<Result> result = Solve(problem, options);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : Result{};
}

TEST(RcpspBounds, NeverAboveTheProvenOptimumOnJ30) {
  const std::string optima_text = ReadPsplib("j30opt.sm");
  if (optima_text.empty())
    GTEST_SKIP() << "no PSPLIB at " << BACKPLAN_PSPLIB_DIR;
  const auto optima = ParsePsplibOptima(optima_text);
  double old_gap = 0, new_gap = 0;
  int instances = 0, improved = 0;
  for (const auto& [key, optimum] : optima) {
    const std::string text =
        ReadPsplib(absl::StrCat("j30/j30", key.first, "_", key.second, ".sm"));
    ASSERT_FALSE(text.empty()) << key.first << "_" << key.second;
    absl::StatusOr<PsplibInstance> instance = ParsePsplib(text);
    ASSERT_TRUE(instance.ok()) << instance.status();
    const Result r = Bounds(instance->problem);
    SCOPED_TRACE(absl::StrCat("j30", key.first, "_", key.second));
    EXPECT_LE(r.energy_bound, optimum);
    EXPECT_LE(r.conflict_bound, optimum);
    EXPECT_LE(r.lower_bound, optimum);
    const int old_bound = std::max(r.critical_path_bound, r.resource_bound);
    EXPECT_GE(r.lower_bound, old_bound);
    old_gap += 100.0 * (optimum - old_bound) / optimum;
    new_gap += 100.0 * (optimum - r.lower_bound) / optimum;
    improved += r.lower_bound > old_bound;
    ++instances;
  }
  EXPECT_EQ(instances, 480);
  EXPECT_LT(new_gap, old_gap);  // Stronger on the set as a whole.
  // Figures for BENCHMARKS.md ("Honest bounds").
  std::printf(
      "j30: %d instances; mean gap of the bound below the optimum: "
      "critical path / resource %.2f %%, with energy and conflict bounds "
      "%.2f %%; stronger on %d instances\n",
      instances, old_gap / instances, new_gap / instances, improved);
}

TEST(RcpspBounds, ConflictBoundSumsJobsThatCannotOverlap) {
  // Capacity 3; three jobs of 2 periods needing 2 each: pairwise exclusive,
  // so 6 periods, while work / capacity gives ceil(12 / 3) = 4.
  Problem p;
  p.capacity = {3};
  p.duration = {2, 2, 2};
  p.demand = {2, 2, 2};
  const Result r = Bounds(p);
  EXPECT_EQ(r.resource_bound, 4);
  EXPECT_EQ(r.conflict_bound, 6);
  EXPECT_EQ(r.lower_bound, 6);
}

TEST(RcpspBounds, EnergyBoundAddsHeadsAndTails) {
  // A 3-period lead-in (no resource) before two 2-period jobs on the only
  // person, then a 3-period tail: 3 + 4 + 3 = 10; the critical path is 8
  // and work / capacity 4.
  Problem p;
  p.capacity = {1};
  p.duration = {3, 2, 2, 3};
  p.demand = {0, 1, 1, 0};
  p.precedences = {{0, 1, 0}, {0, 2, 0}, {1, 3, 0}, {2, 3, 0}};
  const Result r = Bounds(p);
  EXPECT_EQ(r.critical_path_bound, 8);
  EXPECT_EQ(r.resource_bound, 4);
  EXPECT_EQ(r.energy_bound, 10);
  EXPECT_EQ(r.lower_bound, 10);
}

}  // namespace
}  // namespace rcpsp
}  // namespace backplan
