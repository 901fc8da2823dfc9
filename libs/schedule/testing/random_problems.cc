#include "libs/schedule/testing/random_problems.h"

namespace backplan {
namespace testing {

rcpsp::Problem RandomSmallProblem(std::mt19937& gen,
                                  const SmallProblemShape& shape) {
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(gen);
  };
  rcpsp::Problem p;
  p.capacity = {uniform(1, 3), uniform(1, 3)};
  for (int j = 0; j < shape.jobs; ++j) {
    p.duration.push_back(uniform(0, shape.max_duration));
    for (int r = 0; r < 2; ++r) p.demand.push_back(uniform(0, p.capacity[r]));
  }
  for (int a = 0; a < shape.jobs; ++a) {
    for (int b = a + 1; b < shape.jobs; ++b) {
      if (uniform(0, shape.precedence_one_in - 1) == 0) {
        p.precedences.push_back({a, b, uniform(0, 1)});
      }
    }
  }
  const int reduced =
      shape.reduced_periods >= 0 ? shape.reduced_periods : uniform(0, 3);
  for (int i = 0; i < reduced; ++i) {
    const int r = uniform(0, 1);
    p.reduced.push_back({r, uniform(0, shape.max_reduced_period),
                         uniform(0, p.capacity[r] - 1)});
  }
  return p;
}

}  // namespace testing
}  // namespace backplan
