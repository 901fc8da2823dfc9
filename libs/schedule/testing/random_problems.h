// Test-only random RCPSP instances (target backplan_schedule_testing, built
// with BACKPLAN_BUILD_TESTS and never linked into a server or tool): the
// small problems the engine's property tests check against brute force, in
// one place instead of per-test copies.
//
//   std::mt19937 gen(seed);
//   SmallProblemShape shape;
//   shape.jobs = 5;
//   rcpsp::Problem p = RandomSmallProblem(gen, shape);
//
// A problem is a pure function of the generator's state, so a seed names one
// instance.
#ifndef BACKPLAN_LIBS_SCHEDULE_TESTING_RANDOM_PROBLEMS_H_
#define BACKPLAN_LIBS_SCHEDULE_TESTING_RANDOM_PROBLEMS_H_

#include <random>

#include "libs/schedule/rcpsp.h"

namespace backplan {
namespace testing {

// The shape of RandomSmallProblem's instances. Chances are "one in N".
struct SmallProblemShape {
  int jobs = 5;
  int max_duration = 3;  // Durations are uniform in [0, max_duration].
  // Each forward pair a < b is a precedence (lag 0 or 1) with chance
  // 1/precedence_one_in.
  int precedence_one_in = 4;
  // Reduced periods: this many, or uniform in [0, 3] when negative.
  int reduced_periods = 3;
  int max_reduced_period = 6;  // Reduced periods start in [0, this].
};

// `shape.jobs` jobs on two resources of capacity 1-3, each demanding 0 to
// the capacity of each; forward precedences only (so index order is a
// topological order); reduced periods lowering one resource to below its
// capacity. Draws from `gen` in a fixed order.
rcpsp::Problem RandomSmallProblem(std::mt19937& gen,
                                  const SmallProblemShape& shape);

}  // namespace testing
}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_TESTING_RANDOM_PROBLEMS_H_
